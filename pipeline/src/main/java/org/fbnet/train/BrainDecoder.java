package org.fbnet.train;

/**
 * Maps brain latents of one subject and hemisphere back to vertex space (the inverse fMRI PCA):
 * rows are images, columns latent components in, vertices out. Validation r is computed there.
 * <p>The PCA stage's model plugs in as {@code pcaModel::inverseTransform}.
 */
@FunctionalInterface
public interface BrainDecoder {
    float[][] toVertices(float[][] latents);
}
