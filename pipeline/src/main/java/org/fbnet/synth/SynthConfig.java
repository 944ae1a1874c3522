package org.fbnet.synth;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fbnet.config.Settings;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.SubjectLayout;

/**
 * What {@link SyntheticDataset} generates: a preset, optional explicit dimensions that override it
 * for every subject (0 = the preset's), the seed and the output kind.
 *
 * @param preset       per-subject dimensions ({@code synth.preset})
 * @param subjects     subj01..subjNN ({@code synth.subjects})
 * @param train        training images per subject, 0 = preset ({@code synth.train})
 * @param test         test images per subject, 0 = preset ({@code synth.test})
 * @param lh           left-hemisphere vertices for every subject, 0 = preset ({@code synth.lh})
 * @param rh           right-hemisphere vertices for every subject, 0 = preset ({@code synth.rh})
 * @param imageSize    PNG side in pixels ({@code synth.image.size})
 * @param seed         seed of everything ({@code synth.seed})
 * @param featuresOnly write feature matrices instead of PNGs ({@code synth.features.only})
 * @param featureDim   feature dimension in features-only mode ({@code synth.feature.dim})
 */
public record SynthConfig(SynthPreset preset, int subjects, int train, int test, int lh, int rh,
                          int imageSize, long seed, boolean featuresOnly, int featureDim) {

    /** Image indices are 4-digit in Algonauts file names (train-NNNN_nsd-NNNNN.png). */
    public static final int MAX_IMAGES = 9999;

    public SynthConfig {
        if (preset == null) throw new IllegalArgumentException("preset is required");
        if (subjects < 1 || subjects > 99) throw new IllegalArgumentException("subjects must be in 1..99 (subjXX), got " + subjects);
        if (train < 0 || train > MAX_IMAGES) throw new IllegalArgumentException("train must be 0 (preset) or 1.." + MAX_IMAGES + ", got " + train);
        if (test < 0 || test > MAX_IMAGES) throw new IllegalArgumentException("test must be 0 (preset) or 1.." + MAX_IMAGES + ", got " + test);
        if (lh < 0 || lh > SubjectLayout.FSAVERAGE_VERTICES || rh < 0 || rh > SubjectLayout.FSAVERAGE_VERTICES) {
            throw new IllegalArgumentException("vertex counts must be 0 (preset) or 1.." + SubjectLayout.FSAVERAGE_VERTICES);
        }
        if (imageSize < 16 || imageSize > 4096) throw new IllegalArgumentException("imageSize must be in 16..4096, got " + imageSize);
        if (featureDim < 1) throw new IllegalArgumentException("featureDim must be >= 1, got " + featureDim);
    }

    /** The preset's dimensions for {@code subjects} subjects, seed 1, with images. */
    public static SynthConfig of(SynthPreset preset, int subjects) {
        return new SynthConfig(preset, subjects, 0, 0, 0, 0, preset.imageSize(), 1, false, preset.featureDim());
    }

    /** Reads and validates the {@code synth.*} settings. */
    public static SynthConfig from(Settings s) {
        SynthPreset preset = SynthPreset.parse(s.get("synth.preset"));
        if (preset == null) throw s.fail("synth.preset", "must be nsd or small");
        int subjects = s.getInt("synth.subjects");
        s.check(subjects >= 1 && subjects <= 99, "synth.subjects", "must be in 1..99 (folders are subjXX)");
        int train = optionalInt(s, "synth.train", 1, MAX_IMAGES, "(file names carry a 4-digit image index)");
        int test = optionalInt(s, "synth.test", 1, MAX_IMAGES, "(file names carry a 4-digit image index)");
        int lh = optionalInt(s, "synth.lh", 1, SubjectLayout.FSAVERAGE_VERTICES, "(fsaverage has 163842 vertices per hemisphere)");
        int rh = optionalInt(s, "synth.rh", 1, SubjectLayout.FSAVERAGE_VERTICES, "(fsaverage has 163842 vertices per hemisphere)");
        int size = optionalInt(s, "synth.image.size", 16, 4096, "");
        int dim = optionalInt(s, "synth.feature.dim", 1, 1 << 20, "");
        SynthConfig c = new SynthConfig(preset, subjects, train, test, lh, rh, size == 0 ? preset.imageSize() : size,
                s.getLong("synth.seed"), s.getBoolean("synth.features.only"), dim == 0 ? preset.featureDim() : dim);
        try {
            new NsdIds(c);
        } catch (IllegalArgumentException e) {
            throw s.fail("synth.subjects", "is too many: " + e.getMessage());
        }
        return c;
    }

    private static int optionalInt(Settings s, String key, int min, int max, String why) {
        if (s.getOptional(key) == null) return 0;
        int v = s.getInt(key);
        s.check(v >= min && v <= max, key, ("must be in " + min + ".." + max + " " + why).trim());
        return v;
    }

    public int trainImages(int subject) { return train > 0 ? train : preset.train(subject); }

    public int testImages(int subject) { return test > 0 ? test : preset.test(subject); }

    /** The subject's challenge vertices in a hemisphere. */
    public int vertices(Hemisphere h, int subject) {
        int explicit = h == Hemisphere.LH ? lh : rh;
        return explicit > 0 ? explicit : preset.vertices(h, subject);
    }

    /** The size of the common vertex set every subject's vertices are drawn from. */
    public int commonVertices(Hemisphere h) {
        int explicit = h == Hemisphere.LH ? lh : rh;
        return explicit > 0 ? explicit : preset.commonVertices(h);
    }

    /** "subj01" etc. */
    public static String subjectId(int subject) { return String.format("subj%02d", subject); }

    /** The values a manifest records. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", preset.id());
        m.put("subjects", subjects);
        m.put("train", train == 0 ? "preset" : train);
        m.put("test", test == 0 ? "preset" : test);
        m.put("lh", lh == 0 ? "preset" : lh);
        m.put("rh", rh == 0 ? "preset" : rh);
        m.put("imageSize", imageSize);
        m.put("seed", seed);
        m.put("featuresOnly", featuresOnly);
        m.put("featureDim", featureDim);
        return m;
    }
}
