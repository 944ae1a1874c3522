package org.fbnet.synth;

/** Ridge regression with an intercept, solved in double precision by Cholesky: the linear baseline of the tests. */
final class Ridge {
    private final double[][] weights; // [outputs][inputs + 1]

    private Ridge(double[][] weights) { this.weights = weights; }

    static Ridge fit(double[][] x, double[][] y, double lambda) {
        int n = x.length, d = x[0].length + 1, m = y[0].length;
        double[][] a = new double[d][d];
        double[][] b = new double[d][m];
        double[] row = new double[d];
        for (int i = 0; i < n; i++) {
            row[0] = 1;
            System.arraycopy(x[i], 0, row, 1, d - 1);
            for (int p = 0; p < d; p++) {
                for (int q = 0; q <= p; q++) a[p][q] += row[p] * row[q];
                for (int o = 0; o < m; o++) b[p][o] += row[p] * y[i][o];
            }
        }
        for (int p = 1; p < d; p++) a[p][p] += lambda;
        for (int p = 0; p < d; p++) for (int q = 0; q < p; q++) a[q][p] = a[p][q];
        double[][] l = new double[d][d];
        for (int p = 0; p < d; p++) {
            for (int q = 0; q <= p; q++) {
                double s = a[p][q];
                for (int k = 0; k < q; k++) s -= l[p][k] * l[q][k];
                l[p][q] = p == q ? Math.sqrt(s) : s / l[q][q];
            }
        }
        double[][] w = new double[m][d];
        for (int o = 0; o < m; o++) {
            double[] z = new double[d];
            for (int p = 0; p < d; p++) {
                double s = b[p][o];
                for (int k = 0; k < p; k++) s -= l[p][k] * z[k];
                z[p] = s / l[p][p];
            }
            for (int p = d - 1; p >= 0; p--) {
                double s = z[p];
                for (int k = p + 1; k < d; k++) s -= l[k][p] * w[o][k];
                w[o][p] = s / l[p][p];
            }
        }
        return new Ridge(w);
    }

    double[] predict(double[] x) {
        double[] out = new double[weights.length];
        for (int o = 0; o < out.length; o++) {
            double s = weights[o][0];
            for (int i = 0; i < x.length; i++) s += weights[o][i + 1] * x[i];
            out[o] = s;
        }
        return out;
    }

    /** Per output column, the squared correlation of prediction and target on held-out rows. */
    double[] r2(double[][] x, double[][] y) {
        double[][] p = new double[x.length][];
        for (int i = 0; i < x.length; i++) p[i] = predict(x[i]);
        double[] out = new double[y[0].length];
        for (int o = 0; o < out.length; o++) {
            double[] a = new double[x.length], b = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                a[i] = p[i][o];
                b[i] = y[i][o];
            }
            double r = corr(a, b);
            out[o] = r * r;
        }
        return out;
    }

    static double corr(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i] / a.length;
            mb += b[i] / b.length;
        }
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }
}
