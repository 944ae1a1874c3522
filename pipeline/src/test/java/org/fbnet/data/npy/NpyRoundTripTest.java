package org.fbnet.data.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyRoundTripTest {
    @TempDir java.nio.file.Path dir;
    final Configuration conf = org.fbnet.store.HadoopConf.create();

    @Test
    void numpyLoadsWhatWeWriteAndWeReadWhatNumpyWrites() throws Exception {
        Random r = new Random(1);
        float[] a = new float[7 * 5];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        Path ours = new Path(dir.resolve("ours.npy").toString());
        NpyWriter.write(ours, conf, a, 7, 5);
        String sum = Python.run("import numpy as np,sys\na=np.load(sys.argv[1])\nassert a.dtype==np.float32 and a.shape==(7,5)\n"
                + "print(repr(float(a.astype(np.float64).sum())), float(a[3,2]))", dir.resolve("ours.npy").toString()).trim();
        double expected = 0;
        for (float v : a) expected += v;
        assertEquals(expected, Double.parseDouble(sum.split(" ")[0]), 1e-9);
        assertEquals(a[3 * 5 + 2], Float.parseFloat(sum.split(" ")[1]));

        Python.run("import numpy as np,sys\nnp.save(sys.argv[1], np.arange(12, dtype='<f8').reshape(3,4)*0.5)\n"
                + "np.save(sys.argv[2], np.array([0,1,1,0], dtype=bool))\nnp.save(sys.argv[3], np.arange(5, dtype=np.int64)-2)",
                dir.resolve("d.npy").toString(), dir.resolve("b.npy").toString(), dir.resolve("i.npy").toString());
        try (NpyReader rd = NpyReader.open(new Path(dir.resolve("d.npy").toString()), conf)) {
            assertEquals(3, rd.rows());
            assertEquals(4, rd.rowLength());
            float[] buf = new float[8];
            assertEquals(2, rd.readRows(buf));
            assertEquals(3.5f, buf[7]);
            assertEquals(1, rd.readRows(buf));
            assertEquals(5.5f, buf[3]);
            assertEquals(0, rd.readRows(buf));
        }
        try (NpyReader rd = NpyReader.open(new Path(dir.resolve("b.npy").toString()), conf)) {
            assertArrayEquals(new long[] {0, 1, 1, 0}, rd.readAllLongs());
        }
        try (NpyReader rd = NpyReader.open(new Path(dir.resolve("i.npy").toString()), conf)) {
            assertArrayEquals(new long[] {-2, -1, 0, 1, 2}, rd.readAllLongs());
        }
    }

    @Test
    void seekReadsTheRequestedRows() throws Exception {
        float[] a = new float[10 * 3];
        for (int i = 0; i < a.length; i++) a[i] = i;
        Path p = new Path(dir.resolve("s.npy").toString());
        NpyWriter.write(p, conf, a, 10, 3);
        try (NpyReader rd = NpyReader.open(p, conf)) {
            rd.seekToRow(6);
            float[] buf = new float[6];
            assertEquals(2, rd.readRows(buf));
            assertArrayEquals(new float[] {18, 19, 20, 21, 22, 23}, buf);
        }
    }

    @Test
    void rejectsFortranBigEndianObjectAndTruncatedFilesNamingTheFile() throws Exception {
        String f = dir.resolve("f.npy").toString();
        String b = dir.resolve("b.npy").toString();
        String o = dir.resolve("o.npy").toString();
        Python.run("import numpy as np,sys\nnp.save(sys.argv[1], np.asfortranarray(np.ones((3,4),dtype=np.float32)))\n"
                + "np.save(sys.argv[2], np.ones((3,4),dtype='>f4'))\nnp.save(sys.argv[3], np.array({1:'a'}), allow_pickle=True)", f, b, o);
        NpyFormatException e1 = assertThrows(NpyFormatException.class, () -> NpyReader.open(new Path(f), conf));
        assertTrue(e1.getMessage().contains("f.npy") && e1.getMessage().contains("Fortran"), e1.getMessage());
        NpyFormatException e2 = assertThrows(NpyFormatException.class, () -> NpyReader.open(new Path(b), conf));
        assertTrue(e2.getMessage().contains("b.npy") && e2.getMessage().contains("big-endian"), e2.getMessage());
        NpyFormatException e3 = assertThrows(NpyFormatException.class, () -> NpyReader.open(new Path(o), conf));
        assertTrue(e3.getMessage().contains("o.npy"), e3.getMessage());

        java.nio.file.Path t = dir.resolve("t.npy");
        NpyWriter.write(new Path(t.toString()), conf, new float[40], 10, 4);
        byte[] all = Files.readAllBytes(t);
        Files.write(t, java.util.Arrays.copyOf(all, all.length - 9));
        NpyFormatException e4 = assertThrows(NpyFormatException.class, () -> NpyReader.open(new Path(t.toString()), conf));
        assertTrue(e4.getMessage().contains("t.npy") && e4.getMessage().contains("truncated"), e4.getMessage());
        Files.write(t, new byte[0]);
        assertFalse(assertThrows(NpyFormatException.class, () -> NpyReader.open(new Path(t.toString()), conf))
                .getMessage().isEmpty());
    }
}
