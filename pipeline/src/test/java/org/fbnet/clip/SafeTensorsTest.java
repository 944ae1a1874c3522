package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    private static final Configuration CONF = HadoopConf.create();
    private static final ClipVisionConfig TINY = new ClipVisionConfig(16, 32, 2, 2, 3, 16, 8, 1e-5, "quick_gelu", 8);

    /** A CLIPModel-like file numpy wrote (golden_refs/safetensors_file.py): text tower, I64, 0-d, F16 and BF16 tensors. */
    private static void readsWhatNumpyWrote(java.nio.file.Path refs) throws Exception {
        JsonNode expected = Golden.json(refs.resolve("expected.json"));
        SafeTensors st = SafeTensors.open(new Path(refs.resolve("m.safetensors").toString()), CONF);
        assertEquals(Map.of("format", "pt"), st.metadata());
        assertArrayEquals(new long[0], st.tensor("logit_scale").shape());
        assertEquals(2.6592f, st.readFloats("logit_scale")[0]);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, st.readLongs("vision_model.embeddings.position_ids"));
        assertArrayEquals(new long[] {2, 3}, st.tensor("text_model.embeddings.token_embedding.weight").shape());
        assertArrayEquals(Golden.floats(expected.get("token_embedding")), st.readFloats("text_model.embeddings.token_embedding.weight"));
        assertArrayEquals(Golden.floats(expected.get("half")), st.readFloats("half"), "F16");
        assertArrayEquals(Golden.floats(expected.get("brain")), st.readFloats("brain"), "BF16");
    }

    @Test
    void readsF32F16Bf16AndI64AsNumpyWroteThem() throws Exception {
        readsWhatNumpyWrote(Golden.dir("safetensors"));
    }

    @Test
    @Tag(Python.TAG)
    void readsWhatLiveNumpyWrites(@TempDir java.nio.file.Path dir) throws Exception {
        readsWhatNumpyWrote(Golden.live("safetensors", dir));
    }

    @Test
    void halfToFloatCoversSubnormalsInfinityAndNan() {
        assertEquals(0x1p-24f, SafeTensors.halfToFloat((short) 0x0001));
        assertEquals(-2.0f, SafeTensors.halfToFloat((short) 0xc000));
        assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7bff));
        assertEquals(Float.POSITIVE_INFINITY, SafeTensors.halfToFloat((short) 0x7c00));
        assertTrue(Float.isNaN(SafeTensors.halfToFloat((short) 0x7e00)));
    }

    private static Path randomModel(java.nio.file.Path dir) throws Exception {
        Path m = new Path(dir.resolve("model").toString());
        ClipModels.writeRandom(m, TINY, 1, CONF);
        return m;
    }

    private static List<SafeTensors.Entry> entriesOf(Path weights) throws Exception {
        SafeTensors st = SafeTensors.open(weights, CONF);
        List<SafeTensors.Entry> e = new ArrayList<>();
        for (SafeTensors.Tensor t : st.tensors().values()) e.add(new SafeTensors.Entry(t.name(), t.dtype(), t.shape(), st.readBytes(t.name())));
        return e;
    }

    @Test
    void loaderSkipsTextTowerPositionIdsAndLogitScale(@TempDir java.nio.file.Path dir) throws Exception {
        Path m = randomModel(dir);
        Path w = new Path(m, ClipModel.WEIGHTS);
        float[][] before = ClipModel.load(m, CONF).vision().features(new float[3 * 16 * 16], 1, ClipFeature.LAST_HIDDEN_STATE);
        List<SafeTensors.Entry> e = entriesOf(w);
        e.add(0, SafeTensors.Entry.f32("text_model.embeddings.token_embedding.weight", new float[12], 4, 3));
        e.add(SafeTensors.Entry.i64("vision_model.embeddings.position_ids", new long[] {0, 1, 2, 3, 4}, 1, 5));
        e.add(SafeTensors.Entry.f32("logit_scale", new float[] {2.6592f}));
        SafeTensors.write(w, CONF, e, Map.of());
        float[][] after = ClipModel.load(m, CONF).vision().features(new float[3 * 16 * 16], 1, ClipFeature.LAST_HIDDEN_STATE);
        assertArrayEquals(before[0], after[0]);
    }

    @Test
    void aFileThatIsNotSafetensorsIsRejectedByName(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("pytorch_model.bin");
        Files.write(f, "PK\u0003\u0004 this is a zip archive, as torch.save writes".getBytes());
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(new Path(f.toString()), CONF));
        assertTrue(e.getMessage().contains("pytorch_model.bin") && e.getMessage().contains("not a safetensors file"), e.getMessage());
        Files.write(f, new byte[] {1, 2, 3});
        assertThrows(SafeTensorsException.class, () -> SafeTensors.open(new Path(f.toString()), CONF));
    }

    @Test
    void aTruncatedFileIsRejectedAtOpen(@TempDir java.nio.file.Path dir) throws Exception {
        Path m = randomModel(dir);
        java.nio.file.Path w = dir.resolve("model").resolve(ClipModel.WEIGHTS);
        byte[] all = Files.readAllBytes(w);
        Files.write(w, Arrays.copyOf(all, all.length - 100));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ClipModel.load(m, CONF));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(ClipModel.WEIGHTS), e.getMessage());
    }

    @Test
    void aMissingTensorIsNamed(@TempDir java.nio.file.Path dir) throws Exception {
        Path m = randomModel(dir);
        Path w = new Path(m, ClipModel.WEIGHTS);
        List<SafeTensors.Entry> e = entriesOf(w);
        e.removeIf(t -> t.name().equals("vision_model.encoder.layers.1.mlp.fc2.bias"));
        SafeTensors.write(w, CONF, e, Map.of());
        SafeTensorsException ex = assertThrows(SafeTensorsException.class, () -> ClipModel.load(m, CONF));
        assertTrue(ex.getMessage().contains("has no tensor 'vision_model.encoder.layers.1.mlp.fc2.bias'"), ex.getMessage());
    }

    @Test
    void aShapeThatContradictsTheConfigIsNamed(@TempDir java.nio.file.Path dir) throws Exception {
        Path m = randomModel(dir);
        Path w = new Path(m, ClipModel.WEIGHTS);
        List<SafeTensors.Entry> e = entriesOf(w);
        e.replaceAll(t -> t.name().equals("vision_model.encoder.layers.0.mlp.fc1.weight")
                ? SafeTensors.Entry.f32(t.name(), new float[16 * 33], 33, 16) : t);
        SafeTensors.write(w, CONF, e, Map.of());
        SafeTensorsException ex = assertThrows(SafeTensorsException.class, () -> ClipModel.load(m, CONF));
        assertTrue(ex.getMessage().contains("'vision_model.encoder.layers.0.mlp.fc1.weight' has shape [33, 16]")
                && ex.getMessage().contains("[32, 16]"), ex.getMessage());
    }

    @Test
    void validateChecksConfigAgainstTheWeightsHeaderBeforeAnyLoad(@TempDir java.nio.file.Path dir) throws Exception {
        ClipModel.validate(randomModel(dir), CONF);
        Path bad = MismatchedClipFolder.write(new Path(dir.resolve("mismatched").toString()), CONF);
        SafeTensorsException ex = assertThrows(SafeTensorsException.class, () -> ClipModel.validate(bad, CONF));
        assertEquals(new Path(bad, ClipModel.WEIGHTS) + ": tensor '" + MismatchedClipFolder.TENSOR + "' has shape [32, 16]"
                + " but config.json implies [48, 16]: the weights do not match config.json", ex.getMessage());
        org.fbnet.data.MissingInputException gone = assertThrows(org.fbnet.data.MissingInputException.class,
                () -> ClipModel.validate(new Path(dir.resolve("gone").toString()), CONF));
        assertTrue(gone.getMessage().endsWith("gone: CLIP model folder not found"), gone.getMessage());
    }

    @Test
    void moreLayersThanTheConfigSaysIsAnError(@TempDir java.nio.file.Path dir) throws Exception {
        Path m = randomModel(dir);
        Path w = new Path(m, ClipModel.WEIGHTS);
        List<SafeTensors.Entry> e = entriesOf(w);
        e.add(SafeTensors.Entry.f32("vision_model.encoder.layers.2.mlp.fc2.bias", new float[16], 16));
        SafeTensors.write(w, CONF, e, Map.of());
        SafeTensorsException ex = assertThrows(SafeTensorsException.class, () -> ClipModel.load(m, CONF));
        assertTrue(ex.getMessage().contains("layers.2"), ex.getMessage());
    }

    @Test
    void aWeightsFileOfAnotherModelSaysSo(@TempDir java.nio.file.Path dir) throws Exception {
        Path m = randomModel(dir);
        SafeTensors.write(new Path(m, ClipModel.WEIGHTS), CONF,
                List.of(SafeTensors.Entry.f32("bert.embeddings.word_embeddings.weight", new float[6], 2, 3)), Map.of());
        SafeTensorsException ex = assertThrows(SafeTensorsException.class, () -> ClipModel.load(m, CONF));
        assertTrue(ex.getMessage().contains("no vision_model.* tensors"), ex.getMessage());
    }

    @Test
    void inconsistentDataOffsetsAreRejected(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("bad.safetensors");
        byte[] h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}".getBytes();
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(8 + h.length + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bb.putLong(h.length).put(h);
        Files.write(f, bb.array());
        SafeTensorsException ex = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(new Path(f.toString()), CONF));
        assertTrue(ex.getMessage().contains("needs 16 bytes"), ex.getMessage());
        assertFalse(ex.getMessage().isEmpty());
    }
}
