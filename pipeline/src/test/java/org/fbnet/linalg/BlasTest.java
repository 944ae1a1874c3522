package org.fbnet.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Both {@link Blas} implementations against plain-Java double products. */
class BlasTest {
    static List<Blas> implementations() {
        return List.of(Blas.get(), Blas.nd4jOps());
    }

    private static double[][] random(int rows, int cols, Random rnd) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) for (int j = 0; j < cols; j++) row[j] = rnd.nextGaussian();
        return m;
    }

    private static INDArray nd(double[][] m, DataType type) {
        return Nd4j.create(m).castTo(type).dup('c');
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) t[j][i] = m[i][j];
        return t;
    }

    private static double[][] times(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < b[0].length; j++) {
            double s = 0;
            for (int t = 0; t < b.length; t++) s += a[i][t] * b[t][j];
            c[i][j] = s;
        }
        return c;
    }

    private static void assertClose(double[][] expected, INDArray actual, double tol) {
        assertEquals(expected.length, actual.rows());
        assertEquals(expected[0].length, actual.columns());
        for (int i = 0; i < expected.length; i++) for (int j = 0; j < expected[0].length; j++) {
            assertEquals(expected[i][j], actual.getDouble(i, j), tol * (1 + Math.abs(expected[i][j])), "(" + i + ", " + j + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void gemmMatchesPlainProductsForEveryTranspositionAndType(Blas blas) {
        Random rnd = new Random(1);
        int m = 13, n = 7, k = 29;
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double tol = type == DataType.FLOAT ? 1e-5 : 1e-12;
            for (boolean ta : new boolean[] {false, true}) for (boolean tb : new boolean[] {false, true}) {
                double[][] a = random(ta ? k : m, ta ? m : k, rnd), b = random(tb ? n : k, tb ? k : n, rnd), c0 = random(m, n, rnd);
                double[][] ab = times(ta ? transpose(a) : a, tb ? transpose(b) : b);
                double[][] expected = new double[m][n];
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) expected[i][j] = 2 * ab[i][j] + 0.5 * c0[i][j];
                INDArray c = nd(c0, type);
                blas.gemm(nd(a, type), ta, nd(b, type), tb, c, 2.0, 0.5);
                assertClose(expected, c, tol * Math.sqrt(k));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void gemmReadsAndWritesRowBlockViewsInPlace(Blas blas) {
        // Views start inside their parent's buffer: a pointer taken without the view's offset, or
        // with it added twice, reads the wrong rows.
        Random rnd = new Random(2);
        double[][] big = random(20, 11, rnd), q = random(11, 4, rnd);
        INDArray parent = nd(big, DataType.FLOAT);
        INDArray block = parent.get(NDArrayIndex.interval(6, 15), NDArrayIndex.all());
        INDArray out = Nd4j.zeros(DataType.FLOAT, 12, 4);
        INDArray outBlock = out.get(NDArrayIndex.interval(3, 12), NDArrayIndex.all());
        blas.gemm(block, false, nd(q, DataType.FLOAT), false, outBlock, 1.0, 0.0);
        double[][] rows = new double[9][];
        System.arraycopy(big, 6, rows, 0, 9);
        assertClose(times(rows, q), outBlock, 1e-5);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) assertEquals(0.0, out.getDouble(i, j), 0.0, "rows outside the view untouched");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void gramOfRowsIsXXTransposeWithBothTriangles(Blas blas) {
        Random rnd = new Random(3);
        double[][] x = random(9, 40, rnd);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray g = Nd4j.ones(type, 9, 9);
            blas.gramOfRows(nd(x, type), g);
            assertClose(times(x, transpose(x)), g, type == DataType.FLOAT ? 1e-5 : 1e-12);
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void solveUpperTransposedUndoesMultiplicationByTheTransposedTriangle(Blas blas) {
        Random rnd = new Random(4);
        int n = 8;
        double[][] r = random(n, n, rnd);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) r[i][j] = 0;
            r[i][i] = 2 + Math.abs(r[i][i]);
        }
        double[][] x = random(n, 30, rnd);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray b = nd(times(transpose(r), x), type);
            blas.solveUpperTransposed(nd(r, type), b);
            assertClose(x, b, type == DataType.FLOAT ? 1e-4 : 1e-11);
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void sumOfSquaresAccumulatesInDoubleOnWholeMatricesAndColumnSlices(Blas blas) {
        // 2 million values near 1000: a float accumulator would be off by far more than 1e-9.
        int rows = 1000, cols = 2000;
        float[] v = new float[rows * cols];
        Random rnd = new Random(5);
        double expected = 0, slice = 0;
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) {
            float f = (float) (1000 + rnd.nextGaussian());
            v[i * cols + j] = f;
            expected += (double) f * f;
            if (j >= 3 && j < 10) slice += (double) f * f;
        }
        INDArray x = Nd4j.create(v, new long[] {rows, cols}, 'c');
        assertEquals(expected, blas.sumOfSquares(x), 1e-9 * expected);
        assertEquals(slice, blas.sumOfSquares(x.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 10))), 1e-9 * slice);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void rejectsMismatchedShapesAndMixedTypes(Blas blas) {
        INDArray a = Nd4j.create(DataType.FLOAT, 3, 4), b = Nd4j.create(DataType.FLOAT, 5, 2), c = Nd4j.create(DataType.FLOAT, 3, 2);
        assertThrows(RuntimeException.class, () -> blas.gemm(a, false, b, false, c, 1, 0));
        if (blas instanceof OpenBlas) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> blas.gemm(a, false, Nd4j.create(DataType.DOUBLE, 4, 2), false, c, 1, 0));
            assertTrue(e.getMessage().contains("FLOAT or all DOUBLE"), e.getMessage());
        }
    }
}
