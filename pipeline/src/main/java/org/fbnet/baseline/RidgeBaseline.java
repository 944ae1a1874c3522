package org.fbnet.baseline;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits ridge regression with an intercept from image latents to every vertex at once, choosing one
 * alpha by k-fold cross-validation over a grid: the baseline F-BNet is compared against.
 * <p>Many outputs, few features: with X centred, {@code W(alpha) = V diag(1/(s+alpha)) V^T Xc^T Yc}
 * from one eigendecomposition {@code Xc^T Xc = V diag(s) V^T} per fold, so every alpha and vertex costs
 * one small matrix product, never a solve per vertex. A fold's squared error for each alpha comes from
 * sums over vertices (a quadratic form in {@code V^T Xc^T Yc}), so predictions for held-out rows are never
 * formed; the response matrix is streamed in column blocks so only {@code p x v} doubles stay in memory.
 * The heavy products ({@code X_f^T Y_f}, about {@code n p v} multiply-adds) run in ND4J's BLAS.
 * <p>Selection criterion: the mean over folds of each fold's mean squared error over its rows and all
 * vertices, which is what scikit-learn's {@code RidgeCV(cv=KFold(k), scoring='neg_mean_squared_error')}
 * maximises; ties go to the first alpha in the grid.
 */
public final class RidgeBaseline {
    private static final Logger LOG = LoggerFactory.getLogger(RidgeBaseline.class);
    /** Columns of Y per block: n x 2048 doubles is ~150 MB at NSD scale (9841 training rows). */
    static final int BLOCK_COLUMNS = 2048;

    private final RidgeConfig config;

    public RidgeBaseline(RidgeConfig config) {
        this.config = config;
    }

    public RidgeConfig config() { return config; }

    /**
     * Fits on rows of {@code x} (n x p latents) and {@code y} (n x v responses).
     * @throws IllegalArgumentException on ragged inputs or fewer rows than folds
     */
    public RidgeModel fit(float[][] x, float[][] y) {
        int n = x.length;
        if (y.length != n) throw new IllegalArgumentException("ridge: " + n + " latent rows vs " + y.length + " response rows");
        int k = config.folds();
        if (n < 2 * k) throw new IllegalArgumentException("ridge: " + n + " rows are too few for " + k + "-fold cross-validation");
        int p = x[0].length, v = y[0].length;
        for (int i = 0; i < n; i++) {
            if (x[i].length != p || y[i].length != v) {
                throw new IllegalArgumentException("ridge: row " + i + " has " + x[i].length + " latents and " + y[i].length
                        + " responses, expected " + p + " and " + v);
            }
        }
        long t0 = System.nanoTime();
        int[] start = foldStarts(n, k);
        double[] flatX = new double[n * p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) flatX[i * p + j] = x[i][j];
        }
        INDArray xAll = Nd4j.create(flatX, new long[] {n, p}, 'c');
        INDArray[] xf = new INDArray[k];
        INDArray[] sumXf = new INDArray[k];
        INDArray[] gramF = new INDArray[k];
        INDArray sumX = Nd4j.zeros(DataType.DOUBLE, p);
        INDArray xtx = Nd4j.zeros(DataType.DOUBLE, p, p);
        for (int f = 0; f < k; f++) {
            xf[f] = xAll.get(NDArrayIndex.interval(start[f], start[f + 1]), NDArrayIndex.all()).dup();
            sumXf[f] = xf[f].sum(0);
            gramF[f] = Nd4j.gemm(xf[f], xf[f], true, false);
            sumX.addi(sumXf[f]);
            xtx.addi(gramF[f]);
        }
        // Per fold: training-row mean, eigenbasis of the centred training Gram matrix, and G = A^T A
        // with A the held-out rows centred by the training mean and rotated into that basis.
        Fold[] folds = new Fold[k];
        for (int f = 0; f < k; f++) {
            int nf = start[f + 1] - start[f], ntr = n - nf;
            INDArray mu = sumX.sub(sumXf[f]).divi(ntr);
            INDArray gram = xtx.sub(gramF[f]).subi(outer(mu, mu).muli(ntr));
            Eigen e = Eigen.of(gram);
            INDArray a = xf[f].subRowVector(mu).mmul(e.vectors);
            folds[f] = new Fold(nf, ntr, mu, sumXf[f], e, Nd4j.gemm(a, a, true, false), p);
        }
        INDArray muX = sumX.div(n);
        Eigen full = Eigen.of(xtx.sub(outer(muX, muX).muli(n)));

        INDArray cAll = Nd4j.create(DataType.DOUBLE, p, v);
        double[] muY = new double[v];
        for (int c0 = 0; c0 < v; c0 += BLOCK_COLUMNS) {
            int c1 = Math.min(v, c0 + BLOCK_COLUMNS), b = c1 - c0;
            double[] flatY = new double[n * b];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < b; j++) flatY[i * b + j] = y[i][c0 + j];
            }
            INDArray yb = Nd4j.create(flatY, new long[] {n, b}, 'c');
            INDArray[] xfyf = new INDArray[k], sumYf = new INDArray[k], sqYf = new INDArray[k];
            INDArray xty = Nd4j.zeros(DataType.DOUBLE, p, b), sumY = Nd4j.zeros(DataType.DOUBLE, b);
            for (int f = 0; f < k; f++) {
                INDArray ybf = yb.get(NDArrayIndex.interval(start[f], start[f + 1]), NDArrayIndex.all());
                xfyf[f] = Nd4j.gemm(xf[f], ybf, true, false);
                sumYf[f] = ybf.sum(0);
                INDArray sq = ybf.mul(ybf);
                sqYf[f] = sq.sum(0);
                free(sq);
                xty.addi(xfyf[f]);
                sumY.addi(sumYf[f]);
            }
            free(yb);
            for (int f = 0; f < k; f++) {
                INDArray xtrYtr = xty.sub(xfyf[f]), sumYtr = sumY.sub(sumYf[f]);
                folds[f].accumulate(xtrYtr, sumYtr, xfyf[f], sumYf[f], sqYf[f]);
                free(xtrYtr, sumYtr, xfyf[f], sumYf[f], sqYf[f]);
            }
            INDArray muYb = sumY.div(n), centred = outer(muX, muYb).muli(n).rsubi(xty);
            cAll.get(NDArrayIndex.all(), NDArrayIndex.interval(c0, c1)).assign(centred);
            for (int j = 0; j < b; j++) muY[c0 + j] = muYb.getDouble(j);
            free(muYb, centred, xty, sumY);
        }

        double[] alphas = config.alphas();
        double[] cvMse = new double[alphas.length];
        int best = 0;
        for (int a = 0; a < alphas.length; a++) {
            double s = 0;
            for (Fold fold : folds) s += fold.sse(alphas[a]) / ((double) fold.nf * v);
            cvMse[a] = s / k;
            if (cvMse[a] < cvMse[best]) best = a;
        }
        double alpha = alphas[best];
        INDArray rotated = full.vectors.transpose().mmul(cAll), scaled = full.vectors.mulRowVector(inverseShifted(full.values, alpha));
        INDArray w = scaled.mmul(rotated);
        free(rotated, scaled, cAll);
        INDArray intercept = Nd4j.createFromArray(muY).subi(muX.reshape(1, p).mmul(w).reshape(v));
        LOG.info("ridge: {} rows, {} latents -> {} vertices, {}-fold CV picked alpha {} (CV MSE {}) in {} s",
                n, p, v, k, alpha, String.format("%.5g", cvMse[best]), String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        if (best == 0 || best == alphas.length - 1) {
            LOG.warn("ridge: the chosen alpha {} is at the edge of the grid {}; widen {}", alpha,
                    java.util.Arrays.toString(alphas), RidgeConfig.ALPHAS);
        }
        float[] weights = w.castTo(DataType.FLOAT).data().asFloat(), icpt = intercept.castTo(DataType.FLOAT).data().asFloat();
        free(w, intercept, xAll);
        return new RidgeModel(p, v, weights, icpt, alpha, alphas, cvMse, k, n);
    }

    /**
     * Releases the off-heap memory of large temporaries now: ND4J frees it only when the garbage
     * collector reclaims the Java wrapper, and with a large heap that came too late (an NSD-size fit
     * reached 10 GB off-heap and was killed). Views share their parent's buffer and are skipped.
     */
    static void free(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && !a.isView() && a.closeable()) a.close();
        }
    }

    /** First row of each fold and n at the end, as scikit-learn's KFold: the first n % k folds get one extra row. */
    static int[] foldStarts(int n, int k) {
        int[] s = new int[k + 1];
        for (int f = 0; f < k; f++) s[f + 1] = s[f] + n / k + (f < n % k ? 1 : 0);
        return s;
    }

    private static INDArray outer(INDArray a, INDArray b) {
        return a.reshape(a.length(), 1).mmul(b.reshape(1, b.length()));
    }

    private static INDArray inverseShifted(double[] s, double alpha) {
        double[] d = new double[s.length];
        for (int i = 0; i < s.length; i++) d[i] = 1.0 / (Math.max(s[i], 0) + alpha);
        return Nd4j.createFromArray(d);
    }

    /** Eigenvalues and eigenvectors (columns) of a small symmetric matrix, by commons-math in double. */
    private record Eigen(double[] values, INDArray vectors) {
        static Eigen of(INDArray sym) {
            int p = (int) sym.rows();
            double[][] m = sym.toDoubleMatrix();
            for (int i = 0; i < p; i++) {
                for (int j = i + 1; j < p; j++) m[i][j] = m[j][i] = 0.5 * (m[i][j] + m[j][i]);
            }
            EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(m, false));
            RealMatrix vecs = e.getV();
            return new Eigen(e.getRealEigenvalues(), Nd4j.create(vecs.getData()));
        }
    }

    /**
     * One cross-validation fold's sufficient statistics for the squared error of every alpha:
     * {@code ||Yc||^2}, {@code qb_k = sum_j Q_kj B_kj} and {@code QQ = Q Q^T}, where
     * {@code Q = V^T Xtr_c^T Ytr_c} (training rows centred by their own means) and B as in {@link #accumulate}.
     */
    private static final class Fold {
        final int nf, ntr;
        final INDArray muX, sumXf;
        final Eigen eigen;
        final INDArray g;
        double yy;
        final INDArray qb, qq;

        Fold(int nf, int ntr, INDArray muX, INDArray sumXf, Eigen eigen, INDArray g, int p) {
            this.nf = nf;
            this.ntr = ntr;
            this.muX = muX;
            this.sumXf = sumXf;
            this.eigen = eigen;
            this.g = g;
            this.qb = Nd4j.zeros(DataType.DOUBLE, p);
            this.qq = Nd4j.zeros(DataType.DOUBLE, p, p);
        }

        /**
         * Adds one column block. Held-out prediction is {@code mu_y + (X_f - mu_x) V D Q}, D = diag(1/(s+alpha)),
         * so its residual's squared norm is {@code ||Y_f - mu_y||^2 - 2 tr(Q^T D B) + tr(Q^T D G D Q)}
         * with {@code B = V^T (X_f - mu_x)^T (Y_f - mu_y)} and {@code G = A^T A}.
         */
        void accumulate(INDArray xtrYtr, INDArray sumYtr, INDArray xfYf, INDArray sumYf, INDArray sqYf) {
            INDArray muY = sumYtr.div(ntr);
            INDArray a = outer(muX, muY), b1 = outer(muX, sumYf), b2 = outer(sumXf, muY);
            INDArray ctr = a.mul(ntr).rsubi(xtrYtr);
            INDArray cf = xfYf.sub(b1).subi(b2).addi(a.muli(nf));
            INDArray vt = eigen.vectors.transpose();
            INDArray q = vt.mmul(ctr);
            INDArray b = vt.mmul(cf);
            INDArray yyTerms = sqYf.sub(muY.mul(sumYf).muli(2)).addi(muY.mul(muY).muli(nf));
            yy += yyTerms.sumNumber().doubleValue();
            INDArray qTimesB = q.mul(b), qbPart = qTimesB.sum(1), qqPart = Nd4j.gemm(q, q, false, true);
            qb.addi(qbPart);
            qq.addi(qqPart);
            free(muY, a, b1, b2, ctr, cf, q, b, yyTerms, qTimesB, qbPart, qqPart);
        }

        double sse(double alpha) {
            INDArray d = inverseShifted(eigen.values, alpha);
            double cross = d.mul(qb).sumNumber().doubleValue();
            double quad = g.mul(qq).mulRowVector(d).mulColumnVector(d.reshape(d.length(), 1)).sumNumber().doubleValue();
            return yy - 2 * cross + quad;
        }
    }
}
