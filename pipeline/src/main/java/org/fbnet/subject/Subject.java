package org.fbnet.subject;

import java.io.Serializable;
import java.util.Arrays;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.InputDataException;
import org.fbnet.data.PerHemisphere;
import org.fbnet.eval.RoiAtlas;
import org.fbnet.pca.Projection;

/**
 * One subject after project, in memory: image latents and brain latents of its training rows (validation
 * rows removed, by {@link org.fbnet.data.ValidationSplit}), its validation rows with their measured
 * vertex responses, its test rows (responses only when truth was supplied), the fMRI projections that
 * map brain latents back to vertices, their eigenvalues (the structured noise's scale), noise ceilings
 * and ROI atlas. The training rows' vertex-space fMRI is not held (it is a subject's largest part):
 * {@link SubjectLoader#trainingVertices} reads one hemisphere of it when a baseline needs it.
 * <p>Serializable, so a subject can be shipped to the executor that trains it.
 *
 * @param ceilings noise ceilings as fractions; null when none were supplied
 */
public record Subject(String name, Rows train, Rows validation, Rows test, PerHemisphere<Projection> decoders,
                      PerHemisphere<float[]> eigenvalues, PerHemisphere<float[]> ceilings, RoiAtlas rois) implements Serializable {

    /**
     * Rows of one split in row order. {@code latents} (brain latents) and {@code vertices} (measured
     * responses) are null when the split has no fMRI; training rows carry no vertices.
     */
    public record Rows(int[] rowIndex, int[] nsdId, float[][] x, PerHemisphere<float[][]> latents, PerHemisphere<float[][]> vertices)
            implements Serializable {
        public int size() { return x.length; }

        public boolean hasTruth() { return vertices != null; }

        public static Rows empty() { return new Rows(new int[0], new int[0], new float[0][], null, null); }
    }

    public Subject {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("subject name is required");
        if (train.size() == 0) throw new InputDataException(name + ": no training rows");
        if (validation.size() == 0) throw new InputDataException(name + ": no validation rows (train.validation.fraction too small?)");
        for (Hemisphere h : Hemisphere.values()) {
            int k = eigenvalues.get(h).length;
            if (decoders.get(h).components() != k) {
                throw new InputDataException(name + ": " + h.code() + " projection has " + decoders.get(h).components()
                        + " components but " + k + " eigenvalues");
            }
            check(name, train, "training", h, k, false);
            check(name, validation, "validation", h, k, true);
            for (int j = 0; j < k; j++) {
                float e = eigenvalues.get(h)[j];
                if (!(e >= 0) || Float.isInfinite(e)) throw new InputDataException(name + ": " + h.code() + " eigenvalue " + j + " is " + e);
            }
        }
    }

    private static void check(String name, Rows rows, String split, Hemisphere h, int k, boolean vertices) {
        if (rows.latents() == null) throw new InputDataException(name + ": " + split + " rows have no brain latents (no fMRI?)");
        float[][] l = rows.latents().get(h);
        if (l.length != rows.size()) throw new InputDataException(name + ": " + rows.size() + " " + split + " rows but " + l.length + " " + h.code() + " latents");
        for (int i = 0; i < l.length; i++) {
            if (l[i] == null || l[i].length != k) {
                throw new InputDataException(name + ": " + split + " row " + i + " " + h.code() + " latent has "
                        + (l[i] == null ? "no" : l[i].length) + " components, expected " + k);
            }
        }
        if (vertices && rows.vertices() != null && rows.vertices().get(h).length != rows.size()) {
            throw new InputDataException(name + ": " + rows.size() + " " + split + " rows but " + rows.vertices().get(h).length
                    + " rows of " + h.code() + " responses");
        }
    }

    public int inputSize() { return train.x()[0].length; }

    public int components(Hemisphere h) { return eigenvalues.get(h).length; }

    public int vertices(Hemisphere h) {
        return validation.vertices() != null ? validation.vertices().get(h)[0].length : decoders.get(h).inverseTransform(new float[1][components(h)])[0].length;
    }

    public boolean hasCeilings() { return ceilings != null && ceilings.lh() != null && ceilings.rh() != null; }

    /** Eigenvalues of both hemispheres, lh first: the structured noise's scale. */
    public float[] noiseEigenvalues() {
        float[] a = eigenvalues.lh(), b = eigenvalues.rh();
        float[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
