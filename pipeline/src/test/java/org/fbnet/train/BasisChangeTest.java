package org.fbnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.optim.LionConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BasisChangeTest {
    /** Group spaces of 5 (lh) and 4 (rh) components, own spaces of 6 and 3: T need not be square. */
    static final int IN = 7, LH_G = 5, RH_G = 4, LH_O = 6, RH_O = 3;
    // Large alpha and beta so that the leak and noise paths weigh in the outputs; no dropout, so the
    // training-mode forward pass is deterministic.
    static final NetworkConfig GROUP_NET = new NetworkConfig(IN, LH_G, RH_G, 2, 0.5, 0.3, 0, 0.1, NetworkConfig.Loss.RACING);
    static final TrainerConfig TRAINING = new TrainerConfig(3, 16, 2, 0.1, 11, 1, new LionConfig(1e-3, 0.9, 0.99, 1e-3));

    static FbnetModel group;
    static LatentSpaceMap lh, rh;
    static FbnetModel mapped;

    @BeforeAll
    static void build() {
        Random r = new Random(3);
        ComputationGraph g = FbnetNetwork.build(GROUP_NET, TRAINING.lion(), 1);
        // Random values everywhere, biases included (they initialise to zero).
        g.setParams(Nd4j.create(floats(r, (int) g.params().length(), 0.4f), new long[] {1, g.params().length()}));
        group = new FbnetModel(g, GROUP_NET, TRAINING, Map.of("subj01", new float[LH_G + RH_G]), List.of(), 0, null, "test", null);
        lh = LatentSpaceMap.of(doubles(r, LH_G, LH_O), doubles(r, 1, LH_O)[0]);
        rh = LatentSpaceMap.of(doubles(r, RH_G, RH_O), doubles(r, 1, RH_O)[0]);
        // Zero own eigenvalues: predict() then draws zero noise, so the public path can be compared exactly.
        mapped = BasisChange.toOwnSpace(group, "subj01", lh, rh, new float[LH_O + RH_O]);
    }

    @Test
    void inferencePredictionIsTheGroupPredictionTimesTPlusOffset() {
        float[][] x = floats(new Random(4), 9, IN, 1f);
        FbnetModel.Prediction g = group.predict(x, "subj01"), o = mapped.predict(x, "subj01");
        assertEquals(LH_O, o.lh()[0].length);
        assertEquals(RH_O, o.rh()[0].length);
        assertClose(timesPlus(g.lh(), lh.matrix(), lh.offset()), o.lh(), 2e-5);
        assertClose(timesPlus(g.rh(), rh.matrix(), rh.offset()), o.rh(), 2e-5);
    }

    @Test
    void leakAndNoiseInOwnSpaceActAsTheirLeastSquaresGroupLatentsInBothModes() {
        Random r = new Random(5);
        int n = 6;
        float[][] x = floats(r, n, IN, 1f), yOwn = floats(r, n, LH_O + RH_O, 1f), zOwn = floats(r, n, LH_O + RH_O, 1f);
        // Own-space y and z reach the pre-trained projection as u T^T (per hemisphere).
        float[][] yGroup = toGroup(yOwn), zGroup = toGroup(zOwn);
        ComputationGraph g = graph(GROUP_NET, group.parameters()), o = graph(mapped.network(), mapped.parameters());
        for (boolean training : new boolean[] {true, false}) {
            float[][] outG = output(g, training, x, yGroup, zGroup), outO = output(o, training, x, yOwn, zOwn);
            float[][] gl = new float[n][], gr = new float[n][], ol = new float[n][], or = new float[n][];
            for (int i = 0; i < n; i++) {
                gl[i] = java.util.Arrays.copyOfRange(outG[i], 0, LH_G);
                gr[i] = java.util.Arrays.copyOfRange(outG[i], LH_G, LH_G + RH_G);
                ol[i] = java.util.Arrays.copyOfRange(outO[i], 0, LH_O);
                or[i] = java.util.Arrays.copyOfRange(outO[i], LH_O, LH_O + RH_O);
            }
            assertClose(timesPlus(gl, lh.matrix(), lh.offset()), ol, 1e-5);
            assertClose(timesPlus(gr, rh.matrix(), rh.offset()), or, 1e-5);
        }
    }

    @Test
    void trunkAndLeakBiasAreCopiedUnchanged() {
        ComputationGraph g = graph(GROUP_NET, group.parameters()), o = graph(mapped.network(), mapped.parameters());
        for (String key : List.of("embed_W", "embed_b", "res_dense_W", "res_dense_b", "residual_alpha", "leak_b")) {
            assertEquals(g.paramTable().get(key), o.paramTable().get(key), key);
        }
        assertEquals(List.of("subj01"), mapped.subjects());
        assertTrue(mapped.parent().contains("subj01's own-PCA basis change of"), mapped.parent());
    }

    @Test
    void mapsOfTheWrongSizeAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BasisChange.toOwnSpace(group, "subj01", rh, lh, new float[LH_O + RH_O]));
        assertTrue(e.getMessage().contains("subj01") && e.getMessage().contains("group components"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BasisChange.toOwnSpace(group, "subj01", lh, rh, new float[3]));
    }

    /** rows . T + c in plain Java (double). */
    static float[][] timesPlus(float[][] rows, double[][] t, double[] c) {
        float[][] out = new float[rows.length][c.length];
        for (int n = 0; n < rows.length; n++) {
            for (int j = 0; j < c.length; j++) {
                double s = c[j];
                for (int i = 0; i < t.length; i++) s += rows[n][i] * t[i][j];
                out[n][j] = (float) s;
            }
        }
        return out;
    }

    /** lh and rh parts of own-space rows times T^T, in plain Java. */
    static float[][] toGroup(float[][] own) {
        double[][] tl = lh.matrix(), tr = rh.matrix();
        float[][] out = new float[own.length][LH_G + RH_G];
        for (int n = 0; n < own.length; n++) {
            for (int i = 0; i < LH_G; i++) for (int j = 0; j < LH_O; j++) out[n][i] += (float) (tl[i][j] * own[n][j]);
            for (int i = 0; i < RH_G; i++) for (int j = 0; j < RH_O; j++) out[n][LH_G + i] += (float) (tr[i][j] * own[n][LH_O + j]);
        }
        return out;
    }

    /** A graph of {@code net} in double precision holding {@code params}. */
    static ComputationGraph graph(NetworkConfig net, INDArray params) {
        ComputationGraph g = new ComputationGraph(FbnetNetwork.configuration(net, TRAINING.lion().updater(), 0, 1, DataType.DOUBLE));
        g.init(params.castTo(DataType.DOUBLE), true);
        return g;
    }

    static float[][] output(ComputationGraph g, boolean training, float[][] x, float[][] y, float[][] z) {
        INDArray out = g.output(training, Nd4j.createFromArray(x).castTo(DataType.DOUBLE), Nd4j.createFromArray(y).castTo(DataType.DOUBLE),
                Nd4j.createFromArray(z).castTo(DataType.DOUBLE))[0];
        return out.castTo(DataType.FLOAT).toFloatMatrix();
    }

    static void assertClose(float[][] expected, float[][] actual, double relative) {
        double scale = 0;
        for (float[] row : expected) for (float v : row) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0.1, "outputs too small to test: " + scale);
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], actual[i], (float) (relative * scale), "row " + i);
    }

    static float[][] floats(Random r, int rows, int cols, float scale) {
        float[][] a = new float[rows][cols];
        for (float[] row : a) for (int j = 0; j < cols; j++) row[j] = (float) r.nextGaussian() * scale;
        return a;
    }

    static float[] floats(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * scale;
        return a;
    }

    static double[][] doubles(Random r, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) for (int j = 0; j < cols; j++) row[j] = r.nextGaussian();
        return a;
    }
}
