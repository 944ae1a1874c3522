package org.fbnet.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fbnet.config.Settings;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.optim.LionConfig;

/**
 * {@code fbnet bench train}: training throughput of the full-size F-BNet network in one JVM against
 * the compute limit and against the same network in PyTorch (Debian's python3-torch) with the same
 * thread count, run back to back.
 */
final class TrainBenchmark implements BenchCommand.Benchmark {
    /** Nominal peak of the 2-core AVX-512 test machine (STACK.md/issue); override with --peak-gflops. */
    static final double DEFAULT_PEAK_GFLOPS = 190;

    @Override public String name() { return "train"; }

    @Override
    public String summary() {
        return "full-size F-BNet training examples/s (DL4J vs PyTorch, same threads); "
                + "[--threads N] [--steps N] [--warmup N] [--batch N] [--peak-gflops G] [--no-torch]";
    }

    @Override
    public int run(String[] args) throws Exception {
        int threads = 2, steps = 30, warmup = 5, batch = 128;
        double peak = DEFAULT_PEAK_GFLOPS;
        boolean torch = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--peak-gflops" -> peak = Double.parseDouble(args[++i]);
                case "--no-torch" -> torch = false;
                default -> throw new IllegalArgumentException("fbnet bench train: unknown option " + args[i]);
            }
        }
        Settings s = Settings.defaults();
        // The paper's sizes: 300 image PCA components, 75 fMRI PCA components per hemisphere.
        NetworkConfig net = NetworkConfig.from(s, 300, 75, 75);
        LionConfig lion = LionConfig.from(s);
        double flops = TrainingThroughput.flopsPerExample(net);

        TrainingThroughput.setThreads(threads);
        TrainingThroughput.Result dl4j = TrainingThroughput.measure(net, lion, batch, warmup, steps, 1);
        System.out.printf("network: %d parameters, %.1f MFLOP per example (forward + backward), batch %d, %d timed steps after %d warm-up%n",
                dl4j.parameters(), flops / 1e6, batch, steps, warmup);
        System.out.printf("machine: %d cores, peak %.0f GFLOP/s -> compute limit %.0f examples/s%n",
                Runtime.getRuntime().availableProcessors(), peak, peak * 1e9 / flops);
        System.out.printf("load average at start: %.1f (the machine may be shared: compare the CPU-second column)%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        report("DL4J nd4j-native " + org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor"),
                dl4j.examplesPerSecond(), dl4j.examplesPerCpuSecond(), "omp " + dl4j.ompThreads() + ", blas " + dl4j.blasThreads(), flops, peak);
        if (torch) {
            double[] t = torch(net, batch, warmup, steps, threads);
            report("PyTorch " + torchVersion(), t[0], t[1], "torch " + (int) t[2], flops, peak);
            System.out.printf("DL4J / PyTorch: %.2fx examples/s (wall), %.2fx examples per CPU-second (target >= 1.3x)%n",
                    dl4j.examplesPerSecond() / t[0], dl4j.examplesPerCpuSecond() / t[1]);
        }
        return 0;
    }

    private static void report(String what, double eps, double epcs, String threads, double flops, double peak) {
        System.out.printf("%-30s %7.1f examples/s (%5.1f GFLOP/s = %4.1f%% of peak), %7.1f examples per CPU-second  [%s threads]%n",
                what, eps, eps * flops / 1e9, 100 * eps * flops / 1e9 / peak, epcs, threads);
    }

    private static String python() { return System.getProperty("fbnet.python", "/usr/bin/python3"); }

    private static String torchVersion() {
        try {
            return runPython(List.of("-c", "import torch; print(torch.__version__)"), 1).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static double[] torch(NetworkConfig net, int batch, int warmup, int steps, int threads) throws IOException {
        Path script = Files.createTempFile("fbnet_torch", ".py");
        try (InputStream in = TrainBenchmark.class.getResourceAsStream("/fbnet/bench/fbnet_torch.py")) {
            if (in == null) throw new IOException("bundled fbnet/bench/fbnet_torch.py missing");
            Files.write(script, in.readAllBytes());
        }
        try {
            String out = runPython(List.of(script.toString(), "" + net.inputSize(), "" + net.lhSize(), "" + net.rhSize(),
                    "" + net.widthFactor(), "" + batch, "" + warmup, "" + steps, "" + threads), threads);
            String[] f = out.trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])};
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static String runPython(List<String> args, int threads) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(python());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IOException("python failed: " + cmd);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }
}
