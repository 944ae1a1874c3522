package org.fbnet.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.fbnet.clip.ClipImageProcessor;
import org.fbnet.clip.ClipProcessorConfig;

/**
 * {@code fbnet bench preprocess}: milliseconds per image, one thread, of CLIP's preprocessing (PNG decode,
 * Pillow-exact bicubic resize, crop, normalise) against Pillow + numpy doing the same in the same run,
 * on the 425x425 PNGs of {@code fbnet bench clip}. {@code ImageIO.read} is timed too: it was the decoder
 * before fbnet's own PNG decoder, and remains the fallback for other formats.
 */
final class PreprocessBenchmark implements BenchCommand.Benchmark {
    @Override public String name() { return "preprocess"; }

    @Override
    public String summary() {
        return "CLIP preprocessing ms/image, one thread, fbnet vs Pillow: [--dir DIR] [--images N] [--python PATH]";
    }

    @Override
    public int run(String[] args) throws Exception {
        String dir = "target/bench-clip";
        int images = 256;
        String python = System.getProperty("fbnet.python", "/usr/bin/python3");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = args[++i];
                case "--images" -> images = Integer.parseInt(args[++i]);
                case "--python" -> python = args[++i];
                default -> throw new IllegalArgumentException("unknown bench preprocess argument " + args[i]);
            }
        }
        Path pngDir = Paths.get(dir, "png");
        List<byte[]> pngs = ClipBenchmark.writePngs(pngDir, 32);
        ClipImageProcessor processor = new ClipImageProcessor(ClipProcessorConfig.forImageSize(224));
        float[] pixels = new float[3 * 224 * 224];
        ClipImageProcessor.RgbImage decoded = ClipImageProcessor.decode(pngs.get(0), "bench");
        System.out.printf("%d images of 425x425 RGB PNG per measurement, one thread%n", images);
        double fbnet = time("fbnet decode+process", images, pngs, png -> processor.process(png, "bench", pixels, 0));
        time("fbnet decode", images, pngs, png -> ClipImageProcessor.decode(png, "bench"));
        time("fbnet process(decoded)", images, pngs, png -> processor.process(decoded, pixels, 0));
        time("ImageIO.read alone", images, pngs, png -> {
            try {
                ImageIO.read(new ByteArrayInputStream(png));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        BenchScripts scripts = BenchScripts.extract("preprocess_pillow.py");
        Path script = scripts.script();
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), pngDir.toString(), Integer.toString(images));
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        ObjectMapper json = new ObjectMapper();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = json.readTree(line);
            double ms = n.get("ms_per_image").asDouble();
            System.out.printf("  %-24s %7.2f ms/image (Pillow %s)%n", "Pillow " + n.get("stage").asText(), ms, n.get("pillow").asText());
            if (n.get("stage").asText().equals("decode+preprocess")) {
                System.out.printf("fbnet / Pillow time, decode+preprocess: %.2f%n", fbnet / ms);
            }
        }
        int code = p.waitFor();
        scripts.close();
        if (code != 0) System.out.println("Pillow reference exited with " + code + "; its numbers are missing");
        return 0;
    }

    /** Milliseconds per image, after three warm-up passes over the images (JIT). */
    private static double time(String what, int images, List<byte[]> pngs, Consumer<byte[]> step) {
        for (int w = 0; w < 3; w++) {
            for (byte[] png : pngs) step.accept(png);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < images; i++) step.accept(pngs.get(i % pngs.size()));
        double ms = (System.nanoTime() - t0) / 1e6 / images;
        System.out.printf("  %-24s %7.2f ms/image%n", what, ms);
        return ms;
    }
}
