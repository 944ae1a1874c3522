package org.fbnet.pca;

import org.fbnet.data.InputDataException;
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
        // Row blocks, each cast to double once per pass: exact sums without a double copy of the
        // whole matrix (a float reduction over 10^8 values is off by ~0.1%).
        long n = x.rows();
        INDArray sum = Nd4j.zeros(DataType.DOUBLE, x.columns());
        for (long i = 0; i < n; i += BLOCK) {
            INDArray block = rowBlock(x, i).castTo(DataType.DOUBLE);
            INDArray colSums = block.sum(0);
            if (!Double.isFinite(colSums.sumNumber().doubleValue())) {
                throw new InputDataException(source + ": rows " + i + ".." + Math.min(n, i + BLOCK) + " hold NaN or infinite values; PCA input must be finite");
            }
            sum.addi(colSums);
            block.close();
        }
        INDArray meanRow = sum.divi(n).castTo(DataType.FLOAT);
        double ss = 0;
        for (long i = 0; i < n; i += BLOCK) {
            INDArray view = rowBlock(x, i);
            view.subiRowVector(meanRow);
            INDArray block = view.castTo(DataType.DOUBLE);
            double norm = block.norm2Number().doubleValue();
            ss += norm * norm;
            block.close();
        }
        return new LocalData(x, meanRow.toFloatVector(), n > 1 ? ss / (n - 1) : 0);
    }

    private static final int BLOCK = 1024;

    private static INDArray rowBlock(INDArray x, long from) {
        return x.get(NDArrayIndex.interval(from, Math.min(x.rows(), from + BLOCK)), NDArrayIndex.all());
    }

    @Override public long rows() { return a.rows(); }

    @Override public int columns() { return (int) a.columns(); }

    @Override public float[] mean() { return mean; }

    @Override public double totalVariance() { return totalVariance; }

    @Override
    public Pass pass(float[] q, int l, boolean wantZ) {
        INDArray qm = BlockProducts.matrix(q, columns(), l);
        INDArray z = wantZ ? Nd4j.create(DataType.FLOAT, new long[] {columns(), l}, 'f') : null;
        double[] g = new double[l * l];
        BlockProducts.accumulate(a, qm, z, g);
        qm.close();
        return new Pass(z, g);
    }

    @Override
    public void close() {
        a.close();
    }
}
