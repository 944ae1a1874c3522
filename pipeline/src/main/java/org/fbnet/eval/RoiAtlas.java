package org.fbnet.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The ROI atlas of the challenge vertices: for each subject, hemisphere, ROI family (prf-visualrois,
 * floc-faces, streams, ...) and ROI, the challenge-space vertex indices it covers, in atlas order.
 * An ROI may be empty (a subject without that region): it is kept, and reported as missing.
 */
public record RoiAtlas(List<Roi> rois) implements java.io.Serializable {
    /** One ROI of one subject's hemisphere. */
    public record Roi(String subject, String hemisphere, String family, String name, int[] vertices) implements java.io.Serializable {
        public boolean isEmpty() { return vertices.length == 0; }
    }

    public RoiAtlas {
        rois = Collections.unmodifiableList(new ArrayList<>(rois));
    }

    public static RoiAtlas empty() { return new RoiAtlas(List.of()); }

    /** The ROIs of one subject and hemisphere, in atlas order. */
    public List<Roi> of(String subject, String hemisphere) {
        return rois.stream().filter(r -> r.subject.equals(subject) && r.hemisphere.equals(hemisphere)).toList();
    }
}
