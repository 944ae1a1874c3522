package org.fbnet.data;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * What a validated subject folder holds: its images (or feature rows), vertex counts, optional test
 * fMRI and noise ceilings, the common-space vertex ids and the ROI atlas; plus fingerprints of its input
 * files (path, length, modification time) per output they feed, which tell what a re-run must redo.
 * <p>Produced by {@link AlgonautsReader#scan}, which reads only headers and small masks: the bulk data
 * (fMRI rows, PNG pixels) is checked where it is read, in the Spark tasks.
 */
public record SubjectScan(
        SubjectLayout layout,
        List<ImageEntry> train,
        List<ImageEntry> test,
        boolean featuresOnly,
        int featureDim,
        Map<Hemisphere, Integer> vertexCount,
        Map<Hemisphere, Path> testFmri,
        Map<Hemisphere, Path> noiseCeiling,
        Map<Hemisphere, int[]> fsaverageIndex,
        List<RoiEntry> rois,
        Map<String, String> fingerprints) {
    /** Groups of input files, named after the output they feed. */
    public static final String FMRI = "fmri", IMAGES = "images", ROIS = "rois", VERTICES = "vertices", FEATURES = "features";

    public String subject() { return layout.subject(); }

    public List<ImageEntry> images(String split) { return split.equals("train") ? train : test; }

    /** Whether test fMRI (truth) exists for both hemispheres. */
    public boolean hasTestFmri() { return testFmri.size() == Hemisphere.values().length; }
}
