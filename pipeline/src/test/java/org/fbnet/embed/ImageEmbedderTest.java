package org.fbnet.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.fbnet.clip.ClipFeature;
import org.fbnet.clip.ClipModel;
import org.fbnet.clip.ClipModels;
import org.fbnet.clip.EmbeddingConfig;
import org.fbnet.clip.MismatchedClipFolder;
import org.fbnet.clip.SafeTensorsException;
import org.fbnet.config.Settings;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageEmbedderTest extends SparkTestBase {
    private static final Settings TINY = Settings.defaults()
            .with("clip.random.hidden.size", "32").with("clip.random.layers", "1").with("clip.random.heads", "2")
            .with("clip.random.image.size", "32").with("clip.random.patch.size", "8")
            .with("clip.batch.size", "3").with("clip.partitions", "3");

    private static Map<Integer, float[]> read(Path dataset) {
        Map<Integer, float[]> m = new HashMap<>();
        for (Row r : spark.read().parquet(dataset.toString()).collectAsList()) {
            float[] f = new float[r.getList(1).size()];
            List<Float> l = r.getList(1);
            for (int i = 0; i < f.length; i++) f[i] = l.get(i);
            assertNull(m.put(r.getInt(0), f), "NSD id " + r.getInt(0) + " stored twice");
        }
        return m;
    }

    @Test
    void embedsEachNsdIdOnceIncrementallyWithOneModelLoadPerJvm(@TempDir java.nio.file.Path dir) throws Exception {
        DataRoot root = DataRoot.of(dir.resolve("out").toUri().toString(), HadoopConf.create());
        Map<Integer, byte[]> pngs = ImageIndexFixture.write(spark, dir, root, Map.of("subj01", new int[] {10, 11, 12}, "subj02", new int[] {12, 11, 13}));
        ImageEmbedder embedder = new ImageEmbedder(EmbeddingConfig.from(TINY));
        int loadsBefore = ClipModels.loadCount();

        ImageEmbedder.Result first = embedder.run(spark, root);
        assertEquals(4, first.images());
        assertEquals(4, first.embedded());
        assertTrue(ClipModels.loadCount() - loadsBefore <= 1, "the model was loaded per task, not per JVM");
        Map<Integer, float[]> stored = read(first.dataset());
        assertEquals(List.of(10, 11, 12, 13), stored.keySet().stream().sorted().toList());
        // Each id's vector is its own image's embedding (nothing swapped in batching or the shuffle).
        ClipModel model = ClipModel.load(first.modelDir(), root.conf());
        for (Map.Entry<Integer, float[]> e : stored.entrySet()) {
            float[] want = model.embed(List.of(pngs.get(e.getKey())), List.of("nsd " + e.getKey()), ClipFeature.LAST_HIDDEN_STATE)[0];
            assertEquals(17 * 32, want.length);
            // batches of 3 vs 1 change BLAS summation order (~1e-6); another image would differ by O(1).
            assertArrayEquals(want, e.getValue(), 1e-4f, "NSD id " + e.getKey());
        }
        Manifest m = Manifest.read(first.part(), root.conf());
        assertEquals(first.modelId(), m.getString("modelId"));
        assertEquals("last_hidden_state", m.getString("feature"));
        assertEquals(4, ((Number) m.get("images")).intValue());
        assertEquals(17 * 32, ((Number) m.get("featureLength")).intValue());
        assertEquals(root.embeddings(first.modelId(), "last_hidden_state"), first.dataset());

        ImageEmbedder.Result again = embedder.run(spark, root);
        assertEquals(0, again.embedded());
        assertNull(again.part());

        ImageIndexFixture.write(spark, dir, root, Map.of("subj01", new int[] {10, 11, 12}, "subj02", new int[] {12, 11, 13}, "subj03", new int[] {14, 10}));
        ImageEmbedder.Result third = embedder.run(spark, root);
        assertEquals(5, third.images());
        assertEquals(4, third.alreadyEmbedded());
        assertEquals(1, third.embedded());
        assertNotEquals(first.part(), third.part());
        Map<Integer, float[]> all = read(third.dataset());
        assertEquals(List.of(10, 11, 12, 13, 14), all.keySet().stream().sorted().toList());
        assertArrayEquals(stored.get(11), all.get(11));

        ImageEmbedder pooled = new ImageEmbedder(EmbeddingConfig.from(TINY.with("clip.feature", "pooled")));
        ImageEmbedder.Result p = pooled.run(spark, root);
        assertEquals(5, p.embedded());
        assertEquals(first.modelId(), p.modelId());
        assertNotEquals(first.dataset(), p.dataset());
        assertEquals(32, read(p.dataset()).get(14).length);
    }

    @Test
    void aClipFolderWhoseConfigDisagreesWithItsWeightsFailsOnTheDriverBeforeAnyTask(@TempDir java.nio.file.Path dir) throws Exception {
        DataRoot root = DataRoot.of(dir.resolve("out").toUri().toString(), HadoopConf.create());
        ImageIndexFixture.write(spark, dir, root, Map.of("subj01", new int[] {10, 11, 12}));
        Path model = MismatchedClipFolder.write(new Path(dir.resolve("clip").toUri()), root.conf());
        int loadsBefore = ClipModels.loadCount();
        ImageEmbedder embedder = new ImageEmbedder(EmbeddingConfig.from(TINY.with("clip.model", model.toString())));
        // Before: each task failed loading the model, and the driver saw a SparkException per stage.
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> embedder.run(spark, root));
        assertTrue(e.getMessage().contains("'" + MismatchedClipFolder.TENSOR + "' has shape [32, 16] but config.json implies [48, 16]"),
                e.getMessage());
        assertEquals(loadsBefore, ClipModels.loadCount(), "no task tried to load the model");
        assertFalse(new java.io.File(dir.resolve("out").toFile(), "embeddings").exists());
    }
}
