package org.fbnet.jobs;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.store.HadoopConf;
import org.fbnet.synth.SyntheticDataset;

/**
 * {@code fbnet demo}: the whole pipeline on a small generated dataset, on the embedded local Spark:
 * synth, then every stage ({@link FbnetPipeline#ORDER}): ingest (with the truth folder, so test scores can
 * be computed), embed with a small random CLIP written by fbnet itself, project (PCA), pretrain and
 * finetune, and compare (F-BNet, its ablations and the ridge baseline). Run twice on the same folder, the
 * second run publishes nothing and says so per unit.
 */
public final class DemoCommand implements Command {
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
        FbnetPipeline.Source source = new FbnetPipeline.Source(new org.apache.hadoop.fs.Path(data.toString()),
                new org.apache.hadoop.fs.Path(synth.truth().toString()));
        if (StageRuns.run(s, out, source, FbnetPipeline.ORDER, args) == null) return 0;
        System.out.print(CompareCommand.table(s, out));
        System.out.printf("%ndemo finished in %.0f s%n  data:    %s (truth: %s)%n  outputs: %s%n", (System.nanoTime() - t0) / 1e9,
                data, synth.truth(), out);
        return 0;
    }
}
