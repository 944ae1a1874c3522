package org.fbnet.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.optim.LionConfig;
import org.fbnet.train.LocalEpochRunner;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures training throughput of the F-BNet network in this JVM: full training steps (forward,
 * racing loss, backward, Lion, weight decay) through {@link LocalEpochRunner} on random minibatches,
 * after warm-up steps. For {@code fbnet bench train}; never a test.
 */
public final class TrainingThroughput {
    private TrainingThroughput() { }

    /** Examples per second and what ran. */
    /**
     * Wall-clock and process-CPU throughput. On a shared machine the CPU figure (examples per CPU-second
     * of this process) is the steadier one; with N threads and an idle machine it is about wall / N.
     */
    public record Result(double examplesPerSecond, double examplesPerCpuSecond, int steps, int batchSize, long parameters,
                         int ompThreads, int blasThreads) { }

    /**
     * Multiply-add FLOPs of one training example, forward and backward (backward ~ 2x forward): the
     * four matrix products of the network (embed, residual dense, leak projection, heads), 2 FLOPs each.
     */
    public static double flopsPerExample(NetworkConfig c) {
        double h = c.hiddenSize();
        double forward = 2 * (c.inputSize() * h + h * h + c.brainSize() * h + h * c.brainSize());
        return 3 * forward;
    }

    /** Sets ND4J's OpenMP and BLAS thread counts (0 leaves them as they are). */
    public static void setThreads(int threads) {
        if (threads <= 0) return;
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    public static Result measure(NetworkConfig net, LionConfig lion, int batchSize, int warmup, int steps, long seed) {
        ComputationGraph graph = FbnetNetwork.build(net, lion, seed);
        Random r = new Random(seed);
        List<MultiDataSet> batches = new ArrayList<>();
        for (int i = 0; i < Math.min(steps, 8); i++) batches.add(randomBatch(net, batchSize, r));
        LocalEpochRunner.fit(graph, cycle(batches, warmup));
        INDArray before = graph.params().dup();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
        LocalEpochRunner.fit(graph, cycle(batches, steps));
        double secs = (System.nanoTime() - t0) / 1e9, cpu = (os.getProcessCpuTime() - c0) / 1e9;
        // ComputationGraph.fit() returns silently when it finds no layer parameters: a fast "step" that
        // changes nothing must not pass for throughput.
        double moved = before.sub(graph.params()).norm2Number().doubleValue();
        if (!(moved > 0)) throw new IllegalStateException("no parameter changed during the timed steps: fit did not train");
        java.util.Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Object omp = env.get("omp.threads");
        return new Result(steps * (double) batchSize / secs, steps * (double) batchSize / cpu, steps, batchSize, FbnetNetwork.parameterCount(graph),
                omp != null ? Integer.parseInt(omp.toString()) : Nd4j.getEnvironment().maxThreads(), Nd4j.factory().blas().getMaxThreads());
    }

    private static java.util.Iterator<MultiDataSet> cycle(List<MultiDataSet> batches, int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> batches.get(i % batches.size())).iterator();
    }

    private static MultiDataSet randomBatch(NetworkConfig net, int b, Random r) {
        INDArray x = gaussian(r, b, net.inputSize());
        INDArray y = gaussian(r, b, net.brainSize());
        INDArray z = gaussian(r, b, net.brainSize());
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, y, z}, new INDArray[] {y});
    }

    private static INDArray gaussian(Random r, int rows, int cols) {
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        return Nd4j.create(a, new long[] {rows, cols}, 'c');
    }
}
