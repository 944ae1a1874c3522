package org.fbnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.fbnet.data.InputDataException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;

class TrainingRowsTest {
    static TrainingRows rows() {
        return new TrainingRows(List.of(subject("subj01", 300, 4f), subject("subj02", 200, 0.25f)));
    }

    static TrainingRows.Subject subject(String name, int n, float eig) {
        float[][] x = new float[n][3], y = new float[n][4];
        for (int i = 0; i < n; i++) {
            x[i] = new float[] {i, -i, name.hashCode() % 7};
            y[i] = new float[] {i, i + 1, i + 2, name.length()};
        }
        return new TrainingRows.Subject(name, x, y, new float[] {eig, eig, 9f * eig, 0f});
    }

    @Test
    void theOrderIsAPermutationThatChangesPerEpochAndNotPerCall() {
        TrainingRows r = rows();
        long[] a = r.order(new EpochSpec(1, 7, 32)), b = r.order(new EpochSpec(1, 7, 32)), c = r.order(new EpochSpec(2, 7, 32));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        long[] sorted = a.clone();
        Arrays.sort(sorted);
        long[] expected = new long[500];
        for (int i = 0; i < 300; i++) expected[i] = TrainingRows.code(0, i);
        for (int i = 0; i < 200; i++) expected[300 + i] = TrainingRows.code(1, i);
        assertArrayEquals(expected, sorted);
    }

    @Test
    void aRowsNoiseDependsOnlyOnSeedEpochSubjectAndRowNotOnHowRowsAreBatched() {
        TrainingRows r = rows();
        EpochSpec spec = new EpochSpec(3, 11, 64);
        long[] order = r.order(spec);
        // The same 10 rows as one batch, and as the tail of a batch starting elsewhere (another partition).
        MultiDataSet one = r.batch(order, 100, 110, spec);
        MultiDataSet other = r.batch(order, 95, 110, spec);
        float[] z1 = one.getFeatures(2).dup('c').data().asFloat();
        float[] z2 = other.getFeatures(2).dup('c').data().asFloat();
        assertArrayEquals(z1, Arrays.copyOfRange(z2, 5 * 4, 15 * 4));
        // x and the label y are the rows' own values, y also fed as the leak input.
        float[] x = one.getFeatures(0).dup('c').data().asFloat();
        int row0 = TrainingRows.rowOf(order[100]);
        assertEquals(row0, x[0]);
        assertArrayEquals(one.getLabels(0).dup('c').data().asFloat(), one.getFeatures(1).dup('c').data().asFloat());
        // Another epoch draws other noise for the same row.
        EpochSpec next = new EpochSpec(4, 11, 64);
        float[] a = new float[4], b = new float[4];
        r.noise(0, 5, spec, a, 0);
        r.noise(0, 5, next, b, 0);
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void noiseHasEachComponentsEigenvalueAsVariance() {
        TrainingRows r = rows();
        int draws = 20000;
        double[] sum = new double[4], sq = new double[4];
        float[] z = new float[4];
        for (int e = 1; e <= draws / 200; e++) {
            EpochSpec spec = new EpochSpec(e, 5, 32);
            for (int row = 0; row < 200; row++) {
                r.noise(1, row, spec, z, 0);
                for (int j = 0; j < 4; j++) {
                    sum[j] += z[j];
                    sq[j] += z[j] * (double) z[j];
                }
            }
        }
        double[] expected = {0.25, 0.25, 2.25, 0};
        for (int j = 0; j < 4; j++) {
            double mean = sum[j] / draws, var = sq[j] / draws - mean * mean;
            assertEquals(0, mean, 4 * Math.sqrt(Math.max(expected[j], 1e-12) / draws) + 1e-12, "mean of component " + j);
            // Sampling sd of a variance estimate: var * sqrt(2 / n); allow 5 of them.
            assertEquals(expected[j], var, 5 * expected[j] * Math.sqrt(2.0 / draws) + 1e-12, "variance of component " + j);
        }
    }

    @Test
    void aBatchCarriesTheSeedOfItsDropoutMasks() {
        TrainingRows r = rows();
        EpochSpec spec = new EpochSpec(2, 3, 50);
        long[] order = r.order(spec);
        org.fbnet.nn.NetworkConfig net = new org.fbnet.nn.NetworkConfig(3, 2, 2, 4, 0.02, 0.002, 0.5, 0.01, org.fbnet.nn.NetworkConfig.Loss.RACING);
        org.fbnet.nn.optim.LionConfig lion = new org.fbnet.nn.optim.LionConfig(1e-3, 0.9, 0.99, 0);
        float[][] after = new float[3][];
        for (int k = 0; k < 3; k++) {
            org.deeplearning4j.nn.graph.ComputationGraph g = org.fbnet.nn.FbnetNetwork.build(net, lion, 1);
            TrainingRows.Batch b = r.batch(order, 50, 100, spec);
            // The same batch built as a slice of the order starting elsewhere (another worker's share) has the same seed.
            TrainingRows.Batch slice = r.batch(java.util.Arrays.copyOfRange(order, 40, 100), 10, 60, spec, 40);
            if (k < 2) (k == 0 ? b : slice).seedRandom();
            else org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(99);
            g.fit(b);
            after[k] = g.params().toFloatVector();
        }
        assertArrayEquals(after[0], after[1], 0f, "same batch, same seed: same dropout masks and step");
        assertFalse(Arrays.equals(after[0], after[2]), "another generator state must drop other units (dropout 0.5 is active)");
    }

    @Test
    void rowsThatDoNotLineUpAreNamed() {
        TrainingRows.Subject bad = new TrainingRows.Subject("subj05", new float[3][3], new float[2][4], new float[4]);
        InputDataException e = assertThrows(InputDataException.class, () -> new TrainingRows(List.of(bad)));
        assertTrue(e.getMessage().contains("subj05"), e.getMessage());
        TrainingRows.Subject negative = new TrainingRows.Subject("subj06", new float[2][3], new float[][] {new float[4], new float[4]},
                new float[] {1, -1, 1, 1});
        e = assertThrows(InputDataException.class, () -> new TrainingRows(List.of(negative)));
        assertTrue(e.getMessage().contains("subj06") && e.getMessage().contains("eigenvalue 1"), e.getMessage());
    }
}
