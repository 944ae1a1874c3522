package org.fbnet.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.store.HadoopConf;
import org.fbnet.synth.SyntheticDataset;

/**
 * {@code fbnet demo}: the whole pipeline on a small generated dataset, on the embedded local Spark:
 * synth, then every stage ({@link FbnetPipeline#ORDER}): ingest (with the truth folder, so test scores can
 * be computed), embed with a small random CLIP written by fbnet itself, project (PCA), pretrain and
 * finetune, and compare (F-BNet, its ablations and the ridge baseline). It ends with the table, what it
 * says of the paper's claims ({@link org.fbnet.compare.Claims}), the report files to open and the
 * commands for real data. Run twice on the same folder, the second run publishes nothing and says so per unit.
 */
public final class DemoCommand implements Command {
    /** The stages one by one on the Algonauts 2023 layout, as the README's "Your own data" lists them. */
    static final String NEXT_ON_REAL_DATA = """
            On real data (the Algonauts 2023 layout, README "Input"), the same stages one by one:
              bin/fbnet ingest --input ALGONAUTS_DIR --output OUT [--truth TRUTH_DIR]
              bin/fbnet embed --data OUT --clip CLIP_DIR      (openai/clip-vit-base-patch32, see docs/clip.md)
              bin/fbnet project --data OUT
              bin/fbnet train --data OUT
              bin/fbnet compare --data OUT
            """;

    @Override public String name() { return "demo"; }

    @Override public String summary() { return "run the whole pipeline on a small generated dataset (local Spark, CPU)"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.argument("--dir", "DIR", "working folder (default: a new temporary folder)", false),
                Flag.setting("--subjects", "synth.subjects", "N"),
                Flag.setting("--seed", "synth.seed", "K"),
                StageRuns.DRY_RUN, StageRuns.FORCE);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Configuration conf = HadoopConf.create();
        Settings s = args.settings(conf, "demo");
        java.nio.file.Path dir = args.has("--dir") ? Paths.get(args.get("--dir")).toAbsolutePath()
                : Files.createTempDirectory("fbnet-demo-");
        java.nio.file.Path data = dir.resolve("data");
        String out = dir.resolve("out").toString();
        long t0 = System.nanoTime();

        System.out.println("== synth -> " + data);
        SyntheticDataset.Result synth = SynthCommand.run(s, data.toString());
        System.out.println(SynthCommand.describe(synth));
        FbnetPipeline.Source source = new FbnetPipeline.Source(new Path(data.toString()), new Path(synth.truth().toString()));
        if (StageRuns.run(s, out, source, FbnetPipeline.ORDER, args) == null) return 0;
        System.out.println();
        System.out.print(CompareCommand.table(s, out));
        System.out.printf("%ndemo finished in %.0f s. Open:%n", (System.nanoTime() - t0) / 1e9);
        System.out.print(whatToOpen(CompareCommand.report(s, out).path(), conf));
        System.out.printf("  generated data:   %s (planted truth: %s)%n  output root:      %s%n%n", data, synth.truth(), out);
        System.out.print(NEXT_ON_REAL_DATA);
        return 0;
    }

    /** The files of a comparison report a user looks at first, one line per kind. */
    private static String whatToOpen(Path report, Configuration conf) throws IOException {
        FileSystem fs = report.getFileSystem(conf);
        return String.format("  comparison table: %s (also .csv and .json; per-run scores under runs/)%n", show(new Path(report, "comparison.md")))
                + String.format("  ROI plots:        %s%n", files(fs, report, "roi_*.png"))
                + String.format("  training curves:  %s%n", files(fs, report, "training_curves_*.png"))
                + String.format("  submission:       %s (the best run's test predictions)%n", show(new Path(report, "submission.zip")));
    }

    private static String files(FileSystem fs, Path dir, String glob) throws IOException {
        FileStatus[] found = fs.globStatus(new Path(dir, glob));
        if (found == null || found.length == 0) return "(none)";
        return Arrays.stream(found).map(f -> show(f.getPath())).sorted().collect(Collectors.joining(", "));
    }

    /** A local file as a plain path (to paste into a viewer), anything else as its URI. */
    private static String show(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }
}
