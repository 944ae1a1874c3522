package org.fbnet.pca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.fbnet.data.InputDataException;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomizedPcaTest extends SparkTestBase {
    private static final int N = 400, D = 150, K = 10;
    /** Geometric spectrum over 40 directions: a clear but not huge gap after each component. */
    private static final float[][] X = Reference.matrixWithSpectrum(N, D, Reference.geometric(40, 10.0, 0.85), 0.05, 11);
    private static final Reference.Eigen EXACT = Reference.jacobi(Reference.covariance(X));

    @TempDir Path tmp;

    private static PcaConfig config() {
        return PcaConfig.of(K).withLocalMaxValues(0);
    }

    private static JavaRDD<float[]> rdd(float[][] x, int partitions) {
        return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(Arrays.asList(x), partitions);
    }

    @Test
    void topEigenvaluesMatchAnExactEigendecomposition() {
        PcaModel m = new RandomizedPca(config()).fit(X, "test");
        double fitted = 0, exact = 0;
        for (int c = 0; c < K; c++) {
            assertEquals(EXACT.values()[c], m.eigenvalues()[c], 1e-4 * EXACT.values()[c], "eigenvalue " + c);
            fitted += m.eigenvalues()[c];
            exact += EXACT.values()[c];
        }
        assertEquals(exact, fitted, 1e-3 * exact, "top-k explained variance within 0.1%");
        double total = 0;
        for (double v : EXACT.values()) total += v;
        assertEquals(total, m.totalVariance(), 1e-5 * total);
        assertEquals(exact / total, Arrays.stream(m.explainedVarianceRatio()).sum(), 1e-3 * exact / total);
    }

    @Test
    void componentsSpanTheExactPrincipalSubspace() {
        PcaModel m = new RandomizedPca(config()).fit(X, "test");
        double[] cos = Reference.principalCosines(Reference.rows(m), Arrays.copyOf(EXACT.vectors(), K));
        // the largest principal angle: cos >= 1 - 1e-6 means below 0.0014 rad (0.08 degrees)
        assertTrue(cos[0] > 1 - 1e-6, "largest principal angle cosine " + cos[0]);
        for (int c = 0; c < K; c++) {
            double dot = 0;
            float[] v = m.component(c);
            for (int j = 0; j < D; j++) dot += v[j] * EXACT.vectors()[c][j];
            assertEquals(1.0, Math.abs(dot), 1e-4, "component " + c + " matches the exact eigenvector up to sign");
        }
    }

    /** Against scikit-learn's exact PCA of a matrix with a geometric spectrum (golden_refs/pca.py). */
    private static void matchesScikitLearn(Path refs) throws Exception {
        JsonNode e = Golden.json(refs.resolve("expected.json"));
        int k = e.get("components").intValue();
        float[] flat = NpyReader.readAllFloats(new org.apache.hadoop.fs.Path(refs.resolve("x.npy").toString()), HadoopConf.create());
        double[] var = Golden.doubles(e.get("explained_variance")), ratio = Golden.doubles(e.get("explained_variance_ratio"));
        double[] comps = Golden.doubles(e.get("components_")), mean = Golden.doubles(e.get("mean"));
        int d = mean.length;
        PcaModel m = new RandomizedPca(PcaConfig.of(k).withLocalMaxValues(0)).fit(Golden.matrix(flat, d), "sklearn");
        for (int j = 0; j < d; j++) assertEquals(mean[j], m.mean()[j], 1e-5 * (1 + Math.abs(mean[j])), "mean_[" + j + "]");
        for (int c = 0; c < k; c++) {
            assertEquals(var[c], m.eigenvalues()[c], 1e-4 * var[c], "explained_variance_[" + c + "]");
            assertEquals(ratio[c], m.explainedVarianceRatio()[c], 1e-4 * ratio[c], "explained_variance_ratio_[" + c + "]");
            float[] v = m.component(c);
            double dot = 0;
            for (int j = 0; j < d; j++) dot += v[j] * comps[c * d + j];
            assertEquals(1.0, Math.abs(dot), 1e-4, "components_[" + c + "] up to sign");
        }
    }

    @Test
    void matchesScikitLearnOnTheSameMatrix() throws Exception {
        matchesScikitLearn(Golden.dir("pca"));
    }

    @Test
    @Tag(Python.TAG)
    void matchesLiveScikitLearnOnTheSameMatrix() throws Exception {
        matchesScikitLearn(Golden.live("pca", tmp));
    }

    @Test
    void distributedFitEqualsLocalFit() {
        PcaModel local = new RandomizedPca(config()).fit(X, "local");
        PcaConfig cfg = new PcaConfig(K, 10, 7, 0, 37, 0, 3);
        PcaModel distributed = new RandomizedPca(cfg).fit(rdd(X, 5), "distributed");
        assertEquals(N, distributed.samples());
        assertArrayEquals(local.mean(), distributed.mean(), 1e-5f);
        for (int c = 0; c < K; c++) {
            assertEquals(local.eigenvalues()[c], distributed.eigenvalues()[c], 1e-5 * local.eigenvalues()[c]);
            assertArrayEquals(local.component(c), distributed.component(c), 1e-4f, "component " + c);
        }
        assertEquals(local.totalVariance(), distributed.totalVariance(), 1e-6 * local.totalVariance());
    }

    @Test
    void fittingAnNd4jMatrixInPlaceEqualsFittingRows() {
        PcaModel rows = new RandomizedPca(config()).fit(X, "rows");
        PcaModel inPlace = new RandomizedPca(config()).fitInPlace(org.nd4j.linalg.factory.Nd4j.createFromArray(X), "matrix");
        assertArrayEquals(rows.mean(), inPlace.mean(), 1e-5f);
        assertEquals(rows.totalVariance(), inPlace.totalVariance(), 1e-6 * rows.totalVariance());
        for (int c = 0; c < K; c++) {
            assertEquals(rows.eigenvalues()[c], inPlace.eigenvalues()[c], 1e-5 * rows.eigenvalues()[c]);
            assertArrayEquals(rows.component(c), inPlace.component(c), 1e-4f);
        }
        float[][] bad = {X[0].clone(), X[1].clone(), X[2].clone()};
        bad[1][4] = Float.POSITIVE_INFINITY;
        InputDataException e = assertThrows(InputDataException.class,
                () -> new RandomizedPca(PcaConfig.of(2)).fitInPlace(org.nd4j.linalg.factory.Nd4j.createFromArray(bad), "matrix"));
        assertTrue(e.getMessage().contains("infinite"), e.getMessage());
    }

    @Test
    void smallRddInputsTakeTheLocalPathWithTheSameResult() {
        PcaModel viaRdd = new RandomizedPca(PcaConfig.of(K)).fit(rdd(X, 3), "small");
        PcaModel local = new RandomizedPca(PcaConfig.of(K)).fit(X, "small");
        assertArrayEquals(local.eigenvalues(), viaRdd.eigenvalues(), 0.0);
        for (int c = 0; c < K; c++) assertArrayEquals(local.component(c), viaRdd.component(c), 0f);
    }

    @Test
    void seededDistributedFitsAreBitIdentical() {
        PcaConfig cfg = new PcaConfig(K, 10, 3, 42, 50, 0, 2);
        PcaModel a = new RandomizedPca(cfg).fit(rdd(X, 4), "a");
        PcaModel b = new RandomizedPca(cfg).fit(rdd(X, 4), "b");
        assertArrayEquals(a.eigenvalues(), b.eigenvalues(), 0.0);
        for (int c = 0; c < K; c++) assertArrayEquals(a.component(c), b.component(c), 0f);
        PcaModel other = new RandomizedPca(cfg.withSeed(43)).fit(rdd(X, 4), "c");
        // Another seed starts elsewhere: not bit-identical, yet converged to the same subspace.
        assertTrue(!Arrays.equals(a.component(K - 1), other.component(K - 1)));
        assertTrue(Reference.principalCosines(Reference.rows(a), Reference.rows(other))[0] > 1 - 1e-4);
    }

    @Test
    void rejectsRowsOfDifferentLengths() {
        float[][] bad = {new float[] {1, 2, 3}, new float[] {4, 5}, new float[] {6, 7, 8}};
        InputDataException e = assertThrows(InputDataException.class, () -> new RandomizedPca(PcaConfig.of(1)).fit(bad, "subj01 lh"));
        assertTrue(e.getMessage().contains("subj01 lh") && e.getMessage().contains("row 1") && e.getMessage().contains("dimension mismatch"), e.getMessage());
        Exception d = assertThrows(Exception.class,
                () -> new RandomizedPca(PcaConfig.of(1).withLocalMaxValues(0)).fit(rdd(bad, 2), "subj01 lh"));
        assertTrue(messages(d).contains("dimension mismatch"), messages(d));
    }

    @Test
    void rejectsMoreComponentsThanRowsOrColumns() {
        float[][] x = Arrays.copyOf(X, 8);
        InputDataException e = assertThrows(InputDataException.class, () -> new RandomizedPca(PcaConfig.of(9)).fit(x, "tiny"));
        assertTrue(e.getMessage().contains("min(rows, columns) = 8"), e.getMessage());
        float[][] narrow = {new float[] {1, 2}, new float[] {3, 5}, new float[] {4, 4}};
        assertThrows(InputDataException.class, () -> new RandomizedPca(PcaConfig.of(3)).fit(narrow, "narrow"));
    }

    @Test
    void rejectsNonFiniteValues() {
        float[][] x = new float[5][];
        for (int i = 0; i < 5; i++) x[i] = X[i].clone();
        x[3][7] = Float.NaN;
        InputDataException e = assertThrows(InputDataException.class, () -> new RandomizedPca(PcaConfig.of(2)).fit(x, "subj02 rh"));
        assertTrue(e.getMessage().contains("row 3") && e.getMessage().contains("column 7") && e.getMessage().contains("NaN"), e.getMessage());
        Exception d = assertThrows(Exception.class,
                () -> new RandomizedPca(PcaConfig.of(2).withLocalMaxValues(0)).fit(rdd(x, 2), "subj02 rh"));
        assertTrue(messages(d).contains("column 7"), messages(d));
    }

    @Test
    void rankDeficientDataStillGivesOrthonormalComponents() {
        // 30 rows that span only 3 directions: the range finder's extra columns are pure rounding.
        float[][] x = Reference.matrixWithSpectrum(30, 20, new double[] {5, 2, 1}, 0, 3);
        PcaModel m = new RandomizedPca(PcaConfig.of(5)).fit(x, "rank3");
        double[][] r = Reference.rows(m);
        for (int a = 0; a < 5; a++) for (int b = 0; b < 5; b++) {
            double dot = 0;
            for (int j = 0; j < 20; j++) dot += r[a][j] * r[b][j];
            assertEquals(a == b ? 1 : 0, dot, 1e-5);
        }
        assertEquals(5.0, m.eigenvalues()[0], 1e-3);
        assertEquals(0.0, m.eigenvalues()[4], 1e-5);
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) sb.append(c.getMessage()).append(" | ");
        return sb.toString();
    }
}
