package org.fbnet.synth;

import java.util.SplittableRandom;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.SubjectLayout;

/**
 * The common cortical vertex space: per hemisphere, one sorted set of fsaverage vertices (the
 * challenge vertices), of which each subject keeps all or, like NSD's subj06 and subj08, all but a
 * few. A subject's k-th challenge vertex is the k-th fsaverage vertex it keeps, which is what the
 * {@code all-vertices_fsaverage_space} mask encodes.
 * <p>The fsaverage index divided by 163842 serves as the cortical coordinate u along which loadings,
 * ceilings and ROIs vary smoothly.
 */
public final class VertexSpace {
    private final SynthConfig config;
    private final int[][] common = new int[2][];

    VertexSpace(SynthConfig config) {
        this.config = config;
        for (Hemisphere h : Hemisphere.values()) {
            common[h.ordinal()] = sample(SubjectLayout.FSAVERAGE_VERTICES, config.commonVertices(h), Rng.of(config.seed(), Rng.VERTICES, h.ordinal()), null);
        }
    }

    /** The common set of a hemisphere: sorted fsaverage indices. */
    public int[] common(Hemisphere h) { return common[h.ordinal()].clone(); }

    /** A subject's challenge vertices: sorted fsaverage indices, a subset of the common set. */
    public int[] subject(int subject, Hemisphere h) {
        int[] all = common[h.ordinal()];
        int n = config.vertices(h, subject);
        if (n == all.length) return all.clone();
        return sample(all.length, n, Rng.of(config.seed(), Rng.DROPPED, subject, h.ordinal()), all);
    }

    /** The cortical coordinate of an fsaverage vertex. */
    static double coordinate(int fsaverageVertex) { return fsaverageVertex / (double) SubjectLayout.FSAVERAGE_VERTICES; }

    /** Selection sampling (Knuth's algorithm S): k of 0..n-1 in increasing order, mapped through {@code from}. */
    private static int[] sample(int n, int k, SplittableRandom r, int[] from) {
        int[] out = new int[k];
        int chosen = 0;
        for (int j = 0; j < n && chosen < k; j++) {
            if (r.nextInt(n - j) < k - chosen) out[chosen++] = from == null ? j : from[j];
        }
        return out;
    }
}
