package org.fbnet.pca;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The column-centered data matrix A (rows x columns) of one fit, as randomized PCA sees it: its
 * mean and total variance, and passes that multiply it by a thin matrix.
 * <p>One pass computes both Y = A Q and what the algorithm needs from Y, so the data is read once
 * per power iteration; Y itself (rows x l) never leaves the pass.
 */
interface CenteredData extends AutoCloseable {
    long rows();

    int columns();

    /** The column means that were subtracted (float, as the data). */
    float[] mean();

    /** Sum of the column variances (N-1), the denominator of explained variance ratios. */
    double totalVariance();

    /**
     * One pass with Q^T (l x columns, C-order float, not modified): returns Z^T = (A^T A Q)^T
     * (l x columns, C-order float, the caller's to close; null when not wanted) and
     * G = (AQ)^T (AQ) (l x l, row-major doubles).
     */
    Pass pass(INDArray qt, boolean wantZ);

    /** The result of one pass (Z^T and G), and where its time went. */
    record Pass(INDArray zt, double[] g, Times times) { }

    /** Seconds spent in each product of a pass (summed over tasks on Spark, so CPU-like time). */
    record Times(double y, double z, double g) implements java.io.Serializable {
        Times plus(Times o) {
            return new Times(y + o.y, z + o.z, g + o.g);
        }
    }

    /** Releases cached blocks. */
    @Override
    void close();
}
