package org.fbnet.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Random;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;

class RacingLossTest {
    private static final int LEFT = 3;
    private final RacingLoss loss = new RacingLoss(LEFT);

    /** Random predictions and labels; the right half's predictions are shifted so the hemispheres differ. */
    private static double[][][] data(long seed, int rows, int cols, double rightNoise) {
        Random r = new Random(seed);
        double[][] t = new double[rows][cols], p = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[i][j] = r.nextGaussian();
                p[i][j] = t[i][j] + (j < LEFT ? 0.5 : rightNoise) * r.nextGaussian();
            }
        }
        return new double[][][] {p, t};
    }

    /** The racing loss from its definition, in double. */
    private static double reference(double[][] p, double[][] t) {
        double cl = 0, cr = 0;
        for (int i = 0; i < p.length; i++) {
            cl += cos(p[i], t[i], 0, LEFT);
            cr += cos(p[i], t[i], LEFT, p[i].length);
        }
        cl /= p.length;
        cr /= p.length;
        return -(Math.min(cl, cr) + (cl + cr) / 2);
    }

    private static double cos(double[] a, double[] b, int from, int to) {
        double ab = 0, aa = 0, bb = 0;
        for (int j = from; j < to; j++) {
            ab += a[j] * b[j];
            aa += a[j] * a[j];
            bb += b[j] * b[j];
        }
        return ab / (Math.sqrt(aa) * Math.sqrt(bb));
    }

    @Test
    void batchScoreIsTheRacingLossAndPerExampleScoresAverageToIt() {
        for (double rightNoise : new double[] {0.1, 2.0}) { // right better, then right worse
            double[][][] d = data(1, 9, 7, rightNoise);
            INDArray p = Nd4j.create(d[0]), t = Nd4j.create(d[1]);
            double expected = reference(d[0], d[1]);
            assertEquals(expected, loss.computeScore(t, p, new ActivationIdentity(), null, true), 1e-12);
            assertEquals(expected * 9, loss.computeScore(t, p, new ActivationIdentity(), null, false), 1e-11);
            assertEquals(expected, loss.computeScoreArray(t, p, new ActivationIdentity(), null).meanNumber().doubleValue(), 1e-12);
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesOfTheBatchLoss() {
        for (double rightNoise : new double[] {0.1, 2.0}) {
            double[][][] d = data(2, 6, 7, rightNoise);
            INDArray grad = loss.computeGradient(Nd4j.create(d[1]), Nd4j.create(d[0]), new ActivationIdentity(), null);
            double h = 1e-6;
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 7; j++) {
                    double[][] plus = deepCopy(d[0]), minus = deepCopy(d[0]);
                    plus[i][j] += h;
                    minus[i][j] -= h;
                    // DL4J's per-example gradient is d(score_i)/dp_i: N times the batch loss's gradient.
                    double numeric = 6 * (reference(plus, d[1]) - reference(minus, d[1])) / (2 * h);
                    assertEquals(numeric, grad.getDouble(i, j), 1e-6, "d/dp[" + i + "][" + j + "], right noise " + rightNoise);
                }
            }
        }
    }

    /** Against torch autograd of the racing loss in float64 (golden_refs/racing_loss.py). */
    private void matchesTorchAutograd(java.nio.file.Path refs) {
        JsonNode e = Golden.json(refs.resolve("expected.json"));
        int cols = e.get("cols").intValue();
        assertEquals(LEFT, e.get("left").intValue());
        INDArray p = Nd4j.create(Golden.matrix(Golden.doubles(e.get("predictions")), cols));
        INDArray t = Nd4j.create(Golden.matrix(Golden.doubles(e.get("labels")), cols));
        assertEquals(e.get("loss").doubleValue(), loss.computeScore(t, p, new ActivationIdentity(), null, true), 1e-12);
        double[][] torchGrad = Golden.matrix(Golden.doubles(e.get("gradient")), cols);
        double[][] ours = loss.computeGradient(t, p, new ActivationIdentity(), null).toDoubleMatrix();
        assertEquals(torchGrad.length, ours.length);
        for (int i = 0; i < ours.length; i++) assertArrayEquals(torchGrad[i], ours[i], 1e-12, "row " + i);
    }

    @Test
    void scoreAndGradientMatchTorchAutograd() {
        matchesTorchAutograd(Golden.dir("racing-loss"));
    }

    @Test
    @Tag(Python.TAG)
    void scoreAndGradientMatchLiveTorchAutograd(@TempDir java.nio.file.Path dir) throws Exception {
        matchesTorchAutograd(Golden.live("racing-loss", dir));
    }

    @Test
    void rejectsOutputsThatCannotBeSplitIntoTwoHemispheres() {
        INDArray narrow = Nd4j.rand(4, LEFT);
        assertThrows(IllegalArgumentException.class, () -> loss.computeScore(narrow, narrow, new ActivationIdentity(), null, true));
    }

    @Test
    void jsonRoundTripKeepsTheSplit() throws Exception {
        ObjectMapper json = NeuralNetConfiguration.mapper();
        String s = json.writeValueAsString(loss);
        ILossFunction back = json.readValue(s, ILossFunction.class);
        assertEquals(loss, back);
        assertEquals(LEFT, ((RacingLoss) back).getLeftSize());
        // A different loss of DL4J's own still reads back as itself: the mapper is the one configurations use.
        assertEquals(LossFunctions.LossFunction.MSE.getILossFunction(),
                json.readValue(json.writeValueAsString(LossFunctions.LossFunction.MSE.getILossFunction()), ILossFunction.class));
    }

    private static double[][] deepCopy(double[][] a) {
        return Arrays.stream(a).map(double[]::clone).toArray(double[][]::new);
    }
}
