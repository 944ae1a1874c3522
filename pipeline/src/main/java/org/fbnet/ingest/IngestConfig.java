package org.fbnet.ingest;

import java.util.List;
import org.fbnet.config.Settings;

/**
 * Settings of the ingest stage (conf/data.properties).
 *
 * @param copyImageBytes  store PNG bytes in the image index
 * @param imageCheck      how PNGs are checked before anything is written
 * @param rowsPerTask     fMRI rows per Spark task
 * @param subjects        subjects to ingest; empty = all
 * @param force           re-ingest unchanged subjects
 * @param featuresModel   embeddings model name for features-only data
 * @param featuresName    embeddings feature name for features-only data
 */
public record IngestConfig(boolean copyImageBytes, ImageCheck imageCheck, int rowsPerTask, List<String> subjects,
                           boolean force, String featuresModel, String featuresName) implements java.io.Serializable {

    /** How thoroughly PNGs are checked. */
    public enum ImageCheck { DECODE, HEADER, NONE }

    public IngestConfig {
        if (rowsPerTask < 1) throw new IllegalArgumentException("ingest.rows.per.task must be >= 1");
        subjects = List.copyOf(subjects);
    }

    public static IngestConfig from(Settings s) {
        String check = s.get("ingest.image.verify");
        ImageCheck ic;
        try {
            ic = ImageCheck.valueOf(check.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw s.fail("ingest.image.verify", "must be decode, header or none");
        }
        for (String subj : s.getList("ingest.subjects")) {
            s.check(subj.matches("subj\\d+"), "ingest.subjects", "must list subject folder names like subj01");
        }
        return new IngestConfig(s.getBoolean("ingest.image.bytes"), ic, s.intAtLeast("ingest.rows.per.task", 1),
                s.getList("ingest.subjects"), s.getBoolean("ingest.force"),
                s.get("ingest.features.model"), s.get("ingest.features.name"));
    }
}
