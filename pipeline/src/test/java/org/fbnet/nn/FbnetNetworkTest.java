package org.fbnet.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.fbnet.nn.layer.LeakInjection;
import org.fbnet.nn.layer.ResidualPReLU;
import org.fbnet.nn.loss.RacingLoss;
import org.fbnet.nn.optim.Lion;
import org.fbnet.nn.optim.LionConfig;
import org.fbnet.testing.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

@ExtendWith(DoublePrecision.class)
class FbnetNetworkTest {
    /** Small but complete: input 6, hidden 12, lh 3, rh 4; strong leak so its terms are visible. */
    static NetworkConfig small(NetworkConfig.Loss loss) {
        return new NetworkConfig(6, 3, 4, 2, 0.3, 0.1, 0.0, 0.2, loss);
    }

    static ComputationGraph doubleNet(NetworkConfig c, long seed) {
        ComputationGraph g = new ComputationGraph(FbnetNetwork.configuration(c, new NoOp(), 0, seed, DataType.DOUBLE));
        g.init();
        return g;
    }

    static INDArray random(Random r, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) for (int j = 0; j < cols; j++) row[j] = r.nextGaussian();
        return Nd4j.create(a);
    }

    @Test
    void fullSizeNetworkHasTheF_BNetParameterCount() {
        NetworkConfig full = new NetworkConfig(300, 75, 75, 20, 0.02, 0.002, 0.2, 0.01, NetworkConfig.Loss.RACING);
        ComputationGraph g = FbnetNetwork.build(full, new LionConfig(1e-4, 0.9, 0.99, 1e-3), 1);
        long expected = (300 * 6000 + 6000)      // embed
                + (6000L * 6000 + 6000)          // residual dense
                + 6000                           // one PReLU slope per unit
                + (150 * 6000 + 6000)            // leak projection P
                + 2 * (6000 * 75 + 75);          // two heads
        assertEquals(expected, FbnetNetwork.parameterCount(g));
        assertEquals(39_624_150L, expected);
    }

    @Test
    void forwardMatchesAPlainJavaComputationInTrainingAndInference() {
        NetworkConfig c = small(NetworkConfig.Loss.RACING);
        ComputationGraph g = doubleNet(c, 7);
        Random r = new Random(3);
        // A negative-slope PReLU region must be exercised: the slope is 0.2, inputs are symmetric.
        INDArray x = random(r, 5, 6), y = random(r, 5, 7), z = random(r, 5, 7);
        ReferenceNetwork ref = ReferenceNetwork.of(g, c);
        for (boolean training : new boolean[] {true, false}) {
            INDArray out = g.output(training, x, y, z)[0];
            double[][] expected = ref.forward(x.toDoubleMatrix(), y.toDoubleMatrix(), z.toDoubleMatrix(), training);
            double[][] actual = out.toDoubleMatrix();
            for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], actual[i], 1e-12, "training=" + training + " row " + i);
        }
    }

    @Test
    void inferenceIgnoresTheLeakButNotTheNoise() {
        NetworkConfig c = small(NetworkConfig.Loss.RACING);
        ComputationGraph g = doubleNet(c, 7);
        Random r = new Random(4);
        INDArray x = random(r, 4, 6), y = random(r, 4, 7), z = random(r, 4, 7);
        INDArray a = g.output(false, x, y, z)[0];
        INDArray b = g.output(false, x, random(r, 4, 7), z)[0];
        INDArray d = g.output(false, x, y, random(r, 4, 7))[0];
        assertEquals(a, b);
        assertTrue(a.sub(d).norm2Number().doubleValue() > 1e-3, "noise must change the inference output");
    }

    @Test
    void backpropMatchesFiniteDifferencesForBothLosses() {
        for (NetworkConfig.Loss loss : NetworkConfig.Loss.values()) {
            ComputationGraph g = doubleNet(small(loss), 11);
            // GradientCheckUtil walks paramTable(): it must cover the leak vertex and every parameter.
            assertTrue(g.paramTable().containsKey(FbnetNetwork.LEAK + "_" + LeakInjection.WEIGHT), g.paramTable().keySet().toString());
            assertEquals(g.params().length(), g.paramTable().values().stream().mapToLong(INDArray::length).sum());
            Random r = new Random(5);
            INDArray x = random(r, 8, 6), y = random(r, 8, 7), z = random(r, 8, 7), labels = random(r, 8, 7);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(new INDArray[] {x, y, z}).labels(new INDArray[] {labels})
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
            assertTrue(ok, "gradient check failed for " + loss);
        }
    }

    @Test
    void trainsOnMinibatchesOfF_BNetSize() {
        // ND4J's native prelu_bp rejects inputs longer than 64x the slope array: batch 128 must work here.
        NetworkConfig c = small(NetworkConfig.Loss.RACING);
        ComputationGraph g = doubleNet(c, 12);
        Random r = new Random(8);
        INDArray y = random(r, 128, 7);
        g.fit(new MultiDataSet(new INDArray[] {random(r, 128, 6), y, random(r, 128, 7)}, new INDArray[] {y}));
        assertTrue(Double.isFinite(g.score()));
    }

    @Test
    void scoreMinusTheRegularizationTermIsTheRacingLoss() {
        // DL4J adds 0.5*wd*|W|^2 of its layers to score(); LocalEpochRunner logs score minus that term.
        NetworkConfig c = small(NetworkConfig.Loss.RACING);
        ComputationGraph g = new ComputationGraph(FbnetNetwork.configuration(c, new Lion(1e-3, 0.9, 0.99), 0.5, 4, DataType.DOUBLE));
        g.init();
        Random r = new Random(9);
        INDArray x = random(r, 10, 6), y = random(r, 10, 7), z = random(r, 10, 7);
        double score = g.score(new MultiDataSet(new INDArray[] {x, y, z}, new INDArray[] {y}), true);
        double loss = new RacingLoss(3).computeScore(y, g.output(true, x, y, z)[0], new org.nd4j.linalg.activations.impl.ActivationIdentity(), null, true);
        assertEquals(loss, score - g.calcRegularizationScore(true), 1e-12);
        assertTrue(g.calcRegularizationScore(true) > 0, "the heads carry weight decay");
    }

    @Test
    void jsonRoundTripKeepsEveryCustomPiece() {
        NetworkConfig c = new NetworkConfig(6, 3, 4, 2, 0.02, 0.002, 0.2, 0.01, NetworkConfig.Loss.RACING);
        ComputationGraphConfiguration conf = FbnetNetwork.configuration(c, new Lion(3e-4, 0.8, 0.95), 1e-3, 1, DataType.FLOAT);
        String json = conf.toJson();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertEquals(json, back.toJson());
        LeakInjection leak = (LeakInjection) back.getVertices().get(FbnetNetwork.LEAK);
        assertEquals(0.02, leak.getAlpha());
        assertEquals(0.002, leak.getBeta());
        assertEquals(7, leak.getLeakSize());
        assertEquals(12, leak.getHiddenSize());
        ResidualPReLU prelu = (ResidualPReLU) back.getVertices().get(FbnetNetwork.RESIDUAL);
        assertEquals(0.01, prelu.getInitialSlope());
        assertEquals(12, prelu.getSize());
        LossLayer out = (LossLayer) ((LayerVertex) back.getVertices().get(FbnetNetwork.OUTPUT)).getLayerConf().getLayer();
        assertEquals(new RacingLoss(3), out.getLossFn());
        Lion lion = assertInstanceOf(Lion.class, leak.getUpdater());
        assertEquals(new Lion(3e-4, 0.8, 0.95), lion);
    }

    @Test
    void modelSerializerRestoresParametersUpdaterStateAndPredictions() throws Exception {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        try {
            NetworkConfig c = new NetworkConfig(6, 3, 4, 2, 0.02, 0.002, 0.2, 0.01, NetworkConfig.Loss.RACING);
            ComputationGraph g = FbnetNetwork.build(c, new LionConfig(1e-3, 0.9, 0.99, 1e-3), 2);
            Random r = new Random(6);
            INDArray x = random(r, 16, 6).castTo(DataType.FLOAT), y = random(r, 16, 7).castTo(DataType.FLOAT);
            INDArray z = random(r, 16, 7).castTo(DataType.FLOAT);
            g.fit(new MultiDataSet(new INDArray[] {x, y, z}, new INDArray[] {y}));
            g.fit(new MultiDataSet(new INDArray[] {x, y, z}, new INDArray[] {y}));

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ModelSerializer.writeModel(g, bytes, true);
            ComputationGraph back = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);

            assertEquals(g.params(), back.params());
            assertEquals(g.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
            assertEquals(g.output(false, x, y, z)[0], back.output(false, x, y, z)[0]);
            INDArray leakW = back.getVertex(FbnetNetwork.LEAK).paramTable(false).get(LeakInjection.WEIGHT);
            assertEquals(g.getVertex(FbnetNetwork.LEAK).paramTable(false).get(LeakInjection.WEIGHT), leakW);
        } finally {
            Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        }
    }

    @Test
    void everySeedIncludingZeroGivesTheSameInitialParametersEachTime() {
        NetworkConfig c = new NetworkConfig(6, 3, 4, 2, 0.02, 0.002, 0.2, 0.01, NetworkConfig.Loss.RACING);
        LionConfig lion = new LionConfig(1e-4, 0.9, 0.99, 1e-3);
        for (long seed : new long[] {0, 7}) {
            org.nd4j.linalg.api.ndarray.INDArray a = FbnetNetwork.build(c, lion, seed).params().dup();
            org.nd4j.linalg.api.ndarray.INDArray b = FbnetNetwork.build(c, lion, seed).params().dup();
            org.junit.jupiter.api.Assertions.assertEquals(a, b, "seed " + seed);
        }
        org.junit.jupiter.api.Assertions.assertNotEquals(FbnetNetwork.build(c, lion, 0).params().dup(),
                FbnetNetwork.build(c, lion, 7).params().dup());
    }
}
