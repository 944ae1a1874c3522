package org.fbnet.jobs;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.store.HadoopConf;
import org.fbnet.synth.SynthConfig;
import org.fbnet.synth.SyntheticDataset;

/**
 * {@code fbnet bench ingest}: ingest rate (rows/s, MB/s) and peak memory for generated subjects,
 * NSD-sized by default. The dataset is generated once under the bench folder and reused.
 * <p>In local mode the executors run inside the driver JVM, so the peak heap reported bounds the
 * driver's own use from above; run with a small FBNET_HEAP to show the driver never holds a dataset.
 */
final class IngestBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "ingest"; }

    @Override public String summary() { return "ingest rows/s, MB/s and peak memory: [--dir DIR] [--set synth.KEY=V ...]"; }

    @Override
    public int run(String[] args) throws Exception {
        String dir = "target/bench-ingest";
        Settings s = Settings.defaults().with("synth.preset", "nsd").with("synth.subjects", "1")
                .with("synth.features.only", "true").with("ingest.force", "true");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--dir")) dir = args[++i];
            else if (args[i].equals("--set")) {
                String kv = args[++i];
                s = s.with(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else throw new IllegalArgumentException("unknown bench ingest argument " + args[i]);
        }
        Configuration conf = HadoopConf.create();
        java.nio.file.Path data = Paths.get(dir, "data");
        if (!Files.exists(data.resolve("subj01"))) {
            long t0 = System.nanoTime();
            SyntheticDataset.Result r = new SyntheticDataset(SynthConfig.from(s)).generate(new Path(data.toUri()), conf);
            System.out.printf("generated %s (%.1f GB) in %.0f s%n", data, r.bytes() / 1e9, (System.nanoTime() - t0) / 1e9);
        }
        resetPeaks();
        long t0 = System.nanoTime();
        org.fbnet.stage.Pipeline.Report rep = IngestCommand.run(s, data.toString(), data.resolve(SyntheticDataset.TRUTH).toString(),
                Paths.get(dir, "out").toString(), null);
        double secs = (System.nanoTime() - t0) / 1e9;
        for (org.fbnet.stage.UnitResult r : rep.results()) {
            if (r.unit().id().endsWith("/fmri")) System.out.printf("%s: %s in %.1f s%n", r.unit().id(), r.summary(), r.seconds());
        }
        System.out.printf("ingest: %.1f s for %d units%n", secs, rep.results().size());
        System.out.printf("threads: %d cores (spark.local.master=%s), max heap %.1f GB%n",
                Runtime.getRuntime().availableProcessors(), s.get("spark.local.master"), Runtime.getRuntime().maxMemory() / 1e9);
        System.out.printf("peak heap used during ingest (driver + local executors): %.2f GB; process peak RSS (VmHWM): %s%n",
                peakHeap() / 1e9, vmHwm());
        return 0;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    private static String vmHwm() {
        try {
            return Files.readAllLines(Paths.get("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("n/a");
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
