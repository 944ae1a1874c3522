package org.fbnet.synth;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.fbnet.data.Hemisphere;

/**
 * One subject's hemisphere in the planted truth: its challenge vertices, their noise ceilings and
 * the map from the shared channels to noiseless and noisy responses.
 * <p>Vertex v's loading on the channels is a smooth field over the cortical coordinate: common
 * coefficients of the hemisphere plus a subject-specific perturbation ({@link #SUBJECT_VARIATION}),
 * so a common vertex responds alike across subjects up to subject-specific variation. The loading
 * is scaled so the signal's population variance is the vertex's ceiling NC; the noise has variance
 * 1 - NC, a spatially smooth part ({@link #SPATIAL_NOISE} of it) plus independent per-vertex noise.
 * Responses thus have unit variance and NC = signal variance / total variance, the r^2 the noiseless
 * signal attains: exactly what the truth folder records.
 */
public final class SubjectBrain {
    /** Scale of the subject's loading perturbation relative to the common loadings. */
    static final double SUBJECT_VARIATION = 0.4;
    /** Scale of the subject's perturbation of the common ceiling map before ranking. */
    static final double CEILING_MAP_VARIATION = 0.5;
    /** Fraction of noise variance that is a smooth field shared by neighbouring vertices. */
    static final double SPATIAL_NOISE = 0.3;
    private static final int K = ChannelModel.CHANNELS;
    private static final int S = SmoothBasis.SIZE;
    private static final int WIDTH = K + S;

    static {
        if (WIDTH % 4 != 0) throw new AssertionError("response() sums in fours; K + S = " + WIDTH);
    }

    private final long seed;
    private final int subject;
    private final Hemisphere hemisphere;
    private final int[] vertices;
    private final float[] ceilings;
    // Per vertex: K channel loadings then S spatial-noise weights.
    private final float[] weights;
    private final float[] independentNoiseSd;

    SubjectBrain(long seed, int subject, Hemisphere h, int[] vertices, ChannelModel channels) {
        this.seed = seed;
        this.subject = subject;
        this.hemisphere = h;
        this.vertices = vertices;
        int n = vertices.length;
        double[] common = Rng.gaussians(Rng.of(seed, Rng.LOADINGS, h.ordinal()), S * K, 1);
        double[] own = Rng.gaussians(Rng.of(seed, Rng.LOADINGS, h.ordinal(), subject), S * K, SUBJECT_VARIATION);
        double[] mapCommon = Rng.gaussians(Rng.of(seed, Rng.CEILING_MAP, h.ordinal()), S, 1);
        double[] mapOwn = Rng.gaussians(Rng.of(seed, Rng.CEILING_MAP, h.ordinal(), subject), S, CEILING_MAP_VARIATION);
        double[] coef = new double[S * K];
        double[] map = new double[S];
        for (int i = 0; i < coef.length; i++) coef[i] = common[i] + own[i];
        for (int i = 0; i < S; i++) map[i] = mapCommon[i] + mapOwn[i];

        double[][] basis = new double[n][];
        double[] field = new double[n];
        for (int v = 0; v < n; v++) {
            basis[v] = SmoothBasis.at(VertexSpace.coordinate(vertices[v]));
            field[v] = SmoothBasis.field(basis[v], map, 0);
        }
        ceilings = rankToCeilings(field, subject, h);

        weights = new float[n * WIDTH];
        independentNoiseSd = new float[n];
        double[] loading = new double[K];
        for (int v = 0; v < n; v++) {
            Arrays.fill(loading, 0);
            for (int i = 0; i < S; i++) {
                double b = basis[v][i];
                for (int k = 0; k < K; k++) loading[k] += b * coef[i * K + k];
            }
            double nc = ceilings[v];
            double variance = channels.variance(loading);
            double gain = nc == 0 ? 0 : Math.sqrt(nc / variance);
            for (int k = 0; k < K; k++) weights[v * WIDTH + k] = (float) (loading[k] * gain);
            double spatial = Math.sqrt(SPATIAL_NOISE * (1 - nc));
            for (int i = 0; i < S; i++) weights[v * WIDTH + K + i] = (float) (basis[v][i] * spatial);
            independentNoiseSd[v] = (float) Math.sqrt((1 - SPATIAL_NOISE) * (1 - nc));
        }
    }

    /** A smooth field turned into ceilings with the subject's NSD distribution, by rank. */
    private static float[] rankToCeilings(double[] field, int subject, Hemisphere h) {
        int n = field.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(field[a], field[b]));
        float[] nc = new float[n];
        for (int r = 0; r < n; r++) nc[order[r]] = (float) NsdNoiseCeilings.quantile(subject, h, (r + 0.5) / n);
        return nc;
    }

    public int subject() { return subject; }

    public Hemisphere hemisphere() { return hemisphere; }

    /** The challenge vertices as sorted fsaverage indices. */
    public int[] vertices() { return vertices.clone(); }

    /** Per-vertex noise ceilings: the fraction of response variance that is signal. */
    public float[] ceilings() { return ceilings.clone(); }

    public int size() { return vertices.length; }

    /** The noiseless response to channels, into {@code out} (length {@link #size()}). */
    public void signal(double[] channels, float[] out) {
        for (int v = 0; v < out.length; v++) {
            int o = v * WIDTH;
            double s = 0;
            for (int k = 0; k < K; k++) s += weights[o + k] * channels[k];
            out[v] = (float) s;
        }
    }

    /**
     * The measured response: signal plus noise. The noise of a row depends only on (seed, subject,
     * hemisphere, split, row), so any row can be regenerated on its own.
     */
    public void response(double[] channels, Split split, int row, float[] out) {
        SplittableRandom r = Rng.of(seed, Rng.NOISE, subject, hemisphere.ordinal(), split.ordinal(), row);
        double[] x = new double[WIDTH];
        System.arraycopy(channels, 0, x, 0, K);
        for (int i = K; i < WIDTH; i++) x[i] = r.nextGaussian();
        for (int v = 0; v < out.length; v++) {
            int o = v * WIDTH;
            // Four partial sums (WIDTH is a multiple of 4): independent chains run in parallel.
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int i = 0; i < WIDTH; i += 4) {
                s0 += weights[o + i] * x[i];
                s1 += weights[o + i + 1] * x[i + 1];
                s2 += weights[o + i + 2] * x[i + 2];
                s3 += weights[o + i + 3] * x[i + 3];
            }
            out[v] = (float) ((s0 + s1) + (s2 + s3) + independentNoiseSd[v] * r.nextGaussian());
        }
    }

    /** Which rows a response belongs to (keeps training and test noise independent). */
    public enum Split { TRAIN, TEST }
}
