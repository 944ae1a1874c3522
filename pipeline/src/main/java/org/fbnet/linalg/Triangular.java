package org.fbnet.linalg;

/** Small triangular matrices as row-major double arrays. */
public final class Triangular {
    private Triangular() { }

    /** The inverse of an upper triangular n x n matrix (row-major, nonzero diagonal), upper triangular. */
    public static double[] invertUpper(double[] r, int n) {
        double[] inv = new double[n * n];
        // Column j of the inverse solves R x = e_j: back substitution over rows j..0.
        for (int j = 0; j < n; j++) {
            inv[j * n + j] = 1 / r[j * n + j];
            for (int i = j - 1; i >= 0; i--) {
                double s = 0;
                for (int k = i + 1; k <= j; k++) s += r[i * n + k] * inv[k * n + j];
                inv[i * n + j] = -s / r[i * n + i];
            }
        }
        return inv;
    }
}
