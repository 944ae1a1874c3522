package org.fbnet.jobs;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.store.HadoopConf;
import org.fbnet.synth.SynthConfig;
import org.fbnet.synth.SyntheticDataset;

/**
 * {@code fbnet bench synth [synth options]}: times the generator (default: one NSD-scale subject in
 * features-only mode, the case the issue budgets at a few minutes) and reports wall and CPU time,
 * rows/s, MB/s, peak heap and peak RSS. Without {@code --out} it writes to a temporary folder and
 * deletes it afterwards.
 */
final class SynthBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "synth"; }

    @Override public String summary() { return "time fbnet synth (default --preset nsd --subjects 1 --features-only)"; }

    @Override
    public int run(String[] argv) throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        if (!args.contains("--preset")) args.addAll(List.of("--preset", "nsd"));
        if (!args.contains("--subjects")) args.addAll(List.of("--subjects", "1"));
        if (!args.contains("--features-only") && !args.contains("--images")) args.add("--features-only");
        args.remove("--images");
        java.nio.file.Path temp = null;
        if (!args.contains("--out")) {
            temp = Files.createTempDirectory("fbnet-bench-synth");
            args.addAll(List.of("--out", temp.toString()));
        }
        CliArgs parsed = CliArgs.parse(new SynthCommand(), args.toArray(String[]::new));
        Settings s = parsed.settings(HadoopConf.create());
        SynthConfig config = SynthConfig.from(s);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        try {
            SyntheticDataset.Result r = SynthCommand.run(s, parsed.get("--out"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
            long rows = 0;
            for (int subject = 1; subject <= config.subjects(); subject++) rows += config.trainImages(subject) + config.testImages(subject);
            long peakHeap = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) peakHeap += p.getPeakUsage().getUsed();
            }
            System.out.println(SynthCommand.describe(r));
            System.out.printf("bench synth: %s, %d subject(s), %s%n", config.preset().id(), config.subjects(),
                    config.featuresOnly() ? "features-only, dim " + config.featureDim() : "PNG " + config.imageSize() + " px");
            System.out.printf("  wall %.1f s, CPU %.1f s on %d cores (load average %.1f)%n", seconds, cpu,
                    os.getAvailableProcessors(), os.getSystemLoadAverage());
            System.out.printf("  %d image rows, %.0f rows/s; %.1f MB written, %.1f MB/s%n", rows, rows / seconds, r.bytes() / 1e6,
                    r.bytes() / 1e6 / seconds);
            System.out.printf("  peak heap %.0f MB, peak RSS %s%n", peakHeap / 1e6, peakRss());
            return 0;
        } finally {
            if (temp != null) {
                new Path(temp.toString()).getFileSystem(HadoopConf.create()).delete(new Path(temp.toString()), true);
            }
        }
    }

    /** VmHWM from /proc/self/status (Linux), else "n/a". */
    private static String peakRss() {
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return line.substring(6).trim();
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // not Linux
        }
        return "n/a";
    }
}
