package org.fbnet.nn.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
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
class ResidualPReLUTest {
    private static final int SIZE = 4;

    /** h and d into the vertex, a Linear layer after it (so dL/dh and dL/dd reach parameters), MSE. */
    private static ComputationGraph graph() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder()
                .addInputs("x")
                .setInputTypes(InputType.feedForward(SIZE))
                .addVertex("h", new Linear(SIZE, SIZE), "x")
                .addVertex("d", new Linear(SIZE, SIZE), "h")
                .addVertex("res", new ResidualPReLU(SIZE, 0.25), "h", "d")
                .addLayer("out", new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "res")
                .setOutputs("out").build());
        g.init();
        // Distinct slopes per unit, so a mix-up of units would show.
        g.getVertex("res").paramTable(false).get(ResidualPReLU.ALPHA).assign(Nd4j.create(new double[][] {{0.1, -0.3, 0.5, 2.0}}));
        return g;
    }

    @Test
    void forwardIsHPlusPReLUOfD() {
        ComputationGraph g = graph();
        Random r = new Random(1);
        double[][] x = new double[100][SIZE];
        for (double[] row : x) for (int j = 0; j < SIZE; j++) row[j] = r.nextGaussian();
        INDArray in = Nd4j.create(x);
        var acts = g.feedForward(new INDArray[] {in}, false, false);
        double[][] hv = acts.get("h").toDoubleMatrix(), dv = acts.get("d").toDoubleMatrix(), out = acts.get("res").toDoubleMatrix();
        double[] alpha = {0.1, -0.3, 0.5, 2.0};
        for (int i = 0; i < x.length; i++) {
            double[] e = new double[SIZE];
            for (int j = 0; j < SIZE; j++) e[j] = hv[i][j] + (dv[i][j] > 0 ? dv[i][j] : alpha[j] * dv[i][j]);
            assertArrayEquals(e, out[i], 1e-14, "row " + i);
        }
    }

    @Test
    void backpropMatchesFiniteDifferencesOnBatchesAbove64Rows() {
        ComputationGraph g = graph();
        Random r = new Random(2);
        double[][] x = new double[80][SIZE], y = new double[80][SIZE];
        for (int i = 0; i < 80; i++) for (int j = 0; j < SIZE; j++) { x[i][j] = r.nextGaussian(); y[i][j] = r.nextGaussian(); }
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[] {Nd4j.create(x)}).labels(new INDArray[] {Nd4j.create(y)})
                .epsilon(1e-6).maxRelError(1e-6).minAbsoluteError(1e-10)));
    }
}
