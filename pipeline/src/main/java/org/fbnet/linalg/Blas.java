package org.fbnet.linalg;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dense kernels on row-major ND4J matrices (used by randomized PCA and the CLIP encoder), writing into outputs the caller
 * allocated: a GEMM, the Gram matrix of a matrix's rows, a triangular solve and a sum of squares.
 * <p>Operands are C-order matrices whose rows may be strided (row-block views of a larger matrix),
 * all of one data type (float or double). {@link #get} picks OpenBLAS's CBLAS called directly on
 * ND4J's CPU backend: ND4J's own {@code mmul}/{@code gemm} compute into an F-order temporary and
 * copy it, and {@code gemm} with a transposed C-order operand may copy that operand, which cost
 * about 1 s per power iteration on the 9841 x 38,400 image matrix. Other backends (CUDA) get the
 * same kernels through ND4J.
 */
public interface Blas {
    /** C = alpha op(A) op(B) + beta C, where op transposes when asked. */
    void gemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c, double alpha, double beta);

    /** G = X X^T (rows x rows, both triangles filled) for X rows x cols; G's previous content is ignored. */
    void gramOfRows(INDArray x, INDArray g);

    /** X = R^-T X in place, for R upper triangular with a nonzero diagonal (rows x rows). */
    void solveUpperTransposed(INDArray r, INDArray x);

    /** The sum of the squares of a float matrix's entries, accumulated in double. */
    double sumOfSquares(INDArray x);

    /** The kernels for the running ND4J backend: direct OpenBLAS on the CPU, ND4J's otherwise. */
    static Blas get() {
        return Holder.INSTANCE;
    }

    /** The kernels through ND4J's own ops, what backends without OpenBLAS get (tests run it on the CPU too). */
    static Blas nd4jOps() {
        return new Nd4jBlas();
    }

    /** Lazily chosen once; OpenBlas (and the OpenBLAS binding) is never loaded off the CPU backend. */
    final class Holder {
        private static final Blas INSTANCE = Nd4j.getEnvironment().isCPU() ? OpenBlas.create() : new Nd4jBlas();

        private Holder() { }
    }
}
