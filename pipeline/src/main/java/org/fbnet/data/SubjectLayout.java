package org.fbnet.data;

import org.apache.hadoop.fs.Path;

/**
 * Where each file of one subject sits in the Algonauts 2023 challenge layout ({@code subjXX/...}),
 * plus the optional truth folder ({@code TRUTH/subjXX/...}) that holds what the challenge withheld.
 * <p>fbnet's features-only extension (synthetic data without images) adds
 * {@code {training,test}_split/{training,test}_features.npy} and {@code _nsd_ids.npy} beside them.
 */
public record SubjectLayout(String subject, Path dir, Path truthDir) {
    public static final int FSAVERAGE_VERTICES = 163_842;

    public Path trainingFmri(Hemisphere h) {
        return new Path(dir, "training_split/training_fmri/" + h.code() + "_training_fmri.npy");
    }

    public Path trainingImages() { return new Path(dir, "training_split/training_images"); }

    public Path testImages() { return new Path(dir, "test_split/test_images"); }

    public Path images(String split) { return split.equals("train") ? trainingImages() : testImages(); }

    /** Test fMRI inside the layout (when a dataset ships it). */
    public Path testFmri(Hemisphere h) { return new Path(dir, "test_split/test_fmri/" + h.code() + "_test_fmri.npy"); }

    /** Noise ceilings inside the layout (fractions). */
    public Path noiseCeiling(Hemisphere h) {
        return new Path(dir, "test_split/noise_ceiling/" + h.code() + "_noise_ceiling.npy");
    }

    /** Test fMRI in the truth folder, or null without one. */
    public Path truthTestFmri(Hemisphere h) {
        return truthDir == null ? null : new Path(truthDir, subject + "/" + h.code() + "_test_fmri.npy");
    }

    public Path truthNoiseCeiling(Hemisphere h) {
        return truthDir == null ? null : new Path(truthDir, subject + "/" + h.code() + "_noise_ceiling.npy");
    }

    public Path roiMask(Hemisphere h, String family) {
        return new Path(dir, "roi_masks/" + h.code() + "." + family + "_challenge_space.npy");
    }

    public Path roiMapping(String family) { return new Path(dir, "roi_masks/mapping_" + family + ".npy"); }

    public Path fsaverageMask(Hemisphere h) {
        return new Path(dir, "roi_masks/" + h.code() + ".all-vertices_fsaverage_space.npy");
    }

    /** Features-only mode: image features instead of PNGs. */
    public Path features(String split) {
        return new Path(dir, split.equals("train") ? "training_split/training_features.npy" : "test_split/test_features.npy");
    }

    /** Features-only mode: the NSD id of each feature row. */
    public Path featureNsdIds(String split) {
        return new Path(dir, split.equals("train") ? "training_split/training_nsd_ids.npy" : "test_split/test_nsd_ids.npy");
    }
}
