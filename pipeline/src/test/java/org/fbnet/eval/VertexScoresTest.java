package org.fbnet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VertexScoresTest {
    /** Against numpy.corrcoef per column (golden_refs/vertex_scores.py). */
    private static void pearsonMatchesNumpy(java.nio.file.Path refs) {
        JsonNode e = Golden.json(refs.resolve("expected.json"));
        int v = e.get("vertices").intValue();
        float[][] p = Golden.matrix(Golden.floats(e.get("predictions")), v), m = Golden.matrix(Golden.floats(e.get("measured")), v);
        assertArrayEquals(Golden.doubles(e.get("r")), VertexScores.pearson(p, m), 1e-6);
    }

    @Test
    void pearsonMatchesNumpyCorrcoef() {
        pearsonMatchesNumpy(Golden.dir("vertex-scores"));
    }

    @Test
    @Tag(Python.TAG)
    void pearsonMatchesLiveNumpyCorrcoef(@TempDir java.nio.file.Path dir) throws Exception {
        pearsonMatchesNumpy(Golden.live("vertex-scores", dir));
    }

    @Test
    void noiseNormalizedFollowsTheAlgonautsFormula() {
        assertEquals(100 * 0.25 / 0.5, VertexScores.noiseNormalized(0.5, 0.5), 1e-12);
        assertEquals(0.0, VertexScores.noiseNormalized(-0.3, 0.5));
        assertEquals(100.0, VertexScores.noiseNormalized(0.9, 0.5));
        assertEquals(100.0, VertexScores.noiseNormalized(0.01, 0.0));
        assertEquals(0.0, VertexScores.noiseNormalized(0.0, 0.0));
    }

    @Test
    void chanceWithoutTheCapIsHalfTheNullMeanSquaredCorrelation() {
        // Under the null E[r^2] = 1/(n-1); r <= 0 scores 0 and the null is symmetric; NC = 1 never hits the 100 cap.
        // (Odd n puts a square-root edge at r = 1 that Simpson integrates to about 2e-5.)
        for (int n : new int[] {4, 5, 20, 40, 41}) {
            assertEquals(100.0 / (2 * (n - 1)), VertexScores.chanceNoiseNormalized(n, 1.0), 1e-4, "n=" + n);
        }
        // A zero ceiling scores every positive r at the cap: half of the mass.
        assertEquals(50.0, VertexScores.chanceNoiseNormalized(40, 0.0), 0.05, "Simpson sees the step at r = 0 as a ramp of one interval");
        assertEquals(Double.NaN, VertexScores.chanceNoiseNormalized(3, 1.0));
    }

    @Test
    void chanceMatchesScoresOfIndependentGaussianPredictions() {
        // Where the cap binds for part of the r range (r > sqrt(0.05)): a Monte Carlo of the scorer itself.
        int n = 20, draws = 40_000;
        double nc = 0.05;
        java.util.Random random = new java.util.Random(3);
        float[][] p = new float[n][draws], m = new float[n][draws];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < draws; j++) {
                p[i][j] = (float) random.nextGaussian();
                m[i][j] = (float) random.nextGaussian();
            }
        }
        double[] r = VertexScores.pearson(p, m);
        double sum = 0, sumSq = 0;
        for (double x : r) {
            double s = VertexScores.noiseNormalized(x, nc);
            sum += s;
            sumSq += s * s;
        }
        double mean = sum / draws, se = Math.sqrt((sumSq / draws - mean * mean) / draws);
        assertEquals(mean, VertexScores.chanceNoiseNormalized(n, nc), 4 * se, "Monte Carlo mean " + mean + " +- " + se);
    }
}
