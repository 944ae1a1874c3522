package org.fbnet.synth;

import java.util.SplittableRandom;

/**
 * What is in one synthetic picture, drawn deterministically from the run seed and its NSD id: a
 * low-dimensional latent the brain responds to (colours, texture, shapes) and nuisance the brain
 * ignores: the extra input directions of features-only mode's features. (A rendered picture takes its
 * brain-irrelevant detail, where each shape sits and how it is turned, from its own per-id stream.)
 *
 * @param nsdId    the NSD image id
 * @param latent   {@link #LATENT_DIM} standard normal values; their meaning is listed in {@link ImageRenderer}
 * @param nuisance {@link #NUISANCE_DIM} standard normal values
 */
public record ImageDraw(int nsdId, double[] latent, double[] nuisance) {
    public static final int LATENT_DIM = 16;
    public static final int NUISANCE_DIM = 8;

    /** The draw of an NSD id: the same for every subject that sees it. */
    public static ImageDraw of(long seed, int nsdId) {
        SplittableRandom r = Rng.of(seed, Rng.LATENT, nsdId);
        return new ImageDraw(nsdId, Rng.gaussians(r, LATENT_DIM, 1), Rng.gaussians(r, NUISANCE_DIM, 1));
    }
}
