package org.fbnet.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fbnet bench finetune-fanout}: the wall time of {@code fbnet finetune} on N generated subjects with
 * the fine-tunes fanned out ({@code train.finetune.parallel=true}: one Spark job of one task per subject,
 * all submitted at once) against the same fine-tunes one after another in the driver ({@code false}), each
 * a {@code finetune --force} in a JVM of its own on the same data and pre-trained checkpoint. Setup (synth,
 * ingest, project, pretrain) runs once, unmeasured. Both runs start a JVM and a Spark session: the
 * difference is the fine-tunes' own time.
 * <pre>
 *   fbnet bench finetune-fanout [--dir DIR] [--subjects 4] [--train 600] [--epochs 10] [--master local[2]] [--set KEY=VALUE ...]
 * </pre>
 */
final class FanoutBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "finetune-fanout"; }

    @Override
    public String summary() {
        return "finetune wall time, fanned out vs one after another: [--dir DIR] [--subjects 4] [--train 600] [--epochs 10] [--master M]";
    }

    @Override
    public int run(String[] argv) throws Exception {
        Path dir = null;
        String subjects = "4", train = "600", epochs = "10", master = null;
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--dir" -> dir = Path.of(argv[++i]);
                case "--subjects" -> subjects = argv[++i];
                case "--train" -> train = argv[++i];
                case "--epochs" -> epochs = argv[++i];
                case "--master" -> master = argv[++i];
                case "--set" -> sets.addAll(List.of("--set", argv[++i]));
                default -> throw new UsageException("bench finetune-fanout: unknown argument " + argv[i]);
            }
        }
        if (dir == null) dir = Files.createTempDirectory("fbnet-bench-fanout");
        List<String> common = new ArrayList<>(List.of("--set", "train.epochs=" + epochs, "--set", "train.early.stopping.patience=" + epochs));
        if (master != null) common.addAll(List.of("--set", "spark.local.master=" + master));
        common.addAll(sets);
        Path data = dir.resolve("data"), out = dir.resolve("out");
        String heap = "6g";
        ChildFbnet.run(heap, null, ChildFbnet.args(List.of("synth", "--out", data.toString(), "--preset", "small", "--subjects", subjects,
                "--train", train, "--features-only"), List.of()));
        ChildFbnet.run(heap, null, ChildFbnet.args(List.of("ingest", "--input", data.toString(), "--truth", data.resolve("truth").toString(),
                "--output", out.toString()), common));
        ChildFbnet.run(heap, null, ChildFbnet.args(List.of("project", "--data", out.toString()), common));
        ChildFbnet.run(heap, null, ChildFbnet.args(List.of("pretrain", "--data", out.toString()), common));
        double fanned = ChildFbnet.run(heap, "fanned out", ChildFbnet.args(List.of("finetune", "--data", out.toString(), "--force",
                "--set", "train.finetune.parallel=true"), common))[1];
        double serial = ChildFbnet.run(heap, "one after another", ChildFbnet.args(List.of("finetune", "--data", out.toString(), "--force",
                "--set", "train.finetune.parallel=false"), common))[1];
        System.out.printf("%nbench finetune-fanout: %s subjects x %s training rows, %s epochs each, master %s, %d cores%n"
                        + "| fine-tunes | wall (s) |%n|---|---:|%n| fanned out (one task per subject) | %.0f |%n| one after another (driver) | %.0f |%n"
                        + "fanned out / one after another: %.2fx the speed%n",
                subjects, train, epochs, master == null ? "conf/ default" : master, Runtime.getRuntime().availableProcessors(),
                fanned, serial, serial / fanned);
        return ExitCode.OK.code;
    }

}
