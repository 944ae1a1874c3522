package org.fbnet.pca;

import org.fbnet.data.InputDataException;
import org.fbnet.linalg.Blas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Centered data held in one JVM as a single rows x columns float matrix: the path for inputs small
 * enough to collect, where one large GEMM per product beats any blocking.
 */
final class LocalData implements CenteredData {
    private final INDArray a;
    private final float[] mean;
    private final double totalVariance;

    private LocalData(INDArray a, float[] mean, double totalVariance) {
        this.a = a;
        this.mean = mean;
        this.totalVariance = totalVariance;
    }

    /** Validates and centers rows (all the same length, finite); {@code source} names them in errors. */
    static LocalData of(float[][] rows, String source) {
        if (rows.length == 0) throw new InputDataException(source + ": no rows to fit a PCA on");
        int d = rows[0].length;
        double[] sum = new double[d];
        for (int i = 0; i < rows.length; i++) {
            RowChecks.check(rows[i], d, source, "row " + i);
            for (int j = 0; j < d; j++) sum[j] += rows[i][j];
        }
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float) (sum[j] / rows.length);
        INDArray a = Nd4j.create(DataType.FLOAT, new long[] {rows.length, d}, 'c');
        float[] centered = new float[d];
        double ss = 0;
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < d; j++) {
                centered[j] = rows[i][j] - mean[j];
                ss += (double) centered[j] * centered[j];
            }
            a.putRow(i, Nd4j.createFromArray(centered));
        }
        return new LocalData(a, mean, rows.length > 1 ? ss / (rows.length - 1) : 0);
    }

    /**
     * Takes over a float matrix (rows x columns, C order) and centers it in place: for callers that
     * already hold the data off-heap, so no second copy is made.
     */
    static LocalData ofMatrix(INDArray x, String source) {
        if (x.rank() != 2 || x.rows() == 0) throw new InputDataException(source + ": expected a non-empty matrix, got shape " + java.util.Arrays.toString(x.shape()));
        if (x.dataType() != DataType.FLOAT || x.ordering() != 'c') {
            throw new IllegalArgumentException(source + ": expected a C-order float matrix, got " + x.dataType() + " " + x.ordering());
        }
        // Column sums per block of rows in float (a GEMM with a row of ones: ND4J's sum(0) took
        // 0.5 s on the 9841 x 38,400 image matrix, this 0.2 s), accumulated across blocks in
        // double: a float reduction over the whole matrix was off by 0.2% on 6 x 10^6 values, and
        // a double copy of it would double the memory. The sum of squares accumulates in double
        // throughout (dsdot; ND4J's norm2(0) per block took another 0.5 s).
        Blas blas = Blas.get();
        long n = x.rows();
        int d = (int) x.columns();
        double[] sum = new double[d];
        INDArray colSums = Nd4j.create(DataType.FLOAT, new long[] {1, d}, 'c');
        for (long i = 0; i < n; i += BLOCK) {
            INDArray view = rowBlock(x, i);
            INDArray ones = Nd4j.ones(DataType.FLOAT, 1, view.rows());
            blas.gemm(ones, false, view, false, colSums, 1.0, 0.0);
            ones.close();
            double blockTotal = 0;
            float[] s = colSums.data().asFloat();
            for (int j = 0; j < d; j++) {
                sum[j] += s[j];
                blockTotal += s[j];
            }
            // NaN and +-Inf propagate into the column sums (Inf - Inf is NaN): one check per block
            if (!Double.isFinite(blockTotal)) {
                throw new InputDataException(source + ": rows " + i + ".." + Math.min(n, i + BLOCK) + " hold NaN or infinite values; PCA input must be finite");
            }
        }
        colSums.close();
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float) (sum[j] / n);
        INDArray meanRow = Nd4j.createFromArray(mean);
        double ss = 0;
        for (long i = 0; i < n; i += BLOCK) {
            INDArray view = rowBlock(x, i);
            view.subiRowVector(meanRow);
            ss += blas.sumOfSquares(view);
        }
        return new LocalData(x, mean, n > 1 ? ss / (n - 1) : 0);
    }

    private static final int BLOCK = 256;

    private static INDArray rowBlock(INDArray x, long from) {
        return x.get(NDArrayIndex.interval(from, Math.min(x.rows(), from + BLOCK)), NDArrayIndex.all());
    }

    @Override public long rows() { return a.rows(); }

    @Override public int columns() { return (int) a.columns(); }

    @Override public float[] mean() { return mean; }

    @Override public double totalVariance() { return totalVariance; }

    @Override
    public Pass pass(INDArray qt, boolean wantZ) {
        try (BlockProducts products = new BlockProducts(qt, (int) rows(), wantZ)) {
            products.add(a);
            return new Pass(products.zt(), products.g(), products.times());
        }
    }

    @Override
    public void close() {
        a.close();
    }
}
