package org.fbnet.clip;

import java.io.Serializable;
import org.fbnet.config.Settings;

/**
 * What the embedding stage computes: which CLIP model (a folder, or null for the built-in random one),
 * which feature, in what batches and partitions.
 * @param model the model folder URI, or null for the built-in random CLIP described by {@code randomArchitecture}
 */
public record EmbeddingConfig(String model, ClipFeature feature, int batchSize, int partitions,
                              ClipVisionConfig randomArchitecture, long randomSeed) implements Serializable {
    public EmbeddingConfig {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0");
        if (partitions < 0) throw new IllegalArgumentException("partitions must be >= 0");
    }

    public static EmbeddingConfig from(Settings s) {
        ClipFeature feature;
        try {
            feature = ClipFeature.parse(s.get("clip.feature"));
        } catch (IllegalArgumentException e) {
            throw s.fail("clip.feature", "must be last_hidden_state, pooled or image_embeds");
        }
        int batch = s.getInt("clip.batch.size");
        s.check(batch > 0, "clip.batch.size", "must be > 0");
        int partitions = s.getInt("clip.partitions");
        s.check(partitions >= 0, "clip.partitions", "must be >= 0 (0 = Spark's default parallelism)");
        int hidden = s.getInt("clip.random.hidden.size");
        int layers = s.getInt("clip.random.layers");
        int heads = s.getInt("clip.random.heads");
        int image = s.getInt("clip.random.image.size");
        int patch = s.getInt("clip.random.patch.size");
        s.check(hidden > 0, "clip.random.hidden.size", "must be > 0");
        s.check(layers > 0, "clip.random.layers", "must be > 0");
        s.check(heads > 0 && hidden % heads == 0, "clip.random.heads", "must be > 0 and divide clip.random.hidden.size=" + hidden);
        s.check(patch > 0, "clip.random.patch.size", "must be > 0");
        s.check(image >= patch, "clip.random.image.size", "must be >= clip.random.patch.size=" + patch);
        ClipVisionConfig random = new ClipVisionConfig(hidden, 4 * hidden, layers, heads, 3, image, patch, 1e-5, "quick_gelu",
                Math.max(1, hidden / 2));
        return new EmbeddingConfig(s.getOptional("clip.model"), feature, batch, partitions, random, s.getLong("clip.random.seed"));
    }
}
