package org.fbnet.train;

import org.fbnet.pca.Projection;

/**
 * An affine map between two brain latent spaces of one subject's hemisphere, in row-vector convention:
 * {@code to = from · T + c}, with T of shape [from components, to components].
 * <p>{@link #between} builds the map that takes a latent of one space to the latent the other space
 * gives its vertex pattern: decode with the first space, project with the second. For a subject's view
 * of the group PCA (components G_s, the group components at the subject's vertices) and its own PCA
 * (components U, mean m) that is {@code T = G_s U^T} (the issue's {@code U_group_s^T U_own} in column
 * convention) and {@code c = (decoded zero latent - m) U^T}, which is 0 up to rounding when the group
 * centered the subject with the own PCA's mean (both fitted on the same rows). Both spaces are
 * affine, so decoding the zero latent and the k unit latents determines the map exactly.
 * <p>On the rows the own PCA was fitted on, T^T is also the least-squares map from own latents to
 * group latents: with own latents Y = (V - m) U^T, Y^T Y = (n-1) Λ and Y^T (V - m) G_s^T =
 * (n-1) Λ U G_s^T, so (Y^T Y)^-1 Y^T Y_group = T^T ({@code LatentSpaceMapTest} checks both).
 */
public final class LatentSpaceMap {
    private final double[][] t;
    private final double[] offset;

    private LatentSpaceMap(double[][] t, double[] offset) {
        this.t = t;
        this.offset = offset;
    }

    /** The map {@code T} [from, to] and offset {@code c} [to]; copied. */
    public static LatentSpaceMap of(double[][] t, double[] offset) {
        if (t.length == 0) throw new IllegalArgumentException("T has no rows");
        int to = offset.length;
        double[][] copy = new double[t.length][];
        for (int i = 0; i < t.length; i++) {
            if (t[i].length != to) throw new IllegalArgumentException("T row " + i + " has " + t[i].length + " columns, the offset " + to);
            copy[i] = t[i].clone();
        }
        return new LatentSpaceMap(copy, offset.clone());
    }

    /**
     * The map taking latents of a space with {@code fromComponents} components, decoded to a subject's
     * vertices by {@code from}, to the latents {@code to} projects those vertices onto.
     */
    public static LatentSpaceMap between(Projection from, int fromComponents, Projection to) {
        float[][] probes = new float[fromComponents + 1][fromComponents];
        for (int i = 0; i < fromComponents; i++) probes[i + 1][i] = 1;
        float[][] mapped = to.transform(from.inverseTransform(probes));
        int k = to.components();
        double[] c = new double[k];
        double[][] t = new double[fromComponents][k];
        for (int j = 0; j < k; j++) c[j] = mapped[0][j];
        for (int i = 0; i < fromComponents; i++) for (int j = 0; j < k; j++) t[i][j] = (double) mapped[i + 1][j] - mapped[0][j];
        return new LatentSpaceMap(t, c);
    }

    public int fromComponents() { return t.length; }

    public int toComponents() { return offset.length; }

    /** T [from, to], a copy. */
    public double[][] matrix() {
        double[][] m = new double[t.length][];
        for (int i = 0; i < t.length; i++) m[i] = t[i].clone();
        return m;
    }

    /** c [to], a copy. */
    public double[] offset() { return offset.clone(); }

    /** Latents of the first space (rows) mapped to the second: {@code rows · T + c}. */
    public float[][] apply(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int n = 0; n < rows.length; n++) {
            if (rows[n].length != t.length) throw new IllegalArgumentException("latent row " + n + " has " + rows[n].length + " components, the map takes " + t.length);
            double[] o = offset.clone();
            for (int i = 0; i < t.length; i++) {
                double v = rows[n][i];
                for (int j = 0; j < o.length; j++) o[j] += v * t[i][j];
            }
            out[n] = new float[o.length];
            for (int j = 0; j < o.length; j++) out[n][j] = (float) o[j];
        }
        return out;
    }

    /**
     * Singular values of T, descending: for two orthonormal bases of the same vertices they are the
     * cosines of the principal angles between the two subspaces (all 1 when the spans coincide).
     */
    public double[] singularValues() {
        int k = offset.length;
        double[][] gram = new double[k][k];
        for (double[] row : t) for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) gram[a][b] += row[a] * row[b];
        double[] ev = org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues(
                org.nd4j.linalg.factory.Nd4j.createFromArray(gram)).toDoubleVector();
        double[] s = new double[k];
        for (int i = 0; i < k; i++) s[i] = Math.sqrt(Math.max(ev[i], 0));
        java.util.Arrays.sort(s);
        for (int i = 0; i < k / 2; i++) {
            double tmp = s[i];
            s[i] = s[k - 1 - i];
            s[k - 1 - i] = tmp;
        }
        return s;
    }
}
