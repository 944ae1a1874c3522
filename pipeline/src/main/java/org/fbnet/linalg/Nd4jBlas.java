package org.fbnet.linalg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Blas} through ND4J's own operations, for backends without OpenBLAS (CUDA). The triangular
 * solve multiplies by the inverted triangle (one GEMM), since ND4J exposes no trsm.
 */
final class Nd4jBlas implements Blas {
    @Override
    public void gemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c, double alpha, double beta) {
        Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
    }

    @Override
    public void gramOfRows(INDArray x, INDArray g) {
        Nd4j.gemm(x, x, g, false, true, 1.0, 0.0);
    }

    @Override
    public void solveUpperTransposed(INDArray r, INDArray x) {
        int n = (int) r.rows();
        BlasArgs.check(r.columns() == n && x.rows() == n, "solveUpperTransposed", r, x);
        double[] inv = Triangular.invertUpper(r.castTo(DataType.DOUBLE).dup('c').data().asDouble(), n);
        INDArray rinv = Nd4j.create(inv, new long[] {n, n}, 'c').castTo(x.dataType());
        INDArray product = rinv.transpose().mmul(x);
        x.assign(product);
        product.close();
        rinv.close();
    }

    @Override
    public double sumOfSquares(INDArray x) {
        INDArray d = x.castTo(DataType.DOUBLE);
        double norm = d.norm2Number().doubleValue();
        if (d != x) d.close();
        return norm * norm;
    }
}
