package org.fbnet.pca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcaModelTest {
    private static final float[][] X = Reference.matrixWithSpectrum(120, 40, Reference.geometric(6, 4.0, 0.6), 0.0, 5);
    private static final PcaModel MODEL = new RandomizedPca(PcaConfig.of(6)).fit(X, "model-test");

    @TempDir java.nio.file.Path tmp;

    @Test
    void transformIsTheCenteredProjectionComputedInDouble() {
        float[][] z = MODEL.transform(X);
        float[] mean = MODEL.mean();
        for (int i = 0; i < X.length; i += 7) {
            for (int c = 0; c < 6; c++) {
                float[] v = MODEL.component(c);
                double s = 0;
                for (int j = 0; j < 40; j++) s += (X[i][j] - mean[j]) * (double) v[j];
                assertEquals(s, z[i][c], 1e-4 * (1 + Math.abs(s)));
            }
        }
        assertArrayEquals(z[3], MODEL.transform(X[3]), 1e-6f);
        float[][] two = MODEL.transform(X, 2);
        assertEquals(2, two[0].length);
        assertEquals(z[5][1], two[5][1], 1e-6f);
    }

    @Test
    void inverseTransformReconstructsDataOfRankK() {
        // X has exactly 6 directions of variance, so 6 components reconstruct it.
        float[][] back = MODEL.inverseTransform(MODEL.transform(X));
        for (int i = 0; i < X.length; i++) assertArrayEquals(X[i], back[i], 1e-4f, "row " + i);
        assertArrayEquals(X[9], MODEL.inverseTransform(MODEL.transform(X[9])), 1e-4f);
    }

    @Test
    void latentVarianceEqualsTheEigenvalues() {
        float[][] z = MODEL.transform(X);
        for (int c = 0; c < 6; c++) {
            double s = 0;
            for (float[] row : z) s += row[c] * (double) row[c];
            assertEquals(MODEL.eigenvalues()[c], s / (X.length - 1), 1e-4 * MODEL.eigenvalues()[c]);
        }
    }

    @Test
    void structuredNoiseHasTheEigenvaluesAsVarianceAndIsSeeded() {
        int n = 40_000;
        float[][] z = MODEL.sampleNoise(7L, n);
        for (int c = 0; c < 6; c++) {
            double s = 0, m = 0;
            for (float[] row : z) { s += row[c] * (double) row[c]; m += row[c]; }
            // sample variance of n normals: relative standard error sqrt(2/n) = 0.7%; allow 5 of them
            assertEquals(MODEL.eigenvalues()[c], s / n, 0.035 * MODEL.eigenvalues()[c], "component " + c);
            assertEquals(0, m / n, 5 * Math.sqrt(MODEL.eigenvalues()[c] / n));
        }
        assertArrayEquals(z[123], MODEL.sampleNoise(7L, 200)[123]);
    }

    private Path saved() throws IOException {
        Path dir = new Path(tmp.toUri().toString(), "pca/fmri/subj01/lh");
        MODEL.save(dir, HadoopConf.create(), Map.of("data", "fmri/subject=subj01", "rows", X.length));
        return dir;
    }

    /** Numpy's layout is NpyWriter's (NpyRoundTripTest holds it to numpy's bytes): here the arrays' shapes and types. */
    @Test
    void saveWritesTheArraysAndManifestAndLoadRestoresTheModel() throws Exception {
        Configuration conf = HadoopConf.create();
        Path dir = saved();
        String[][] files = {{"components.npy", "FLOAT32", "6", "40"}, {"mean.npy", "FLOAT32", "40"}, {"eigenvalues.npy", "FLOAT64", "6"},
                {"explained_variance_ratio.npy", "FLOAT64", "6"}};
        for (String[] f : files) {
            try (org.fbnet.data.npy.NpyReader r = org.fbnet.data.npy.NpyReader.open(new Path(dir, f[0]), conf)) {
                assertEquals(f[1], r.header().dtype().name(), f[0]);
                assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOfRange(f, 2, f.length)), java.util.Arrays.toString(r.header().shape()), f[0]);
            }
        }
        Manifest man = Manifest.read(dir, conf);
        assertEquals("pca-model", man.kind());
        assertEquals(1, man.formatVersion());

        PcaModel back = PcaModel.load(dir, conf);
        assertEquals(MODEL.fitId(), back.fitId());
        assertArrayEquals(MODEL.eigenvalues(), back.eigenvalues(), 0.0);
        assertArrayEquals(MODEL.mean(), back.mean(), 0f);
        assertArrayEquals(MODEL.explainedVarianceRatio(), back.explainedVarianceRatio(), 1e-15);
        for (int c = 0; c < 6; c++) assertArrayEquals(MODEL.component(c), back.component(c), 0f);
        assertArrayEquals(MODEL.transform(X[4]), back.transform(X[4]), 0f);
        assertEquals(MODEL.config().describe(), back.config().describe());
    }

    @Test
    @Tag(Python.TAG)
    void liveNumpyReadsTheSavedArrays() throws Exception {
        saved();
        String out = Python.run("import numpy as np, json, sys\n"
                + "d = sys.argv[1]\n"
                + "c = np.load(d + '/components.npy'); m = np.load(d + '/mean.npy'); e = np.load(d + '/eigenvalues.npy')\n"
                + "r = np.load(d + '/explained_variance_ratio.npy')\n"
                + "man = json.load(open(d + '/' + sys.argv[2]))\n"
                + "print(c.shape, m.shape, e.shape, r.shape, c.dtype, e.dtype)\n"
                + "print(abs(c @ c.T - np.eye(c.shape[0])).max() < 1e-5, man['kind'], man['formatVersion'], man['data']['rows'])\n"
                + "print(repr(float(e[0])), repr(float(m[3])))\n", new java.io.File(tmp.toFile(), "pca/fmri/subj01/lh").toString(),
                Manifest.FILE_NAME);
        String[] lines = out.trim().split("\n");
        assertEquals("(6, 40) (40,) (6,) (6,) float32 float64", lines[0]);
        assertEquals("True pca-model 1 120", lines[1]);
        String[] vals = lines[2].split(" ");
        assertEquals(MODEL.eigenvalues()[0], Double.parseDouble(vals[0]), 0.0);
        assertEquals(MODEL.mean()[3], Double.parseDouble(vals[1]), 0.0);
    }

    /** The input of the golden model in test resources (written by format version 1). */
    static final float[][] GOLDEN_INPUT = {{1, 2, 0, 4}, {2, 1, 1, 3}, {0, 0, 2, 5}, {3, 1, 0, 2}, {1, 3, 1, 1}, {2, 2, 2, 2}};

    @Test
    void loadsTheGoldenFormatVersion1Model() throws Exception {
        Path dir = new Path(getClass().getResource("/golden/pca-model-v1").toURI());
        PcaModel m = PcaModel.load(dir, HadoopConf.create());
        assertEquals(1, Manifest.read(dir, HadoopConf.create()).formatVersion());
        // scikit-learn 1.2.1 PCA(2) on GOLDEN_INPUT: explained_variance_ and components_
        assertArrayEquals(new double[] {3.2503946524825977, 1.104821155854765}, m.eigenvalues(), 1e-6);
        assertArrayEquals(new float[] {-0.38372593f, -0.43988213f, 0.16345596f, 0.795324f}, m.component(0), 1e-6f);
        assertArrayEquals(new float[] {0.6972075f, -0.5101267f, -0.4798983f, 0.15287256f}, m.component(1), 1e-6f);
        assertEquals(6, m.samples());
        float[][] back = m.inverseTransform(m.transform(GOLDEN_INPUT));
        float[][] again = m.inverseTransform(m.transform(back));
        for (int i = 0; i < back.length; i++) assertArrayEquals(back[i], again[i], 1e-5f, "projection is idempotent");
    }

    @Test
    void loadRejectsOtherFormatVersionsAndMissingModels() throws Exception {
        Configuration conf = HadoopConf.create();
        Path dir = new Path(tmp.toUri().toString(), "m");
        MODEL.save(dir, conf);
        // As a newer fbnet would write it: the same manifest with the payload format bumped.
        java.nio.file.Path file = tmp.resolve("m/" + Manifest.FILE_NAME);
        Files.writeString(file, Files.readString(file).replaceFirst("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
        IOException e = assertThrows(IOException.class, () -> PcaModel.load(dir, conf));
        assertTrue(e.getMessage().contains("format version 99"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> PcaModel.load(new Path(tmp.toUri().toString(), "none"), conf));
        assertTrue(missing.getMessage().contains("not a saved PCA model"), missing.getMessage());
        assertTrue(Files.exists(tmp.resolve("m/components.npy")));
    }
}
