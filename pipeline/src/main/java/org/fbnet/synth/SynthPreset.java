package org.fbnet.synth;

import java.util.Locale;
import org.fbnet.data.Hemisphere;

/**
 * Per-subject dimensions of a synthetic dataset: {@code nsd}, the real Algonauts 2023 sizes, or
 * {@code small}, which generates in seconds. Subjects beyond 8 repeat the pattern of subj01..subj08.
 */
public enum SynthPreset {
    NSD(new int[] {9841, 9841, 9082, 8779, 9841, 9082, 9841, 8779},
            new int[] {159, 159, 293, 395, 159, 293, 159, 395},
            new int[] {19004, 19004, 19004, 19004, 19004, 18978, 19004, 18981},
            new int[] {20544, 20544, 20544, 20544, 20544, 20220, 20544, 20530},
            425, 38400),
    // Like NSD, subj06 and subj08 lose a few vertices of the common set, so small runs exercise that too.
    SMALL(new int[] {120, 120, 120, 120, 120, 120, 120, 120},
            new int[] {20, 20, 20, 20, 20, 20, 20, 20},
            new int[] {300, 300, 300, 300, 300, 296, 300, 297},
            new int[] {320, 320, 320, 320, 320, 312, 320, 319},
            64, 512);

    private final int[] train;
    private final int[] test;
    private final int[] lh;
    private final int[] rh;
    private final int imageSize;
    private final int featureDim;

    SynthPreset(int[] train, int[] test, int[] lh, int[] rh, int imageSize, int featureDim) {
        this.train = train;
        this.test = test;
        this.lh = lh;
        this.rh = rh;
        this.imageSize = imageSize;
        this.featureDim = featureDim;
    }

    /** Parses "nsd" or "small" (case-insensitive); null if neither. */
    public static SynthPreset parse(String name) {
        for (SynthPreset p : values()) if (p.name().equalsIgnoreCase(name.trim())) return p;
        return null;
    }

    public String id() { return name().toLowerCase(Locale.ROOT); }

    private static int slot(int subject) { return (subject - 1) % 8; }

    public int train(int subject) { return train[slot(subject)]; }

    public int test(int subject) { return test[slot(subject)]; }

    public int vertices(Hemisphere h, int subject) { return (h == Hemisphere.LH ? lh : rh)[slot(subject)]; }

    /** The size of the common vertex set: the largest subject's count. */
    public int commonVertices(Hemisphere h) {
        int max = 0;
        for (int v : h == Hemisphere.LH ? lh : rh) max = Math.max(max, v);
        return max;
    }

    public int imageSize() { return imageSize; }

    public int featureDim() { return featureDim; }
}
