package org.fbnet.nn.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.testing.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

@ExtendWith(DoublePrecision.class)
class LeakInjectionTest {
    private static final int HIDDEN = 5, LEAK = 4;

    /** h, y, z straight into the vertex, then an MSE loss layer so the graph can be fitted and checked. */
    private static ComputationGraph graph(double alpha, double beta) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder()
                .addInputs("h", "y", "z")
                .setInputTypes(InputType.feedForward(HIDDEN), InputType.feedForward(LEAK), InputType.feedForward(LEAK))
                .addVertex("leak", new LeakInjection(LEAK, HIDDEN, alpha, beta), "h", "y", "z")
                .addLayer("out", new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "leak")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        // Non-zero bias, so the bias terms of both formulas are exercised.
        g.getVertex("leak").paramTable(false).get(LeakInjection.BIAS).assign(Nd4j.rand(DataType.DOUBLE, 1, HIDDEN));
        return g;
    }

    private static double[][] gaussian(Random r, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) for (int j = 0; j < cols; j++) row[j] = r.nextGaussian();
        return a;
    }

    /** P(v) = v·W + b, written out. */
    private static double[] project(double[] v, double[][] w, double[] b) {
        double[] out = b.clone();
        for (int i = 0; i < v.length; i++) for (int j = 0; j < out.length; j++) out[j] += v[i] * w[i][j];
        return out;
    }

    @Test
    void forwardFollowsTheTrainingAndInferenceFormulas() {
        double a = 0.3, b = 0.1;
        ComputationGraph g = graph(a, b);
        double[][] w = g.getVertex("leak").paramTable(false).get(LeakInjection.WEIGHT).toDoubleMatrix();
        double[] bias = g.getVertex("leak").paramTable(false).get(LeakInjection.BIAS).toDoubleVector();
        Random r = new Random(1);
        double[][] h = gaussian(r, 3, HIDDEN), y = gaussian(r, 3, LEAK), z = gaussian(r, 3, LEAK);
        double[][] train = g.output(true, Nd4j.create(h), Nd4j.create(y), Nd4j.create(z))[0].toDoubleMatrix();
        double[][] infer = g.output(false, Nd4j.create(h), Nd4j.create(y), Nd4j.create(z))[0].toDoubleMatrix();
        for (int i = 0; i < 3; i++) {
            double[] py = project(y[i], w, bias), pz = project(z[i], w, bias);
            double[] et = new double[HIDDEN], ei = new double[HIDDEN];
            for (int j = 0; j < HIDDEN; j++) {
                et[j] = (h[i][j] + a * py[j] + b * pz[j]) / (1 + a + b);
                ei[j] = (h[i][j] - (a + b) * pz[j]) / (1 + a + b);
            }
            assertArrayEquals(et, train[i], 1e-12, "training row " + i);
            assertArrayEquals(ei, infer[i], 1e-12, "inference row " + i);
        }
    }

    @Test
    void zeroAlphaRemovesTheLeakFromTraining() {
        ComputationGraph g = graph(0, 0.1);
        Random r = new Random(2);
        INDArray h = Nd4j.create(gaussian(r, 2, HIDDEN)), z = Nd4j.create(gaussian(r, 2, LEAK));
        assertEquals(g.output(true, h, Nd4j.create(gaussian(r, 2, LEAK)), z)[0], g.output(true, h, Nd4j.create(gaussian(r, 2, LEAK)), z)[0]);
    }

    @Test
    void backpropMatchesFiniteDifferencesForTheSharedProjection() {
        ComputationGraph g = graph(0.3, 0.1);
        Random r = new Random(3);
        INDArray[] in = {Nd4j.create(gaussian(r, 6, HIDDEN)), Nd4j.create(gaussian(r, 6, LEAK)), Nd4j.create(gaussian(r, 6, LEAK))};
        INDArray labels = Nd4j.create(gaussian(r, 6, HIDDEN));
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g).inputs(in)
                .labels(new INDArray[] {labels}).epsilon(1e-6).maxRelError(1e-6).minAbsoluteError(1e-10)));
    }

    @Test
    void rejectsInputsOfTheWrongWidth() {
        ComputationGraph g = graph(0.3, 0.1);
        assertThrows(IllegalArgumentException.class,
                () -> g.output(false, Nd4j.rand(2, HIDDEN), Nd4j.rand(2, LEAK), Nd4j.rand(2, LEAK + 1)));
    }

    @Test
    void jsonRoundTripKeepsSizesAndWeights() {
        LeakInjection leak = new LeakInjection(LEAK, HIDDEN, 0.02, 0.002);
        ComputationGraphConfiguration conf = graph(0.02, 0.002).getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        LeakInjection read = (LeakInjection) back.getVertices().get("leak");
        assertEquals(leak.getAlpha(), read.getAlpha());
        assertEquals(leak.getBeta(), read.getBeta());
        assertEquals(LEAK, read.getLeakSize());
        assertEquals(HIDDEN, read.getHiddenSize());
        assertEquals(conf, back);
    }
}
