package org.fbnet.data.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumpyPickleTest {
    private static final Configuration CONF = HadoopConf.create();

    @TempDir
    java.nio.file.Path dir;

    /** A mapping that exercises every integer opcode (1, 2, 4 bytes, negative), non-ASCII and >256 memo slots. */
    private static Map<Integer, String> bigMapping() {
        Map<Integer, String> m = new TreeMap<>();
        m.put(0, "Unknown");
        m.put(1, "V1v");
        m.put(2, "FBA-1");
        m.put(-7, "negative");
        m.put(70000, "large");
        m.put(-3_000_000, "very negative");
        m.put(9, "naïve ÄÖ ✓");
        for (int i = 300; i < 700; i++) m.put(i, "roi-" + i);
        return m;
    }

    private static String pythonDict(Map<Integer, String> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(k).append(": ").append(pyStr(v)).append(", "));
        return sb.append("}").toString();
    }

    private static String pyStr(String s) {
        StringBuilder sb = new StringBuilder("'");
        s.codePoints().forEach(c -> sb.append(c < 128 && c != '\'' && c != '\\' ? Character.toString(c) : String.format("\\u%04x", c)));
        return sb.append("'").toString();
    }

    private static final String PRINT_DICT = "def show(d):\n"
            + "    print(';'.join('%d=%s' % (k, d[k].encode('utf-8').hex()) for k in sorted(d)))\n";

    private static Map<Integer, String> parseShown(String out) {
        Map<Integer, String> m = new TreeMap<>();
        String line = out.trim();
        if (line.isEmpty()) return m;
        for (String item : line.split(";")) {
            int eq = item.indexOf('=');
            m.put(Integer.parseInt(item.substring(0, eq)),
                    new String(java.util.HexFormat.of().parseHex(item.substring(eq + 1)), java.nio.charset.StandardCharsets.UTF_8));
        }
        return m;
    }

    @Test
    void readsWhatNumpySaves() throws Exception {
        Map<Integer, String> expected = bigMapping();
        java.nio.file.Path f = dir.resolve("mapping_floc-bodies.npy");
        Python.run("import numpy as np, sys\nnp.save(sys.argv[1], " + pythonDict(expected) + ")\n", f.toString());
        assertEquals(expected, NumpyPickle.readMapping(new Path(f.toString()), CONF));
    }

    @Test
    void numpyLoadsWhatWeWriteAndTheBytesAreNumpys() throws Exception {
        Map<Integer, String> mapping = bigMapping();
        java.nio.file.Path ours = dir.resolve("ours.npy");
        java.nio.file.Path theirs = dir.resolve("theirs.npy");
        NumpyPickle.writeMapping(new Path(ours.toString()), CONF, mapping);
        String out = Python.run("import numpy as np, sys\n" + PRINT_DICT
                + "d = np.load(sys.argv[1], allow_pickle=True).item()\n"
                + "assert type(d) is dict and all(type(k) is int for k in d)\n"
                + "np.save(sys.argv[2], " + pythonDict(mapping) + ")\n"
                + "show(d)\n", ours.toString(), theirs.toString());
        assertEquals(mapping, parseShown(out));
        assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours), "numpy 1.x writes the same bytes");
        assertEquals(mapping, NumpyPickle.readMapping(new Path(ours.toString()), CONF));
    }

    @Test
    void writesEmptyAndOneItemMappingsNumpyReads() throws Exception {
        for (Map<Integer, String> m : java.util.List.<Map<Integer, String>>of(Map.of(), Map.of(0, "Unknown"))) {
            java.nio.file.Path f = dir.resolve("m" + m.size() + ".npy");
            NumpyPickle.writeMapping(new Path(f.toString()), CONF, m);
            String out = Python.run("import numpy as np, sys\n" + PRINT_DICT
                    + "show(np.load(sys.argv[1], allow_pickle=True).item())\n", f.toString());
            assertEquals(m, parseShown(out));
            assertEquals(m, NumpyPickle.readMapping(new Path(f.toString()), CONF));
        }
    }

    @Test
    void readsNumpy2FilesPickledWithProtocol4AndNumpyCoreRenamed() throws Exception {
        Map<Integer, String> expected = new LinkedHashMap<>();
        expected.put(0, "Unknown");
        expected.put(1, "OFA");
        expected.put(2, "FFA-1");
        java.nio.file.Path f = dir.resolve("numpy2.npy");
        // numpy 2.x moved numpy.core to numpy._core; Debian's numpy is 1.x, so we impersonate 2.x: a module
        // numpy._core.multiarray whose _reconstruct pickles by that name, and protocol 4 as numpy 2 uses.
        String out = Python.run("import numpy as np, sys, types, pickle, io\n"
                + "import numpy.core.multiarray as ma\n"
                + "mod = types.ModuleType('numpy._core.multiarray')\n"
                + "def _reconstruct(*a): return ma._reconstruct(*a)\n"
                + "_reconstruct.__module__ = 'numpy._core.multiarray'\n"
                + "mod._reconstruct = _reconstruct\n"
                + "sys.modules['numpy._core'] = types.ModuleType('numpy._core')\n"
                + "sys.modules['numpy._core.multiarray'] = mod\n"
                + "class P(pickle.Pickler):\n"
                + "    def reducer_override(self, obj):\n"
                + "        if isinstance(obj, np.ndarray):\n"
                + "            r = obj.__reduce__()\n"
                + "            return (_reconstruct,) + tuple(r[1:])\n"
                + "        return NotImplemented\n"
                + "arr = np.empty((), dtype=object); arr[()] = " + pythonDict(expected) + "\n"
                + "buf = io.BytesIO(); P(buf, protocol=4).dump(arr); payload = buf.getvalue()\n"
                + "assert b'numpy._core.multiarray' in payload and b'numpy.core.multiarray' not in payload\n"
                + "assert payload[:2] == b'\\x80\\x04'\n"
                + "with open(sys.argv[1], 'wb') as fh:\n"
                + "    np.lib.format.write_array_header_1_0(fh, {'descr': '|O', 'fortran_order': False, 'shape': ()})\n"
                + "    fh.write(payload)\n"
                + "print(np.load(sys.argv[1], allow_pickle=True).item())\n", f.toString());
        assertTrue(out.contains("FFA-1"), out);
        byte[] bytes = Files.readAllBytes(f);
        assertTrue(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("numpy._core.multiarray"));
        assertEquals(expected, NumpyPickle.readMapping(new Path(f.toString()), CONF));
    }

    @Test
    void readsNumpyScalarKeysAndNames() throws Exception {
        java.nio.file.Path f = dir.resolve("npkeys.npy");
        Python.run("import numpy as np, sys\n"
                + "np.save(sys.argv[1], {np.int64(0): 'Unknown', np.int32(5): 'PPA', np.uint8(200): 'RSC', np.int16(-3): 'x',"
                + " 7: np.str_('mTL-faces'), 8: np.array(['VWFA-1', 'V1'])[1]})\n", f.toString());
        assertEquals(Map.of(0, "Unknown", 5, "PPA", 200, "RSC", -3, "x", 7, "mTL-faces", 8, "V1"),
                NumpyPickle.readMapping(new Path(f.toString()), CONF));
    }

    private NpyFormatException badFile(String name, String pythonSave) throws Exception {
        java.nio.file.Path f = dir.resolve(name);
        Python.run("import numpy as np, sys\nf = sys.argv[1]\n" + pythonSave + "\n", f.toString());
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NumpyPickle.readMapping(new Path(f.toString()), CONF));
        assertTrue(e.getMessage().contains(name), "message names the file: " + e.getMessage());
        return e;
    }

    @Test
    void rejectsFilesThatAreNotAnIntToStrDictWithTheFileNamed() throws Exception {
        assertTrue(badFile("numeric.npy", "np.save(f, np.arange(5))").getMessage().contains("numeric"));
        assertTrue(badFile("list.npy", "np.save(f, np.array(['a', None], dtype=object))").getMessage().contains("0-d"));
        assertTrue(badFile("strkeys.npy", "np.save(f, {'V1': 1})").getMessage().contains("not an integer label"));
        assertTrue(badFile("floatkeys.npy", "np.save(f, {1.5: 'V1'})").getMessage().contains("not an integer label"));
        assertTrue(badFile("intvalues.npy", "np.save(f, {1: 2})").getMessage().contains("expected a ROI name"));
        assertTrue(badFile("notadict.npy", "np.save(f, np.array(['V1'], dtype=object).reshape(()))").getMessage().contains("expected a dict"));
        assertTrue(badFile("truncated.npy", "np.save(f, {1: 'V1'})\nb = open(f, 'rb').read()\nopen(f, 'wb').write(b[:-20])")
                .getMessage().contains("pickle"));
        assertTrue(badFile("garbage.npy", "open(f, 'wb').write(b'hello world, not numpy')").getMessage().contains("not an NPY file"));
        NpyFormatException missing = assertThrows(NpyFormatException.class,
                () -> NumpyPickle.readMapping(new Path(dir.resolve("absent.npy").toString()), CONF));
        assertTrue(missing.getMessage().contains("absent.npy") && missing.getMessage().contains("not found"));
    }
}
