package org.fbnet.synth;

import java.util.SplittableRandom;

/**
 * Image features for features-only mode: a fixed random nonlinear map of the latent and the
 * nuisance, {@code tanh(A [latent; nuisance] + b)}, standing in for an encoder's output (CLIP
 * ViT-B/32's 50x768 = 38400 values by default) so that learning stages can run at NSD scale
 * without rendering images.
 * <p>Nuisance directions make up about a quarter of the input variance: features carry what the brain
 * ignores too, as a real encoder's do.
 */
final class FeatureModel {
    private static final int IN = ImageDraw.LATENT_DIM + ImageDraw.NUISANCE_DIM;
    private static final double NUISANCE_GAIN = 0.8;
    private final int dim;
    private final float[] a;
    private final float[] b;

    FeatureModel(long seed, int dim) {
        this.dim = dim;
        SplittableRandom r = Rng.of(seed, Rng.FEATURES);
        a = new float[dim * IN];
        b = new float[dim];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextGaussian() * 1.2 / Math.sqrt(IN));
        for (int i = 0; i < dim; i++) b[i] = (float) (r.nextGaussian() * 0.3);
    }

    int dim() { return dim; }

    /** The features of a draw into {@code out} (length {@link #dim()}). */
    void features(ImageDraw d, float[] out) {
        float[] x = new float[IN];
        for (int i = 0; i < ImageDraw.LATENT_DIM; i++) x[i] = (float) d.latent()[i];
        for (int i = 0; i < ImageDraw.NUISANCE_DIM; i++) x[ImageDraw.LATENT_DIM + i] = (float) (NUISANCE_GAIN * d.nuisance()[i]);
        for (int j = 0; j < dim; j++) {
            int o = j * IN;
            float s = b[j];
            for (int i = 0; i < IN; i++) s += a[o + i] * x[i];
            // tanh through one exp: Math.tanh cost two thirds of a 38400-wide row (measured).
            out[j] = (float) (1 - 2 / (Math.exp(2.0 * s) + 1));
        }
    }
}
