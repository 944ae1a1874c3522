package org.fbnet.data.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyRoundTripTest {
    @TempDir java.nio.file.Path dir;
    final Configuration conf = org.fbnet.store.HadoopConf.create();

    private Path hpath(java.nio.file.Path p) {
        return new Path(p.toString());
    }

    /** Reads numpy's files and writes their values back: every value as numpy saved it, every byte as numpy's. */
    private void readsNumpysFilesAndWritesTheSameBytes(java.nio.file.Path refs) throws Exception {
        JsonNode expected = Golden.json(refs.resolve("expected.json")).get("f4_7x5");
        float[] want = Golden.floats(expected.get("values"));
        try (NpyReader rd = NpyReader.open(hpath(refs.resolve("f4_7x5.npy")), conf)) {
            assertEquals(7, rd.rows());
            assertEquals(5, rd.rowLength());
        }
        float[] a = NpyReader.readAllFloats(hpath(refs.resolve("f4_7x5.npy")), conf);
        assertArrayEquals(want, a);
        double sum = 0;
        for (float v : a) sum += v;
        assertEquals(expected.get("sum").doubleValue(), sum, 1e-9);
        sameBytesAsNumpy(refs, "f4_7x5.npy", w -> NpyWriter.write(w, conf, a, 7, 5));

        float[] row = new float[6];
        System.arraycopy(a, 2 * 5, row, 0, 5);
        row[5] = 0.25f;
        assertArrayEquals(row, NpyReader.readAllFloats(hpath(refs.resolve("f4_6.npy")), conf));
        sameBytesAsNumpy(refs, "f4_6.npy", w -> NpyWriter.write(w, conf, row, 6));

        try (NpyReader rd = NpyReader.open(hpath(refs.resolve("f8_3x4.npy")), conf)) {
            assertEquals(3, rd.rows());
            assertEquals(4, rd.rowLength());
            float[] buf = new float[8];
            assertEquals(2, rd.readRows(buf));
            assertEquals(3.5f, buf[7]);
            assertEquals(1, rd.readRows(buf));
            assertEquals(5.5f, buf[3]);
            assertEquals(0, rd.readRows(buf));
        }
        double[] halves = new double[12];
        for (int i = 0; i < 12; i++) halves[i] = i * 0.5;
        sameBytesAsNumpy(refs, "f8_3x4.npy", w -> {
            try (NpyWriter out = NpyWriter.create(w, conf, NpyDtype.FLOAT64, 3, 4)) {
                out.write(halves);
            }
        });
        long[] ints = {-2, -1, 0, 1, 2};
        try (NpyReader rd = NpyReader.open(hpath(refs.resolve("i8_5.npy")), conf)) {
            assertArrayEquals(ints, rd.readAllLongs());
        }
        sameBytesAsNumpy(refs, "i8_5.npy", w -> NpyWriter.write(w, conf, ints, 5));
        try (NpyReader rd = NpyReader.open(hpath(refs.resolve("i4_2x3.npy")), conf)) {
            assertArrayEquals(new long[] {7, -1, 0, Integer.MAX_VALUE, Integer.MIN_VALUE, 5}, rd.readAllLongs());
        }
        try (NpyReader rd = NpyReader.open(hpath(refs.resolve("b1_4.npy")), conf)) {
            assertArrayEquals(new long[] {0, 1, 1, 0}, rd.readAllLongs());
        }
    }

    private interface Writer {
        void write(Path target) throws Exception;
    }

    private void sameBytesAsNumpy(java.nio.file.Path refs, String numpyFile, Writer ours) throws Exception {
        java.nio.file.Path out = dir.resolve("ours-" + numpyFile);
        ours.write(hpath(out));
        assertArrayEquals(Files.readAllBytes(refs.resolve(numpyFile)), Files.readAllBytes(out), numpyFile + ": our bytes differ from numpy's");
    }

    private void rejectsFortranBigEndianAndObjectFilesNamingTheFile(java.nio.file.Path refs) {
        NpyFormatException e1 = assertThrows(NpyFormatException.class, () -> NpyReader.open(hpath(refs.resolve("fortran_3x4.npy")), conf));
        assertTrue(e1.getMessage().contains("fortran_3x4.npy") && e1.getMessage().contains("Fortran"), e1.getMessage());
        NpyFormatException e2 = assertThrows(NpyFormatException.class, () -> NpyReader.open(hpath(refs.resolve("bigendian_3x4.npy")), conf));
        assertTrue(e2.getMessage().contains("bigendian_3x4.npy") && e2.getMessage().contains("big-endian"), e2.getMessage());
        NpyFormatException e3 = assertThrows(NpyFormatException.class, () -> NpyReader.open(hpath(refs.resolve("object.npy")), conf));
        assertTrue(e3.getMessage().contains("object.npy"), e3.getMessage());
    }

    @Test
    void readsNumpysFilesAndWritesTheBytesNumpyWrites() throws Exception {
        readsNumpysFilesAndWritesTheSameBytes(Golden.dir("npy"));
    }

    @Test
    @Tag(Python.TAG)
    void agreesWithLiveNumpy() throws Exception {
        java.nio.file.Path refs = Golden.live("npy", dir.resolve("live"));
        readsNumpysFilesAndWritesTheSameBytes(refs);
        rejectsFortranBigEndianAndObjectFilesNamingTheFile(refs);
    }

    @Test
    @Tag(Python.TAG)
    void liveNumpyLoadsWhatWeWrite() throws Exception {
        Random r = new Random(1);
        float[] a = new float[7 * 5];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        NpyWriter.write(hpath(dir.resolve("ours.npy")), conf, a, 7, 5);
        String sum = Python.run("import numpy as np,sys\na=np.load(sys.argv[1])\nassert a.dtype==np.float32 and a.shape==(7,5)\n"
                + "print(repr(float(a.astype(np.float64).sum())), float(a[3,2]))", dir.resolve("ours.npy").toString()).trim();
        double expected = 0;
        for (float v : a) expected += v;
        assertEquals(expected, Double.parseDouble(sum.split(" ")[0]), 1e-9);
        assertEquals(a[3 * 5 + 2], Float.parseFloat(sum.split(" ")[1]));
    }

    @Test
    void seekReadsTheRequestedRows() throws Exception {
        float[] a = new float[10 * 3];
        for (int i = 0; i < a.length; i++) a[i] = i;
        Path p = hpath(dir.resolve("s.npy"));
        NpyWriter.write(p, conf, a, 10, 3);
        try (NpyReader rd = NpyReader.open(p, conf)) {
            rd.seekToRow(6);
            float[] buf = new float[6];
            assertEquals(2, rd.readRows(buf));
            assertArrayEquals(new float[] {18, 19, 20, 21, 22, 23}, buf);
        }
    }

    @Test
    void rejectsNumpysFortranBigEndianAndObjectFiles() {
        rejectsFortranBigEndianAndObjectFilesNamingTheFile(Golden.dir("npy"));
    }

    @Test
    void rejectsTruncatedAndEmptyFilesNamingTheFile() throws Exception {
        java.nio.file.Path t = dir.resolve("t.npy");
        NpyWriter.write(hpath(t), conf, new float[40], 10, 4);
        byte[] all = Files.readAllBytes(t);
        Files.write(t, java.util.Arrays.copyOf(all, all.length - 9));
        NpyFormatException e4 = assertThrows(NpyFormatException.class, () -> NpyReader.open(hpath(t), conf));
        assertTrue(e4.getMessage().contains("t.npy") && e4.getMessage().contains("truncated"), e4.getMessage());
        Files.write(t, new byte[0]);
        assertFalse(assertThrows(NpyFormatException.class, () -> NpyReader.open(hpath(t), conf)).getMessage().isEmpty());
    }
}
