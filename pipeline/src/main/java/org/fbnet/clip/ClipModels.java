package org.fbnet.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.StagedDirectory;

/**
 * Model folders: their fingerprint, the per-JVM cache of loaded models, and random CLIP models fbnet
 * writes itself (real weights cannot be downloaded on every machine; {@code bin/fbnet demo} uses these).
 */
public final class ClipModels {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** One loaded model per folder per JVM: an executor loads the weights once, not per task or per row. */
    private static final Map<String, ClipModel> CACHE = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicInteger LOADS = new java.util.concurrent.atomic.AtomicInteger();

    private ClipModels() { }

    /**
     * A fingerprint of a model folder: SHA-256 over config.json, preprocessor_config.json, the
     * safetensors header and the weights file size, as {@code clip-<16 hex>}.
     * <p>The header carries every tensor's name, dtype, shape and offsets; with the size this identifies the
     * weights without reading 600 MB. Two files differing only in tensor values with identical headers get
     * the same id: acceptable for checkpoints, which are never edited in place.
     */
    public static String id(Path dir, Configuration conf) throws IOException {
        MessageDigest sha = sha256();
        for (String f : List.of(ClipModel.CONFIG, ClipModel.PREPROCESSOR)) {
            Path p = new Path(dir, f);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) ClipModel.readJson(p, conf); // throws the "missing file" error
            try (InputStream in = fs.open(p)) {
                sha.update(f.getBytes(StandardCharsets.UTF_8));
                sha.update(in.readAllBytes());
            }
        }
        SafeTensors st = SafeTensors.open(new Path(dir, ClipModel.WEIGHTS), conf);
        sha.update(st.headerBytes());
        sha.update(Long.toString(st.fileSize()).getBytes(StandardCharsets.UTF_8));
        return "clip-" + HexFormat.of().formatHex(sha.digest(), 0, 8);
    }

    /** The vision architecture of a model folder (reads only config.json). */
    public static ClipVisionConfig visionConfig(Path dir, Configuration conf) throws IOException {
        return ClipModel.readVisionConfig(dir, conf);
    }

    /** The model in {@code dir}, loaded at most once per JVM (concurrent callers wait for the one load). */
    public static ClipModel cached(String dir, Configuration conf) throws IOException {
        try {
            return CACHE.computeIfAbsent(dir, d -> {
                try {
                    LOADS.incrementAndGet();
                    return ClipModel.load(new Path(d), conf);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** How many models {@link #cached} has loaded in this JVM: lets tests see that tasks share one load. */
    public static int loadCount() { return LOADS.get(); }

    /**
     * Writes a random CLIP model folder ({@code config.json} as a CLIPConfig, {@code preprocessor_config.json},
     * {@code model.safetensors} with the vision tower and {@code visual_projection}) that {@link ClipModel#load}
     * and Hugging Face read like a real one. Same config and seed, same bytes.
     */
    public static void writeRandom(Path dir, ClipVisionConfig cfg, long seed, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        fs.mkdirs(dir);
        writeJson(new Path(dir, ClipModel.CONFIG), conf, cfg.toClipConfigJson(JSON));
        writeJson(new Path(dir, ClipModel.PREPROCESSOR), conf, ClipProcessorConfig.forImageSize(cfg.imageSize()).toJson(JSON));
        Random rnd = new Random(seed);
        List<SafeTensors.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, long[]> e : ClipVisionModel.expectedTensors(cfg).entrySet()) {
            long[] shape = e.getValue();
            long n = 1;
            for (long s : shape) n *= s;
            float[] v = new float[(int) n];
            String name = e.getKey();
            // Norm gains near 1, biases and embeddings away from 0, matrices at 1/sqrt(fan_in): activations
            // stay O(1) through the layers, so a test against a reference exercises every term.
            boolean norm = name.contains("norm");
            double mean = norm && name.endsWith(".weight") ? 1 : 0;
            double std = shape.length >= 2 && !name.contains("position_embedding") ? 1 / Math.sqrt((double) n / shape[0])
                    : norm || name.endsWith(".bias") ? 0.1 : 0.5;
            for (int i = 0; i < v.length; i++) v[i] = (float) (mean + std * rnd.nextGaussian());
            entries.add(SafeTensors.Entry.f32(name, v, shape));
        }
        SafeTensors.write(new Path(dir, ClipModel.WEIGHTS), conf, entries, Map.of("format", "pt", "fbnet", "random CLIP, seed " + seed));
    }

    /**
     * The built-in random model of this architecture and seed under {@code modelsDir}, written and
     * published once ({@code clip-random-<hash>}, with a manifest); later calls reuse it.
     */
    public static Path ensureRandom(Path modelsDir, ClipVisionConfig cfg, long seed, Configuration conf) throws IOException {
        MessageDigest sha = sha256();
        sha.update(cfg.toClipConfigJson(JSON).toString().getBytes(StandardCharsets.UTF_8));
        sha.update(Long.toString(seed).getBytes(StandardCharsets.UTF_8));
        Path target = new Path(modelsDir, "clip-random-" + HexFormat.of().formatHex(sha.digest(), 0, 6));
        FileSystem fs = target.getFileSystem(conf);
        if (fs.exists(new Path(target, Manifest.FILE_NAME))) return fs.makeQualified(target);
        try (StagedDirectory staged = StagedDirectory.begin(target, conf)) {
            writeRandom(staged.path(), cfg, seed, conf);
            return staged.publish(Manifest.of("clip-random-model", 1).with("seed", seed)
                    .with("config", JSON.convertValue(cfg.toClipConfigJson(JSON), Map.class)));
        }
    }

    private static void writeJson(Path p, Configuration conf, Object node) throws IOException {
        try (OutputStream out = p.getFileSystem(conf).create(p, true)) {
            out.write(JSON.writeValueAsBytes(node));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
