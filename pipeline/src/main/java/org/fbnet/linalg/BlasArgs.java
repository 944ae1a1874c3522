package org.fbnet.linalg;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Argument checks shared by the {@link Blas} implementations: shapes, data types, row-major layout. */
final class BlasArgs {
    private BlasArgs() { }

    /** The leading dimension (row stride) of a row-major matrix whose elements within a row are adjacent. */
    static int ld(INDArray x) {
        if (x.rank() != 2 || (x.columns() > 1 && x.stride(1) != 1)) {
            throw new IllegalArgumentException("expected a row-major matrix (unit column stride), got shape "
                    + Arrays.toString(x.shape()) + " strides " + Arrays.toString(x.stride()) + " order " + x.ordering());
        }
        return (int) Math.max(x.rows() > 1 ? x.stride(0) : x.columns(), Math.max(1, x.columns()));
    }

    static boolean sameType(DataType type, INDArray... xs) {
        for (INDArray x : xs) if (x.dataType() != type) return false;
        return true;
    }

    static void check(boolean ok, String op, INDArray... xs) {
        if (!ok) throw new IllegalArgumentException(op + ": incompatible shapes " + describe(xs));
    }

    static IllegalArgumentException types(String op, INDArray... xs) {
        return new IllegalArgumentException(op + ": operands must be all FLOAT or all DOUBLE, got " + describe(xs));
    }

    private static String describe(INDArray... xs) {
        StringBuilder s = new StringBuilder();
        for (INDArray x : xs) s.append(s.length() == 0 ? "" : ", ").append(x.dataType()).append(Arrays.toString(x.shape()));
        return s.toString();
    }
}
