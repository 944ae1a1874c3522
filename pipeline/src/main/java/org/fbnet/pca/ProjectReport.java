package org.fbnet.pca;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.StagedDirectory;

/**
 * What a project run did (models fitted or reused, latents written or skipped) and how well each
 * subject's fMRI PCA reconstructs held-out fMRI: mean per-vertex Pearson r between the validation
 * rows and their reconstruction from the first k components.
 *
 * @param models          one line per PCA model: where, whether fitted now, its explained variance
 * @param reconstruction  one line per (subject, hemisphere, k)
 * @param latents         per subject: "written" or "up to date"
 */
public record ProjectReport(List<ModelLine> models, List<Reconstruction> reconstruction, Map<String, String> latents) {
    public static final String KIND = "project-report";
    public static final int FORMAT_VERSION = 1;

    /** A PCA model the run used. */
    public record ModelLine(String name, String path, boolean fitted, int components, int dimension, long samples,
                            double explainedVariance, String fitId) { }

    /**
     * Reconstruction quality of one subject's hemisphere at k components over {@code rows} validation
     * rows; {@code heldOut} is false when those rows were part of the fit (pca.fmri.include.validation).
     */
    public record Reconstruction(String subject, String hemisphere, int components, int rows, double meanR,
                                 double explainedVariance, boolean heldOut) { }

    public String toCsv() {
        StringBuilder sb = new StringBuilder("subject,hemisphere,components,validation_rows,mean_r,explained_variance,held_out\n");
        for (Reconstruction r : reconstruction) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.6f,%.6f,%s%n", r.subject(), r.hemisphere(), r.components(),
                    r.rows(), r.meanR(), r.explainedVariance(), r.heldOut()));
        }
        return sb.toString();
    }

    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("# Project: fMRI PCA reconstruction of validation rows\n\n")
                .append("Mean over vertices of Pearson r between each validation row's fMRI and its reconstruction from the ")
                .append("first k components (the original F-BNet reached 0.80/0.81 with 75 on NSD subject 1).\n\n")
                .append("| subject | hemisphere | k | validation rows | mean r | explained variance (fit) | held out |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Reconstruction r : reconstruction) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.4f | %.4f | %s |%n", r.subject(), r.hemisphere(),
                    r.components(), r.rows(), r.meanR(), r.explainedVariance(), r.heldOut() ? "yes" : "no (in fit)"));
        }
        sb.append("\n## Models\n\n| model | fitted now | k | dimension | samples | explained variance |\n|---|---|---|---|---|---|\n");
        for (ModelLine m : models) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.4f |%n", m.name(), m.fitted() ? "yes" : "reused",
                    m.components(), m.dimension(), m.samples(), m.explainedVariance()));
        }
        sb.append("\n## Latents\n\n");
        latents.forEach((s, v) -> sb.append("- ").append(s).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    /** Writes reconstruction.csv, report.md and report.json into a (staged) directory. */
    public void writeFiles(Path dir, Configuration conf) throws IOException {
        write(new Path(dir, "reconstruction.csv"), conf, toCsv().getBytes(StandardCharsets.UTF_8));
        write(new Path(dir, "report.md"), conf, toMarkdown().getBytes(StandardCharsets.UTF_8));
        write(new Path(dir, "report.json"), conf, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(this));
    }

    private static void write(Path p, Configuration conf, byte[] bytes) throws IOException {
        try (OutputStream out = p.getFileSystem(conf).create(p, true)) {
            out.write(bytes);
        }
    }
}
