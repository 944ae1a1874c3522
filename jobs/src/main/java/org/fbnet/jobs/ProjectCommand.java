package org.fbnet.jobs;

import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.fbnet.config.Settings;
import org.fbnet.pca.Project;
import org.fbnet.pca.ProjectConfig;
import org.fbnet.pca.ProjectReport;
import org.fbnet.spark.SparkSessions;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;

/** {@code fbnet project}: fits the missing PCA models and writes every subject's latents and the reconstruction report. */
public final class ProjectCommand implements Command {
    @Override public String name() { return "project"; }

    @Override public String summary() { return "fit the image and fMRI PCAs (what is missing) and write latents/ and reports/project/"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root of ingest/embed, where pca/, latents/ and reports/ are written", true),
                Flag.setting("--image-components", "pca.image.components", "N"),
                Flag.setting("--fmri-components", "pca.fmri.components", "N"),
                Flag.setting("--embeddings", "pca.image.embeddings", "MODEL/FEATURE"),
                Flag.setting("--refresh-image", "pca.image.refresh", "BOOL"),
                Flag.setting("--refresh-fmri", "pca.fmri.refresh", "BOOL"),
                Flag.setting("--include-validation", "pca.fmri.include.validation", "BOOL"),
                Flag.setting("--fmri-space", "pca.fmri.space", "subject|group"),
                Flag.setting("--seed", "pca.seed", "N"));
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Configuration conf = HadoopConf.create();
        ProjectReport report = run(args.settings(conf), args.get("--data"));
        System.out.println(describe(report, args.get("--data")));
        return 0;
    }

    /** Runs the project stage with resolved settings. */
    static ProjectReport run(Settings s, String data) throws Exception {
        Configuration conf = HadoopConf.create();
        ProjectConfig cfg = ProjectConfig.from(s);
        SparkSession spark = SparkSessions.getOrCreate("project", s);
        return new Project(spark, cfg, conf).run(DataRoot.of(data, conf));
    }

    static String describe(ProjectReport report, String data) {
        StringBuilder sb = new StringBuilder();
        for (ProjectReport.ModelLine m : report.models()) {
            sb.append(String.format(Locale.ROOT, "  %-28s %s, %d components, explained variance %.4f%n", m.name(),
                    m.fitted() ? "fitted" : "reused", m.components(), m.explainedVariance()));
        }
        for (ProjectReport.Reconstruction r : report.reconstruction()) {
            if (r.components() != report.reconstruction().stream().filter(x -> x.subject().equals(r.subject()))
                    .mapToInt(ProjectReport.Reconstruction::components).max().orElse(0)) continue;
            sb.append(String.format(Locale.ROOT, "  %s %s: %d components reconstruct %d validation rows with mean r %.4f%n",
                    r.subject(), r.hemisphere(), r.components(), r.rows(), r.meanR()));
        }
        report.latents().forEach((s, v) -> sb.append("  latents ").append(s).append(": ").append(v).append('\n'));
        sb.append("project: models under ").append(data).append("/pca, latents/ and reports/project/");
        return sb.toString();
    }
}
