package org.fbnet.nn;

import java.util.Random;

/**
 * F-BNet's structured noise for one subject: z = N(0,1) * sqrt(eigenvalue) per brain latent component,
 * the eigenvalues of the subject's fMRI PCA (lh components then rh), so z has the latents' scale.
 * <p>Draws are seeded: the original drew fresh unseeded noise at test time, which made predictions
 * irreproducible.
 */
public final class StructuredNoise {
    private final float[] scale;

    /** @param eigenvalues the PCA eigenvalues (explained variances), lh then rh; each finite and &gt;= 0 */
    public StructuredNoise(float[] eigenvalues) {
        scale = new float[eigenvalues.length];
        for (int i = 0; i < eigenvalues.length; i++) {
            float e = eigenvalues[i];
            if (!(e >= 0) || Float.isInfinite(e)) {
                throw new IllegalArgumentException("eigenvalue " + i + " is " + e + "; PCA eigenvalues must be finite and >= 0");
            }
            scale[i] = (float) Math.sqrt(e);
        }
    }

    /** Concatenates lh and rh eigenvalues. */
    public static StructuredNoise of(float[] lhEigenvalues, float[] rhEigenvalues) {
        float[] all = new float[lhEigenvalues.length + rhEigenvalues.length];
        System.arraycopy(lhEigenvalues, 0, all, 0, lhEigenvalues.length);
        System.arraycopy(rhEigenvalues, 0, all, lhEigenvalues.length, rhEigenvalues.length);
        return new StructuredNoise(all);
    }

    public int size() { return scale.length; }

    /** Writes one noise row into {@code out[offset .. offset+size())}. */
    public void draw(Random rng, float[] out, int offset) {
        for (int j = 0; j < scale.length; j++) out[offset + j] = (float) rng.nextGaussian() * scale[j];
    }

    /** {@code rows} noise rows, row-major, from a generator seeded with {@code seed}. */
    public float[] draw(int rows, long seed) {
        Random rng = new Random(seed);
        float[] out = new float[rows * scale.length];
        for (int i = 0; i < rows; i++) draw(rng, out, i * scale.length);
        return out;
    }
}
