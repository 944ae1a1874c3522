package org.fbnet.synth;

import java.util.SplittableRandom;

/**
 * Independent, reproducible random streams, one per purpose: a stream's seed is a hash of the run
 * seed and a path of integers (tag, subject, hemisphere, row, ...), so the draws for one thing never
 * depend on how many other things were generated before it (same NSD id, same image, whatever the
 * subject count).
 */
final class Rng {
    // Tags that keep the streams of different purposes apart.
    static final int LATENT = 1, SHAPES = 2, CHANNELS = 3, LOADINGS = 4, CEILING_MAP = 5, NOISE = 6,
            VERTICES = 7, DROPPED = 8, IDS = 9, FEATURES = 10, ROIS = 11, REFERENCE = 12;

    private Rng() { }

    /** A stream for a purpose path under the run seed. */
    static SplittableRandom of(long seed, long... path) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (long p : path) h = mix(h ^ mix(p + 0x632BE59BD9B4E019L));
        return new SplittableRandom(h);
    }

    /** SplitMix64's finaliser: a bijective 64-bit mixer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static double[] gaussians(SplittableRandom r, int n, double scale) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = r.nextGaussian() * scale;
        return out;
    }

    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }
}
