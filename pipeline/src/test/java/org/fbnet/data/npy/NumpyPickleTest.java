package org.fbnet.data.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ROI mapping files against numpy's: the references (golden_refs/numpy_pickle.py) hold a mapping that
 * exercises every integer opcode, non-ASCII names and more than 256 memo slots, numpy 2.x's protocol-4
 * files, numpy scalar keys and files that are no mapping.
 */
class NumpyPickleTest {
    private static final Configuration CONF = HadoopConf.create();

    @TempDir
    java.nio.file.Path dir;

    private static Map<Integer, String> mapping(JsonNode m) {
        Map<Integer, String> out = new TreeMap<>();
        m.fields().forEachRemaining(e -> out.put(Integer.parseInt(e.getKey()), e.getValue().textValue()));
        return out;
    }

    private static Map<Integer, String> read(java.nio.file.Path f) throws Exception {
        return NumpyPickle.readMapping(new Path(f.toString()), CONF);
    }

    /** Every mapping numpy saved reads back as the dict numpy was given. */
    private static void readsWhatNumpySaves(java.nio.file.Path refs) throws Exception {
        JsonNode expected = Golden.json(refs.resolve("expected.json"));
        for (String f : new String[] {"mapping_floc-bodies.npy", "empty.npy", "one.npy", "numpy2.npy", "npkeys.npy"}) {
            assertEquals(mapping(expected.get(f)), read(refs.resolve(f)), f);
        }
        assertTrue(new String(Files.readAllBytes(refs.resolve("numpy2.npy")), StandardCharsets.ISO_8859_1).contains("numpy._core.multiarray"),
                "the numpy 2.x file pickles numpy._core");
    }

    /** What we write for the same dicts is numpy 1.x's file byte for byte. */
    private void writesTheBytesNumpyWrites(java.nio.file.Path refs) throws Exception {
        JsonNode expected = Golden.json(refs.resolve("expected.json"));
        for (String f : new String[] {"mapping_floc-bodies.npy", "empty.npy", "one.npy"}) {
            java.nio.file.Path ours = dir.resolve("ours-" + f);
            NumpyPickle.writeMapping(new Path(ours.toString()), CONF, mapping(expected.get(f)));
            assertArrayEquals(Files.readAllBytes(refs.resolve(f)), Files.readAllBytes(ours), f + ": our bytes differ from numpy's");
        }
    }

    private static void rejectsFilesThatAreNoIntToStrDict(java.nio.file.Path refs) {
        java.nio.file.Path bad = refs.resolve("bad");
        assertTrue(rejected(bad, "numeric.npy").contains("numeric"));
        assertTrue(rejected(bad, "list.npy").contains("0-d"));
        assertTrue(rejected(bad, "strkeys.npy").contains("not an integer label"));
        assertTrue(rejected(bad, "floatkeys.npy").contains("not an integer label"));
        assertTrue(rejected(bad, "intvalues.npy").contains("expected a ROI name"));
        assertTrue(rejected(bad, "notadict.npy").contains("expected a dict"));
        assertTrue(rejected(bad, "truncated.npy").contains("pickle"));
        assertTrue(rejected(bad, "garbage.npy").contains("not an NPY file"));
    }

    private static String rejected(java.nio.file.Path bad, String name) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> read(bad.resolve(name)));
        assertTrue(e.getMessage().contains(name), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsWhatNumpy1And2Save() throws Exception {
        readsWhatNumpySaves(Golden.dir("numpy-pickle"));
    }

    @Test
    void writesTheBytesNumpy1Writes() throws Exception {
        writesTheBytesNumpyWrites(Golden.dir("numpy-pickle"));
    }

    @Test
    void rejectsFilesThatAreNotAnIntToStrDictWithTheFileNamed() {
        rejectsFilesThatAreNoIntToStrDict(Golden.dir("numpy-pickle"));
        NpyFormatException missing = assertThrows(NpyFormatException.class, () -> read(dir.resolve("absent.npy")));
        assertTrue(missing.getMessage().contains("absent.npy") && missing.getMessage().contains("not found"));
    }

    @Test
    void roundTripsAMappingThroughOurWriterAndReader() throws Exception {
        Map<Integer, String> m = mapping(Golden.json(Golden.dir("numpy-pickle").resolve("expected.json")).get("mapping_floc-bodies.npy"));
        java.nio.file.Path f = dir.resolve("m.npy");
        NumpyPickle.writeMapping(new Path(f.toString()), CONF, m);
        assertEquals(m, read(f));
    }

    @Test
    @Tag(Python.TAG)
    void agreesWithLiveNumpy() throws Exception {
        java.nio.file.Path refs = Golden.live("numpy-pickle", dir.resolve("live"));
        readsWhatNumpySaves(refs);
        writesTheBytesNumpyWrites(refs);
        rejectsFilesThatAreNoIntToStrDict(refs);
    }

    @Test
    @Tag(Python.TAG)
    void liveNumpyLoadsWhatWeWrite() throws Exception {
        JsonNode expected = Golden.json(Golden.dir("numpy-pickle").resolve("expected.json"));
        for (String f : new String[] {"mapping_floc-bodies.npy", "empty.npy", "one.npy"}) {
            Map<Integer, String> m = mapping(expected.get(f));
            java.nio.file.Path ours = dir.resolve(f);
            NumpyPickle.writeMapping(new Path(ours.toString()), CONF, m);
            String out = Python.run("import numpy as np, sys\n"
                    + "d = np.load(sys.argv[1], allow_pickle=True).item()\n"
                    + "assert type(d) is dict and all(type(k) is int for k in d)\n"
                    + "print(';'.join('%d=%s' % (k, d[k].encode('utf-8').hex()) for k in sorted(d)))\n", ours.toString()).trim();
            Map<Integer, String> back = new TreeMap<>();
            if (!out.isEmpty()) {
                for (String item : out.split(";")) {
                    int eq = item.indexOf('=');
                    back.put(Integer.parseInt(item.substring(0, eq)),
                            new String(HexFormat.of().parseHex(item.substring(eq + 1)), StandardCharsets.UTF_8));
                }
            }
            assertEquals(m, back, f);
        }
    }
}
