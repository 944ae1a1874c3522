package org.fbnet.pca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.fbnet.linalg.Blas;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DenseLinalgTest {
    /** A rows x cols (rows &lt;= cols) double matrix U diag(s) V^T with orthonormal U, V and the given singular values. */
    private static INDArray wideWithSingularValues(double[] s, int cols, long seed) {
        Random rnd = new Random(seed);
        int rows = s.length;
        double[][] u = Reference.orthonormalColumns(Reference.gaussian(rows, rows, rnd));
        double[][] v = Reference.orthonormalColumns(Reference.gaussian(cols, rows, rnd));
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) {
            double x = 0;
            for (int t = 0; t < rows; t++) x += u[i][t] * s[t] * v[j][t];
            a[i][j] = x;
        }
        return Nd4j.create(a);
    }

    private static double[][] doubles(INDArray a) {
        double[][] m = new double[(int) a.rows()][(int) a.columns()];
        for (int i = 0; i < a.rows(); i++) for (int j = 0; j < a.columns(); j++) m[i][j] = a.getDouble(i, j);
        return m;
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) t[j][i] = m[i][j];
        return t;
    }

    /** The largest |Q Q^T - I| entry, in double. */
    private static double maxOffOrthonormal(INDArray q) {
        double[][] r = doubles(q);
        double worst = 0;
        for (int i = 0; i < r.length; i++) for (int j = 0; j < r.length; j++) {
            double s = 0;
            for (int t = 0; t < r[0].length; t++) s += r[i][t] * r[j][t];
            worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
        }
        return worst;
    }

    /** Cosine of the largest principal angle between the row spaces of q (orthonormal rows) and a (full rank). */
    private static double worstCosine(INDArray q, INDArray a) {
        double[][] basis = transpose(Reference.orthonormalColumns(transpose(doubles(a))));
        return Reference.principalCosines(doubles(q), basis)[0];
    }

    @Test
    void orthonormalRowsOfAGaussianMatrixSpanItsRowsAndLeaveItUntouched() {
        Random rnd = new Random(1);
        INDArray a = Nd4j.create(Reference.gaussian(7, 50, rnd));
        INDArray before = a.dup();
        INDArray q = DenseLinalg.orthonormalRows(a);
        assertEquals(0, before.distance2(a), 0.0, "input untouched");
        assertTrue(maxOffOrthonormal(q) < 1e-13, "Q Q^T - I = " + maxOffOrthonormal(q));
        // a = (a Q^T) Q when the rows of a lie in span(Q)
        INDArray proj = a.mmul(q.transpose()).mmul(q);
        assertEquals(0, proj.sub(a).norm2Number().doubleValue(), 1e-12 * a.norm2Number().doubleValue());
    }

    @Test
    void choleskyQr2IsOrthonormalToDoublePrecisionOnAnIllConditionedInput() {
        // Condition number 1e5: one CholeskyQR step would leave ~1e-6 of non-orthogonality, the second removes it.
        double[] s = new double[12];
        for (int i = 0; i < s.length; i++) s[i] = Math.pow(10, -5.0 * i / (s.length - 1));
        INDArray a = wideWithSingularValues(s, 300, 7);
        for (Blas blas : List.of(Blas.get(), Blas.nd4jOps())) {
            INDArray q = DenseLinalg.orthonormalRows(a, blas);
            assertEquals(DataType.DOUBLE, q.dataType());
            assertTrue(maxOffOrthonormal(q) < 1e-12, "Q Q^T - I = " + maxOffOrthonormal(q));
            assertTrue(worstCosine(q, a) > 1 - 1e-12, "span(Q) = span(a): cos " + worstCosine(q, a));
        }
    }

    @Test
    void rankDeficientInputFallsBackToHouseholderAndStaysOrthonormal() {
        // 6 rows spanning 4 directions: Cholesky of the Gram matrix meets a zero pivot.
        Random rnd = new Random(8);
        double[][] b = Reference.gaussian(4, 80, rnd);
        double[][] a = new double[6][];
        System.arraycopy(b, 0, a, 0, 4);
        a[4] = new double[80];
        a[5] = new double[80];
        for (int j = 0; j < 80; j++) {
            a[4][j] = b[0][j] - 2 * b[3][j];
            a[5][j] = 3 * b[1][j];
        }
        INDArray m = Nd4j.create(a);
        INDArray gram = m.mmul(m.transpose());
        assertNull(DenseLinalg.cholesky(gram.dup('c').data().asDouble(), 6, DenseLinalg.MIN_RELATIVE_PIVOT), "the trigger of the fallback");
        INDArray q = DenseLinalg.orthonormalRows(m);
        assertTrue(maxOffOrthonormal(q) < 1e-12, "Q Q^T - I = " + maxOffOrthonormal(q));
        INDArray proj = m.mmul(q.transpose()).mmul(q);
        assertEquals(0, proj.sub(m).norm2Number().doubleValue(), 1e-10 * m.norm2Number().doubleValue(), "every row of a lies in span(Q)");
        INDArray f = m.castTo(DataType.FLOAT).dup('c');
        DenseLinalg.orthonormaliseRowsInPlace(f);
        assertTrue(maxOffOrthonormal(f) < 1e-6, "in place, float: Q Q^T - I = " + maxOffOrthonormal(f));
    }

    @Test
    void oneFloatSolveStepIsOrthonormalToFloatPrecisionTimesTheCondition() {
        // The power iterations' step: condition 100 leaves Q Q^T - I around 100 x 6e-8.
        double[] s = new double[10];
        for (int i = 0; i < s.length; i++) s[i] = Math.pow(10, -2.0 * i / (s.length - 1));
        INDArray a = wideWithSingularValues(s, 500, 9);
        for (Blas blas : List.of(Blas.get(), Blas.nd4jOps())) {
            INDArray z = a.castTo(DataType.FLOAT).dup('c');
            INDArray q = DenseLinalg.orthonormaliseRowsInPlace(z, blas);
            assertSame(z, q);
            assertTrue(maxOffOrthonormal(q) < 1e-4, "Q Q^T - I = " + maxOffOrthonormal(q));
            assertTrue(worstCosine(q, a) > 1 - 1e-6, "span(Q) = span(a): cos " + worstCosine(q, a));
        }
    }

    @Test
    void choleskyAndTriangularInverseSatisfyTheirDefinitions() {
        Random rnd = new Random(10);
        int n = 7;
        double[][] b = Reference.gaussian(20, n, rnd);
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (double[] row : b) w[i * n + j] += row[i] * row[j];
        double[] r = DenseLinalg.cholesky(w, n, DenseLinalg.MIN_RELATIVE_PIVOT);
        double[] inv = org.fbnet.linalg.Triangular.invertUpper(r, n);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
            double rtr = 0, rinv = 0;
            for (int t = 0; t < n; t++) {
                rtr += r[t * n + i] * r[t * n + j];
                rinv += r[i * n + t] * inv[t * n + j];
            }
            assertEquals(w[i * n + j], rtr, 1e-10 * (1 + Math.abs(w[i * n + j])), "R^T R = W");
            assertEquals(i == j ? 1 : 0, rinv, 1e-10, "R R^-1 = I");
            if (i > j) assertEquals(0.0, r[i * n + j], 0.0, "R upper triangular");
        }
    }

    @Test
    void symmetricEigenSatisfiesTheDefinitionInDescendingOrder() {
        Random rnd = new Random(2);
        int l = 9;
        double[][] b = new double[l][l];
        for (double[] row : b) for (int j = 0; j < l; j++) row[j] = rnd.nextGaussian();
        double[] g = new double[l * l];
        for (int i = 0; i < l; i++) for (int j = 0; j < l; j++) {
            double s = 0;
            for (int t = 0; t < l; t++) s += b[i][t] * b[j][t];
            g[i * l + j] = s;
        }
        DenseLinalg.SymmetricEigen e = DenseLinalg.symmetricEigen(g, l);
        for (int c = 0; c < l; c++) {
            if (c > 0) assertEquals(true, e.values()[c - 1] >= e.values()[c]);
            for (int i = 0; i < l; i++) {
                double gv = 0;
                for (int j = 0; j < l; j++) gv += g[i * l + j] * e.vectors()[j][c];
                assertEquals(e.values()[c] * e.vectors()[i][c], gv, 1e-9);
            }
        }
    }
}
