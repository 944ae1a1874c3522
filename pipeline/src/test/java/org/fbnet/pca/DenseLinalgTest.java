package org.fbnet.pca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DenseLinalgTest {
    /** A rows x cols double matrix U diag(s) V^T with orthonormal U, V and the given singular values. */
    private static INDArray withSingularValues(int rows, double[] s, long seed) {
        Random rnd = new Random(seed);
        int cols = s.length;
        double[][] u = Reference.orthonormalColumns(Reference.gaussian(rows, cols, rnd));
        double[][] v = Reference.orthonormalColumns(Reference.gaussian(cols, cols, rnd));
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) {
            double x = 0;
            for (int t = 0; t < cols; t++) x += u[i][t] * s[t] * v[j][t];
            a[i][j] = x;
        }
        return Nd4j.create(a);
    }

    private static double maxOffOrthonormal(INDArray q) {
        INDArray qd = q.castTo(DataType.DOUBLE);
        INDArray qtq = qd.transpose().mmul(qd);
        double worst = 0;
        for (int i = 0; i < qtq.rows(); i++) for (int j = 0; j < qtq.columns(); j++) worst = Math.max(worst, Math.abs(qtq.getDouble(i, j) - (i == j ? 1 : 0)));
        return worst;
    }

    /** Columns of a matrix as double rows (for principal angles). */
    private static double[][] columns(INDArray a) {
        double[][] c = new double[(int) a.columns()][(int) a.rows()];
        for (int i = 0; i < a.rows(); i++) for (int j = 0; j < a.columns(); j++) c[j][i] = a.getDouble(i, j);
        return c;
    }

    /** Cosine of the largest principal angle between span(q) (orthonormal columns) and span(a). */
    private static double worstCosine(INDArray q, INDArray a) {
        double[][] basis = Reference.orthonormalColumns(transposeRows(columns(a)));
        return Reference.principalCosines(columns(q), transposeRows(basis))[0];
    }

    private static double[][] transposeRows(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) t[j][i] = m[i][j];
        return t;
    }

    @Test
    void choleskyQr2IsOrthonormalToDoublePrecisionOnAnIllConditionedInput() {
        // Condition number 1e5: one CholeskyQR step would leave ~1e-6 of non-orthogonality, the second removes it.
        double[] s = new double[12];
        for (int i = 0; i < s.length; i++) s[i] = Math.pow(10, -5.0 * i / (s.length - 1));
        INDArray a = withSingularValues(300, s, 7);
        for (Blas blas : BlasTest.implementations()) {
            INDArray q = DenseLinalg.orthonormalColumns(a, blas);
            assertEquals(DataType.DOUBLE, q.dataType());
            assertTrue(maxOffOrthonormal(q) < 1e-12, "Q^T Q - I = " + maxOffOrthonormal(q));
            assertTrue(worstCosine(q, a) > 1 - 1e-12, "span(Q) = span(a): cos " + worstCosine(q, a));
        }
    }

    @Test
    void rankDeficientInputFallsBackToHouseholderAndStaysOrthonormal() {
        // 6 columns spanning 4 directions: Cholesky of the Gram matrix meets a zero pivot.
        Random rnd = new Random(8);
        double[][] b = Reference.gaussian(80, 4, rnd);
        double[][] a = new double[80][6];
        for (int i = 0; i < 80; i++) {
            System.arraycopy(b[i], 0, a[i], 0, 4);
            a[i][4] = b[i][0] - 2 * b[i][3];
            a[i][5] = 3 * b[i][1];
        }
        INDArray m = Nd4j.create(a);
        INDArray gram = m.transpose().mmul(m);
        assertNull(DenseLinalg.cholesky(gram.dup('c').data().asDouble(), 6, DenseLinalg.MIN_RELATIVE_PIVOT), "the trigger of the fallback");
        INDArray q = DenseLinalg.orthonormalColumns(m);
        assertTrue(maxOffOrthonormal(q) < 1e-12, "Q^T Q - I = " + maxOffOrthonormal(q));
        // every column of a lies in span(Q)
        INDArray proj = q.mmul(q.transpose().mmul(m));
        assertEquals(0, proj.sub(m).norm2Number().doubleValue(), 1e-10 * m.norm2Number().doubleValue());
        INDArray f = m.castTo(DataType.FLOAT).dup('c');
        DenseLinalg.orthonormaliseInPlace(f);
        assertTrue(maxOffOrthonormal(f) < 1e-6, "in place, float: Q^T Q - I = " + maxOffOrthonormal(f));
    }

    @Test
    void oneFloatSolveStepIsOrthonormalToFloatPrecisionTimesTheCondition() {
        // The power iterations' step: condition 100 leaves Q^T Q - I around 100 x 6e-8.
        double[] s = new double[10];
        for (int i = 0; i < s.length; i++) s[i] = Math.pow(10, -2.0 * i / (s.length - 1));
        INDArray a = withSingularValues(500, s, 9);
        for (Blas blas : BlasTest.implementations()) {
            INDArray z = a.castTo(DataType.FLOAT).dup('c');
            INDArray q = DenseLinalg.orthonormaliseInPlace(z, blas);
            assertSame(z, q);
            assertTrue(maxOffOrthonormal(q) < 1e-4, "Q^T Q - I = " + maxOffOrthonormal(q));
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
        double[] inv = DenseLinalg.invertUpper(r, n);
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
    void orthonormalColumnsSpanTheInputAndAreOrthonormal() {
        Random rnd = new Random(1);
        int m = 50, n = 7;
        INDArray a = Nd4j.create(DataType.DOUBLE, m, n);
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) a.putScalar(i, j, rnd.nextGaussian());
        INDArray before = a.dup();
        INDArray q = DenseLinalg.orthonormalColumns(a);
        assertEquals(0, before.distance2(a), 0.0, "input untouched");
        INDArray qtq = q.transpose().mmul(q);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) assertEquals(i == j ? 1 : 0, qtq.getDouble(i, j), 1e-6);
        // a = Q Q^T a when the columns of a lie in span(Q)
        INDArray qd = q.castTo(DataType.DOUBLE);
        INDArray proj = qd.mmul(qd.transpose().mmul(a));
        assertEquals(0, proj.sub(a).norm2Number().doubleValue(), 1e-4 * a.norm2Number().doubleValue());
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
