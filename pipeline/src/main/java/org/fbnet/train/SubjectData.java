package org.fbnet.train;

import org.fbnet.data.InputDataException;

/**
 * One subject's training split in memory: image latents x (one row per training image, in file order)
 * and both hemispheres' brain latents for the same rows. Validated on construction: every problem is
 * reported with the subject's name.
 */
public record SubjectData(String subject, float[][] x, HemisphereData lh, HemisphereData rh) {
    public SubjectData {
        if (subject == null || subject.isEmpty()) throw new IllegalArgumentException("subject name is required");
        if (x == null || x.length == 0) throw new InputDataException(subject + ": no training rows");
        int n = x.length, width = x[0].length;
        for (int i = 0; i < n; i++) {
            if (x[i].length != width) throw new InputDataException(subject + ": image latent row " + i + " has " + x[i].length + " values, row 0 has " + width);
        }
        check(subject, "lh", lh, n);
        check(subject, "rh", rh, n);
    }

    private static void check(String subject, String hemi, HemisphereData h, int n) {
        if (h == null) throw new InputDataException(subject + ": " + hemi + " data missing");
        if (h.latents().length != n) {
            throw new InputDataException(subject + ": " + n + " image latent rows but " + h.latents().length + " " + hemi + " latent rows");
        }
        int k = h.eigenvalues().length;
        for (int i = 0; i < n; i++) {
            float[] row = h.latents()[i];
            if (row == null) throw new InputDataException(subject + ": " + hemi + " latent row " + i + " is missing (no fMRI for a training row?)");
            if (row.length != k) {
                throw new InputDataException(subject + ": " + hemi + " latent row " + i + " has " + row.length + " components but "
                        + k + " eigenvalues were given");
            }
        }
        for (int j = 0; j < k; j++) {
            float e = h.eigenvalues()[j];
            if (!(e >= 0) || Float.isInfinite(e)) throw new InputDataException(subject + ": " + hemi + " eigenvalue " + j + " is " + e + ", must be finite and >= 0");
        }
    }

    public int rows() { return x.length; }

    public int inputSize() { return x[0].length; }

    /** Eigenvalues of both hemispheres, lh first: the structured noise scale. */
    public float[] eigenvalues() {
        float[] a = lh.eigenvalues(), b = rh.eigenvalues();
        float[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
