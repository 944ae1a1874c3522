package org.fbnet.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

class LionTest {
    private static double[] gaussian(Random r, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = scale * r.nextGaussian();
        return a;
    }

    @Test
    void oneStepFromAKnownStateFollowsOptaxLion() {
        Lion lion = new Lion(1e-3, 0.9, 0.99);
        Random r = new Random(1);
        int n = 50;
        double[] m0 = gaussian(r, n, 1), g = gaussian(r, n, 1);
        m0[7] = 0;
        g[7] = 0; // b1*m + (1-b1)*g == 0 here: sign(0) must be 0, as jnp.sign
        INDArray state = Nd4j.create(m0).reshape(1, n);
        GradientUpdater<?> u = lion.instantiate(state, false);
        INDArray grad = Nd4j.create(g).reshape(1, n);
        u.applyUpdater(grad, 0, 0);
        for (int i = 0; i < n; i++) {
            double c = 0.9 * m0[i] + 0.1 * g[i];
            double expectedUpdate = i == 7 ? 0 : 1e-3 * Math.signum(c);
            assertEquals(expectedUpdate, grad.getDouble(0, i), 1e-15, "update " + i);
            assertEquals(0.99 * m0[i] + 0.01 * g[i], state.getDouble(0, i), 1e-15, "momentum " + i);
        }
    }

    @Test
    void floatStepOnViewsInsideLargerBuffersFollowsTheFormula() {
        // DL4J hands the updater views into the flattened gradient and state: offsets must be honoured.
        Random r = new Random(4);
        int n = 300_000;
        INDArray gradients = Nd4j.create(toFloat(gaussian(r, n + 100, 1)), new long[] {1, n + 100}, 'c');
        INDArray states = Nd4j.create(toFloat(gaussian(r, n + 50, 1)), new long[] {1, n + 50}, 'c');
        INDArray g = gradients.get(NDArrayIndex.point(0), NDArrayIndex.interval(100, n + 100)).reshape(1, n);
        INDArray m = states.get(NDArrayIndex.point(0), NDArrayIndex.interval(50, n + 50)).reshape(1, n);
        float[] g0 = g.toFloatVector(), m0 = m.toFloatVector(), before = gradients.toFloatVector();
        Lion lion = new Lion(1e-3, 0.9, 0.99);
        lion.instantiate(m, false).applyUpdater(g, 0, 0);
        float[] g1 = g.toFloatVector(), m1 = m.toFloatVector();
        for (int i = 0; i < n; i++) {
            float c = 0.9f * m0[i] + 0.1f * g0[i];
            assertEquals(1e-3f * Math.signum(c), g1[i], 0f, "update " + i);
            assertEquals(0.99f * m0[i] + 0.01f * g0[i], m1[i], 1e-6f * Math.max(1, Math.abs(m1[i])), "momentum " + i);
        }
        float[] after = gradients.toFloatVector();
        for (int i = 0; i < 100; i++) assertEquals(before[i], after[i], 0f, "outside the view " + i);
        for (int i = 0; i < n; i += 997) assertEquals(g1[i], after[100 + i], 0f, "the step must land in the parent buffer");
        assertEquals(m1[n - 1], states.getFloat(0, n + 49), 0f);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    @Test
    void stateMapRoundTripsAndStartsAtZero() {
        Lion lion = new Lion();
        INDArray view = Nd4j.ones(DataType.DOUBLE, 1, 4);
        GradientUpdater<?> u = lion.instantiate(view, true);
        assertEquals(0.0, view.sumNumber().doubleValue());
        Map<String, INDArray> state = u.getState();
        assertEquals(view, state.get(LionUpdater.MOMENTUM).reshape(1, 4));
        assertEquals(4, lion.stateSize(4));
        assertEquals(1e-4, lion.getLearningRate(0, 0));
    }

    @Test
    void jsonRoundTripKeepsHyperparameters() throws Exception {
        Lion lion = new Lion(3e-4, 0.85, 0.97);
        var json = NeuralNetConfiguration.mapper();
        IUpdater back = json.readValue(json.writeValueAsString(lion), IUpdater.class);
        assertEquals(lion, back);
    }

    /**
     * optax's lion decays every parameter by lr*wd*param once per step. Two identical networks take one
     * step on the same batch, one with weight decay: since the Lion sign part is identical, their
     * parameters must differ by exactly lr*wd*param0 everywhere, the leak vertex included. A global
     * DL4J weightDecay would show here as 2*lr*wd (STACK.md).
     */
    @Test
    void weightDecayIsAppliedExactlyOnceToEveryParameter() {
        DataType saved = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            NetworkConfig c = new NetworkConfig(5, 2, 3, 2, 0.3, 0.1, 0.0, 0.2, NetworkConfig.Loss.RACING);
            double lr = 1e-2, wd = 0.05;
            ComputationGraph decayed = new ComputationGraph(FbnetNetwork.configuration(c, new Lion(lr, 0.9, 0.99), wd, 3, DataType.DOUBLE));
            ComputationGraph plain = new ComputationGraph(FbnetNetwork.configuration(c, new Lion(lr, 0.9, 0.99), 0, 3, DataType.DOUBLE));
            decayed.init();
            plain.init();
            INDArray p0 = decayed.params().dup();
            assertEquals(p0, plain.params());
            Random r = new Random(2);
            INDArray x = Nd4j.create(new double[][] {gaussian(r, 5, 1), gaussian(r, 5, 1), gaussian(r, 5, 1)});
            INDArray y = Nd4j.create(new double[][] {gaussian(r, 5, 1), gaussian(r, 5, 1), gaussian(r, 5, 1)});
            INDArray z = y.mul(0.5);
            MultiDataSet batch = new MultiDataSet(new INDArray[] {x, y, z}, new INDArray[] {y});
            decayed.fit(batch);
            plain.fit(batch);
            double[] diff = plain.params().sub(decayed.params()).toDoubleVector();
            double[] expected = p0.mul(lr * wd).toDoubleVector();
            StringBuilder wrong = new StringBuilder();
            long offset = 0;
            for (var e : plain.paramTable().entrySet()) {
                long len = e.getValue().length();
                for (long i = offset; i < offset + len; i++) {
                    if (Math.abs(expected[(int) i] - diff[(int) i]) > 1e-12) {
                        wrong.append(e.getKey()).append(" (x").append(diff[(int) i] / expected[(int) i]).append(") ");
                        break;
                    }
                }
                offset += len;
            }
            assertEquals("", wrong.toString(), "parameters without exactly one lr*wd*p decay");
            assertArrayEquals(expected, diff, 1e-12);
            // And Lion moved every parameter by lr or 0 (sign), not by a gradient-sized amount.
            double[] step = p0.sub(plain.params()).toDoubleVector();
            int moved = 0;
            for (double s : step) {
                assertTrue(Math.abs(Math.abs(s) - lr) < 1e-12 || Math.abs(s) < 1e-12, "step " + s);
                if (Math.abs(s) > 0) moved++;
            }
            // fit() silently skips graphs whose layers hold no parameters: make sure a step happened.
            assertTrue(moved > step.length * 0.9, moved + " of " + step.length + " parameters moved");
        } finally {
            Nd4j.setDefaultDataTypes(saved, saved);
        }
    }
}
