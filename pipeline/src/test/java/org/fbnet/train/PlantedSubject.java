package org.fbnet.train;

import java.util.Arrays;
import java.util.Random;
import org.fbnet.data.PerHemisphere;
import org.fbnet.pca.Projection;
import org.fbnet.subject.Subject;

/**
 * Synthetic subjects for trainer tests: brain latents that are a nonlinear function of the image latents
 * plus noise (y = tanh(x·A)·B + noise), decoded to vertices by a random orthonormal "PCA" basis, with
 * measured validation vertices = decoded latents + vertex noise. With {@code signal = 0} the latents are
 * pure noise, unrelated to x. Structured-noise eigenvalues are the latents' sample variances.
 */
public final class PlantedSubject {
    private PlantedSubject() { }

    public static final int INPUT = 20, LH = 5, RH = 6, VERTICES = 30;

    /** The subject's training rows (after {@code 10%} validation rows), validation rows with measured vertices, no test rows. */
    public static Subject generate(String name, long seed, int rows, double signal) {
        Random r = new Random(seed);
        float[][] x = gaussian(r, rows, INPUT, 1);
        double[][] a = doubles(gaussian(r, INPUT, 16, (float) (1 / Math.sqrt(INPUT))));
        Hemi lh = hemisphere(r, x, a, LH, rows, signal);
        Hemi rh = hemisphere(r, x, a, RH, rows, signal);
        int k = org.fbnet.data.ValidationSplit.validationRows(rows, 0.1);
        Subject.Rows validation = new Subject.Rows(range(0, k), range(0, k), Arrays.copyOf(x, k),
                new PerHemisphere<>(Arrays.copyOf(lh.latents, k), Arrays.copyOf(rh.latents, k)), new PerHemisphere<>(lh.measured, rh.measured));
        Subject.Rows train = new Subject.Rows(range(k, rows), range(k, rows), Arrays.copyOfRange(x, k, rows),
                new PerHemisphere<>(Arrays.copyOfRange(lh.latents, k, rows), Arrays.copyOfRange(rh.latents, k, rows)), null);
        return new Subject(name, train, validation, Subject.Rows.empty(), new PerHemisphere<>(lh.basis, rh.basis),
                new PerHemisphere<>(variances(lh.latents), variances(rh.latents)), new PerHemisphere<>(lh.ceilings, rh.ceilings),
                org.fbnet.eval.RoiAtlas.empty());
    }

    private static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    private record Hemi(float[][] latents, Basis basis, float[][] measured, float[] ceilings) { }

    /** A "PCA" that is a random orthonormal basis of the vertex space, without a mean. */
    record Basis(double[][] rows) implements Projection {
        @Override public int components() { return rows.length; }

        @Override
        public float[][] transform(float[][] v) {
            float[][] out = new float[v.length][rows.length];
            for (int i = 0; i < v.length; i++) {
                for (int c = 0; c < rows.length; c++) for (int j = 0; j < VERTICES; j++) out[i][c] += (float) (v[i][j] * rows[c][j]);
            }
            return out;
        }

        @Override
        public float[][] inverseTransform(float[][] latents) {
            float[][] v = new float[latents.length][VERTICES];
            for (int i = 0; i < latents.length; i++) {
                for (int c = 0; c < rows.length; c++) for (int j = 0; j < VERTICES; j++) v[i][j] += (float) (latents[i][c] * rows[c][j]);
            }
            return v;
        }

        @Override public float[][] reconstruct(float[][] v, int kept) { return inverseTransform(transform(v)); }

        @Override public double[] eigenvalues() { return new double[rows.length]; }

        @Override public double explainedVariance(int k) { return Double.NaN; }

        @Override public String fitId() { return "planted"; }
    }

    private static Hemi hemisphere(Random r, float[][] x, double[][] a, int k, int rows, double signal) {
        double[][] b = doubles(gaussian(r, a[0].length, k, (float) (1 / Math.sqrt(a[0].length))));
        float[][] lat = new float[rows][k];
        for (int i = 0; i < rows; i++) {
            double[] hidden = new double[a[0].length];
            for (int j = 0; j < hidden.length; j++) {
                double s = 0;
                for (int t = 0; t < INPUT; t++) s += x[i][t] * a[t][j];
                hidden[j] = Math.tanh(s);
            }
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < hidden.length; j++) s += hidden[j] * b[j][c];
                lat[i][c] = (float) (signal * s * 3 + 0.3 * r.nextGaussian());
            }
        }
        Basis basis = new Basis(orthonormalRows(r, k, VERTICES));
        int validation = org.fbnet.data.ValidationSplit.validationRows(rows, 0.1);
        float[][] measured = basis.inverseTransform(Arrays.copyOf(lat, validation));
        for (float[] row : measured) for (int j = 0; j < VERTICES; j++) row[j] += (float) (0.1 * r.nextGaussian());
        float[] ceilings = new float[VERTICES];
        for (int j = 0; j < VERTICES; j++) ceilings[j] = 0.5f + 0.5f * r.nextFloat();
        return new Hemi(lat, basis, measured, ceilings);
    }

    static float[] variances(float[][] a) {
        int k = a[0].length;
        float[] v = new float[k];
        for (int c = 0; c < k; c++) {
            double m = 0, s = 0;
            for (float[] row : a) m += row[c];
            m /= a.length;
            for (float[] row : a) s += (row[c] - m) * (row[c] - m);
            v[c] = (float) (s / (a.length - 1));
        }
        return v;
    }

    static float[][] gaussian(Random r, int rows, int cols, float scale) {
        float[][] a = new float[rows][cols];
        for (float[] row : a) for (int j = 0; j < cols; j++) row[j] = (float) r.nextGaussian() * scale;
        return a;
    }

    private static double[][] doubles(float[][] a) {
        double[][] d = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            d[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) d[i][j] = a[i][j];
        }
        return d;
    }

    /** k orthonormal rows of length n (Gram-Schmidt), like PCA components. */
    static double[][] orthonormalRows(Random r, int k, int n) {
        double[][] q = new double[k][n];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) q[i][j] = r.nextGaussian();
            for (int p = 0; p < i; p++) {
                double dot = 0;
                for (int j = 0; j < n; j++) dot += q[i][j] * q[p][j];
                for (int j = 0; j < n; j++) q[i][j] -= dot * q[p][j];
            }
            double norm = 0;
            for (int j = 0; j < n; j++) norm += q[i][j] * q[i][j];
            norm = Math.sqrt(norm);
            for (int j = 0; j < n; j++) q[i][j] /= norm;
        }
        return q;
    }
}
