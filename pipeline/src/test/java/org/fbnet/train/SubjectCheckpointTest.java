package org.fbnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.PerHemisphere;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.eval.VertexScores;
import org.fbnet.pca.PcaModel;
import org.fbnet.pca.Project;
import org.fbnet.pca.Projection;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.provenance.ContentHash;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Stage;
import org.fbnet.store.DataRoot;
import org.fbnet.store.StagedDirectory;
import org.fbnet.store.Version;
import org.fbnet.store.VersionedDir;
import org.fbnet.subject.Subject;
import org.fbnet.subject.SubjectLoader;
import org.fbnet.synth.SynthConfig;
import org.fbnet.synth.SyntheticDataset;
import org.fbnet.testing.KilledWriter;
import org.fbnet.testing.MiniHdfs;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.testing.StageRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints on a real HDFS ({@code train.checkpoint.root} on a MiniDFSCluster) while the output root
 * stays on the local disk: the pipeline on generated features-only data (ingest, project, pretrain,
 * finetune) publishes each subject's self-contained checkpoint there, and {@link SubjectCheckpoint}
 * loads it back and predicts exactly what the trainer's model and PCAs predict. The methods run in
 * order on one training: the last ones publish further versions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubjectCheckpointTest extends SparkTestBase {
    private static final List<String> SUBJECTS = List.of("subj01", "subj02");
    @TempDir
    static java.nio.file.Path tmp;
    private static Settings settings;
    private static SyntheticDataset.Result data;
    /** The output root (local), with its models under the HDFS checkpoint root. */
    private static DataRoot root;
    private static Path checkpoints;

    @BeforeAll
    static void trainOntoHdfs() throws Exception {
        checkpoints = MiniHdfs.newDir("checkpoints");
        settings = Settings.defaults()
                .with("synth.features.only", "true").with("synth.feature.dim", "24").with("synth.train", "60").with("synth.test", "9")
                .with("synth.lh", "40").with("synth.rh", "50")
                .with("pca.image.components", "12").with("pca.fmri.components", "6").with("pca.power.iterations", "2")
                .with("train.epochs", "2").with("train.batch.size", "16").with("train.validation.fraction", "0.1")
                .with("network.width.factor", "1").with(FbnetPipeline.CHECKPOINT_ROOT, checkpoints.toString());
        Configuration conf = MiniHdfs.conf();
        data = new SyntheticDataset(SynthConfig.from(settings)).generate(new Path(tmp.resolve("data").toUri()), conf);
        root = FbnetPipeline.root(DataRoot.of(tmp.resolve("out").toUri().toString(), conf), settings);
        run(settings);
    }

    private static void run(Settings s) throws Exception {
        FbnetPipeline.Source source = new FbnetPipeline.Source(new Path(data.subjects().get(0).getParent().toString()), data.truth());
        StageRunner.run(root, s, FbnetPipeline.of(List.of(FbnetPipeline.INGEST, FbnetPipeline.PROJECT, FbnetPipeline.PRETRAIN,
                FbnetPipeline.FINETUNE), s, source, root).stages().toArray(Stage[]::new));
    }

    private static float[][] testFeatures(String subject) throws IOException {
        Path dir = new Path(data.subjects().get(SUBJECTS.indexOf(subject)).toString());
        return NpyReader.readMatrix(new Path(dir, "test_split/test_features.npy"), root.conf());
    }

    private static Version current(String outputId) throws IOException {
        return root.versioned(outputId).current().orElseThrow();
    }

    /** The input a version's manifest names under an id prefix. */
    private static InputRef input(Version v, String prefix) {
        return v.manifest().inputs().stream().filter(i -> i.id().startsWith(prefix)).findFirst().orElseThrow();
    }

    private static void assertSamePrediction(PerHemisphere<float[][]> expected, PerHemisphere<float[][]> actual, String what) {
        for (Hemisphere h : Hemisphere.values()) {
            float[][] e = expected.get(h), a = actual.get(h);
            assertEquals(e.length, a.length, what + " " + h.code() + " rows");
            for (int i = 0; i < e.length; i++) assertArrayEquals(e[i], a[i], what + " " + h.code() + " row " + i);
        }
    }

    @Test
    @Order(1)
    void everySubjectsCheckpointIsOnHdfsAndPredictsExactlyAsTheTrainedModelAndItsPcas() throws Exception {
        FileSystem hdfs = checkpoints.getFileSystem(root.conf());
        assertTrue(hdfs.exists(new Path(checkpoints, "models/fbnet/pretrained/" + VersionedDir.CURRENT)));
        assertFalse(new Path(root.root(), DataRoot.MODELS).getFileSystem(root.conf()).exists(new Path(root.root(), DataRoot.MODELS)),
                "no models under the output root");

        List<Checkpoints.Entry> listed = Checkpoints.list(root, "fbnet", null);
        assertEquals(List.of("pretrained", "subj01", "subj02"), listed.stream().map(Checkpoints.Entry::model).toList());
        String pretrained = listed.get(0).id();
        assertFalse(listed.get(0).predicts(), "the pre-trained model has no subject's PCAs");
        for (Checkpoints.Entry e : listed.subList(1, 3)) {
            assertTrue(e.current() && e.predicts(), e.toString());
            assertEquals(pretrained, e.parentVersion(), e.toString());
            assertNotNull(e.validationScore(), "synthetic data has noise ceilings");
            assertNotNull(e.testScore(), "test responses were given (truth folder)");
        }

        for (String subject : SUBJECTS) {
            SubjectCheckpoint c = SubjectCheckpoint.load(checkpoints.toString(), "fbnet", subject, SubjectCheckpoint.LATEST);
            assertEquals(current(DataRoot.model("fbnet", subject)).id(), c.version());
            float[][] features = testFeatures(subject);
            PerHemisphere<float[][]> predicted = c.predict(features);

            // The same prediction from the trainer's model and the PCAs as the output root holds them.
            Version latents = current(DataRoot.subjectDataset(DataRoot.LATENTS, subject));
            InputRef imageRef = input(latents, "pca/image/"), fmriRef = input(latents, "pca/fmri/");
            PcaModel image = PcaModel.load(root.versioned(imageRef.id()).version(imageRef.version()).path(), root.conf());
            Map<Hemisphere, Projection> fmri = Project.loadFmriProjections(root.versioned(fmriRef.id()).version(fmriRef.version()), subject,
                    root.conf());
            FbnetModel model = FbnetModel.load(root.current(DataRoot.model("fbnet", subject), "train"), root.conf());
            FbnetModel.Prediction latentPrediction = model.predict(image.transform(features), subject);
            assertSamePrediction(new PerHemisphere<>(fmri.get(Hemisphere.LH).inverseTransform(latentPrediction.lh()),
                    fmri.get(Hemisphere.RH).inverseTransform(latentPrediction.rh())), predicted, subject + " from features");

            // What compare scores as this model's test prediction: from the latents Spark projected, decoded by the loader's PCAs.
            Subject s = new SubjectLoader(spark, root, 0.1).load(subject);
            FbnetModel.Prediction fromLatents = model.predict(s.test().x(), subject);
            PerHemisphere<float[][]> trainerPath = new PerHemisphere<>(s.decoders().lh().inverseTransform(fromLatents.lh()),
                    s.decoders().rh().inverseTransform(fromLatents.rh()));
            assertSamePrediction(trainerPath, c.predictFromLatents(s.test().x()), subject + " from latents");
            float[][] x = image.transform(features);
            for (int i = 0; i < x.length; i++) assertArrayEquals(s.test().x()[i], x[i], subject + ": the latents' x of test row " + i);
            assertSamePrediction(trainerPath, predicted, subject + " from features, as compare predicts");

            // The recorded test score is the test responses' mean noise-normalized accuracy of these predictions.
            double sum = 0;
            int n = 0;
            for (Hemisphere h : Hemisphere.values()) {
                double[] r = VertexScores.pearson(predicted.get(h), s.test().vertices().get(h));
                for (double v : VertexScores.noiseNormalized(r, s.ceilings().get(h))) sum += v;
                n += r.length;
            }
            assertEquals(sum / n, ((Number) c.manifest().metrics().get("testScore")).doubleValue(), 1e-9);
        }
    }

    @Test
    @Order(2)
    void theManifestNamesParentPcasAndDataByVersionAndContentHash() throws Exception {
        Version pretrained = current(DataRoot.model("fbnet", TrainStage.PRETRAINED));
        Version v = current(DataRoot.model("fbnet", "subj01"));
        Manifest m = v.manifest();
        Map<String, Object> parent = m.getMap(CheckpointContents.PARENT);
        assertEquals(pretrained.id(), parent.get("version"));
        assertEquals(pretrained.manifest().getMap(CheckpointContents.CONTENT).get("sha256"), parent.get("contentHash"));
        assertEquals(ContentHash.of(pretrained.path(), root.conf()).sha256(), parent.get("contentHash"), "the parent's bytes as they are now");

        Version latents = current(DataRoot.subjectDataset(DataRoot.LATENTS, "subj01"));
        @SuppressWarnings("unchecked")
        Map<String, Object> trainedOn = ((List<Map<String, Object>>) m.get(CheckpointContents.TRAINED_ON)).get(0);
        assertEquals(latents.id(), trainedOn.get("version"));
        assertEquals(ContentHash.of(latents.path(), root.conf()).sha256(), trainedOn.get("contentHash"));

        Map<String, Object> predictor = m.getMap(CheckpointContents.PREDICTOR);
        for (String pca : List.of("imagePca", "fmriPca")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) predictor.get(pca);
            InputRef source = input(latents, pca.equals("imagePca") ? "pca/image/" : "pca/fmri/");
            assertEquals(source.version(), p.get("version"), pca + " is the version the latents were made with");
            assertEquals(ContentHash.of(root.versioned(source.id()).version(source.version()).path(), root.conf()).sha256(), p.get("contentHash"),
                    pca + ": the copy holds the source's bytes");
        }
        assertEquals("subject", predictor.get("fmriSpace"));
        assertEquals(42L, m.seed());
        assertNotNull(m.code().get("commit"));
        assertNotNull(m.createdAt());
        assertNotNull(m.metrics().get("validationScore"));
        ContentHash content = CheckpointContents.contentOf(m, v.path().toString());
        assertTrue(content.files().stream().anyMatch(f -> f.path().equals(FbnetModel.GRAPH_FILE)));
        assertTrue(content.files().stream().anyMatch(f -> f.path().equals("pca/image/components.npy")));
        assertTrue(content.files().stream().anyMatch(f -> f.path().equals("pca/fmri/lh/components.npy")));
    }

    @Test
    @Order(3)
    void aCopiedVersionPredictsOnItsOwnAndADamagedCopyIsRefusedNamingTheFile() throws Exception {
        SubjectCheckpoint onHdfs = SubjectCheckpoint.load(root, "fbnet", "subj02", null);
        Path copy = new Path(tmp.resolve("copy").toUri());
        FileUtil.copy(checkpoints.getFileSystem(root.conf()), onHdfs.path(), copy.getFileSystem(root.conf()), copy, false, root.conf());
        float[][] features = testFeatures("subj02");
        assertSamePrediction(onHdfs.predict(features), SubjectCheckpoint.load(copy, root.conf()).predict(features), "the local copy");

        java.nio.file.Path components = tmp.resolve("copy/pca/image/components.npy");
        byte[] bytes = java.nio.file.Files.readAllBytes(components);
        bytes[bytes.length - 1] ^= 1;
        java.nio.file.Files.write(components, bytes);
        IOException e = assertThrows(IOException.class, () -> SubjectCheckpoint.load(copy, root.conf()));
        assertTrue(e.getMessage().contains("pca/image/components.npy has other content"), e.getMessage());
        java.nio.file.Files.delete(tmp.resolve("copy/pca/fmri/rh/mean.npy"));
        e = assertThrows(IOException.class, () -> SubjectCheckpoint.load(copy, root.conf()));
        assertTrue(e.getMessage().contains("pca/fmri/rh/mean.npy is missing"), e.getMessage());
    }

    @Test
    @Order(4)
    void aWriterKilledMidwayLeavesTheLatestCheckpointLoadableAndItsStagingIsRemovedOnceAbandoned() throws Exception {
        Path dir = root.path(DataRoot.model("fbnet", "subj01"));
        List<Checkpoints.Entry> before = Checkpoints.list(root, "fbnet", "subj01");
        SubjectCheckpoint good = SubjectCheckpoint.load(root, "fbnet", "subj01", SubjectCheckpoint.LATEST);

        Path staging = new Path(KilledWriter.killMidway(dir));
        FileSystem fs = dir.getFileSystem(root.conf());
        assertTrue(fs.exists(new Path(staging, FbnetModel.GRAPH_FILE)), "the killed writer had started the network file");
        assertEquals(before, Checkpoints.list(root, "fbnet", "subj01"), "no new version is visible");
        SubjectCheckpoint after = SubjectCheckpoint.load(root, "fbnet", "subj01", SubjectCheckpoint.LATEST);
        assertEquals(good.version(), after.version());
        float[][] features = testFeatures("subj01");
        assertSamePrediction(good.predict(features), after.predict(features), "the previous good version");

        // Ten minutes without a heartbeat: the next writer beside it removes the staging.
        long old = System.currentTimeMillis() - StagedDirectory.ABANDONED_AFTER.toMillis() - 60_000;
        for (FileStatus st : fs.listStatus(staging.getParent())) fs.setTimes(st.getPath(), old, -1);
        assertTrue(StagedDirectory.cleanAbandoned(dir, root.conf()) >= 1);
        assertFalse(fs.exists(staging));
        assertEquals(before, Checkpoints.list(root, "fbnet", "subj01"));
    }

    @Test
    @Order(5)
    void aNewTrainingAddsAVersionAndTheOlderOneStillLoadsByItsIdUntilRetentionRemovesIt() throws Exception {
        SubjectCheckpoint first = SubjectCheckpoint.load(root, "fbnet", "subj01", SubjectCheckpoint.LATEST);
        String firstParent = Checkpoints.list(root, "fbnet", "subj01").get(0).parentVersion();
        run(settings.with("train.seed", "7"));
        List<Checkpoints.Entry> two = Checkpoints.list(root, "fbnet", "subj01");
        assertEquals(List.of(first.version()), two.stream().filter(e -> !e.current()).map(Checkpoints.Entry::id).toList());
        Checkpoints.Entry latest = two.get(1);
        assertTrue(latest.current());
        assertNotEquals(firstParent, latest.parentVersion(), "fine-tuned from the new pre-training");

        float[][] features = testFeatures("subj01");
        SubjectCheckpoint again = SubjectCheckpoint.load(checkpoints.toString(), "fbnet", "subj01", "v=" + first.version());
        assertSamePrediction(first.predict(features), again.predict(features), "the first version, loaded by id");
        SubjectCheckpoint second = SubjectCheckpoint.load(root, "fbnet", "subj01", SubjectCheckpoint.LATEST);
        assertEquals(latest.id(), second.version());
        assertFalse(java.util.Arrays.deepEquals(first.predict(features).lh(), second.predict(features).lh()), "another seed, another model");

        run(settings.with("train.seed", "8").with("train.checkpoints.keep", "2"));
        List<String> kept = Checkpoints.list(root, "fbnet", "subj01").stream().map(Checkpoints.Entry::id).toList();
        assertEquals(2, kept.size());
        assertEquals(List.of(latest.id()), kept.subList(0, 1), "the oldest went beyond train.checkpoints.keep=2");
        assertTrue(Checkpoints.list(root, "fbnet", "subj01").get(1).current(), "the newest is current");
    }

    @Test
    @Order(6)
    void featuresOfAnotherDimensionAreRefusedNamingWhatTheCheckpointTakes() throws Exception {
        SubjectCheckpoint c = SubjectCheckpoint.load(root, "fbnet", "subj02", SubjectCheckpoint.LATEST);
        assertEquals(24, c.featureDimension());
        RuntimeException e = assertThrows(RuntimeException.class, () -> c.predict(new float[2][12]));
        assertTrue(e.getMessage().contains("12 feature values") && e.getMessage().contains("takes 24"), e.getMessage());
        RuntimeException missing = assertThrows(RuntimeException.class,
                () -> SubjectCheckpoint.load(root, "fbnet", "subj02", "20200101T000000.000Z-00000000"));
        assertTrue(missing.getMessage().contains("no such published version"), missing.getMessage());
    }

    @Test
    @Order(7)
    void withAGroupFmriPcaTheCheckpointHoldsTheGroupModelAndPredictsAsTheTrainer() throws Exception {
        run(settings.with("pca.fmri.space", "group"));
        SubjectCheckpoint c = SubjectCheckpoint.load(root, "fbnet", "subj02", SubjectCheckpoint.LATEST);
        assertEquals("group", c.manifest().getMap(CheckpointContents.PREDICTOR).get("fmriSpace"));
        assertEquals(DataRoot.fmriPca(Project.GROUP), ((Map<?, ?>) c.manifest().getMap(CheckpointContents.PREDICTOR).get("fmriPca")).get("id"));
        Subject s = new SubjectLoader(spark, root, 0.1).load("subj02");
        FbnetModel.Prediction p = c.model().predict(s.test().x(), "subj02");
        PerHemisphere<float[][]> trainerPath = new PerHemisphere<>(s.decoders().lh().inverseTransform(p.lh()),
                s.decoders().rh().inverseTransform(p.rh()));
        assertSamePrediction(trainerPath, c.predict(testFeatures("subj02")), "subj02 through its view of the group PCA");
        assertEquals(50, trainerPath.rh()[0].length, "the subject's own rh vertices");
    }
}
