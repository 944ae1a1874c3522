package org.fbnet.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.ConfigException;
import org.fbnet.config.Settings;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RidgeBaselineTest {
    private static final double[] GRID = {0.01, 0.1, 1, 10, 100, 1000, 10000};

    /** x with unequal column scales, y = x W + noise with a per-vertex offset: the optimum alpha is inside the grid. */
    private static float[][][] problem(long seed, int n, int p, int v, double noise) {
        Random r = new Random(seed);
        float[][] x = new float[n][p], y = new float[n][v];
        double[][] w = new double[p][v];
        for (int i = 0; i < p; i++) for (int j = 0; j < v; j++) w[i][j] = r.nextGaussian() * 0.3;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < p; k++) x[i][k] = (float) (r.nextGaussian() * (1 + k) + 0.5);
            for (int j = 0; j < v; j++) {
                double s = 2.0 + j % 3;
                for (int k = 0; k < p; k++) s += x[i][k] * w[k][j];
                y[i][j] = (float) (s + noise * r.nextGaussian());
            }
        }
        return new float[][][] {x, y};
    }

    /** (Xc^T Xc + alpha I) w = Xc^T yc by Gaussian elimination in plain double, for one vertex. */
    private static double[] closedForm(float[][] x, float[][] y, int col, double alpha, int from, int to, double[] interceptOut) {
        int p = x[0].length;
        double[] mx = new double[p];
        double my = 0;
        int m = 0;
        for (int i = 0; i < x.length; i++) {
            if (i >= from && i < to) continue;
            for (int k = 0; k < p; k++) mx[k] += x[i][k];
            my += y[i][col];
            m++;
        }
        for (int k = 0; k < p; k++) mx[k] /= m;
        my /= m;
        double[][] a = new double[p][p + 1];
        for (int i = 0; i < x.length; i++) {
            if (i >= from && i < to) continue;
            for (int k = 0; k < p; k++) {
                for (int l = 0; l < p; l++) a[k][l] += (x[i][k] - mx[k]) * (x[i][l] - mx[l]);
                a[k][p] += (x[i][k] - mx[k]) * (y[i][col] - my);
            }
        }
        for (int k = 0; k < p; k++) a[k][k] += alpha;
        for (int c = 0; c < p; c++) {
            int piv = c;
            for (int r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
            double[] t = a[c]; a[c] = a[piv]; a[piv] = t;
            for (int r = 0; r < p; r++) {
                if (r == c) continue;
                double f = a[r][c] / a[c][c];
                for (int l = c; l <= p; l++) a[r][l] -= f * a[c][l];
            }
        }
        double[] w = new double[p];
        double b = my;
        for (int k = 0; k < p; k++) {
            w[k] = a[k][p] / a[k][k];
            b -= mx[k] * w[k];
        }
        interceptOut[0] = b;
        return w;
    }

    @Test
    void weightsEqualThePlainClosedFormAtTheChosenAlpha() {
        float[][][] d = problem(1, 80, 6, 7, 3.0);
        RidgeModel m = new RidgeBaseline(new RidgeConfig(GRID, 4)).fit(d[0], d[1]);
        double[] b = new double[1];
        for (int j = 0; j < 7; j++) {
            double[] w = closedForm(d[0], d[1], j, m.alpha(), 0, 0, b);
            for (int k = 0; k < 6; k++) assertEquals(w[k], m.weight(k, j), 1e-4 * (1 + Math.abs(w[k])), "w[" + k + "][" + j + "]");
            assertEquals(b[0], m.intercept(j), 1e-4 * (1 + Math.abs(b[0])));
        }
    }

    @Test
    void crossValidationErrorEqualsExplicitHeldOutPredictionsAcrossColumnBlocks() {
        // More vertices than one column block, and 53 rows over 4 folds (unequal fold sizes).
        int n = 53, p = 5, v = RidgeBaseline.BLOCK_COLUMNS + 37;
        float[][][] d = problem(2, n, p, v, 2.0);
        RidgeModel m = new RidgeBaseline(new RidgeConfig(new double[] {0.5, 20, 800}, 4)).fit(d[0], d[1]);
        int[] start = RidgeBaseline.foldStarts(n, 4);
        assertArrayEquals(new int[] {0, 14, 27, 40, 53}, start);
        double[] b = new double[1];
        for (int a = 0; a < 3; a++) {
            double alpha = m.alphas()[a], mean = 0;
            for (int f = 0; f < 4; f++) {
                double sse = 0;
                for (int j = 0; j < v; j++) {
                    double[] w = closedForm(d[0], d[1], j, alpha, start[f], start[f + 1], b);
                    for (int i = start[f]; i < start[f + 1]; i++) {
                        double pred = b[0];
                        for (int k = 0; k < p; k++) pred += d[0][i][k] * w[k];
                        sse += (d[1][i][j] - pred) * (d[1][i][j] - pred);
                    }
                }
                mean += sse / ((double) (start[f + 1] - start[f]) * v) / 4;
            }
            assertEquals(mean, m.cvMse()[a], 1e-6 * mean, "CV MSE at alpha " + alpha);
        }
    }

    /** Against scikit-learn's RidgeCV with KFold and GridSearchCV's per-alpha CV error (golden_refs/ridge.py). */
    private static void matchesScikitLearn(java.nio.file.Path refs) {
        JsonNode e = Golden.json(refs.resolve("expected.json"));
        int p = e.get("features").intValue(), v = e.get("vertices").intValue();
        double[] grid = Golden.doubles(e.get("alphas"));
        float[][] x = Golden.matrix(Golden.floats(e.get("x")), p), y = Golden.matrix(Golden.floats(e.get("y")), v);
        RidgeModel m = new RidgeBaseline(new RidgeConfig(grid, e.get("folds").intValue())).fit(x, y);
        assertEquals(e.get("alpha").doubleValue(), m.alpha());
        assertTrue(m.alpha() > grid[0] && m.alpha() < grid[grid.length - 1], "the test data should put the optimum inside the grid");
        double[] mse = Golden.doubles(e.get("cv_mse"));
        for (int a = 0; a < grid.length; a++) assertEquals(mse[a], m.cvMse()[a], 1e-7 * mse[a], "CV MSE at alpha " + grid[a]);
        double[] coef = Golden.doubles(e.get("coef")), icpt = Golden.doubles(e.get("intercept"));
        for (int k = 0; k < p; k++) {
            for (int j = 0; j < v; j++) assertEquals(coef[k * v + j], m.weight(k, j), 1e-5 * (1 + Math.abs(coef[k * v + j])), "w[" + k + "][" + j + "]");
        }
        for (int j = 0; j < v; j++) assertEquals(icpt[j], m.intercept(j), 1e-4 * (1 + Math.abs(icpt[j])), "intercept " + j);
    }

    @Test
    void matchesScikitLearnRidgeCvWithKFold() {
        matchesScikitLearn(Golden.dir("ridge"));
    }

    @Test
    @Tag(Python.TAG)
    void matchesLiveScikitLearnRidgeCvWithKFold(@TempDir java.nio.file.Path dir) throws Exception {
        matchesScikitLearn(Golden.live("ridge", dir));
    }

    @Test
    void savedModelLoadsAndPredictsIdentically(@TempDir java.nio.file.Path tmp) throws Exception {
        float[][][] d = problem(4, 40, 4, 6, 1.0);
        RidgeModel m = new RidgeBaseline(new RidgeConfig(GRID, 3)).fit(d[0], d[1]);
        Configuration conf = HadoopConf.create();
        Path dir = new Path(tmp.resolve("model").toString());
        m.save(dir, conf, java.util.Map.of("subject", "subj01"));
        RidgeModel back = RidgeModel.load(dir, conf);
        assertEquals("subj01", Manifest.read(dir, conf).getString("subject"));
        assertEquals(m.alpha(), back.alpha());
        assertArrayEquals(m.cvMse(), back.cvMse());
        float[][] p1 = m.predict(d[0]), p2 = back.predict(d[0]);
        for (int i = 0; i < p1.length; i++) assertArrayEquals(p1[i], p2[i]);
        // predict is x W + b: check one entry by hand.
        double e = m.intercept(2);
        for (int k = 0; k < 4; k++) e += d[0][5][k] * m.weight(k, 2);
        assertEquals(e, p1[5][2], 1e-4);
    }

    @Test
    void loadRejectsADirectoryThatIsNotARidgeModel(@TempDir java.nio.file.Path tmp) {
        Path dir = new Path(tmp.toString());
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> RidgeModel.load(dir, HadoopConf.create()));
        assertTrue(e.getMessage().contains("not a ridge model"), e.getMessage());
    }

    @Test
    void fitRejectsFewerRowsThanTwoPerFold() {
        float[][][] d = problem(5, 7, 3, 2, 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RidgeBaseline(new RidgeConfig(GRID, 5)).fit(d[0], d[1]));
        assertTrue(e.getMessage().contains("too few"), e.getMessage());
    }

    @Test
    void configFromSettingsNamesTheBadKey() {
        RidgeConfig c = RidgeConfig.from(Settings.defaults());
        assertTrue(c.alphas().length > 3 && c.folds() >= 2);
        ConfigException e = assertThrows(ConfigException.class,
                () -> RidgeConfig.from(Settings.defaults().with(RidgeConfig.ALPHAS, "1,-2")));
        assertTrue(e.getMessage().contains(RidgeConfig.ALPHAS), e.getMessage());
        assertThrows(ConfigException.class, () -> RidgeConfig.from(Settings.defaults().with(RidgeConfig.FOLDS, "1")));
    }
}
