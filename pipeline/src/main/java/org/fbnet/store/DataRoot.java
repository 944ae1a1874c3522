package org.fbnet.store;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The layout of one fbnet output root (any Hadoop FileSystem URI): the single place that knows
 * where each stage's datasets, models and reports live.
 * <pre>
 *   fmri/subject=subjXX/         ingest: fMRI rows (Parquet)
 *   images/subject=subjXX/       ingest: image index
 *   rois/subject=subjXX/         ingest: ROI atlas
 *   vertices/subject=subjXX/     ingest: per-hemisphere vertex info (fsaverage indices, noise ceilings)
 *   embeddings/MODEL/FEATURE/    embed: image features keyed by NSD id
 *   pca/image/ID/                project: image PCA model
 *   pca/fmri/subjXX/HEMI/        project: fMRI PCA models
 *   latents/subject=subjXX/      project: x, lh, rh latents
 *   models/NAME/                 train: checkpoints
 *   reports/NAME/                evaluation tables, plots, submissions
 * </pre>
 */
public record DataRoot(Path root, Configuration conf) {

    public static DataRoot of(String uri, Configuration conf) {
        return new DataRoot(new Path(uri), conf);
    }

    public Path fmri() { return new Path(root, "fmri"); }

    public Path images() { return new Path(root, "images"); }

    public Path rois() { return new Path(root, "rois"); }

    public Path vertices() { return new Path(root, "vertices"); }

    /** The per-subject partition directory of a subject-partitioned dataset. */
    public static Path subjectPartition(Path dataset, String subject) {
        return new Path(dataset, "subject=" + subject);
    }

    public Path embeddings(String modelId, String feature) { return new Path(new Path(new Path(root, "embeddings"), modelId), feature); }

    public Path imagePca(String id) { return new Path(new Path(root, "pca/image"), id); }

    public Path fmriPca(String subject, String hemisphere) { return new Path(new Path(new Path(root, "pca/fmri"), subject), hemisphere); }

    public Path latents() { return new Path(root, "latents"); }

    public Path models() { return new Path(root, "models"); }

    public Path reports() { return new Path(root, "reports"); }
}
