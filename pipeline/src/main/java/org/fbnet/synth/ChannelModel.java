package org.fbnet.synth;

import java.util.SplittableRandom;

/**
 * The planted, shared-across-subjects response function: image latent -> {@link #CHANNELS}
 * "cortical feature" channels, a fixed random 2-layer tanh network plus a quadratic term.
 * <p>The quadratic products have no linear component and tanh saturates, so a linear model of the
 * latent cannot capture the channels: a ridge of the latent explains r^2 0.46 of a vertex's noiseless
 * signal on average, a ridge with the latent's quadratic terms 0.92 ({@code PlantedTruthTest}). Channels are centred and
 * scaled to unit variance over a reference sample of latents, and their covariance on that sample
 * is kept: it fixes each vertex's population signal variance, hence its noise ceiling.
 */
final class ChannelModel {
    static final int CHANNELS = 32;
    static final int HIDDEN = 64;
    /** Latents used to standardise the channels and measure their covariance. */
    static final int REFERENCE_SAMPLE = 20_000;
    private static final int L = ImageDraw.LATENT_DIM;
    // Pre-activation sd 1.5: well into tanh's saturation. The quadratic weight makes products about a
    // third of the channel variance.
    private static final double INPUT_GAIN = 1.5;
    private static final double QUADRATIC = 0.6;

    private final double[] w1 = new double[HIDDEN * L];
    private final double[] b1;
    private final double[] w2 = new double[CHANNELS * HIDDEN];
    private final double[] p = new double[CHANNELS * L];
    private final double[] q = new double[CHANNELS * L];
    private final double[] mean = new double[CHANNELS];
    private final double[] scale = new double[CHANNELS];
    private final double[][] covariance = new double[CHANNELS][CHANNELS];

    ChannelModel(long seed) {
        SplittableRandom r = Rng.of(seed, Rng.CHANNELS);
        for (int i = 0; i < w1.length; i++) w1[i] = r.nextGaussian() * INPUT_GAIN / Math.sqrt(L);
        b1 = Rng.gaussians(r, HIDDEN, 0.5);
        for (int i = 0; i < w2.length; i++) w2[i] = r.nextGaussian() / Math.sqrt(HIDDEN);
        for (int i = 0; i < p.length; i++) p[i] = r.nextGaussian() / Math.sqrt(L);
        for (int i = 0; i < q.length; i++) q[i] = r.nextGaussian() / Math.sqrt(L);
        java.util.Arrays.fill(scale, 1);
        double[][] sample = new double[REFERENCE_SAMPLE][];
        SplittableRandom ref = Rng.of(seed, Rng.REFERENCE);
        for (int n = 0; n < REFERENCE_SAMPLE; n++) {
            sample[n] = raw(Rng.gaussians(ref, L, 1));
            for (int k = 0; k < CHANNELS; k++) mean[k] += sample[n][k] / REFERENCE_SAMPLE;
        }
        double[] var = new double[CHANNELS];
        for (double[] c : sample) for (int k = 0; k < CHANNELS; k++) var[k] += (c[k] - mean[k]) * (c[k] - mean[k]) / REFERENCE_SAMPLE;
        for (int k = 0; k < CHANNELS; k++) scale[k] = 1 / Math.sqrt(var[k]);
        for (double[] c : sample) {
            for (int a = 0; a < CHANNELS; a++) {
                double ca = (c[a] - mean[a]) * scale[a];
                for (int b = 0; b <= a; b++) covariance[a][b] += ca * (c[b] - mean[b]) * scale[b] / REFERENCE_SAMPLE;
            }
        }
        for (int a = 0; a < CHANNELS; a++) for (int b = 0; b < a; b++) covariance[b][a] = covariance[a][b];
    }

    private double[] raw(double[] z) {
        double[] h = new double[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            double s = b1[j];
            for (int i = 0; i < L; i++) s += w1[j * L + i] * z[i];
            h[j] = Math.tanh(s);
        }
        double[] c = new double[CHANNELS];
        for (int k = 0; k < CHANNELS; k++) {
            double s = 0, pz = 0, qz = 0;
            for (int j = 0; j < HIDDEN; j++) s += w2[k * HIDDEN + j] * h[j];
            for (int i = 0; i < L; i++) {
                pz += p[k * L + i] * z[i];
                qz += q[k * L + i] * z[i];
            }
            c[k] = s + QUADRATIC * pz * qz;
        }
        return c;
    }

    /** The standardised channels of an image latent. */
    double[] channels(double[] latent) {
        double[] c = raw(latent);
        for (int k = 0; k < CHANNELS; k++) c[k] = (c[k] - mean[k]) * scale[k];
        return c;
    }

    /** The population variance of {@code loading . channels}: l' C l. */
    double variance(double[] loading) {
        double v = 0;
        for (int a = 0; a < CHANNELS; a++) {
            double s = 0;
            for (int b = 0; b < CHANNELS; b++) s += covariance[a][b] * loading[b];
            v += loading[a] * s;
        }
        return v;
    }
}
