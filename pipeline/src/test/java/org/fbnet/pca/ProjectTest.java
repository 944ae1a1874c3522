package org.fbnet.pca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.fbnet.config.Settings;
import org.fbnet.data.InputDataException;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.HadoopConf;
import org.fbnet.stage.Pipeline;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.testing.StageRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectTest extends SparkTestBase {
    private static final int LH_DIM = ProjectFixture.LH_DIM, TRAIN = ProjectFixture.TRAIN, TEST = ProjectFixture.TEST;

    @TempDir java.nio.file.Path tmp;

    private final Configuration conf = HadoopConf.create();

    private static Settings settings() {
        return Settings.defaults()
                .with("pca.image.components", "8")
                .with("pca.fmri.components", "5")
                .with("pca.oversampling", "5")
                .with("pca.power.iterations", "3")
                .with("pca.report.components", "2,5,50")
                .with("train.validation.fraction", "0.1")
                // the fixture's subjects have no fsaverage vertex index, so no group PCA for pre-training
                .with("train.pretrain.targets", "subject");
    }

    private DataRoot root() {
        return DataRoot.of(tmp.toUri().toString(), conf);
    }

    private static Pipeline.Report project(DataRoot root, Settings s) throws Exception {
        return StageRunner.run(root, s, new Project(ProjectConfig.from(s), List.of()));
    }

    private static Path current(DataRoot root, String id) throws java.io.IOException {
        return root.current(id, "the test");
    }

    private static Path fmriPca(DataRoot root, String subject, String hemi) throws java.io.IOException {
        return new Path(current(root, DataRoot.fmriPca(subject)), hemi);
    }

    /** Mean r of the reconstruction report's line. */
    private static double meanR(DataRoot root, String subject, String hemi, int k) throws java.io.IOException {
        for (String line : Files.readAllLines(java.nio.file.Path.of(current(root, DataRoot.report("project")).toUri().getPath(), "reconstruction.csv"))) {
            String[] f = line.split(",");
            if (f[0].equals(subject) && f[1].equals(hemi) && f[2].equals(String.valueOf(k))) return Double.parseDouble(f[4]);
        }
        throw new AssertionError("no reconstruction line for " + subject + " " + hemi + " " + k);
    }

    @Test
    void fitsModelsWritesLatentsAndReportAndThenOnlyWhatIsMissing() throws Exception {
        DataRoot root = root();
        ProjectFixture.subject(spark, root, "subj01", 0, true, 1);
        ProjectFixture.subject(spark, root, "subj02", 30, false, 2);   // shares NSD ids 30..59 with subj01's training images
        ProjectFixture.embeddings(spark, root, "clip", "tokens", List.of("subj01", "subj02"), 200);
        Pipeline.Report first = project(root, settings());
        assertEquals(List.of("project/pca-image", "project/pca-fmri/subj01", "project/pca-fmri/subj02", "project/latents/subj01",
                "project/latents/subj02", "project/report"), StageRunner.published(first));

        PcaModel image = PcaModel.load(current(root, "pca/image/clip-tokens"), conf);
        // each NSD id once: subj01 trains on 0..59, subj02 on 30..89
        assertEquals(90, image.samples());
        assertEquals(8, image.components());
        PcaModel lh1 = PcaModel.load(fmriPca(root, "subj01", "lh"), conf);
        // validation rows (the first 10% = 6) are held out of the fit: the model's mean is that of rows 6..59
        assertEquals(TRAIN - 6, lh1.samples());
        float[][] subj01Lh = ProjectFixture.fmri("subj01", 0, true, 1, true);
        double[] mean = new double[LH_DIM];
        for (int i = 6; i < TRAIN; i++) for (int j = 0; j < LH_DIM; j++) mean[j] += subj01Lh[i][j] / (TRAIN - 6.0);
        for (int j = 0; j < LH_DIM; j++) assertEquals(mean[j], lh1.mean()[j], 1e-4);
        Manifest pcaManifest = root.versioned(DataRoot.fmriPca("subj01")).current().orElseThrow().manifest();
        assertEquals(6, ((Number) pcaManifest.get("excludedValidationRows")).intValue());

        // latents: one row per image of each subject; x, lh, rh are the models' projections
        List<Row> rows = StageRunner.current(root, "latents").orderBy("subject", "split", "row_index").collectAsList();
        assertEquals(2 * (TRAIN + TEST), rows.size());
        assertEquals(Arrays.asList(Datasets.LATENTS.fieldNames()).stream().sorted().toList(),
                Arrays.stream(StageRunner.current(root, "latents").schema().fieldNames()).sorted().toList());
        Row r = rows.stream().filter(x -> x.getAs("subject").equals("subj01") && x.getAs("split").equals("train")
                && (int) x.getAs("row_index") == 7).findFirst().orElseThrow();
        int nsd = r.getAs("nsd_id");
        assertArrayEquals(image.transform(ProjectFixture.feature(nsd)), floats(r.getList(r.fieldIndex("x"))), 1e-4f);
        assertArrayEquals(lh1.transform(subj01Lh[7]), floats(r.getList(r.fieldIndex("lh"))), 1e-4f);
        // subj02 was ingested without test fMRI: its test rows have x but null brain latents
        List<Row> subj02Test = rows.stream().filter(x -> x.getAs("subject").equals("subj02") && x.getAs("split").equals("test")).toList();
        assertEquals(TEST, subj02Test.size());
        for (Row t : subj02Test) {
            assertNull(t.getAs("lh"));
            assertNull(t.getAs("rh"));
            assertEquals(8, t.getList(t.fieldIndex("x")).size());
        }
        // The latents name the exact model versions they were made with.
        Manifest lat = root.versioned("latents/subject=subj02").current().orElseThrow().manifest();
        assertEquals(root.versioned("pca/image/clip-tokens").current().orElseThrow().id(), lat.input("pca/image/clip-tokens").version());

        // the report: near rank-5 fMRI is reconstructed far better with 5 components than 2; 50 > k is dropped
        java.nio.file.Path report = java.nio.file.Path.of(current(root, DataRoot.report("project")).toUri().getPath());
        String csv = Files.readString(report.resolve("reconstruction.csv"));
        assertEquals(1 + 2 * 2 * 2, csv.trim().split("\n").length, csv);
        double r2 = meanR(root, "subj01", "lh", 2), r5 = meanR(root, "subj01", "lh", 5);
        assertTrue(r5 > 0.95 && r5 > r2 + 0.05, "r(2)=" + r2 + " r(5)=" + r5);
        assertTrue(Files.exists(report.resolve("report.md")));

        // again, nothing changed: nothing is published
        assertEquals(List.of(), StageRunner.published(project(root, settings())));

        // a new subject: only its fMRI PCAs, latents and the report are made; the image PCA is kept
        ProjectFixture.subject(spark, root, "subj03", 60, false, 3);
        ProjectFixture.embeddings(spark, root, "clip", "tokens", List.of("subj03"), 200);
        Pipeline.Report second = project(root, settings());
        assertEquals(List.of("project/pca-fmri/subj03", "project/latents/subj03", "project/report"), StageRunner.published(second));
        assertTrue(second.plan().get(0).reason().startsWith("kept: 1 new subject(s) since it was made (subj03)"), second.plan().get(0).reason());
        assertEquals(image.fitId(), PcaModel.load(current(root, "pca/image/clip-tokens"), conf).fitId());
        assertEquals(lh1.fitId(), PcaModel.load(fmriPca(root, "subj01", "lh"), conf).fitId());
    }

    @Test
    void aSettingOrAnInputChangeRefitsWhatDependsOnIt() throws Exception {
        DataRoot root = root();
        ProjectFixture.subject(spark, root, "subj01", 0, true, 1);
        ProjectFixture.embeddings(spark, root, "clip", "tokens", List.of("subj01"), 200);
        project(root, settings());
        Settings include = settings().with("pca.fmri.include.validation", "true");
        Pipeline.Report rep = project(root, include);
        assertEquals(List.of("project/pca-fmri/subj01", "project/latents/subj01", "project/report"), StageRunner.published(rep));
        assertTrue(rep.plan().get(1).reason().contains("settings changed"), rep.plan().get(1).reason());
        assertEquals(TRAIN, PcaModel.load(fmriPca(root, "subj01", "rh"), conf).samples());

        // re-ingested fMRI (a new fingerprint) refits the subject's fMRI PCA and latents, not the image PCA
        String before = PcaModel.load(fmriPca(root, "subj01", "lh"), conf).fitId();
        ProjectFixture.subject(spark, root, "subj01", 0, true, 9);
        Pipeline.Report again = project(root, include);
        assertEquals(List.of("project/pca-fmri/subj01", "project/latents/subj01", "project/report"), StageRunner.published(again));
        assertTrue(again.plan().get(1).reason().contains("changed: fmri/subject=subj01"), again.plan().get(1).reason());
        assertFalse(before.equals(PcaModel.load(fmriPca(root, "subj01", "lh"), conf).fitId()));
    }

    @Test
    void groupSpaceGivesEverySubjectTheSameCoordinates() throws Exception {
        DataRoot root = root();
        ProjectFixture.subject(spark, root, "subj01", 0, true, 1);
        ProjectFixture.subject(spark, root, "subj02", 30, false, 2);
        // subj01 lacks fsaverage vertices 30 and 31 (lh), subj02 lacks 3 and 17: a union of 32
        int[] lh1 = java.util.stream.IntStream.range(0, 30).toArray();
        int[] lh2 = java.util.stream.IntStream.range(0, 32).filter(v -> v != 3 && v != 17).toArray();
        int[] rh = java.util.stream.IntStream.range(0, ProjectFixture.RH_DIM).toArray();
        ProjectFixture.vertices(spark, root, "subj01", lh1, rh);
        ProjectFixture.vertices(spark, root, "subj02", lh2, rh);
        ProjectFixture.embeddings(spark, root, "clip", "tokens", List.of("subj01", "subj02"), 200);
        project(root, settings().with("pca.fmri.space", "group"));
        GroupPca g = GroupPca.load(fmriPca(root, Project.GROUP, "lh"), conf);
        assertEquals(32, g.fsaverageIndex().length);
        assertEquals(2 * (TRAIN - 6), g.model().samples());

        // reference: each subject's fitting rows centered by its own means, placed at its vertices, in double
        List<float[]> union = new java.util.ArrayList<>();
        Map<String, int[]> ids = Map.of("subj01", lh1, "subj02", lh2);
        Map<String, float[][]> data = Map.of("subj01", ProjectFixture.fmri("subj01", 0, true, 1, true),
                "subj02", ProjectFixture.fmri("subj02", 30, true, 2, true));
        for (String s : List.of("subj01", "subj02")) {
            float[][] x = data.get(s);
            double[] mean = new double[LH_DIM];
            for (int i = 6; i < TRAIN; i++) for (int j = 0; j < LH_DIM; j++) mean[j] += x[i][j] / (TRAIN - 6.0);
            for (int i = 6; i < TRAIN; i++) {
                float[] e = new float[32];
                for (int j = 0; j < LH_DIM; j++) e[ids.get(s)[j]] = (float) (x[i][j] - mean[j]);
                union.add(e);
            }
        }
        Reference.Eigen exact = Reference.jacobi(Reference.covariance(union.toArray(new float[0][])));
        for (int c = 0; c < 5; c++) assertEquals(exact.values()[c], g.model().eigenvalues()[c], 1e-3 * exact.values()[c], "eigenvalue " + c);

        // both subjects' latents are coordinates on the same group components
        Projection v2 = g.forSubject("subj02");
        float[] row = data.get("subj02")[10];
        float[] z = v2.transform(new float[][] {row})[0];
        float[] mean2 = groupArray(root, "subjects/subj02_mean.npy");
        for (int c = 0; c < 5; c++) {
            float[] comp = g.model().component(c);
            double dot = 0, meanDot = 0;
            for (int j = 0; j < LH_DIM; j++) dot += (row[j] - mean2[j]) * (double) comp[lh2[j]];
            for (int j = 0; j < 32; j++) meanDot += g.model().mean()[j] * (double) comp[j];
            assertEquals(dot - meanDot, z[c], 1e-3);
        }
        List<Row> lat = spark.read().parquet(current(root, "latents/subject=subj02").toString())
                .filter("split = 'train' and row_index = 10").collectAsList();
        assertArrayEquals(z, floats(lat.get(0).getList(lat.get(0).fieldIndex("lh"))), 1e-4f);
        Manifest m = root.versioned("latents/subject=subj01").current().orElseThrow().manifest();
        assertTrue(m.input(DataRoot.fmriPca(Project.GROUP)) != null, m.inputs().toString());
    }

    /** An array of the saved lh group model. */
    private float[] groupArray(DataRoot root, String file) throws java.io.IOException {
        return org.fbnet.data.npy.NpyReader.readAllFloats(new Path(fmriPca(root, Project.GROUP, "lh"), file), conf);
    }

    @Test
    void severalEmbeddingsMustBeChosenBetween() throws Exception {
        DataRoot root = root();
        ProjectFixture.subject(spark, root, "subj01", 0, true, 1);
        ProjectFixture.embeddings(spark, root, "clip", "tokens", List.of("subj01"), 200);
        ProjectFixture.embeddings(spark, root, "clip", "pooled", List.of("subj01"), 200);
        InputDataException e = assertThrows(InputDataException.class, () -> project(root, settings()));
        assertTrue(e.getMessage().contains("clip/pooled, clip/tokens") && e.getMessage().contains("pca.image.embeddings"), e.getMessage());
        Settings chosen = settings().with("pca.image.embeddings", "clip/pooled");
        project(root, chosen);
        assertTrue(root.conf() != null && new Path(current(root, "pca/image/clip-pooled"), "components.npy").getFileSystem(conf)
                .exists(new Path(current(root, "pca/image/clip-pooled"), "components.npy")));
    }

    @Test
    void imagesWithoutFeaturesAreNamed() throws Exception {
        DataRoot root = root();
        ProjectFixture.subject(spark, root, "subj01", 0, true, 1);
        ProjectFixture.embeddings(spark, root, "clip", "tokens", List.of("subj01"), 50);   // NSD ids 50.. have no features
        InputDataException e = assertThrows(InputDataException.class, () -> project(root, settings()));
        assertTrue(e.getMessage().contains("no features for training image"), e.getMessage());
    }

    private static float[] floats(List<Object> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) l.get(i)).floatValue();
        return f;
    }
}
