package org.fbnet.pca;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The small dense pieces of randomized PCA that run on the driver, through ND4J's LAPACK: an
 * orthonormal basis of a tall matrix (Householder QR, float) and the eigendecomposition of a small
 * symmetric matrix (double).
 * <p>LAPACK rather than plain Java because the QR of a 38,400 x 310 matrix, once per power
 * iteration, costs about 15 GFLOP; Householder rather than Cholesky QR because it stays orthonormal
 * when the columns are nearly dependent (rank-deficient data, repeated rows).
 */
final class DenseLinalg {
    private DenseLinalg() { }

    /** Eigenvalues in descending order and the matching unit eigenvectors as columns of an l x l matrix. */
    record SymmetricEigen(double[] values, double[][] vectors) { }

    /**
     * An orthonormal basis of the columns of {@code a} (rows x cols, rows &gt;= cols), as a new
     * 'f'-ordered float matrix of the same shape; {@code a} is not modified.
     * <p>In float, like the data and like scikit-learn's float32 path: the basis only has to stay
     * well conditioned between power iterations, and the QR of 38,400 x 310 took ~1 s in float
     * against ~2.5 s in double on our machines, once per iteration.
     */
    static INDArray orthonormalColumns(INDArray a) {
        if (a.rows() < a.columns()) throw new IllegalArgumentException("QR of a wide matrix " + a.rows() + " x " + a.columns());
        INDArray q = a.castTo(DataType.FLOAT).dup('f');
        INDArray r = Nd4j.create(DataType.FLOAT, new long[] {a.columns(), a.columns()}, 'f');
        Nd4j.getBlasWrapper().lapack().geqrf(q, r);
        r.close();
        return q;
    }

    /** Eigendecomposition of a symmetric matrix given as l x l row-major doubles. */
    static SymmetricEigen symmetricEigen(double[] g, int l) {
        INDArray a = Nd4j.create(DataType.DOUBLE, new long[] {l, l}, 'f');
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < l; j++) a.putScalar(i, j, 0.5 * (g[i * l + j] + g[j * l + i]));
        }
        INDArray w = Nd4j.create(DataType.DOUBLE, l);
        int status = Nd4j.getBlasWrapper().lapack().syev('V', 'U', a, w);
        if (status != 0) throw new ArithmeticException("LAPACK syev failed to converge (status " + status + ") on a " + l + " x " + l + " matrix");
        // syev returns ascending eigenvalues; PCA wants the largest first.
        double[] values = new double[l];
        double[][] vectors = new double[l][l];
        for (int c = 0; c < l; c++) {
            int src = l - 1 - c;
            values[c] = w.getDouble(src);
            for (int r = 0; r < l; r++) vectors[r][c] = a.getDouble(r, src);
        }
        return new SymmetricEigen(values, vectors);
    }
}
