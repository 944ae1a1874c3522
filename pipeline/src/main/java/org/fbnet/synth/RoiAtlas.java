package org.fbnet.synth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.RoiFamilies;

/**
 * Synthetic ROI labels with the real Algonauts families and ROI names: each ROI is an interval of
 * the cortical coordinate, so a common vertex has the same label in every subject, up to a small
 * subject-specific shift of the boundaries. Small ROIs ({@code mTL-*}, {@code aTL-faces}) are
 * missing for some subjects and hemispheres, as some ROIs are in the real data.
 */
public final class RoiAtlas {
    private static final double BOUNDARY_JITTER = 0.002;
    private static final double MISSING_SMALL_ROI = 0.35;

    private record Roi(String name, double from, double to) {
        boolean small() { return name.startsWith("mTL") || name.startsWith("aTL"); }
    }

    private static final Map<String, List<Roi>> ROIS = new LinkedHashMap<>();

    static {
        ROIS.put("prf-visualrois", List.of(new Roi("V1v", 0.00, 0.03), new Roi("V1d", 0.03, 0.06), new Roi("V2v", 0.06, 0.09),
                new Roi("V2d", 0.09, 0.12), new Roi("V3v", 0.12, 0.15), new Roi("V3d", 0.15, 0.18), new Roi("hV4", 0.18, 0.21)));
        ROIS.put("floc-bodies", List.of(new Roi("EBA", 0.62, 0.67), new Roi("FBA-1", 0.45, 0.47), new Roi("FBA-2", 0.50, 0.52),
                new Roi("mTL-bodies", 0.55, 0.56)));
        ROIS.put("floc-faces", List.of(new Roi("OFA", 0.30, 0.32), new Roi("FFA-1", 0.42, 0.44), new Roi("FFA-2", 0.47, 0.49),
                new Roi("mTL-faces", 0.56, 0.57), new Roi("aTL-faces", 0.58, 0.59)));
        ROIS.put("floc-places", List.of(new Roi("OPA", 0.85, 0.89), new Roi("PPA", 0.40, 0.44), new Roi("RSC", 0.90, 0.92)));
        ROIS.put("floc-words", List.of(new Roi("OWFA", 0.34, 0.36), new Roi("VWFA-1", 0.43, 0.45), new Roi("VWFA-2", 0.48, 0.50),
                new Roi("mfs-words", 0.52, 0.53), new Roi("mTL-words", 0.57, 0.58)));
        ROIS.put("streams", List.of(new Roi("early", 0.00, 0.21), new Roi("midventral", 0.21, 0.27), new Roi("midlateral", 0.27, 0.33),
                new Roi("midparietal", 0.33, 0.39), new Roi("ventral", 0.39, 0.60), new Roi("lateral", 0.60, 0.80),
                new Roi("parietal", 0.80, 0.95)));
    }

    private RoiAtlas() { }

    /** The label -> name mapping of a family, 0 -> "Unknown" as in the challenge files. */
    public static Map<Integer, String> mapping(String family) {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(0, "Unknown");
        List<Roi> rois = ROIS.get(family);
        for (int i = 0; i < rois.size(); i++) m.put(i + 1, rois.get(i).name());
        return m;
    }

    /** Per challenge vertex (sorted fsaverage indices) the family's label, 0 = no ROI. */
    static long[] labels(long seed, String family, int subject, Hemisphere h, int[] vertices) {
        List<Roi> rois = ROIS.get(family);
        SplittableRandom r = Rng.of(seed, Rng.ROIS, RoiFamilies.ALL.indexOf(family), subject, h.ordinal());
        double[] from = new double[rois.size()];
        double[] to = new double[rois.size()];
        for (int i = 0; i < rois.size(); i++) {
            Roi roi = rois.get(i);
            boolean missing = roi.small() && r.nextDouble() < MISSING_SMALL_ROI;
            double shift = r.nextGaussian() * BOUNDARY_JITTER;
            from[i] = missing ? 2 : roi.from() + shift;
            to[i] = missing ? 2 : roi.to() + shift;
        }
        long[] labels = new long[vertices.length];
        for (int v = 0; v < vertices.length; v++) {
            double u = VertexSpace.coordinate(vertices[v]);
            for (int i = 0; i < rois.size(); i++) {
                if (u >= from[i] && u < to[i]) {
                    labels[v] = i + 1;
                    break;
                }
            }
        }
        return labels;
    }
}
