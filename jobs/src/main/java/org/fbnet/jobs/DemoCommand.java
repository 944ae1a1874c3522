package org.fbnet.jobs;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.ingest.IngestReport;
import org.fbnet.store.HadoopConf;
import org.fbnet.compare.Comparison;
import org.fbnet.synth.SyntheticDataset;
import org.fbnet.train.TrainStage;

/**
 * {@code fbnet demo}: every stage end to end on a small generated dataset, on the embedded local
 * Spark: synth, ingest (with the truth folder, so test scores can be computed), embed with a small random
 * CLIP written by fbnet itself, project (PCA), train (pre-train + fine-tune), and compare (F-BNet, its ablations and the ridge baseline).
 */
public final class DemoCommand implements Command {
    @Override public String name() { return "demo"; }

    @Override public String summary() { return "run the whole pipeline on a small generated dataset (local Spark, CPU)"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.argument("--dir", "DIR", "working folder (default: a new temporary folder)", false),
                Flag.setting("--subjects", "synth.subjects", "N"),
                Flag.setting("--seed", "synth.seed", "K"));
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

        stage("1/6 synth", data.toString());
        SyntheticDataset.Result synth = SynthCommand.run(s, data.toString());
        System.out.println(SynthCommand.describe(synth));
        stage("2/6 ingest", out);
        IngestReport ingest = IngestCommand.run(s, data.toString(), synth.truth().toString(), out);
        System.out.println(IngestCommand.describe(ingest, out));
        stage("3/6 embed (CLIP)", out);
        System.out.println(EmbedCommand.describe(EmbedCommand.run(s, out)));
        stage("4/6 project (PCA)", out);
        System.out.println(ProjectCommand.describe(ProjectCommand.run(s, out), out));
        stage("5/6 train (pre-train on all subjects, fine-tune per subject)", out);
        for (TrainStage.Trained t : TrainCommand.run(s, out)) System.out.println("  " + t.name() + " " + t.best() + " -> " + t.path());
        stage("6/6 compare (F-BNet, ablations, ridge)", out);
        Comparison.Outcome cmp = CompareCommand.run(s, out);
        System.out.print(cmp.table().toMarkdown());
        System.out.println("best: " + cmp.bestRun() + "; report, plots and submission.zip in " + cmp.report());

        System.out.printf("%ndemo finished in %.0f s%n  data:    %s (truth: %s)%n  outputs: %s%n", (System.nanoTime() - t0) / 1e9,
                data, synth.truth(), out);
        return 0;
    }

    private static void stage(String name, String where) {
        System.out.println("== " + name + " -> " + where);
    }
}
