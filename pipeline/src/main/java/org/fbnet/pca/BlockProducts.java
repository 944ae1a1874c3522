package org.fbnet.pca;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One pass's products over the blocks it is given: Y = A_b Q, then Z += A_b^T Y and G += Y^T Y,
 * into outputs allocated once per pass (no temporaries per block).
 * <p>The two large products run as float GEMMs (as scikit-learn does on float32 input); the small
 * Gram matrix G, from which the eigenvalues come, is formed in double from a double copy of Y.
 * Blocks are C-order float matrices of at most {@code maxRows} rows (row-block views of a larger
 * matrix are fine).
 */
final class BlockProducts implements AutoCloseable {
    private final Blas blas = Blas.get();
    private final INDArray q;
    private final INDArray y;
    private final INDArray yd;
    private final INDArray z;
    private final INDArray g;
    private final INDArray gBlock;
    private final long[] nanos = new long[3];

    /**
     * @param q       columns x l, C-order float (read, not copied, not closed)
     * @param maxRows the most rows any block will have
     * @param wantZ   whether to accumulate Z
     */
    BlockProducts(INDArray q, int maxRows, boolean wantZ) {
        int columns = (int) q.rows(), l = (int) q.columns();
        this.q = q;
        this.y = Nd4j.create(DataType.FLOAT, new long[] {maxRows, l}, 'c');
        this.yd = Nd4j.create(DataType.DOUBLE, new long[] {maxRows, l}, 'c');
        this.z = wantZ ? Nd4j.create(DataType.FLOAT, new long[] {columns, l}, 'c') : null;
        this.g = Nd4j.create(DataType.DOUBLE, new long[] {l, l}, 'c');
        this.gBlock = Nd4j.create(DataType.DOUBLE, new long[] {l, l}, 'c');
    }

    /** Adds one block (rows x columns float, C order) to Z and G. */
    void add(INDArray a) {
        long rows = a.rows();
        INDArray yb = rows == y.rows() ? y : y.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
        INDArray ydb = rows == yd.rows() ? yd : yd.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
        long t0 = System.nanoTime();
        blas.gemm(a, false, q, false, yb, 1.0, 0.0);
        long t1 = System.nanoTime();
        if (z != null) blas.gemm(a, true, yb, false, z, 1.0, 1.0);
        long t2 = System.nanoTime();
        ydb.assign(yb);
        blas.gram(ydb, gBlock);
        g.addi(gBlock);
        long t3 = System.nanoTime();
        nanos[0] += t1 - t0;
        nanos[1] += t2 - t1;
        nanos[2] += t3 - t2;
    }

    /** Z (columns x l, C-order float; null when not wanted), still owned by this object until closed. */
    INDArray z() { return z; }

    /** G as l x l row-major doubles. */
    double[] g() { return g.data().asDouble(); }

    /** Time spent so far in Y = AQ, in Z += A^T Y and in G += Y^T Y. */
    CenteredData.Times times() {
        return new CenteredData.Times(nanos[0] / 1e9, nanos[1] / 1e9, nanos[2] / 1e9);
    }

    /** Releases everything but Q (the caller's) and Z (which the pass hands on). */
    @Override
    public void close() {
        y.close();
        yd.close();
        g.close();
        gBlock.close();
    }
}
