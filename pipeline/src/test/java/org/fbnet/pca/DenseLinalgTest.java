package org.fbnet.pca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DenseLinalgTest {
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
