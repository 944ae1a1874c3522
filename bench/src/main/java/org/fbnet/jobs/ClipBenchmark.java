package org.fbnet.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.clip.ClipFeature;
import org.fbnet.clip.ClipModel;
import org.fbnet.clip.ClipModels;
import org.fbnet.clip.ClipVisionConfig;
import org.fbnet.store.HadoopConf;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code fbnet bench clip}: images/s of the full-size ViT-B/32 vision tower (random weights) in ND4J at
 * several batch sizes, with and without preprocessing (PNG decode + CLIPImageProcessor), against
 * PyTorch (Debian's python3-torch) running the same architecture on the same weights, images and
 * thread count, in the same run.
 * <p>The images are 425x425 PNGs, the size of the Algonauts NSD images. FLOPs per image are ~8.8 G
 * (4.4 G multiply-adds), so a CPU's GEMM peak bounds what either framework can reach.
 */
final class ClipBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "clip"; }

    @Override
    public String summary() {
        return "ViT-B/32 images/s, ND4J vs PyTorch: [--dir DIR] [--threads N] [--batches 1,8,32] [--images N] [--python PATH]";
    }

    @Override
    public int run(String[] args) throws Exception {
        String dir = "target/bench-clip";
        int threads = Runtime.getRuntime().availableProcessors();
        List<Integer> batches = List.of(1, 8, 32);
        int images = 32;
        String python = System.getProperty("fbnet.python", "/usr/bin/python3");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--batches" -> batches = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--images" -> images = Integer.parseInt(args[++i]);
                case "--python" -> python = args[++i];
                default -> throw new IllegalArgumentException("unknown bench clip argument " + args[i]);
            }
        }
        Configuration conf = HadoopConf.create();
        Path model = Paths.get(dir, "vit-b-32-random");
        if (!Files.exists(model.resolve(ClipModel.WEIGHTS))) {
            long t0 = System.nanoTime();
            ClipModels.writeRandom(new org.apache.hadoop.fs.Path(model.toUri()), ClipVisionConfig.VIT_B_32, 1, conf);
            System.out.printf("wrote random ViT-B/32 to %s in %.0f s%n", model, (System.nanoTime() - t0) / 1e9);
        }
        int maxBatch = batches.stream().max(Integer::compare).orElse(1);
        Path pngDir = Paths.get(dir, "png");
        List<byte[]> pngs = writePngs(pngDir, maxBatch);

        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        ClipModel clip = ClipModel.load(new org.apache.hadoop.fs.Path(model.toUri()), conf);
        System.out.printf("ND4J %s backend, %d threads (ND4J max threads %d, BLAS threads %d), %d cores; PyTorch with %d threads%n",
                Nd4j.getBackend().getClass().getSimpleName(), threads, Nd4j.getEnvironment().maxThreads(),
                Nd4j.factory().blas().getMaxThreads(), Runtime.getRuntime().availableProcessors(), threads);

        Map<String, Double> nd4j = new LinkedHashMap<>(), nd4jCpu = new LinkedHashMap<>();
        int per = 3 * 224 * 224;
        float[] pixels = new float[maxBatch * per];
        for (int i = 0; i < maxBatch; i++) clip.processor().process(pngs.get(i), "bench " + i, pixels, i * per);
        for (int b : batches) {
            for (boolean pre : new boolean[] {false, true}) {
                float[] px = Arrays.copyOf(pixels, b * per);
                // warm-up: the JIT compiles the Java row passes and OpenBLAS sizes its buffers (torch gets the same)
                for (int w = 0; w < warmupCalls(b); w++) clip.vision().features(px, b, ClipFeature.LAST_HIDDEN_STATE);
                long t0 = System.nanoTime(), cpu0 = cpuNanos();
                int done = 0;
                while (done < images) {
                    if (pre) {
                        List<byte[]> batch = new ArrayList<>();
                        List<String> names = new ArrayList<>();
                        for (int i = 0; i < b; i++) {
                            batch.add(pngs.get((done + i) % pngs.size()));
                            names.add("bench");
                        }
                        clip.embed(batch, names, ClipFeature.LAST_HIDDEN_STATE);
                    } else {
                        clip.vision().features(px, b, ClipFeature.LAST_HIDDEN_STATE);
                    }
                    done += b;
                }
                double rate = done / ((System.nanoTime() - t0) / 1e9);
                double cpuPerImage = (cpuNanos() - cpu0) / 1e9 / done;
                nd4j.put(b + "/" + pre, rate);
                nd4jCpu.put(b + "/" + pre, cpuPerImage);
                System.out.printf("  ND4J    batch %2d %-22s %6.2f images/s, %.3f CPU-s/image%n", b, pre ? "with preprocessing" : "model only",
                        rate, cpuPerImage);
            }
        }

        Map<String, Double> torchCpu = new LinkedHashMap<>();
        Map<String, Double> torch = runTorch(python, model, pngDir, threads, batches, images, torchCpu);
        System.out.printf("%nimages/s (last_hidden_state, %d images per measurement, %d threads each)%n", images, threads);
        System.out.println("  (CPU-s/image: process CPU time per image, all threads; less sensitive than images/s to other load on the machine)");
        System.out.printf("  %-6s %-20s %10s %10s %8s %16s %16s %10s%n", "batch", "", "ND4J", "PyTorch", "ratio",
                "ND4J CPU-s/img", "torch CPU-s/img", "CPU ratio");
        for (Map.Entry<String, Double> e : nd4j.entrySet()) {
            String[] k = e.getKey().split("/");
            Double t = torch.get(e.getKey());
            Double tc = torchCpu.get(e.getKey());
            double nc = nd4jCpu.get(e.getKey());
            System.out.printf("  %-6s %-20s %10.2f %10s %8s %16.3f %16s %10s%n", k[0], Boolean.parseBoolean(k[1]) ? "with preprocessing" : "model only",
                    e.getValue(), t == null ? "n/a" : String.format("%.2f", t), t == null ? "n/a" : String.format("%.2f", e.getValue() / t),
                    nc, tc == null ? "n/a" : String.format("%.3f", tc), tc == null ? "n/a" : String.format("%.2f", tc / nc));
        }
        return 0;
    }

    /** Forward calls before each measurement, on both sides: at least 3, and at least 16 images. */
    static int warmupCalls(int batch) {
        return Math.max(3, (16 + batch - 1) / batch);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** NSD-sized (425x425) PNGs with smooth structure plus noise, written once. */
    static List<byte[]> writePngs(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path f = dir.resolve(String.format("img%03d.png", i));
            if (!Files.exists(f)) {
                Random r = new Random(i);
                BufferedImage img = new BufferedImage(425, 425, BufferedImage.TYPE_3BYTE_BGR);
                for (int y = 0; y < 425; y++) {
                    for (int x = 0; x < 425; x++) {
                        int v = (int) (127 + 60 * Math.sin((x + 7 * i) / 23.0) * Math.cos(y / 17.0)) + r.nextInt(40);
                        img.setRGB(x, y, (Math.min(255, v) << 16) | ((x * 255 / 425) << 8) | (y * 255 / 425));
                    }
                }
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                ImageIO.write(img, "png", b);
                Files.write(f, b.toByteArray());
            }
            out.add(Files.readAllBytes(f));
        }
        return out;
    }

    private static Map<String, Double> runTorch(String python, Path model, Path pngDir, int threads, List<Integer> batches,
                                                int images, Map<String, Double> cpuPerImage) throws Exception {
        BenchScripts scripts = BenchScripts.extract("clip_torch.py");
        Path script = scripts.script();
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), model.toString(), pngDir.toString(), Integer.toString(threads),
                String.join(",", batches.stream().map(String::valueOf).toList()), Integer.toString(images),
                String.join(",", batches.stream().map(b -> String.valueOf(warmupCalls(b))).toList()));
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        // Debian's torch runs its OpenMP team next to OpenBLAS's own pthreads; with the default ACTIVE wait
        // policy the idle team spins against them (2 threads: 2.5 instead of 9.7 images/s at batch 1 here).
        // PASSIVE is torch's best setting on this stack, so that is what we compare against.
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        Map<String, Double> out = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = json.readTree(line);
            double rate = n.get("images_per_s").asDouble();
            out.put(n.get("batch").asInt() + "/" + n.get("preprocessing").asBoolean(), rate);
            cpuPerImage.put(n.get("batch").asInt() + "/" + n.get("preprocessing").asBoolean(), n.get("cpu_seconds").asDouble() / n.get("images").asInt());
            System.out.printf("  PyTorch batch %2d %-22s %6.2f images/s (torch %s, %d threads)%n", n.get("batch").asInt(),
                    n.get("preprocessing").asBoolean() ? "with preprocessing" : "model only", rate, n.get("torch").asText(),
                    n.get("threads").asInt());
        }
        int code = p.waitFor();
        scripts.close();
        if (code != 0) System.out.println("PyTorch reference exited with " + code + "; its numbers are missing");
        return out;
    }
}
