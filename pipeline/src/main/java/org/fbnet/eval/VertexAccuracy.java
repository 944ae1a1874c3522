package org.fbnet.eval;

/**
 * The accuracy of every vertex of one subject's hemisphere: Pearson r over the evaluated images and,
 * when noise ceilings exist, the Algonauts noise-normalized score (see {@link VertexScores}).
 *
 * @param score per-vertex noise-normalized accuracy in percent, or null without ceilings
 */
public record VertexAccuracy(String subject, String hemisphere, double[] r, double[] score) {
    public VertexAccuracy {
        if (score != null && score.length != r.length) {
            throw new IllegalArgumentException(subject + " " + hemisphere + ": " + r.length + " correlations vs " + score.length + " scores");
        }
    }

    /**
     * Scores predictions against measurements (rows = images, columns = vertices).
     * @param ceiling per-vertex noise ceiling as a fraction, or null when none was supplied
     */
    public static VertexAccuracy of(String subject, String hemisphere, float[][] predicted, float[][] measured, float[] ceiling) {
        double[] r = VertexScores.pearson(predicted, measured);
        if (ceiling != null && ceiling.length != r.length) {
            throw new IllegalArgumentException(subject + " " + hemisphere + ": " + ceiling.length + " noise ceilings for " + r.length + " vertices");
        }
        return new VertexAccuracy(subject, hemisphere, r, ceiling == null ? null : VertexScores.noiseNormalized(r, ceiling));
    }

    public int vertices() { return r.length; }

    public boolean hasScores() { return score != null; }
}
