package org.fbnet.pca;

import org.fbnet.linalg.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small dense pieces of randomized PCA that run on the driver: an orthonormal basis of the rows
 * of a wide matrix (CholeskyQR in double, Householder QR when the rows are nearly dependent) and
 * the eigendecomposition of a small symmetric matrix (LAPACK, double).
 */
final class DenseLinalg {
    private static final Logger LOG = LoggerFactory.getLogger(DenseLinalg.class);

    /**
     * CholeskyQR2 gives up on a row whose Cholesky pivot is at most this fraction of its squared
     * norm (its angle to the previous rows' span is below 1e-6 rad): it is only accurate while
     * the condition number stays below about 1e7, the inverse square root of the double epsilon.
     */
    static final double MIN_RELATIVE_PIVOT = 1e-12;

    /**
     * The single CholeskyQR step with a float solve gives up earlier (angle below 1e-5 rad): its
     * result departs from orthonormal by about cond x 6e-8, which must stay well below 1.
     */
    static final double MIN_RELATIVE_PIVOT_FLOAT_SOLVE = 1e-10;

    private DenseLinalg() { }

    /** Eigenvalues in descending order and the matching unit eigenvectors as columns of an l x l matrix. */
    record SymmetricEigen(double[] values, double[][] vectors) { }

    /**
     * An orthonormal basis of the row space of {@code a} (rows x cols, rows &lt;= cols, any order
     * and type), as the rows of a new C-order double matrix of the same shape; {@code a} is not
     * modified. (Randomized PCA keeps its thin matrices transposed, l x columns: see
     * {@link BlockProducts}.)
     * <p>CholeskyQR2 (Fukaya, Nakatsukasa, Yanagisawa and Yamamoto, "CholeskyQR2: a simple and
     * communication-avoiding algorithm for computing a tall-skinny QR factorization", ScalA 2014):
     * twice, R = chol(X X^T) and X = R^-T X, which is two Gram matrices and two triangular solves,
     * all level-3 BLAS. On the 310 x 38,400 image case that took 0.4 s against ~1 s for the float
     * Householder QR (LAPACK geqrf) it replaces, and it is orthonormal to double precision as long
     * as cond(a) stays below ~1e7. When Cholesky meets a pivot at most {@link #MIN_RELATIVE_PIVOT}
     * of its row's squared norm (numerically dependent rows: rank-deficient data, repeated rows),
     * or the second pass's R is not close to the identity, Householder QR (geqrf, double) gives the
     * basis instead: it stays orthonormal for any input.
     */
    static INDArray orthonormalRows(INDArray a) {
        return orthonormalRows(a, Blas.get());
    }

    static INDArray orthonormalRows(INDArray a, Blas blas) {
        if (a.rows() > a.columns()) throw new IllegalArgumentException("LQ of a tall matrix " + a.rows() + " x " + a.columns());
        int n = (int) a.rows();
        INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {n, a.columns()}, 'c');
        x.assign(a);
        INDArray w = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'c');
        for (int pass = 0; pass < 2; pass++) {
            blas.gramOfRows(x, w);
            double[] r = cholesky(w.data().asDouble(), n, MIN_RELATIVE_PIVOT);
            if (r == null || (pass == 1 && !nearIdentity(r, n))) {
                LOG.info("orthonormalisation of {} x {}: CholeskyQR2 {} in pass {}; using Householder QR", n, a.columns(),
                        r == null ? "met a non-positive pivot (nearly dependent rows)" : "lost orthogonality", pass + 1);
                x.close();
                w.close();
                return householderRows(a);
            }
            INDArray rm = Nd4j.create(r, new long[] {n, n}, 'c');
            blas.solveUpperTransposed(rm, x);
            rm.close();
        }
        w.close();
        return x;
    }

    /**
     * Replaces the rows of a float matrix (rows x cols, C order, not a view, rows &lt;= cols), in
     * place, by an orthonormal basis of their span, to about cond(z) times float precision: one
     * CholeskyQR step with the Gram matrix and its Cholesky factor in double and the triangular
     * solve in float. Meant for the power iterations, where the basis only has to stay well
     * conditioned; it costs under half of {@link #orthonormalRows} and makes no double copy of the
     * result. Falls back to Householder QR (below relative pivot
     * {@link #MIN_RELATIVE_PIVOT_FLOAT_SOLVE}). Returns {@code z}.
     */
    static INDArray orthonormaliseRowsInPlace(INDArray z) {
        return orthonormaliseRowsInPlace(z, Blas.get());
    }

    static INDArray orthonormaliseRowsInPlace(INDArray z, Blas blas) {
        if (z.dataType() != DataType.FLOAT || z.ordering() != 'c' || z.isView()) {
            throw new IllegalArgumentException("expected a C-order float matrix that is not a view, got " + z.dataType() + " " + z.ordering());
        }
        if (z.rows() > z.columns()) throw new IllegalArgumentException("LQ of a tall matrix " + z.rows() + " x " + z.columns());
        int n = (int) z.rows();
        INDArray x = Nd4j.create(DataType.DOUBLE, new long[] {n, z.columns()}, 'c');
        x.assign(z);
        INDArray w = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'c');
        blas.gramOfRows(x, w);
        x.close();
        double[] r = cholesky(w.data().asDouble(), n, MIN_RELATIVE_PIVOT_FLOAT_SOLVE);
        w.close();
        if (r == null) {
            LOG.info("orthonormalisation of {} x {}: CholeskyQR met a non-positive pivot (nearly dependent rows); using Householder QR", n, z.columns());
            INDArray h = householderRows(z);
            z.assign(h);
            h.close();
        } else {
            INDArray rf = Nd4j.create(r, new long[] {n, n}, 'c').castTo(DataType.FLOAT);
            blas.solveUpperTransposed(rf, z);
            rf.close();
        }
        return z;
    }

    /** Orthonormal rows spanning a's rows, by Householder QR of a^T (LAPACK geqrf, which ND4J follows with orgqr), double. */
    static INDArray householderRows(INDArray a) {
        INDArray q = Nd4j.create(DataType.DOUBLE, new long[] {a.columns(), a.rows()}, 'f');
        q.assign(a.transpose());
        INDArray r = Nd4j.create(DataType.DOUBLE, new long[] {a.rows(), a.rows()}, 'f');
        Nd4j.getBlasWrapper().lapack().geqrf(q, r);
        r.close();
        INDArray c = q.transpose().dup('c');
        q.close();
        return c;
    }

    /**
     * The upper triangular R with R^T R = W (n x n, row-major, symmetric; the upper triangle is
     * read), row-major with zeros below the diagonal; null when a pivot is at most
     * {@code minRelativePivot} times its diagonal entry (or not a number).
     */
    static double[] cholesky(double[] w, int n, double minRelativePivot) {
        double[] r = new double[n * n];
        for (int j = 0; j < n; j++) {
            double s = w[j * n + j];
            for (int k = 0; k < j; k++) s -= r[k * n + j] * r[k * n + j];
            if (!(s > minRelativePivot * w[j * n + j])) return null;
            double d = Math.sqrt(s);
            r[j * n + j] = d;
            for (int i = j + 1; i < n; i++) {
                double t = w[j * n + i];
                for (int k = 0; k < j; k++) t -= r[k * n + j] * r[k * n + i];
                r[j * n + i] = t / d;
            }
        }
        return r;
    }

    /** Whether the second pass's R is the identity to within what one CholeskyQR pass leaves (1e-3). */
    private static boolean nearIdentity(double[] r, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) if (Math.abs(r[i * n + j] - (i == j ? 1 : 0)) > 1e-3) return false;
        }
        return true;
    }

    /** Eigendecomposition of a symmetric matrix given as l x l row-major doubles. */
    static SymmetricEigen symmetricEigen(double[] g, int l) {
        double[] sym = new double[l * l];
        for (int i = 0; i < l; i++) for (int j = 0; j < l; j++) sym[i * l + j] = 0.5 * (g[i * l + j] + g[j * l + i]);
        INDArray a = Nd4j.create(sym, new long[] {l, l}, 'f');
        INDArray w = Nd4j.create(DataType.DOUBLE, l);
        int status = Nd4j.getBlasWrapper().lapack().syev('V', 'U', a, w);
        if (status != 0) throw new ArithmeticException("LAPACK syev failed to converge (status " + status + ") on a " + l + " x " + l + " matrix");
        // syev returns ascending eigenvalues, and eigenvectors as the columns of the F-order a;
        // PCA wants the largest first.
        double[] ascending = w.data().asDouble();
        double[] columns = a.data().asDouble();
        double[] values = new double[l];
        double[][] vectors = new double[l][l];
        for (int c = 0; c < l; c++) {
            int src = l - 1 - c;
            values[c] = ascending[src];
            for (int r = 0; r < l; r++) vectors[r][c] = columns[src * l + r];
        }
        a.close();
        w.close();
        return new SymmetricEigen(values, vectors);
    }
}
