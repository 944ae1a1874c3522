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
import org.fbnet.stage.Pipeline;
import org.fbnet.testing.StageRunner;
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

    private static Map<Integer, float[]> current(DataRoot root, String outputId) throws Exception {
        return read(new Path(root.current(outputId, "fbnet embed").toString()));
    }

    @Test
    void embedsEachSubjectsImagesOnceIncrementallyWithOneModelLoadPerJvm(@TempDir java.nio.file.Path dir) throws Exception {
        DataRoot root = DataRoot.of(dir.resolve("out").toUri().toString(), HadoopConf.create());
        Map<Integer, byte[]> pngs = ImageIndexFixture.write(spark, dir, root, Map.of("subj01", new int[] {10, 11, 12}, "subj02", new int[] {12, 11, 13}));
        ImageEmbedder embedder = new ImageEmbedder(EmbeddingConfig.from(TINY), List.of());
        int loadsBefore = ClipModels.loadCount();

        Pipeline.Report first = StageRunner.run(root, TINY, embedder);
        assertEquals(List.of("embed/subj01", "embed/subj02"), StageRunner.published(first));
        assertTrue(ClipModels.loadCount() - loadsBefore <= 1, "the model was loaded per task, not per JVM");
        Map<Integer, float[]> s1 = current(root, embedder.outputId("subj01")), s2 = current(root, embedder.outputId("subj02"));
        assertEquals(List.of(10, 11, 12), s1.keySet().stream().sorted().toList());
        assertEquals(List.of(11, 12, 13), s2.keySet().stream().sorted().toList());
        // Each id's vector is its own image's embedding (nothing swapped in batching or the shuffle).
        ClipModel model = ClipModel.load(embedder.resolveModel(root), root.conf());
        for (Map<Integer, float[]> stored : List.of(s1, s2)) {
            for (Map.Entry<Integer, float[]> e : stored.entrySet()) {
                float[] want = model.embed(List.of(pngs.get(e.getKey())), List.of("nsd " + e.getKey()), ClipFeature.LAST_HIDDEN_STATE)[0];
                assertEquals(17 * 32, want.length);
                // batches of 3 vs 1 change BLAS summation order (~1e-6); another image would differ by O(1).
                assertArrayEquals(want, e.getValue(), 1e-4f, "NSD id " + e.getKey());
            }
        }
        Manifest m = root.versioned(embedder.outputId("subj01")).current().orElseThrow().manifest();
        assertEquals(model.id(), m.getString("modelId"));
        assertEquals("last_hidden_state", m.getString("feature"));
        assertEquals(3, ((Number) m.metrics().get("images")).intValue());
        assertEquals(17 * 32, ((Number) m.get("featureLength")).intValue());
        assertTrue(m.input("images/subject=subj01") != null && m.input("clip-model") != null, m.inputs().toString());

        assertEquals(List.of(), StageRunner.published(StageRunner.run(root, TINY, embedder)), "nothing changed, nothing published");

        ImageIndexFixture.write(spark, dir, root, Map.of("subj01", new int[] {10, 11, 12}, "subj02", new int[] {12, 11, 13}, "subj03", new int[] {14, 10}));
        assertEquals(List.of("embed/subj03"), StageRunner.published(StageRunner.run(root, TINY, embedder)));
        assertArrayEquals(s1.get(10), current(root, embedder.outputId("subj03")).get(10), 1e-4f);

        Settings pooledSettings = TINY.with("clip.feature", "pooled");
        ImageEmbedder pooled = new ImageEmbedder(EmbeddingConfig.from(pooledSettings), List.of());
        assertEquals(3, StageRunner.published(StageRunner.run(root, pooledSettings, pooled)).size(), "another feature is another output");
        assertNotEquals(embedder.outputId("subj03"), pooled.outputId("subj03"));
        assertEquals(32, current(root, pooled.outputId("subj03")).get(14).length);
    }

    @Test
    void aClipFolderWhoseConfigDisagreesWithItsWeightsFailsOnTheDriverBeforeAnyTask(@TempDir java.nio.file.Path dir) throws Exception {
        DataRoot root = DataRoot.of(dir.resolve("out").toUri().toString(), HadoopConf.create());
        ImageIndexFixture.write(spark, dir, root, Map.of("subj01", new int[] {10, 11, 12}));
        Path model = MismatchedClipFolder.write(new Path(dir.resolve("clip").toUri()), root.conf());
        int loadsBefore = ClipModels.loadCount();
        Settings s = TINY.with("clip.model", model.toString());
        ImageEmbedder embedder = new ImageEmbedder(EmbeddingConfig.from(s), List.of());
        // Before: each task failed loading the model, and the driver saw a SparkException per stage.
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> StageRunner.run(root, s, embedder));
        assertTrue(e.getMessage().contains("'" + MismatchedClipFolder.TENSOR + "' has shape [32, 16] but config.json implies [48, 16]"),
                e.getMessage());
        assertEquals(loadsBefore, ClipModels.loadCount(), "no task tried to load the model");
        assertFalse(new java.io.File(dir.resolve("out").toFile(), "embeddings").exists());
    }
}
