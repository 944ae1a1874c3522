package org.fbnet.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.store.HadoopConf;
import org.fbnet.train.FbnetModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs written by earlier builds, kept in test resources: they still load (and predict exactly what
 * the build that wrote them predicted), or are refused with a message naming the format version. A
 * change that breaks reading what users already have on their storage fails here.
 * <p>{@code golden/fbnet-model-v1} was written by commit 122662c (manifest format 1, before versioned
 * outputs), with the predictions that build made; {@code golden/fbnet-model-v1-manifest2} by the first
 * build with unit manifests; {@code golden/pca-model-v1} (PcaModelTest) by the first PCA build.
 */
class PersistedFormatsTest {
    private final Configuration conf = HadoopConf.create();

    private Path golden(String name) throws Exception {
        return new Path(getClass().getResource("/golden/" + name).toURI());
    }

    @Test
    void aModelSavedBeforeVersionedOutputsLoadsAndPredictsWhatItsBuildPredicted() throws Exception {
        FbnetModel m = FbnetModel.load(golden("fbnet-model-v1"), conf);
        List<String> lines = Files.readAllLines(java.nio.file.Path.of(golden("fbnet-model-v1").toUri()).resolve("predictions.txt"));
        float[][] x = rows(lines, "x "), lh = rows(lines, "lh "), rh = rows(lines, "rh ");
        FbnetModel.Prediction p = m.predict(x, "subj01", 1, 3);
        for (int i = 0; i < x.length; i++) {
            // Bit-exact: the same parameters and seeded noise through the same network.
            assertEquals(java.util.Arrays.toString(lh[i]), java.util.Arrays.toString(p.lh()[i]), "lh row " + i);
            assertEquals(java.util.Arrays.toString(rh[i]), java.util.Arrays.toString(p.rh()[i]), "rh row " + i);
        }
        Manifest man = Manifest.read(golden("fbnet-model-v1"), conf);
        assertEquals(1, man.manifestVersion());
        assertEquals(null, man.unit(), "format 1 had no units");
        assertEquals(List.of(), man.inputs());
    }

    @Test
    void aUnitManifestReadsWithItsTypedFields() throws Exception {
        Manifest m = Manifest.read(golden("fbnet-model-v1-manifest2"), conf);
        assertEquals(2, m.manifestVersion());
        assertEquals(FbnetModel.KIND, m.kind());
        assertEquals("finetune/subj01", m.unit());
        assertEquals("f".repeat(64), m.fingerprint());
        InputRef parent = m.input("models/fbnet/pretrained");
        assertEquals("20261203T000000.000Z-11111111", parent.version());
        assertEquals("b".repeat(64), parent.fingerprint());
        assertEquals(Map.of("train.epochs", "2"), m.settings());
        assertEquals(5L, m.seed());
        assertTrue(((String) m.code().get("commit")).matches("[0-9a-f]{40}.*"), m.code().toString());
        assertTrue(m.version().matches("\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{8}"), m.version());
        assertTrue(m.metrics().get("validationR") instanceof Number, m.metrics().toString());
        FbnetModel model = FbnetModel.load(golden("fbnet-model-v1-manifest2"), conf);
        assertEquals(List.of("subj01"), model.subjects());
    }

    @Test
    void formatsNewerThanThisBuildAreRefusedNamingTheVersion(@TempDir java.nio.file.Path tmp) throws Exception {
        String json = Files.readString(java.nio.file.Path.of(golden("fbnet-model-v1-manifest2").toUri()).resolve(Manifest.FILE_NAME));
        Manifest.UnreadableFormatException e = assertThrows(Manifest.UnreadableFormatException.class, () -> Manifest.fromJson(
                new ByteArrayInputStream(json.replace("\"manifestVersion\" : 2", "\"manifestVersion\" : 3").getBytes(StandardCharsets.UTF_8)),
                "the manifest"));
        assertTrue(e.getMessage().contains("manifest format 3") && e.getMessage().contains("formats 1 to 2"), e.getMessage());

        java.nio.file.Path model = tmp.resolve("model");
        Files.createDirectories(model);
        java.nio.file.Path src = java.nio.file.Path.of(golden("fbnet-model-v1-manifest2").toUri());
        Files.copy(src.resolve("graph.zip"), model.resolve("graph.zip"));
        Files.writeString(model.resolve(Manifest.FILE_NAME), json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
        Manifest.UnreadableFormatException f = assertThrows(Manifest.UnreadableFormatException.class,
                () -> FbnetModel.load(new Path(model.toUri()), conf));
        assertTrue(f.getMessage().contains("fbnet-model format version 2") && f.getMessage().contains("newer fbnet"), f.getMessage());
    }

    private static float[][] rows(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> {
            String[] f = l.substring(prefix.length()).split(" ");
            float[] r = new float[f.length];
            for (int i = 0; i < f.length; i++) r[i] = Float.intBitsToFloat(Integer.parseInt(f[i]));
            return r;
        }).toArray(float[][]::new);
    }
}
