package org.fbnet.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.fbnet.config.Settings;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.optim.LionConfig;
import org.fbnet.spark.SparkSessions;
import org.fbnet.spark.StandaloneCluster;
import org.fbnet.train.LocalEpochRunner;
import org.fbnet.train.TrainingRows;
import org.fbnet.train.spark.ParameterAveragingConfig;
import org.fbnet.train.spark.ParameterAveragingRunner;
import org.fbnet.train.spark.PretrainThroughput;

/**
 * {@code fbnet bench pretrain}: pre-training examples/s of the F-BNet-sized network (300 -> 6000 hidden,
 * 75 + 75 heads) on the same generated rows, in one JVM with 2 ND4J threads ({@link LocalEpochRunner}),
 * with dl4j-spark parameter averaging on local[2] (2 workers), and on a two-worker standalone cluster
 * started on 127.0.0.1 (1 core each); then a sweep of the averaging frequency. Each run trains one warm-up
 * epoch on a few rows, then times one epoch. For each averaging run it splits a round's wall time into the
 * workers' minibatch fits, the rest of their tasks (building the worker's model from the broadcast), result
 * serialisation on the worker, result fetch and deserialisation on the driver (summed over workers: the
 * driver takes them one after the other), the driver's model broadcast, and the remaining driver time
 * (scheduling, averaging, setting the driver's model).
 */
final class PretrainBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "pretrain"; }

    @Override
    public String summary() {
        return "dl4j-spark parameter-averaging pre-training examples/s: one JVM vs local[2] vs a 2-worker standalone cluster, "
                + "averaging-frequency sweep; [--subjects N] [--rows N] [--batch N] [--frequency F] [--sweep F,F,...] "
                + "[--sweep-on local,cluster] [--no-local] [--no-cluster] [--oversubscribe] [--worker-memory M] [--executor-memory M] [--stats]";
    }

    @Override
    public int run(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("fbnet bench pretrain: unexpected argument " + args[i]);
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            a.put(args[i], flag ? "true" : args[++i]);
        }
        for (String k : a.keySet()) {
            if (!List.of("--subjects", "--rows", "--warmup-rows", "--batch", "--frequency", "--sweep", "--sweep-on", "--no-cluster",
                    "--oversubscribe", "--executor-memory", "--worker-memory", "--stats", "--width", "--no-local").contains(k)) {
                throw new IllegalArgumentException("fbnet bench pretrain: unknown option " + k);
            }
        }
        int subjects = Integer.parseInt(a.getOrDefault("--subjects", "4"));
        int rows = Integer.parseInt(a.getOrDefault("--rows", "2048"));
        int warmupRows = Integer.parseInt(a.getOrDefault("--warmup-rows", "256"));
        int batch = Integer.parseInt(a.getOrDefault("--batch", "128"));
        int frequency = Integer.parseInt(a.getOrDefault("--frequency", String.valueOf(ParameterAveragingConfig.from(Settings.defaults()).averagingFrequency())));
        List<Integer> sweep = Arrays.stream(a.getOrDefault("--sweep", "4,8,16,32").split(",")).filter(s -> !s.isBlank()).map(Integer::parseInt).toList();
        List<String> sweepOn = List.of(a.getOrDefault("--sweep-on", "local,cluster").split(","));
        boolean cluster = !a.containsKey("--no-cluster");
        boolean stats = a.containsKey("--stats");
        // F-BNet's model and momentum are 320 MB; an executor holds the round's broadcast pieces and two serialised
        // copies of its result on its heap at once (1400m ran out of heap), plus ND4J's arrays off-heap.
        String workerMemory = a.getOrDefault("--worker-memory", "3g"), executorMemory = a.getOrDefault("--executor-memory", "2800m");
        boolean localSpark = !a.containsKey("--no-local");

        Settings s = Settings.defaults();
        NetworkConfig net = NetworkConfig.from(s, 300, 75, 75);
        if (a.containsKey("--width")) net = new NetworkConfig(300, 75, 75, Integer.parseInt(a.get("--width")), net.alpha(), net.beta(),
                net.dropout(), net.preluInit(), net.loss());
        LionConfig lion = LionConfig.from(s);
        ParameterAveragingConfig base = ParameterAveragingConfig.from(s).withWorkers(2);
        TrainingRows timed = PretrainThroughput.syntheticRows(subjects, rows, 300, 150, 1);
        TrainingRows warmup = PretrainThroughput.syntheticRows(subjects, Math.max(1, warmupRows / subjects), 300, 150, 2);
        System.out.printf(Locale.ROOT, "bench pretrain: %d subjects x %d rows (%d), batch %d, network 300 -> %d hidden -> 75 + 75, "
                        + "%d cores; load average %s%n", subjects, rows, timed.size(), batch, net.hiddenSize(),
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).trim());

        List<String> table = new ArrayList<>();
        table.add("| run | workers | averaging frequency | examples/s | x one JVM | examples/CPU-s | x one JVM | rounds | s/round | fit "
                + "| worker model set-up | result serialize | result fetch + deserialize | broadcast | driver rest | GC | result MB/task |");
        table.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        org.fbnet.linalg.Nd4jThreads.set(2);
        PretrainThroughput.Result one = PretrainThroughput.measure(new LocalEpochRunner(), net, lion, warmup, timed, batch, 1,
                PretrainThroughput::ownCpuSeconds);
        table.add(String.format(Locale.ROOT, "| one JVM, 2 ND4J threads | 1 | - | %.1f | 1.00 | %.1f | 1.00 | - | - | - | - | - | - | - | - | - | - |",
                one.examplesPerSecond(), one.examplesPerCpuSecond()));
        System.out.println(table.get(table.size() - 1));

        SparkSession session = localSpark ? SparkSessions.getOrCreate("bench pretrain", s.with("spark.local.master", "local[2]")) : null;
        if (session != null) try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
            Runs local = new Runs(table, jsc, net, lion, warmup, timed, batch, one, stats, List::of);
            local.row("local[2]", base.withAveragingFrequency(frequency));
            if (a.containsKey("--oversubscribe")) {
                ParameterAveragingConfig two = new ParameterAveragingConfig(2, frequency, base.workerBatchSize(), base.prefetchBatches(),
                        base.averageUpdater(), 2, base.repartition());
                local.row("local[2], 2 ND4J threads per worker", two);
            }
            if (sweepOn.contains("local")) {
                for (int f : sweep) if (f != frequency) local.row("local[2] sweep", base.withAveragingFrequency(f));
            }
        } finally {
            session.stop();
        }
        if (cluster) {
            Path dir = Files.createTempDirectory("fbnet-bench-pretrain");
            List<StandaloneCluster.WorkerSpec> workers = List.of(StandaloneCluster.WorkerSpec.plain(1, workerMemory), StandaloneCluster.WorkerSpec.plain(1, workerMemory));
            try (StandaloneCluster c = StandaloneCluster.start(dir, StandaloneCluster.currentClassPath(), workers)) {
                Map<String, String> app = new LinkedHashMap<>(c.appConf(1, executorMemory));
                // ND4J allocates off-heap; JavaCPP caps that at the heap size unless told otherwise.
                app.put("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=4g -Dorg.bytedeco.javacpp.maxphysicalbytes=6g"
                        + " -Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource");
                SparkSession cs = SparkSessions.getOrCreate("bench pretrain cluster", s, app);
                try {
                    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(cs.sparkContext());
                    awaitExecutors(jsc, 2);
                    Runs onCluster = new Runs(table, jsc, net, lion, warmup, timed, batch, one, stats, c::executors);
                    onCluster.row("standalone 2 x 1 core", base.withAveragingFrequency(frequency));
                    if (sweepOn.contains("cluster")) {
                        for (int f : sweep) if (f != frequency) onCluster.row("standalone sweep", base.withAveragingFrequency(f));
                    }
                } finally {
                    cs.stop();
                }
            }
        }
        System.out.println();
        table.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "load average at end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        return 0;
    }

    /** Averaging runs on one Spark context, each a row of the table. */
    private record Runs(List<String> table, JavaSparkContext jsc, NetworkConfig net, LionConfig lion, TrainingRows warmup, TrainingRows timed,
                        int batch, PretrainThroughput.Result baseline, boolean stats, java.util.function.Supplier<List<ProcessHandle>> executors) {
        void row(String run, ParameterAveragingConfig config) {
            ParameterAveragingRunner runner = new ParameterAveragingRunner(jsc, config).collectTrainingStats(stats);
            PretrainThroughput.Result r = PretrainThroughput.measure(runner, net, lion, warmup, timed, batch, 1,
                    () -> PretrainThroughput.ownCpuSeconds() + PretrainThroughput.cpuSeconds(executors.get()));
            ParameterAveragingRunner.EpochReport e = r.report();
            int workers = config.workers();
            // Per round and per worker (each worker runs one task per round, in parallel with the others).
            double rounds = e.rounds(), perWorker = rounds * workers;
            double fit = e.workerFitSeconds() / perWorker, setup = (e.taskRunSeconds() - e.workerFitSeconds()) / perWorker;
            double serialize = e.resultSerializeSeconds() / perWorker, fetch = e.resultFetchSeconds() / rounds, broadcast = e.broadcastSeconds() / rounds;
            double perRound = r.seconds() / rounds;
            table.add(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.2f | %.1f | %.2f | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |",
                    run, workers, config.averagingFrequency(), r.examplesPerSecond(), r.examplesPerSecond() / baseline.examplesPerSecond(),
                    r.examplesPerCpuSecond(), r.examplesPerCpuSecond() / baseline.examplesPerCpuSecond(), e.rounds(), perRound,
                    fit, setup, serialize, fetch, broadcast, perRound - fit - setup - serialize - fetch - broadcast, e.gcSeconds() / perWorker,
                    e.resultBytes() / perWorker / 1e6));
            System.out.println(table.get(table.size() - 1));
            if (e.dl4jStats() != null) System.out.println(e.dl4jStats());
        }
    }

    private static void awaitExecutors(JavaSparkContext jsc, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (jsc.sc().statusTracker().getExecutorInfos().length < n + 1) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the standalone cluster's " + n + " executors did not register in 120 s");
            Thread.sleep(200);
        }
    }
}
