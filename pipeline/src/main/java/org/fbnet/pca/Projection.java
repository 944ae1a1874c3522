package org.fbnet.pca;

import java.io.Serializable;

/**
 * A fitted map from one subject's (or the image) input space to latents and back: a {@link PcaModel},
 * or a subject's view of a {@link GroupPca}. Serializable so Spark tasks receive it as a broadcast.
 */
public interface Projection extends Serializable {
    /** Number of latent components. */
    int components();

    /** Latents (n x k) of rows in the input space. */
    float[][] transform(float[][] rows);

    /** Latents (n x k) mapped back to the input space. */
    float[][] inverseTransform(float[][] latents);

    /** Rows projected onto the first {@code kept} components and mapped back to the input space. */
    float[][] reconstruct(float[][] rows, int kept);

    /** The latents' variances (PCA eigenvalues), one per component: the scale of F-BNet's structured noise. */
    double[] eigenvalues();

    /** Fraction of the fitted data's variance the first {@code k} components explain. */
    double explainedVariance(int k);

    /** Id of the fit the latents come from, recorded by datasets made with it. */
    String fitId();
}
