package org.fbnet.pca;

import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.fbnet.data.InputDataException;
import org.fbnet.linalg.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Randomized PCA (Halko, Martinsson and Tropp, "Finding structure with randomness", SIAM Review 2011,
 * Algorithms 4.4 and 5.1) over row-partitioned Spark data or a matrix in one JVM; {@link #fit}
 * returns an immutable {@link PcaModel}.
 * <p>With l = k + p and a Gaussian test matrix Omega (columns x l), the range finder works on the
 * right-hand side: Q = orth(Omega), then q times Q = orth(A^T (A Q)), each product pair taking a
 * single pass over the data and each step re-orthonormalised on the driver (CholeskyQR, see
 * {@link DenseLinalg}); a last
 * pass over Q gives Y = AQ's Gram matrix G and Z = A^T Y, from which the driver forms scikit-learn's
 * final step (the SVD of B = orth(Y)^T A) without touching the data again. That is the same
 * subspace and the same 2q + 2 products of the data with a thin matrix as scikit-learn's
 * {@code randomized_svd(n_iter=q)}. Eigenvalues are the squared singular values over N-1. Nothing
 * of size columns x columns is ever formed: the driver holds columns x l and l x l matrices only
 * (Spark MLlib's {@code computePrincipalComponents} builds the full covariance and refuses above
 * 65,535 columns).
 * <p>Skipping the orthonormalisation of the n-side product Y = A Q inside the iterations is exact
 * in arithmetic: orth(A^T Y R^-1) = orth(A^T Y) for any invertible R. It makes cond(Z) about
 * lambda_1 / lambda_l (covariance eigenvalues), and CholeskyQR squares that in its Gram matrix:
 * in double this holds up to lambda_1 / lambda_l ~ 1e5, beyond which {@link DenseLinalg} falls
 * back to Householder QR (slower, equally exact).
 * <p>Where the time goes (logged per pass): on one machine's 2 cores, the 9841 x 38,400 image
 * case spends ~90% in the 2q + 2 float GEMMs with the data, which run near the cores' peak.
 */
public final class RandomizedPca {
    private static final Logger LOG = LoggerFactory.getLogger(RandomizedPca.class);

    private final PcaConfig config;
    private final String componentsSetting;

    public RandomizedPca(PcaConfig config) {
        this(config, null);
    }

    /**
     * @param componentsSetting how the user sets the number of components (e.g.
     *     {@code "--image-components N (pca.image.components)"}), named when the data has too few rows or
     *     columns for it; null for a generic message
     */
    public RandomizedPca(PcaConfig config, String componentsSetting) {
        this.config = config;
        this.componentsSetting = componentsSetting;
    }

    public PcaConfig config() { return config; }

    /** Fits on rows held in this JVM; {@code source} names the data in errors and logs. */
    public PcaModel fit(float[][] rows, String source) {
        try (CenteredData data = LocalData.of(rows, source)) {
            return fit(data, source);
        }
    }

    /**
     * Fits on a float matrix (rows x columns) in this JVM, which it centers IN PLACE and takes over:
     * for large inputs a caller already holds off-heap, so no second copy is made.
     */
    public PcaModel fitInPlace(INDArray matrix, String source) {
        try (CenteredData data = LocalData.ofMatrix(matrix, source)) {
            return fit(data, source);
        }
    }

    /**
     * Fits on an RDD of rows. Inputs of at most {@code localMaxValues} values are collected and fitted
     * in this JVM; larger ones by Spark passes over cached centered row blocks.
     */
    public PcaModel fit(JavaRDD<float[]> rows, String source) {
        if (config.localMaxValues() > 0) {
            // One job for the size (rows and the widest row), then one to collect if small.
            long[] size = rows.mapPartitions(it -> {
                long n = 0, w = 0;
                while (it.hasNext()) {
                    float[] r = it.next();
                    n++;
                    w = Math.max(w, r == null ? 0 : r.length);
                }
                return java.util.List.of(new long[] {n, w}).iterator();
            }).reduce((a, b) -> new long[] {a[0] + b[0], Math.max(a[1], b[1])});
            if (size[0] == 0) throw new InputDataException(source + ": no rows to fit a PCA on");
            if (size[0] * size[1] <= config.localMaxValues()) {
                return fit(rows.collect().toArray(new float[0][]), source);
            }
        }
        try (CenteredData data = SparkData.of(rows, source, config.blockRows(), config.sparkPartitions())) {
            return fit(data, source);
        }
    }

    PcaModel fit(CenteredData data, String source) {
        long n = data.rows();
        int d = data.columns();
        int k = config.components();
        if (n < 2) throw new InputDataException(source + ": " + n + " row(s); a covariance needs at least 2");
        if (k > Math.min(n, d)) {
            long largest = Math.min(n, d);
            throw new InputDataException(source + ": " + k + " components requested but the data has only " + n
                    + " rows x " + d + " columns; " + (componentsSetting == null
                    ? "k must be <= min(rows, columns) = " + largest
                    : "set " + componentsSetting + " to at most min(rows, columns) = " + largest));
        }
        int l = (int) Math.min(k + config.oversampling(), Math.min(n, d));
        long start = System.nanoTime();
        int passes = config.powerIterations() + 1;
        LOG.info("pca {}: {} rows x {} columns -> {} components (l = {}, {} passes)", source, n, d, k, l, passes);

        // Q^T (l x d, the thin matrices are kept transposed: see BlockProducts): Omega, then a
        // basis of each Z = A^T A Q. Inside the power iterations the basis only has to be well
        // conditioned (span(Z) is what matters), so one CholeskyQR step in place on the float Z
        // does (as scikit-learn uses LU there); the last Q, which finalStep may use as an
        // orthonormal basis, is orthonormalised to double precision (CholeskyQR2).
        long t = System.nanoTime();
        INDArray qt = gaussian(l, d, config.seed());
        String first = String.format("test matrix %.2f s, ", (System.nanoTime() - t) / 1e9);
        CenteredData.Pass p = null;
        for (int it = 0; it <= config.powerIterations(); it++) {
            t = System.nanoTime();
            if (it == config.powerIterations()) {
                INDArray zt = p == null ? qt : p.zt();
                INDArray exact = DenseLinalg.orthonormalRows(zt);
                qt = exact.castTo(DataType.FLOAT);
                exact.close();
                zt.close();
            } else if (p != null) {
                qt = DenseLinalg.orthonormaliseRowsInPlace(p.zt());
            } // else the first pass: a Gaussian test matrix is already well conditioned, only its span matters
            double orthSecs = (System.nanoTime() - t) / 1e9;
            p = data.pass(qt, true);
            if (it < config.powerIterations()) qt.close();
            LOG.info("pca {}: pass {}/{} done after {} s ({}orthonormalisation {} s; products Y {} s, Z {} s, G {} s)", source, it + 1, passes,
                    seconds(start), it == 0 ? first : "", String.format("%.2f", orthSecs),
                    String.format("%.2f", p.times().y()), String.format("%.2f", p.times().z()), String.format("%.2f", p.times().g()));
        }
        t = System.nanoTime();
        Ritz ritz = finalStep(qt, p, k, l);
        qt.close();
        p.zt().close();
        double[] comp = ritz.components();
        float[] components = new float[k * d];
        double[] eigenvalues = new double[k];
        for (int c = 0; c < k; c++) {
            // Deterministic signs: the entry of largest magnitude of each component is positive
            // (scikit-learn's svd_flip on the component side).
            int arg = 0;
            for (int j = 1; j < d; j++) if (Math.abs(comp[c * d + j]) > Math.abs(comp[c * d + arg])) arg = j;
            double sign = comp[c * d + arg] < 0 ? -1 : 1;
            for (int j = 0; j < d; j++) components[c * d + j] = (float) (sign * comp[c * d + j]);
            eigenvalues[c] = Math.max(ritz.values()[c], 0) / (n - 1);
        }
        LOG.info("pca {}: fitted in {} s (final step {} s); top-{} explained variance {}", source, seconds(start), seconds(t), k,
                String.format("%.4f", sum(eigenvalues) / data.totalVariance()));
        return new PcaModel(data.mean(), components, eigenvalues, data.totalVariance(), n, config);
    }

    /** Components (k x d, row-major) and their squared singular values. */
    private record Ritz(double[] components, double[] values) { }

    /**
     * From the last pass over Q (Y = AQ, G = Y^T Y, Z = A^T Y): the SVD of B = Q_n^T A with Q_n =
     * Y G^(-1/2) an orthonormal basis of Y, as scikit-learn's final step, without another pass:
     * B B^T = G^(-1/2) Z^T Z G^(-1/2) and B^T = Z G^(-1/2). Its right singular vectors lie in
     * span((A^T A)^(q+1) Omega). When G is numerically singular (data of rank below k), the
     * Rayleigh-Ritz vectors of span(Q), from G alone, are exact instead.
     */
    private static Ritz finalStep(INDArray qt, CenteredData.Pass p, int k, int l) {
        Blas blas = Blas.get();
        int d = (int) qt.columns();
        DenseLinalg.SymmetricEigen g = DenseLinalg.symmetricEigen(p.g(), l);
        int rank = 0;
        while (rank < l && g.values()[rank] > 1e-12 * g.values()[0]) rank++;
        // The components are (V: l x k)^T Z^T, or V^T Q^T: one GEMM in double, since V undoes
        // Z's conditioning (cond(Z) ~ lambda_1 / lambda_l) and a float product would lose that
        // factor in the smaller components' directions.
        INDArray vm = Nd4j.create(DataType.DOUBLE, new long[] {l, k}, 'c');
        double[] values;
        INDArray right = Nd4j.create(DataType.DOUBLE, new long[] {l, d}, 'c');
        if (rank >= k && g.values()[0] > 0) {
            // T = V_G Lambda_G^(-1/2) (l x rank), so B^T = Z T and B B^T = T^T (Z^T Z) T.
            double[] t = new double[l * rank];
            for (int r = 0; r < l; r++) for (int c = 0; c < rank; c++) t[r * rank + c] = g.vectors()[r][c] / Math.sqrt(g.values()[c]);
            INDArray tm = Nd4j.create(t, new long[] {l, rank}, 'c');
            right.assign(p.zt());
            INDArray ztz = Nd4j.create(DataType.DOUBLE, new long[] {l, l}, 'c');
            blas.gramOfRows(right, ztz);
            INDArray ztzT = Nd4j.create(DataType.DOUBLE, new long[] {l, rank}, 'c');
            blas.gemm(ztz, false, tm, false, ztzT, 1.0, 0.0);
            INDArray bbt = Nd4j.create(DataType.DOUBLE, new long[] {rank, rank}, 'c');
            blas.gemm(tm, true, ztzT, false, bbt, 1.0, 0.0);
            DenseLinalg.SymmetricEigen e = DenseLinalg.symmetricEigen(bbt.data().asDouble(), rank);
            // V = T W S^-1, so that Z V = B^T W S^-1: its columns are B's unit right singular vectors.
            double[] ws = new double[rank * k];
            for (int r = 0; r < rank; r++) for (int c = 0; c < k; c++) ws[r * k + c] = e.vectors()[r][c] / Math.sqrt(Math.max(e.values()[c], Double.MIN_NORMAL));
            INDArray wm = Nd4j.create(ws, new long[] {rank, k}, 'c');
            blas.gemm(tm, false, wm, false, vm, 1.0, 0.0);
            for (INDArray x : new INDArray[] {tm, ztz, ztzT, bbt, wm}) x.close();
            values = e.values();
        } else {
            for (int r = 0; r < l; r++) for (int c = 0; c < k; c++) vm.putScalar(r, c, g.vectors()[r][c]);
            values = g.values();
            right.assign(qt);
        }
        INDArray comps = Nd4j.create(DataType.DOUBLE, new long[] {k, d}, 'c');
        blas.gemm(vm, true, right, false, comps, 1.0, 0.0);
        double[] comp = comps.data().asDouble();
        right.close();
        vm.close();
        comps.close();
        return new Ritz(comp, java.util.Arrays.copyOf(values, k));
    }

    /**
     * A Gaussian test matrix (rows x cols, C-order float; the algorithm's Omega^T), from the seed alone.
     * <p>From {@link SplittableRandom}, whose {@code nextGaussian} is JDK 17's ziggurat: about a
     * quarter of the time of {@code java.util.Random}'s polar method, which took 0.43 s for the
     * 38,400 x 310 image case.
     */
    static INDArray gaussian(int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double x : a) s += x;
        return s;
    }

    private static String seconds(long start) {
        return String.format("%.1f", (System.nanoTime() - start) / 1e9);
    }
}
