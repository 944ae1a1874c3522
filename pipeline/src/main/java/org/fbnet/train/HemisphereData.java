package org.fbnet.train;

/**
 * One hemisphere of a subject's training split: the brain latents of every training row (validation
 * rows first, as {@link org.fbnet.data.ValidationSplit} defines them), the fMRI PCA eigenvalues that
 * scale the structured noise, the decoder to vertex space, and optionally the measured vertex
 * responses of the validation rows and the per-vertex noise ceilings (fractions).
 * <p>Without measured validation vertices, validation r compares against the decoded true latents
 * (r of the PCA-reconstructed signal). Without ceilings no noise-normalized score is reported.
 */
public record HemisphereData(float[][] latents, float[] eigenvalues, BrainDecoder decoder,
                             float[][] validationVertices, float[] noiseCeilings) {
    public HemisphereData {
        if (latents == null || eigenvalues == null || decoder == null) {
            throw new IllegalArgumentException("latents, eigenvalues and decoder are required");
        }
    }

    /** Latents and decoder only: validation against decoded true latents, no ceilings. */
    public static HemisphereData of(float[][] latents, float[] eigenvalues, BrainDecoder decoder) {
        return new HemisphereData(latents, eigenvalues, decoder, null, null);
    }

    public int components() { return eigenvalues.length; }
}
