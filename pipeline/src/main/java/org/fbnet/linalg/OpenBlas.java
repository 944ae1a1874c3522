package org.fbnet.linalg;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasLeft;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNonUnit;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasUpper;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dsdot;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dsyrk;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dtrsm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_ssyrk;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_strsm;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Blas} through OpenBLAS's CBLAS, the library ND4J's CPU backend itself loads (so one thread
 * pool, sized by {@code Nd4j.factory().blas().setMaxThreads}), called on the arrays' own memory.
 * <p>The only class that touches the OpenBLAS binding: on the CUDA backend it is never loaded.
 * {@code DataBuffer.addressPointer()} already points at a view's first element (ND4J M2 gives a
 * view its own buffer with the offset applied), so the view's {@code offset()} is NOT added again.
 */
final class OpenBlas implements Blas {
    private OpenBlas() { }

    static Blas create() {
        return new OpenBlas();
    }

    @Override
    public void gemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c, double alpha, double beta) {
        long m = c.rows(), n = c.columns();
        long k = transposeA ? a.rows() : a.columns();
        BlasArgs.check((transposeA ? a.columns() : a.rows()) == m && (transposeB ? b.columns() : b.rows()) == k
                && (transposeB ? b.rows() : b.columns()) == n, "gemm", a, b, c);
        int ta = transposeA ? CblasTrans : CblasNoTrans, tb = transposeB ? CblasTrans : CblasNoTrans;
        if (BlasArgs.sameType(DataType.FLOAT, a, b, c)) {
            cblas_sgemm(CblasRowMajor, ta, tb, (int) m, (int) n, (int) k, (float) alpha, floats(a), BlasArgs.ld(a), floats(b), BlasArgs.ld(b),
                    (float) beta, floats(c), BlasArgs.ld(c));
        } else if (BlasArgs.sameType(DataType.DOUBLE, a, b, c)) {
            cblas_dgemm(CblasRowMajor, ta, tb, (int) m, (int) n, (int) k, alpha, doubles(a), BlasArgs.ld(a), doubles(b), BlasArgs.ld(b),
                    beta, doubles(c), BlasArgs.ld(c));
        } else {
            throw BlasArgs.types("gemm", a, b, c);
        }
    }

    @Override
    public void gramOfRows(INDArray x, INDArray g) {
        int n = (int) x.rows(), k = (int) x.columns();
        BlasArgs.check(g.rows() == n && g.columns() == n, "gramOfRows", x, g);
        // syrk fills the upper triangle at half a GEMM's cost; the caller wants both.
        if (BlasArgs.sameType(DataType.FLOAT, x, g)) {
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, k, 1f, floats(x), BlasArgs.ld(x), 0f, floats(g), BlasArgs.ld(g));
        } else if (BlasArgs.sameType(DataType.DOUBLE, x, g)) {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, k, 1.0, doubles(x), BlasArgs.ld(x), 0.0, doubles(g), BlasArgs.ld(g));
        } else {
            throw BlasArgs.types("gramOfRows", x, g);
        }
        mirrorUpper(g, n);
    }

    @Override
    public void solveUpperTransposed(INDArray r, INDArray x) {
        int m = (int) x.rows(), n = (int) x.columns();
        BlasArgs.check(r.rows() == m && r.columns() == m, "solveUpperTransposed", r, x);
        if (BlasArgs.sameType(DataType.FLOAT, x, r)) {
            cblas_strsm(CblasRowMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, m, n, 1f, floats(r), BlasArgs.ld(r), floats(x), BlasArgs.ld(x));
        } else if (BlasArgs.sameType(DataType.DOUBLE, x, r)) {
            cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, m, n, 1.0, doubles(r), BlasArgs.ld(r), doubles(x), BlasArgs.ld(x));
        } else {
            throw BlasArgs.types("solveUpperTransposed", r, x);
        }
    }

    @Override
    public double sumOfSquares(INDArray x) {
        BlasArgs.check(x.dataType() == DataType.FLOAT, "sumOfSquares (float)", x);
        int rows = (int) x.rows(), cols = (int) x.columns(), ld = BlasArgs.ld(x);
        FloatPointer p = floats(x);
        if (ld == cols && (long) rows * cols <= Integer.MAX_VALUE) return cblas_dsdot(rows * cols, p, 1, p, 1);
        double s = 0;
        for (int i = 0; i < rows; i++) {
            FloatPointer row = new FloatPointer(p).position((long) i * ld);
            s += cblas_dsdot(cols, row, 1, row, 1);
        }
        return s;
    }

    /** Copies the upper triangle of a contiguous n x n matrix onto its lower one. */
    private static void mirrorUpper(INDArray g, int n) {
        BlasArgs.check(BlasArgs.ld(g) == n, "gramOfRows (contiguous output)", g);
        if (g.dataType() == DataType.FLOAT) {
            FloatPointer p = floats(g);
            float[] v = new float[n * n];
            p.get(v);
            for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) v[i * n + j] = v[j * n + i];
            p.put(v);
        } else {
            DoublePointer p = doubles(g);
            double[] v = new double[n * n];
            p.get(v);
            for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) v[i * n + j] = v[j * n + i];
            p.put(v);
        }
    }

    private static FloatPointer floats(INDArray x) {
        return new FloatPointer(x.data().addressPointer());
    }

    private static DoublePointer doubles(INDArray x) {
        return new DoublePointer(x.data().addressPointer());
    }
}
