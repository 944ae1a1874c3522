package org.fbnet.store;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The layout of one fbnet output root (any Hadoop FileSystem URI): the single place that knows where
 * each stage's outputs live. Every output is a {@link VersionedDir} (immutable {@code v=ID/} versions
 * and a {@code _current} pointer), named by its id, a path under the root:
 * <pre>
 *   fmri/subject=subjXX/                      ingest: fMRI rows (Parquet)
 *   images/subject=subjXX/                    ingest: image index
 *   rois/subject=subjXX/                      ingest: ROI atlas
 *   vertices/subject=subjXX/                  ingest: per-hemisphere vertex info (fsaverage indices, noise ceilings)
 *   embeddings/MODEL/FEATURE/subject=subjXX/  embed: image features of the subject's images, by NSD id
 *   pca/image/MODEL-FEATURE/                  project: image PCA model
 *   pca/fmri/subjXX/                          project: the subject's fMRI PCA models (lh/, rh/)
 *   pca/fmri/group/                           project: group fMRI PCA models over all subjects (lh/, rh/)
 *   latents/subject=subjXX/                   project: x, lh, rh latents
 *   models/NAME/pretrained/                   pretrain: the network pre-trained on all subjects
 *   models/NAME/subjXX/                       finetune: each subject's network
 *   reports/NAME/                             reports: tables, plots, submissions
 *   reports/index/                            the run report: one HTML page per pipeline run (org.fbnet.report)
 * </pre>
 * Models may live under a separate checkpoint root (shared storage for users' analysis code).
 */
public record DataRoot(Path root, Configuration conf, Path checkpoints) {
    public static final String FMRI = "fmri", IMAGES = "images", ROIS = "rois", VERTICES = "vertices", LATENTS = "latents",
            MODELS = "models", REPORTS = "reports", EMBEDDINGS = "embeddings";

    public DataRoot(Path root, Configuration conf) {
        this(root, conf, null);
    }

    public static DataRoot of(String uri, Configuration conf) {
        return new DataRoot(new Path(uri), conf);
    }

    /** The same root with models kept under another root ({@code null}: under this one). */
    public DataRoot withCheckpoints(String uri) {
        return new DataRoot(root, conf, uri == null || uri.isEmpty() ? null : new Path(uri));
    }

    /** Where an output id lives: under the checkpoint root for models, else under the root. */
    public Path path(String outputId) {
        if (checkpoints != null && outputId.startsWith(MODELS + "/")) return new Path(checkpoints, outputId);
        return new Path(root, outputId);
    }

    /** The versions of an output. */
    public VersionedDir versioned(String outputId) { return VersionedDir.at(path(outputId), conf); }

    /** The directory of an output's current version, or an error naming the stage that publishes it. */
    public Path current(String outputId, String producedBy) throws IOException {
        return versioned(outputId).requireCurrent(producedBy).path();
    }

    /** The output id of a per-subject dataset: {@code fmri/subject=subj01}. */
    public static String subjectDataset(String dataset, String subject) { return dataset + "/subject=" + subject; }

    public static String embeddings(String modelId, String feature, String subject) {
        return subjectDataset(EMBEDDINGS + "/" + modelId + "/" + feature, subject);
    }

    public static String imagePca(String id) { return "pca/image/" + id; }

    /** A subject's fMRI PCA models ({@code lh/}, {@code rh/} inside), or the group's with {@code group}. */
    public static String fmriPca(String subjectOrGroup) { return "pca/fmri/" + subjectOrGroup; }

    public static String model(String name, String subjectOrPretrained) { return MODELS + "/" + name + "/" + subjectOrPretrained; }

    public static String report(String name) { return REPORTS + "/" + name; }

    public Path fmri() { return new Path(root, FMRI); }

    public Path images() { return new Path(root, IMAGES); }

    public Path rois() { return new Path(root, ROIS); }

    public Path vertices() { return new Path(root, VERTICES); }

    public Path latents() { return new Path(root, LATENTS); }

    public Path models() { return checkpoints != null ? new Path(checkpoints, MODELS) : new Path(root, MODELS); }

    public Path reports() { return new Path(root, REPORTS); }
}
