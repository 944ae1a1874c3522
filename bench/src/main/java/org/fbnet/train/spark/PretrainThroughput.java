package org.fbnet.train.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.optim.LionConfig;
import org.fbnet.train.EpochRunner;
import org.fbnet.train.EpochSpec;
import org.fbnet.train.TrainingRows;

/**
 * Measures pre-training throughput of an {@link EpochRunner} on generated rows: one warm-up epoch on a few
 * rows (JIT, native libraries, first allocations on every worker), then one timed epoch. For
 * {@code fbnet bench pretrain}; never a test.
 */
public final class PretrainThroughput {
    private PretrainThroughput() { }

    /** CPU seconds this JVM has used. */
    public static double ownCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** CPU seconds used by other processes (a cluster's executors), 0 for those that exited. */
    public static double cpuSeconds(List<ProcessHandle> processes) {
        return processes.stream().mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
    }

    /**
     * One timed epoch: examples per second of wall time and per CPU-second of the processes that did the work
     * (on a shared machine the CPU figure is the steadier one), and the averaging runner's own breakdown (else null).
     */
    public record Result(double examplesPerSecond, double examplesPerCpuSecond, double seconds, long rows,
                         ParameterAveragingRunner.EpochReport report) { }

    /**
     * Generated training rows: {@code subjects} subjects of {@code rows} rows each, image latents x ~ N(0, 1),
     * brain latents y_j ~ N(0, 1/j) with those variances as the subjects' eigenvalues (a decaying PCA spectrum).
     */
    public static TrainingRows syntheticRows(int subjects, int rows, int inputSize, int brainSize, long seed) {
        List<TrainingRows.Subject> out = new ArrayList<>();
        for (int s = 0; s < subjects; s++) {
            SplittableRandom r = new SplittableRandom(seed * 31 + s);
            float[] eig = new float[brainSize];
            for (int j = 0; j < brainSize; j++) eig[j] = 1f / (1 + j % (brainSize / 2));
            float[][] x = new float[rows][inputSize], y = new float[rows][brainSize];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < inputSize; j++) x[i][j] = (float) r.nextGaussian();
                for (int j = 0; j < brainSize; j++) y[i][j] = (float) (r.nextGaussian() * Math.sqrt(eig[j]));
            }
            out.add(new TrainingRows.Subject(String.format("subj%02d", s + 1), x, y, eig));
        }
        return new TrainingRows(out);
    }

    /** @param cpuSeconds CPU seconds used so far by every process taking part (this JVM, and a cluster's executors) */
    public static Result measure(EpochRunner runner, NetworkConfig net, LionConfig lion, TrainingRows warmup, TrainingRows timed,
                                 int batchSize, long seed, java.util.function.DoubleSupplier cpuSeconds) {
        ComputationGraph graph = FbnetNetwork.build(net, lion, seed);
        try (EpochRunner.Session s = runner.open(warmup)) {
            s.runEpoch(graph, new EpochSpec(1, seed, batchSize));
        }
        try (EpochRunner.Session s = runner.open(timed)) {
            double cpu0 = cpuSeconds.getAsDouble();
            long t0 = System.nanoTime();
            double loss = s.runEpoch(graph, new EpochSpec(2, seed, batchSize));
            double secs = (System.nanoTime() - t0) / 1e9, cpu = cpuSeconds.getAsDouble() - cpu0;
            if (!Double.isFinite(loss)) throw new IllegalStateException("timed epoch diverged: loss " + loss);
            ParameterAveragingRunner.EpochReport report = s instanceof ParameterAveragingRunner.AveragingSession a ? a.lastEpoch() : null;
            return new Result(timed.size() / secs, timed.size() / cpu, secs, timed.size(), report);
        }
    }
}
