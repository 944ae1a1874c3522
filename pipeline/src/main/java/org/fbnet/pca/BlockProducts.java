package org.fbnet.pca;

import org.fbnet.linalg.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One pass's products over the blocks it is given, with the thin matrices transposed (l rows):
 * Y^T = Q^T A_b^T, then Z^T += Y^T A_b and G += Y^T Y, into outputs allocated once per pass.
 * <p>Transposed because OpenBLAS runs these shapes faster: measured by process CPU time on the
 * 9841 x 20,544 fMRI matrix with l = 85, Q^T A^T and Y^T A ran at ~130 and ~120 GFLOP/s per core
 * against ~110 and ~90 for A Q and A^T Y (about equal at l = 310, 170-175 against 165-170).
 * The two large products run as float GEMMs (as scikit-learn does on float32 input); the small
 * Gram matrix G, from which the eigenvalues come, is formed in double from a double copy of Y.
 * Blocks are C-order float matrices (row-block views of a larger matrix are fine).
 */
final class BlockProducts implements AutoCloseable {
    private final Blas blas = Blas.get();
    private final INDArray qt;
    private final int maxRows;
    private final INDArray yt;
    private final INDArray ytd;
    private final INDArray zt;
    private final INDArray g;
    private final INDArray gBlock;
    private final long[] nanos = new long[3];

    /**
     * @param qt      Q^T: l x columns, C-order float (read, not copied, not closed)
     * @param maxRows the most rows a block has (blocks of other sizes get their own Y)
     * @param wantZ   whether to accumulate Z^T
     */
    BlockProducts(INDArray qt, int maxRows, boolean wantZ) {
        int l = (int) qt.rows();
        this.qt = qt;
        this.maxRows = maxRows;
        this.yt = Nd4j.create(DataType.FLOAT, new long[] {l, maxRows}, 'c');
        this.ytd = Nd4j.create(DataType.DOUBLE, new long[] {l, maxRows}, 'c');
        this.zt = wantZ ? Nd4j.create(DataType.FLOAT, new long[] {l, qt.columns()}, 'c') : null;
        this.g = Nd4j.create(DataType.DOUBLE, new long[] {l, l}, 'c');
        this.gBlock = Nd4j.create(DataType.DOUBLE, new long[] {l, l}, 'c');
    }

    /** Adds one block (rows x columns float, C order) to Z^T and G. */
    void add(INDArray a) {
        boolean full = a.rows() == maxRows;
        INDArray y = full ? yt : Nd4j.create(DataType.FLOAT, new long[] {qt.rows(), a.rows()}, 'c');
        INDArray yd = full ? ytd : Nd4j.create(DataType.DOUBLE, new long[] {qt.rows(), a.rows()}, 'c');
        long t0 = System.nanoTime();
        blas.gemm(qt, false, a, true, y, 1.0, 0.0);
        long t1 = System.nanoTime();
        if (zt != null) blas.gemm(y, false, a, false, zt, 1.0, 1.0);
        long t2 = System.nanoTime();
        yd.assign(y);
        blas.gramOfRows(yd, gBlock);
        g.addi(gBlock);
        long t3 = System.nanoTime();
        nanos[0] += t1 - t0;
        nanos[1] += t2 - t1;
        nanos[2] += t3 - t2;
        if (!full) {
            y.close();
            yd.close();
        }
    }

    /** Z^T (l x columns, C-order float; null when not wanted), which the caller closes. */
    INDArray zt() { return zt; }

    /** G as l x l row-major doubles. */
    double[] g() { return g.data().asDouble(); }

    /** Time spent so far in Y = AQ, in Z += A^T Y and in G += Y^T Y. */
    CenteredData.Times times() {
        return new CenteredData.Times(nanos[0] / 1e9, nanos[1] / 1e9, nanos[2] / 1e9);
    }

    /** Releases everything but Q^T (the caller's) and Z^T (which the pass hands on). */
    @Override
    public void close() {
        yt.close();
        ytd.close();
        g.close();
        gBlock.close();
    }
}
