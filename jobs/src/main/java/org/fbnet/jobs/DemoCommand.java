package org.fbnet.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.stage.Pipeline;
import org.fbnet.stage.UnitResult;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.synth.SynthConfig;
import org.fbnet.synth.SyntheticDataset;

/**
 * {@code fbnet demo}: what {@code fbnet run} does, shown on generated data (synth, with PNG images and the
 * small random CLIP) on the embedded local Spark. It generates {@code synth.subjects} subjects and runs the
 * pipeline ({@link RunCommand#runLocked}: the lock, every stage, the run's page), then adds one subject to
 * the input and runs again, and says which units that second run ran: the new subject's, plus the global
 * units the refresh policy (conf/run.properties) remakes, each with its reason. It ends with the
 * comparison table, what it says of the paper's claims ({@link org.fbnet.compare.Claims}), the files to
 * open and the command for real data. Run again on the same folder, it publishes no unit.
 */
public final class DemoCommand implements Command {
    /** What to run on real data: the same pipeline, as README's "Input" and "Real CLIP weights" describe it. */
    static final String NEXT_ON_REAL_DATA = """
            Next, on real data (the Algonauts 2023 layout: README "Input"; CLIP ViT-B/32 weights: README "Real CLIP weights"):
              bin/fbnet run --input ALGONAUTS_DIR --output OUT [--truth TRUTH_DIR] --set clip.model=CLIP_DIR
            and the same command again whenever new subjects arrive under ALGONAUTS_DIR; bin/fbnet status --output OUT lists them.
            """;

    @Override public String name() { return "demo"; }

    @Override public String summary() { return "fbnet run on generated data, then again after one more subject arrives (local Spark, CPU)"; }

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
        Settings first = args.settings(conf, "demo");
        int subjects = first.intAtLeast("synth.subjects", 1);
        Settings second = first.with("synth.subjects", String.valueOf(subjects + 1));
        String added = SynthConfig.subjectId(subjects + 1);
        java.nio.file.Path dir = args.has("--dir") ? Paths.get(args.get("--dir")).toAbsolutePath()
                : Files.createTempDirectory("fbnet-demo-");
        String data = dir.resolve("data").toString();
        String out = dir.resolve("out").toString();
        long t0 = System.nanoTime();

        System.out.println("== demo, first run: " + subjects + " generated subjects -> " + data);
        FbnetPipeline.Source source = synth(first, data);
        if (args.has(StageRuns.DRY_RUN.name())) {
            StageRuns.run(first, out, source, FbnetPipeline.ORDER, args);
            return ExitCode.OK.code;
        }
        RunCommand.Finished one = RunCommand.runLocked(first, out, source, "fbnet demo", args);
        StageRuns.throwIfIncomplete(one.report());

        System.out.println("\n== demo, second run: " + added + " added to the input, as a new subject arrives for a scheduled fbnet run");
        synth(second, data);
        RunCommand.Finished two = RunCommand.runLocked(second, out, source, "fbnet demo", args);
        StageRuns.throwIfIncomplete(two.report());

        System.out.println();
        System.out.print(secondRun(two.report(), added, second));
        System.out.println();
        System.out.print(CompareCommand.table(second, out));
        System.out.printf("%ndemo finished in %.0f s (first run %.0f s, second run %.0f s). Open:%n", (System.nanoTime() - t0) / 1e9,
                one.seconds(), two.seconds());
        DataRoot root = DataRoot.of(out, conf);
        System.out.printf("  run report page:  %s (what each run did and why, the table, scores per ROI, plots, checkpoints)%n",
                StageRuns.show(two.page()));
        System.out.print(whatToOpen(CompareCommand.report(second, out).path(), conf));
        System.out.printf("  checkpoints:      %s (pretrained/ and one per subject; bin/fbnet status --output %s lists them)%n",
                StageRuns.show(new Path(root.models(), second.get("train.model.name"))), out);
        System.out.printf("  generated data:   %s (planted truth: %s)%n%n", data, source.truth());
        System.out.print(NEXT_ON_REAL_DATA);
        return ExitCode.OK.code;
    }

    /** Generates the dataset (subjects generated before with the same settings are kept as they are). */
    private static FbnetPipeline.Source synth(Settings s, String data) throws Exception {
        SyntheticDataset.Result synth = SynthCommand.run(s, data);
        System.out.println(SynthCommand.describe(synth));
        return new FbnetPipeline.Source(new Path(data), synth.truth());
    }

    /**
     * What the run after a subject was added did: that subject's units, the global units (subject-less:
     * image and group PCA, pre-training, reports) that ran or were kept and why, and any unit of an
     * earlier subject that ran (none, unless their inputs or settings changed).
     */
    static String secondRun(Pipeline.Report report, String added, Settings s) {
        Map<String, List<UnitResult>> bySubject = new LinkedHashMap<>();
        List<UnitResult> global = new ArrayList<>();
        for (UnitResult r : report.results()) {
            if (r.unit().subject() == null) global.add(r);
            else bySubject.computeIfAbsent(r.unit().subject(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder("What the second run did (" + report.published() + " units published, " + report.unchanged()
                + " unchanged):\n");
        List<UnitResult> mine = bySubject.getOrDefault(added, List.of());
        List<String> ran = mine.stream().filter(r -> r.status() == UnitResult.Status.PUBLISHED).map(r -> r.unit().id()).toList();
        if (ran.isEmpty()) {
            sb.append("  ").append(added).append(": nothing ran, its ").append(mine.size())
                    .append(" units were up to date (an earlier demo in this folder processed it)\n");
        } else {
            sb.append("  ").append(added).append(" (new): ").append(ran.size()).append(" of its ").append(mine.size()).append(" units ran: ")
                    .append(String.join(", ", ran)).append('\n');
        }
        List<String> earlier = bySubject.keySet().stream().filter(k -> !k.equals(added)).toList();
        List<UnitResult> others = bySubject.entrySet().stream().filter(e -> !e.getKey().equals(added))
                .flatMap(e -> e.getValue().stream()).toList();
        List<UnitResult> othersRan = others.stream().filter(r -> r.status() == UnitResult.Status.PUBLISHED).toList();
        if (othersRan.isEmpty()) {
            sb.append("  earlier subjects (").append(String.join(", ", earlier)).append("): none of their ").append(others.size())
                    .append(" units ran\n");
        } else {
            sb.append("  earlier subjects: ").append(othersRan.size()).append(" of their ").append(others.size()).append(" units ran:\n");
            for (UnitResult r : othersRan) sb.append("    ").append(r.unit().id()).append(": ").append(r.unit().reason()).append('\n');
        }
        sb.append("  global units (made from every subject), under the refresh policy of conf/run.properties (run.refresh.global=")
                .append(s.get("run.refresh.global")).append(", run.refresh.global.every=").append(s.get("run.refresh.global.every"))
                .append(", run.refresh.finetuned=").append(s.get("run.refresh.finetuned")).append("):\n");
        for (UnitResult r : global) {
            String what = r.status() == UnitResult.Status.PUBLISHED ? "ran " : r.status() == UnitResult.Status.SKIPPED ? "kept" : r.status().name();
            sb.append(String.format("    %s  %-22s %s%n", what, r.unit().id(), r.unit().reason()));
        }
        return sb.toString();
    }

    /** The files of a comparison report a user looks at first, one line per kind. */
    private static String whatToOpen(Path report, Configuration conf) throws IOException {
        FileSystem fs = report.getFileSystem(conf);
        return String.format("  comparison table: %s (also .csv and .json; per-run scores under runs/)%n",
                        StageRuns.show(new Path(report, "comparison.md")))
                + String.format("  ROI plots:        %s in %s%n", files(fs, report, "roi_*.png"), StageRuns.show(report))
                + String.format("  training curves:  %s in %s%n", files(fs, report, "training_curves_*.png"), StageRuns.show(report))
                + String.format("  submission:       %s (the test predictions of the run with the best validation score)%n",
                        StageRuns.show(new Path(report, "submission.zip")));
    }

    private static String files(FileSystem fs, Path dir, String glob) throws IOException {
        FileStatus[] found = fs.globStatus(new Path(dir, glob));
        if (found == null || found.length == 0) return "(none)";
        return Arrays.stream(found).map(f -> f.getPath().getName()).sorted().collect(Collectors.joining(", "));
    }
}
