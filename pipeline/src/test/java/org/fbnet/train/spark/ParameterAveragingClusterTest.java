package org.fbnet.train.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.fbnet.config.Settings;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.spark.SparkSessions;
import org.fbnet.spark.StandaloneCluster;
import org.fbnet.train.FbnetModel;
import org.fbnet.train.FbnetTrainer;
import org.fbnet.train.PlantedSubject;
import org.fbnet.subject.Subject;
import org.fbnet.train.TrainerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pre-training on a real multi-process Spark standalone cluster: a master and two workers (1 core, 1.5 GB
 * each) as separate JVMs on 127.0.0.1, started once for the class. The workers offer fake GPUs through
 * fbnet's own {@code conf/spark-gpu.conf} and {@code conf/gpu-discovery.sh} (a fake {@code nvidia-smi} per
 * worker lists GPU 0 on one and GPU 1 on the other), so every task runs GpuDevices' binding path; ND4J's
 * CPU backend only logs the device it would pick. There is no GPU on our machines.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ParameterAveragingClusterTest {
    @TempDir
    static Path dir;
    static StandaloneCluster cluster;
    static SparkSession session;
    static JavaSparkContext jsc;
    static Subject subj01, subj02;
    /**
     * Wider than the local tests' network (4M parameters), so a worker's task of 13 minibatches runs long
     * enough to be killed in flight, and one averaging round per epoch keeps the cluster's per-round cost
     * (task launch, model broadcast) to a few rounds per test.
     */
    static final NetworkConfig WIDE = new NetworkConfig(PlantedSubject.INPUT, PlantedSubject.LH, PlantedSubject.RH, 100,
            0.02, 0.002, 0.2, 0.01, NetworkConfig.Loss.RACING);
    static final ParameterAveragingConfig ONE_ROUND_PER_EPOCH =
            new ParameterAveragingConfig(0, 13, 0, 0, true, 0, ParameterAveragingConfig.Repartition.NEVER);

    @BeforeAll
    static void startCluster() throws Exception {
        // One SparkContext per JVM: the local session other test classes share is stopped; they start a new one.
        if (SparkSession.getDefaultSession().isDefined()) SparkSession.getDefaultSession().get().stop();
        Path conf = Files.createDirectories(dir.resolve("cluster/conf"));
        for (String f : List.of("spark-gpu.conf", "gpu-discovery.sh")) {
            try (InputStream in = ParameterAveragingClusterTest.class.getResourceAsStream("/fbnet/conf/" + f)) {
                assertNotNull(in, "conf/" + f + " is bundled with the pipeline jar");
                Files.copy(in, conf.resolve(f));
            }
        }
        conf.resolve("gpu-discovery.sh").toFile().setExecutable(true);
        List<StandaloneCluster.WorkerSpec> workers = new ArrayList<>();
        for (int gpu = 0; gpu < 2; gpu++) {
            Path bin = Files.createDirectories(dir.resolve("fake-gpu-" + gpu));
            Path smi = bin.resolve("nvidia-smi");
            Files.writeString(smi, "#!/bin/sh\necho " + gpu + "\n");
            smi.toFile().setExecutable(true);
            workers.add(new StandaloneCluster.WorkerSpec(1, "1536m", Map.of("PATH", bin + ":" + System.getenv("PATH")),
                    conf.resolve("spark-gpu.conf")));
        }
        cluster = StandaloneCluster.start(dir.resolve("cluster"), StandaloneCluster.currentClassPath(), workers);
        Map<String, String> app = new java.util.LinkedHashMap<>(cluster.appConf(1, "1g"));
        Properties gpu = new Properties();
        try (InputStream in = Files.newInputStream(conf.resolve("spark-gpu.conf"))) {
            gpu.load(in);
        }
        for (String k : gpu.stringPropertyNames()) if (k.startsWith("spark.executor.resource.gpu.amount") || k.startsWith("spark.task.")) app.put(k, gpu.getProperty(k));
        session = SparkSessions.getOrCreate("pretrain cluster test", Settings.defaults(), app);
        jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (jsc.sc().statusTracker().getExecutorInfos().length < 3) { // the driver and two executors
            assertTrue(System.nanoTime() < deadline, "executors did not register; master log:\n" + cluster.log("master"));
            Thread.sleep(200);
        }
        subj01 = PlantedSubject.generate("subj01", 1, 500, 1.0);
        subj02 = PlantedSubject.generate("subj02", 2, 400, 1.0);
    }

    @AfterAll
    static void stopCluster() {
        if (session != null) session.stop();
        if (cluster != null) cluster.close();
    }

    static FbnetModel train(ParameterAveragingRunner runner, NetworkConfig net, int epochs) {
        TrainerConfig config = new TrainerConfig(epochs, 32, epochs, 0.1, 7, 1, ParameterAveragingRunnerTest.LION);
        return new FbnetTrainer(net, config, runner).fit(List.of(subj01, subj02));
    }

    static List<WorkerTask> tasks(List<ParameterAveragingRunner.EpochReport> reports) {
        return reports.stream().flatMap(r -> r.tasks().stream()).toList();
    }

    @Test
    @Order(1)
    void pretrainsOnBothExecutorsEachBoundToItsGpuAndLearns() {
        // pretrain.workers=0: one worker per task slot, two here.
        ParameterAveragingRunner runner = new ParameterAveragingRunner(jsc, ONE_ROUND_PER_EPOCH);
        FbnetModel m = train(runner, WIDE, 3);
        List<ParameterAveragingRunner.EpochReport> reports = runner.history();
        // Chance: r of 90 validation rows is about 0 +- 0.11.
        assertTrue(m.best().validationR() > 0.5, "best validation r " + m.best().validationR() + ": " + m.history());
        List<WorkerTask> tasks = tasks(reports);
        Map<String, Set<String>> gpusByExecutor = tasks.stream().collect(Collectors.groupingBy(WorkerTask::executorId,
                Collectors.mapping(WorkerTask::gpu, Collectors.toCollection(TreeSet::new))));
        assertEquals(2, gpusByExecutor.size(), "work must run in both executors: " + gpusByExecutor);
        // Each executor holds one worker's fake GPU for all its tasks; ND4J's CPU backend binds nothing.
        assertEquals(Set.of(Set.of("GPU 0 -> ND4J device 0 (CPU backend: not bound)"), Set.of("GPU 1 -> ND4J device 1 (CPU backend: not bound)")),
                Set.copyOf(gpusByExecutor.values()), gpusByExecutor.toString());
        assertTrue(tasks.stream().allMatch(t -> t.threads() == 1), "one ND4J thread per 1-core task: " + tasks);
        assertTrue(tasks.stream().allMatch(t -> t.rowsPerSubject().size() == 2), "every worker's slice mixes both subjects: " + tasks);
        String logs = cluster.executorLogs();
        assertTrue(logs.contains("task GPU binding: GPU 0 -> ND4J device 0") && logs.contains("task GPU binding: GPU 1 -> ND4J device 1"),
                "executors log the device they would bind");
    }

    @Test
    @Order(2)
    void pretrainingSurvivesAnExecutorKilledMidRound() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicLong killed = new AtomicLong(-1);
        SparkListener killer = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                // The third training task (second epoch): kill the executor JVM running it, by PID.
                if (started.incrementAndGet() != 3) return;
                cluster.executor(start.taskInfo().executorId()).ifPresent(p -> {
                    killed.set(p.pid());
                    p.destroyForcibly();
                });
            }
        };
        jsc.sc().addSparkListener(killer);
        ParameterAveragingRunner runner = new ParameterAveragingRunner(jsc, ONE_ROUND_PER_EPOCH);
        FbnetModel m;
        try {
            m = train(runner, WIDE, 3);
        } finally {
            jsc.sc().removeSparkListener(killer);
        }
        List<ParameterAveragingRunner.EpochReport> reports = runner.history();
        assertTrue(killed.get() > 0, "no executor was killed");
        assertFalse(ProcessHandle.of(killed.get()).map(ProcessHandle::isAlive).orElse(false), "executor " + killed.get() + " still runs");
        // Every epoch fitted every row (the runner checks the row count), and the lost task ran again.
        assertEquals(3, reports.size());
        List<WorkerTask> tasks = tasks(reports);
        assertTrue(tasks.stream().anyMatch(t -> t.attempt() > 0), "no task was retried after the kill: " + tasks);
        assertTrue(m.history().stream().allMatch(r -> Double.isFinite(r.trainLoss())), m.history().toString());
        assertTrue(m.best().validationR() > 0.5, "best validation r " + m.best().validationR() + ": " + m.history());
    }
}
