package org.fbnet.eval;

/**
 * Per-vertex encoding accuracy: Pearson r between predicted and measured responses over held-out
 * images, and the Algonauts 2023 noise-normalized accuracy
 * {@code min(100, 100 * max(r, 0)^2 / NC)} with NC a fraction and NC = 0 replaced by 1e-14.
 * <p>Sums are accumulated in double over rows, so float inputs of any realistic size lose nothing.
 */
public final class VertexScores {
    /** The Algonauts scorer's stand-in for a zero noise ceiling. */
    public static final double ZERO_CEILING = 1e-14;

    private VertexScores() { }

    /**
     * Pearson r of each column (vertex) between {@code predicted} and {@code measured}, rows = images.
     * A column with zero variance on either side gets r = 0 (numpy would give NaN; such a vertex
     * cannot be predicted, and NaN would poison every mean it enters).
     */
    public static double[] pearson(float[][] predicted, float[][] measured) {
        int n = measured.length;
        if (predicted.length != n) throw new IllegalArgumentException("rows: predicted " + predicted.length + " vs measured " + n);
        if (n == 0) throw new IllegalArgumentException("no rows to correlate");
        int v = measured[0].length;
        double[] sp = new double[v], sm = new double[v];
        for (int i = 0; i < n; i++) {
            if (predicted[i].length != v || measured[i].length != v) {
                throw new IllegalArgumentException("row " + i + ": " + predicted[i].length + " predicted vs "
                        + measured[i].length + " measured columns, expected " + v);
            }
            for (int j = 0; j < v; j++) {
                sp[j] += predicted[i][j];
                sm[j] += measured[i][j];
            }
        }
        double[] mp = new double[v], mm = new double[v];
        for (int j = 0; j < v; j++) {
            mp[j] = sp[j] / n;
            mm[j] = sm[j] / n;
        }
        double[] cov = new double[v], vp = new double[v], vm = new double[v];
        for (int i = 0; i < n; i++) {
            float[] p = predicted[i], m = measured[i];
            for (int j = 0; j < v; j++) {
                double a = p[j] - mp[j], b = m[j] - mm[j];
                cov[j] += a * b;
                vp[j] += a * a;
                vm[j] += b * b;
            }
        }
        double[] r = new double[v];
        for (int j = 0; j < v; j++) {
            double d = Math.sqrt(vp[j] * vm[j]);
            r[j] = d > 0 ? cov[j] / d : 0.0;
        }
        return r;
    }

    /** Noise-normalized accuracy of one vertex, in percent; {@code ceiling} is a fraction. */
    public static double noiseNormalized(double r, double ceiling) {
        double nc = ceiling == 0 ? ZERO_CEILING : ceiling;
        double rp = Math.max(r, 0);
        return Math.min(100.0, 100.0 * rp * rp / nc);
    }

    /**
     * The noise-normalized accuracy a vertex scores on average from predictions unrelated to its responses,
     * over {@code n} images: the expectation of {@link #noiseNormalized(double, double)} under the null
     * distribution of Pearson's r for Gaussian data, density proportional to (1 - r^2)^((n-4)/2).
     * <p>On few images this is far from 0 (r is noisy and the score divides r^2 by small ceilings), so a
     * score means little without it. NaN below 4 images, where that density is not integrable this way.
     */
    public static double chanceNoiseNormalized(int n, double ceiling) {
        if (n < 4) return Double.NaN;
        double k = (n - 4) / 2.0;
        int steps = 4000;
        double h = 1.0 / steps, num = 0, den = 0;
        for (int i = 0; i <= steps; i++) {
            double r = i * h;
            double w = (i == 0 || i == steps) ? 1 : (i % 2 == 1 ? 4 : 2);
            double f = Math.pow(1 - r * r, k);
            num += w * f * noiseNormalized(r, ceiling);
            den += w * f;
        }
        // Negative r scores 0; the density is symmetric, so the positive half carries half the mass.
        return num / (2 * den);
    }

    /** Noise-normalized accuracy of every vertex. */
    public static double[] noiseNormalized(double[] r, float[] ceiling) {
        if (r.length != ceiling.length) throw new IllegalArgumentException(r.length + " correlations vs " + ceiling.length + " ceilings");
        double[] out = new double[r.length];
        for (int j = 0; j < r.length; j++) out[j] = noiseNormalized(r[j], ceiling[j]);
        return out;
    }

    public static double mean(double[] a) {
        double s = 0;
        for (double x : a) s += x;
        return a.length == 0 ? Double.NaN : s / a.length;
    }
}
