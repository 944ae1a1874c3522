package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.PerHemisphere;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.train.SubjectCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fbnet checkpoints} and {@code fbnet predict} after a user's run of synth, ingest, project and
 * train with a separate checkpoint root ({@code --checkpoints}).
 */
class CheckpointCommandsTest extends SparkTestBase {
    @TempDir
    static java.nio.file.Path tmp;
    private static String out, ckpt, features;

    private static void ok(String... argv) {
        FbnetRun.of(argv).expect(ExitCode.OK);
    }

    @BeforeAll
    static void trainWithACheckpointRoot() {
        String data = tmp.resolve("data").toString();
        out = tmp.resolve("out").toUri().toString();
        ckpt = tmp.resolve("ckpt").toUri().toString();
        ok("synth", "--out", data, "--features-only", "--feature-dim", "20", "--train", "50", "--test", "7", "--lh", "30", "--rh", "40");
        ok("ingest", "--input", data, "--output", out, "--truth", data + "/truth");
        ok("project", "--data", out, "--image-components", "10", "--fmri-components", "5", "--set", "pca.power.iterations=2");
        ok("train", "--data", out, "--checkpoints", ckpt, "--epochs", "2", "--set", "train.batch.size=16",
                "--set", "network.width.factor=1", "--set", "train.validation.fraction=0.1");
        features = data + "/subj01/test_split/test_features.npy";
    }

    @Test
    void checkpointsListsEachModelsVersionsFromTheOutputRootWithItsCheckpointRootOrFromTheCheckpointRoot() {
        String listed = FbnetRun.of("checkpoints", "--data", out, "--checkpoints", ckpt).expect(ExitCode.OK).out();
        List<String> lines = listed.lines().toList();
        assertTrue(lines.get(0).startsWith("checkpoints under ") && lines.get(0).contains("ckpt/models/fbnet"), listed);
        for (String model : List.of("pretrained", "subj01", "subj02")) assertTrue(lines.contains(model), listed);
        List<String> versions = lines.stream().filter(l -> l.startsWith("  * ")).toList();
        assertEquals(3, versions.size(), listed);
        String pretrained = versions.get(0).substring(4).split("\\s+")[0];
        assertTrue(versions.get(1).endsWith(pretrained) && versions.get(2).endsWith(pretrained), "each subject names its parent:\n" + listed);

        assertEquals(listed, FbnetRun.of("checkpoints", "--data", ckpt).expect(ExitCode.OK).out(), "the checkpoint root alone");
        String one = FbnetRun.of("checkpoints", "--data", ckpt, "--subject", "subj02").expect(ExitCode.OK).out();
        assertEquals(List.of("subj02"), one.lines().filter(l -> !l.startsWith(" ") && !l.startsWith("checkpoints")).toList(), one);

        FbnetRun none = FbnetRun.of("checkpoints", "--data", out).expect(ExitCode.NO_INPUT);
        assertTrue(none.err().contains("no published models; run fbnet train"), none.err());
    }

    @Test
    void predictWritesTheCheckpointsPredictionInTheAlgonautsLayout() throws Exception {
        String pred = tmp.resolve("pred").toString();
        String printed = FbnetRun.of("predict", "--data", out, "--checkpoints", ckpt, "--subject", "subj01", "--features", features,
                "--out", pred).expect(ExitCode.OK).out();
        assertTrue(printed.startsWith("subj01 v="), printed);

        var conf = HadoopConf.create();
        PerHemisphere<float[][]> expected = SubjectCheckpoint.load(ckpt, "fbnet", "subj01", SubjectCheckpoint.LATEST)
                .predict(NpyReader.readMatrix(new Path(features), conf));
        float[][] lh = NpyReader.readMatrix(new Path(pred + "/subj01/lh_pred_test.npy"), conf);
        float[][] rh = NpyReader.readMatrix(new Path(pred + "/subj01/rh_pred_test.npy"), conf);
        assertEquals(7, lh.length);
        assertEquals(30, lh[0].length);
        assertEquals(40, rh[0].length);
        for (int i = 0; i < lh.length; i++) {
            assertArrayEquals(expected.lh()[i], lh[i]);
            assertArrayEquals(expected.rh()[i], rh[i]);
        }
        Manifest m = Manifest.read(new Path(pred, "subj01"), conf);
        assertEquals(SubjectCheckpoint.PREDICTIONS_KIND, m.kind());
        assertTrue(printed.contains(m.getMap("checkpoint").get("version").toString()), printed);
    }

    @Test
    void predictNamesAWrongFeatureFileAnUnknownVersionAndAMissingSubject() throws Exception {
        String bad = tmp.resolve("bad.npy").toString();
        NpyWriter.write(new Path(bad), HadoopConf.create(), new float[10], 2, 5);
        FbnetRun r = FbnetRun.of("predict", "--data", ckpt, "--subject", "subj01", "--features", bad, "--out", tmp.resolve("p2").toString())
                .expect(ExitCode.DATA);
        assertTrue(r.err().contains(bad) && r.err().contains("5 feature values") && r.err().contains("takes 20"), r.err());
        assertFalse(Files.exists(tmp.resolve("p2/subj01")));

        r = FbnetRun.of("predict", "--data", ckpt, "--subject", "subj01", "--version", "20200101T000000.000Z-00000000", "--features", features,
                "--out", tmp.resolve("p3").toString()).expect(ExitCode.DATA);
        assertTrue(r.err().contains("no such published version"), r.err());

        r = FbnetRun.of("predict", "--data", ckpt, "--subject", "subj09", "--features", features, "--out", tmp.resolve("p4").toString())
                .expect(ExitCode.NO_INPUT);
        assertTrue(r.err().contains("no checkpoint of subj09") && r.err().contains("pretrained, subj01, subj02"), r.err());
    }
}
