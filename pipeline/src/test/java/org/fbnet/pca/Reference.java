package org.fbnet.pca;

import java.util.Random;

/**
 * Independent plain-Java double references for the PCA tests: matrices with a chosen spectrum, the
 * exact covariance eigendecomposition (cyclic Jacobi) and principal angles between subspaces.
 */
final class Reference {
    private Reference() { }

    /**
     * An n x d float matrix whose centered covariance has (up to a small isotropic noise floor)
     * eigenvalues {@code spectrum[i]}, plus a non-zero column mean.
     */
    static float[][] matrixWithSpectrum(int n, int d, double[] spectrum, double noise, long seed) {
        Random rnd = new Random(seed);
        int r = spectrum.length;
        // Centered U columns: the data's own centering then leaves the spectrum as given.
        double[][] g = gaussian(n, r, rnd);
        for (int t = 0; t < r; t++) {
            double m = 0;
            for (double[] row : g) m += row[t];
            for (double[] row : g) row[t] -= m / n;
        }
        double[][] u = orthonormalColumns(g);
        double[][] v = orthonormalColumns(gaussian(d, r, rnd));
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double s = 0;
                for (int t = 0; t < r; t++) s += u[i][t] * Math.sqrt(spectrum[t] * (n - 1)) * v[j][t];
                x[i][j] = (float) (s + noise * rnd.nextGaussian() + 3.0 + 0.01 * j);
            }
        }
        return x;
    }

    static double[][] gaussian(int rows, int cols, Random rnd) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) for (int j = 0; j < cols; j++) row[j] = rnd.nextGaussian();
        return m;
    }

    /** Modified Gram-Schmidt, twice for orthogonality to rounding. */
    static double[][] orthonormalColumns(double[][] a) {
        int m = a.length, n = a[0].length;
        double[][] q = new double[m][];
        for (int i = 0; i < m; i++) q[i] = a[i].clone();
        for (int pass = 0; pass < 2; pass++) {
            for (int c = 0; c < n; c++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int i = 0; i < m; i++) dot += q[i][p] * q[i][c];
                    for (int i = 0; i < m; i++) q[i][c] -= dot * q[i][p];
                }
                double norm = 0;
                for (int i = 0; i < m; i++) norm += q[i][c] * q[i][c];
                norm = Math.sqrt(norm);
                for (int i = 0; i < m; i++) q[i][c] /= norm;
            }
        }
        return q;
    }

    /** The covariance (N-1) of float rows, in double. */
    static double[][] covariance(float[][] x) {
        int n = x.length, d = x[0].length;
        double[] mean = new double[d];
        for (float[] row : x) for (int j = 0; j < d; j++) mean[j] += row[j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        double[][] c = new double[d][d];
        for (float[] row : x) {
            for (int a = 0; a < d; a++) {
                double da = row[a] - mean[a];
                for (int b = a; b < d; b++) c[a][b] += da * (row[b] - mean[b]);
            }
        }
        for (int a = 0; a < d; a++) for (int b = a; b < d; b++) { c[a][b] /= n - 1; c[b][a] = c[a][b]; }
        return c;
    }

    /** Eigenvalues (descending) and eigenvectors (as rows, matching) of a symmetric matrix: cyclic Jacobi. */
    record Eigen(double[] values, double[][] vectors) { }

    static Eigen jacobi(double[][] sym) {
        int n = sym.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = sym[i].clone();
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (i, j) -> Double.compare(a[j][j], a[i][i]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int c = 0; c < n; c++) {
            values[c] = a[order[c]][order[c]];
            for (int k = 0; k < n; k++) vectors[c][k] = v[k][order[c]];
        }
        return new Eigen(values, vectors);
    }

    /**
     * Cosines of the principal angles between the row spaces of two sets of orthonormal rows
     * (k x d each), smallest first: singular values of A B^T.
     */
    static double[] principalCosines(double[][] a, double[][] b) {
        int k = a.length;
        double[][] m = new double[k][k];
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) {
            double s = 0;
            for (int t = 0; t < a[i].length; t++) s += a[i][t] * b[j][t];
            m[i][j] = s;
        }
        double[][] mmt = new double[k][k];
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) {
            double s = 0;
            for (int t = 0; t < k; t++) s += m[i][t] * m[j][t];
            mmt[i][j] = s;
        }
        double[] ev = jacobi(mmt).values();
        double[] cos = new double[k];
        for (int i = 0; i < k; i++) cos[i] = Math.sqrt(Math.max(0, Math.min(1, ev[k - 1 - i])));
        return cos;
    }

    static double[][] rows(PcaModel m) {
        double[][] r = new double[m.components()][];
        for (int c = 0; c < m.components(); c++) {
            float[] f = m.component(c);
            r[c] = new double[f.length];
            for (int j = 0; j < f.length; j++) r[c][j] = f[j];
        }
        return r;
    }

    static double[] geometric(int r, double first, double ratio) {
        double[] s = new double[r];
        for (int i = 0; i < r; i++) s[i] = first * Math.pow(ratio, i);
        return s;
    }
}
