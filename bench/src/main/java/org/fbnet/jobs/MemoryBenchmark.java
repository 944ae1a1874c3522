package org.fbnet.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code fbnet bench memory}: the peak resident memory of {@code train} and {@code compare} on 1 and on N
 * NSD-size generated subjects (features only), each command in a JVM of its own whose peak RSS
 * ({@code VmHWM}) is read from {@code /proc} as it runs. The data are generated and ingested, embedded
 * (no-op: the features come with the data) and projected first, once per subject count, outside the
 * measurement. Memory does not depend on the number of epochs, so training runs few.
 * <pre>
 *   fbnet bench memory [--dir DIR] [--subjects 1,4] [--heap 16g] [--epochs 1] [--set KEY=VALUE ...]
 * </pre>
 */
final class MemoryBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "memory"; }

    @Override public String summary() { return "peak RSS of train and compare on 1 and N NSD-size subjects: [--dir DIR] [--subjects 1,4] [--heap 16g]"; }

    @Override
    public int run(String[] argv) throws Exception {
        Path dir = Files.createTempDirectory("fbnet-bench-memory");
        List<Integer> counts = List.of(1, 4);
        String heap = "16g", epochs = "1";
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--dir" -> dir = Path.of(argv[++i]);
                case "--subjects" -> counts = Arrays.stream(argv[++i].split(",")).map(Integer::parseInt).toList();
                case "--heap" -> heap = argv[++i];
                case "--epochs" -> epochs = argv[++i];
                case "--set" -> sets.addAll(List.of("--set", argv[++i]));
                default -> throw new UsageException("bench memory: unknown argument " + argv[i]);
            }
        }
        List<String> common = new ArrayList<>(List.of("--set", "train.epochs=" + epochs, "--set", "eval.compare.variants=fbnet,ridge"));
        common.addAll(sets);
        StringBuilder table = new StringBuilder("| subjects | command | peak RSS (GB) | wall (s) |\n|---|---|---:|---:|\n");
        for (int n : counts) {
            Path data = dir.resolve("data"), out = dir.resolve("out-" + n);
            // Setup, not measured: the subjects' data (kept across counts: a subject's files do not depend on the count).
            ChildFbnet.run(heap, null, ChildFbnet.args(List.of("synth", "--out", data.toString(), "--preset", "nsd", "--subjects", String.valueOf(n),
                    "--features-only"), List.of()));
            // The data folder may hold more subjects from an earlier, larger count: ingest only the first n.
            String first = String.join(",", java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> String.format("subj%02d", i)).toList());
            ChildFbnet.run(heap, null, ChildFbnet.args(List.of("ingest", "--input", data.toString(), "--truth", data.resolve("truth").toString(),
                    "--output", out.toString(), "--subjects", first), common));
            ChildFbnet.run(heap, null, ChildFbnet.args(List.of("project", "--data", out.toString()), common));
            for (String command : List.of("train", "compare")) {
                double[] m = ChildFbnet.run(heap, command + " (" + n + ")", ChildFbnet.args(List.of(command, "--data", out.toString()), common));
                table.append(String.format("| %d | %s | %.2f | %.0f |%n", n, command, m[0] / 1e9, m[1]));
                System.out.print(table);
            }
        }
        System.out.printf("%nbench memory: peak resident memory per command (VmHWM of its JVM, -Xmx%s), NSD-size subjects, features only%n%s",
                heap, table);
        return ExitCode.OK.code;
    }
}
