package org.fbnet.jobs;

import java.util.Random;
import org.fbnet.baseline.RidgeBaseline;
import org.fbnet.baseline.RidgeConfig;
import org.fbnet.baseline.RidgeModel;
import org.fbnet.config.Settings;
import org.fbnet.eval.VertexScores;

/**
 * {@code fbnet bench ridge}: time of the ridge baseline's cross-validated fit at NSD size (9841
 * training rows, 300 latents, 20544 vertices: subj01's right hemisphere) on planted linear data,
 * with the arithmetic it performs, so the rate can be compared with the machine's peak.
 */
final class RidgeBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "ridge"; }

    @Override public String summary() { return "ridge CV fit time at NSD size: [--rows N] [--latents P] [--vertices V] [--seed S]"; }

    @Override
    public int run(String[] args) throws Exception {
        int n = 9841, p = 300, v = 20544;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> n = Integer.parseInt(args[++i]);
                case "--latents" -> p = Integer.parseInt(args[++i]);
                case "--vertices" -> v = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown bench ridge argument " + args[i]);
            }
        }
        RidgeConfig config = RidgeConfig.from(Settings.defaults());
        Random r = new Random(seed);
        // Latents with decaying variance like PCA scores; each vertex reads a few of them, plus noise.
        int nTest = 500;
        float[][] x = new float[n + nTest][p], y = new float[n + nTest][v];
        float[][] w = new float[p][v];
        for (int k = 0; k < 20; k++) for (int j = 0; j < v; j++) w[k][j] = (float) (r.nextGaussian() * 0.2);
        for (int i = 0; i < n + nTest; i++) {
            for (int k = 0; k < p; k++) x[i][k] = (float) (r.nextGaussian() * 10 / Math.sqrt(1 + k));
            for (int j = 0; j < v; j++) {
                double s = 0;
                for (int k = 0; k < 20; k++) s += x[i][k] * w[k][j];
                y[i][j] = (float) (s + 3 * r.nextGaussian());
            }
        }
        float[][] xTrain = java.util.Arrays.copyOf(x, n), yTrain = java.util.Arrays.copyOf(y, n);
        float[][] xTest = java.util.Arrays.copyOfRange(x, n, n + nTest), yTest = java.util.Arrays.copyOfRange(y, n, n + nTest);
        int k = config.folds();
        double gflop = 2.0 * n * p * v / 1e9 + 3 * 2.0 * p * p * (double) v * k / 1e9 + 2.0 * p * p * (double) v / 1e9;
        for (int rep = 0; rep < 2; rep++) {
            long t0 = System.nanoTime(), c0 = cpuNanos();
            RidgeModel m = new RidgeBaseline(config).fit(xTrain, yTrain);
            double fit = (System.nanoTime() - t0) / 1e9, fitCpu = (cpuNanos() - c0) / 1e9;
            long t1 = System.nanoTime();
            float[][] pred = m.predict(xTest);
            double predict = (System.nanoTime() - t1) / 1e9;
            double meanR = VertexScores.mean(VertexScores.pearson(pred, yTest));
            System.out.printf("ridge %s: %d x %d -> %d vertices, %d alphas, %d folds: fit %.1f s wall, %.1f s CPU (%.0f GFLOP, %.1f GFLOP/s per CPU-second), "
                            + "alpha %.3g, predict %d rows %.2f s, held-out mean r %.3f%n", rep == 0 ? "cold" : "warm", n, p, v,
                    config.alphas().length, k, fit, fitCpu, gflop, gflop / fitCpu, m.alpha(), nTest, predict, meanR);
        }
        System.out.printf("threads: %d cores, max heap %.1f GB%n", Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1e9);
        return 0;
    }

    /** CPU time of the whole process (BLAS threads included): on a shared machine wall time says little. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
