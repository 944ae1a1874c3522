package org.fbnet.synth;

/**
 * A low-frequency Fourier basis over the synthetic cortical coordinate u in [0, 1) (the fsaverage
 * vertex index / 163842): a function {@code basis(u) . w} with w ~ N(0, I) is a smooth random field
 * with unit variance at every u.
 * <p>The weight of frequency f falls as f^-1/2 and the weights' squares sum to 1 per cos/sin pair, so
 * fields vary over a few hundred challenge vertices at the NSD density, not vertex to vertex.
 */
final class SmoothBasis {
    /** Frequencies 1..F: the signal lives in at most 2F dimensions of vertex space per hemisphere. */
    static final int FREQUENCIES = 24;
    static final int SIZE = 2 * FREQUENCIES;
    private static final double[] WEIGHTS = new double[FREQUENCIES];

    static {
        double total = 0;
        for (int f = 1; f <= FREQUENCIES; f++) total += 1.0 / f;
        for (int f = 1; f <= FREQUENCIES; f++) WEIGHTS[f - 1] = Math.sqrt(1.0 / f / total);
    }

    private SmoothBasis() { }

    /** The basis at coordinate u; its squared norm is 1. */
    static double[] at(double u) {
        double[] b = new double[SIZE];
        for (int f = 1; f <= FREQUENCIES; f++) {
            double a = 2 * Math.PI * f * u;
            b[2 * f - 2] = WEIGHTS[f - 1] * Math.cos(a);
            b[2 * f - 1] = WEIGHTS[f - 1] * Math.sin(a);
        }
        return b;
    }

    /** The value at u of the field with coefficients w (length SIZE). */
    static double field(double[] basisAtU, double[] w, int offset) {
        double s = 0;
        for (int i = 0; i < SIZE; i++) s += basisAtU[i] * w[offset + i];
        return s;
    }
}
