package org.fbnet.pca;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-block work of a randomized PCA pass: Y = A_b Q, then Z += A_b^T Y and G += Y^T Y.
 * <p>The two large products run as float GEMMs (as scikit-learn does on float32 input); the small
 * Gram matrix G, from which the eigenvalues come, is formed in double.
 */
final class BlockProducts {
    private BlockProducts() { }

    /**
     * Accumulates one block's contribution.
     * @param a  block rows x columns, float
     * @param q  columns x l, float
     * @param z  columns x l float accumulator, or null when Z is not wanted
     * @param g  l x l row-major double accumulator
     */
    static void accumulate(INDArray a, INDArray q, INDArray z, double[] g) {
        INDArray y = a.mmul(q);
        if (z != null) Nd4j.gemm(a, y, z, true, false, 1.0, 1.0);
        INDArray yd = y.castTo(DataType.DOUBLE);
        INDArray gram = yd.transpose().mmul(yd);
        int l = (int) q.columns();
        double[] flat = gram.dup('c').data().asDouble();
        for (int i = 0; i < l * l; i++) g[i] += flat[i];
        y.close();
        yd.close();
        gram.close();
    }

    /** An ND4J view of a row-major float array, copied off-heap. */
    static INDArray matrix(float[] rowMajor, long rows, long cols) {
        return Nd4j.create(rowMajor, new long[] {rows, cols}, 'c');
    }
}
