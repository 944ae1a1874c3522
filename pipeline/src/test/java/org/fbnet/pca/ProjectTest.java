package org.fbnet.pca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.fbnet.config.Settings;
import org.fbnet.data.InputDataException;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectTest extends SparkTestBase {
    private static final int FEATURE_DIM = 40, LH_DIM = 30, RH_DIM = 25, TRAIN = 60, TEST = 12;

    @TempDir java.nio.file.Path tmp;

    private final Configuration conf = HadoopConf.create();

    private static Settings settings() {
        return Settings.defaults()
                .with("pca.image.components", "8")
                .with("pca.fmri.components", "5")
                .with("pca.oversampling", "5")
                .with("pca.power.iterations", "3")
                .with("pca.report.components", "2,5,50")
                .with("pca.local.max.values", "0")
                .with("train.validation.fraction", "0.1");
    }

    private DataRoot root() {
        return DataRoot.of(tmp.toUri().toString(), conf);
    }

    @Test
    void fitsModelsWritesLatentsAndReportAndThenOnlyWhatIsMissing() throws Exception {
        DataRoot root = root();
        Fixture.subject(root, "subj01", 0, true, 1);
        Fixture.subject(root, "subj02", 30, false, 2);   // shares NSD ids 30..59 with subj01's training images
        Fixture.embeddings(root, "clip", "tokens", List.of("subj01", "subj02"), 200);
        ProjectReport first = new Project(spark, ProjectConfig.from(settings()), conf).run(root);

        assertTrue(first.models().stream().allMatch(ProjectReport.ModelLine::fitted));
        PcaModel image = PcaModel.load(root.imagePca("clip-tokens"), conf);
        // each NSD id once: subj01 trains on 0..59, subj02 on 30..89
        assertEquals(90, image.samples());
        assertEquals(8, image.components());
        PcaModel lh1 = PcaModel.load(root.fmriPca("subj01", "lh"), conf);
        // validation rows (the first 10% = 6) are held out of the fit: the model's mean is that of rows 6..59
        assertEquals(TRAIN - 6, lh1.samples());
        float[][] subj01Lh = Fixture.fmri("subj01", 0, true, 1, true);
        double[] mean = new double[LH_DIM];
        for (int i = 6; i < TRAIN; i++) for (int j = 0; j < LH_DIM; j++) mean[j] += subj01Lh[i][j] / (TRAIN - 6.0);
        for (int j = 0; j < LH_DIM; j++) assertEquals(mean[j], lh1.mean()[j], 1e-4);
        Manifest lhManifest = Manifest.read(root.fmriPca("subj01", "lh"), conf);
        assertEquals(6, ((Number) lhManifest.getMap("inputs").get("excludedValidationRows")).intValue());

        // latents: one row per image of each subject; x, lh, rh are the models' projections
        List<Row> rows = spark.read().parquet(root.latents().toString()).orderBy("subject", "split", "row_index").collectAsList();
        assertEquals(2 * (TRAIN + TEST), rows.size());
        assertEquals(Arrays.asList(Datasets.LATENTS.fieldNames()).stream().sorted().toList(),
                Arrays.stream(spark.read().parquet(root.latents().toString()).schema().fieldNames()).sorted().toList());
        Row r = rows.stream().filter(x -> x.getAs("subject").equals("subj01") && x.getAs("split").equals("train")
                && (int) x.getAs("row_index") == 7).findFirst().orElseThrow();
        int nsd = r.getAs("nsd_id");
        assertArrayEquals(image.transform(Fixture.feature(nsd)), floats(r.getList(r.fieldIndex("x"))), 1e-4f);
        assertArrayEquals(lh1.transform(subj01Lh[7]), floats(r.getList(r.fieldIndex("lh"))), 1e-4f);
        // subj02 was ingested without test fMRI: its test rows have x but null brain latents
        List<Row> subj02Test = rows.stream().filter(x -> x.getAs("subject").equals("subj02") && x.getAs("split").equals("test")).toList();
        assertEquals(TEST, subj02Test.size());
        for (Row t : subj02Test) {
            assertNull(t.getAs("lh"));
            assertNull(t.getAs("rh"));
            assertEquals(8, t.getList(t.fieldIndex("x")).size());
        }
        Manifest lat = Manifest.read(DataRoot.subjectPartition(root.latents(), "subj02"), conf);
        assertEquals(image.fitId(), ((Map<?, ?>) lat.getMap("models").get("image")).get("fitId"));

        // the report: near rank-5 fMRI is reconstructed far better with 5 components than 2; 50 > k is dropped
        String csv = Files.readString(tmp.resolve("reports/project/reconstruction.csv"));
        assertEquals(1 + 2 * 2 * 2, csv.trim().split("\n").length, csv);
        double r2 = meanR(first, "subj01", "lh", 2), r5 = meanR(first, "subj01", "lh", 5);
        assertTrue(r5 > 0.95 && r5 > r2 + 0.05, "r(2)=" + r2 + " r(5)=" + r5);
        assertTrue(Files.exists(tmp.resolve("reports/project/report.md")));
        assertTrue(Files.exists(tmp.resolve("reports/project/" + Manifest.FILE_NAME)));

        // run again with a new subject: only its fMRI PCAs are fitted; the image PCA is reused
        Fixture.subject(root, "subj03", 60, false, 3);
        Fixture.embeddings(root, "clip", "tokens", List.of("subj03"), 200);
        ProjectReport second = new Project(spark, ProjectConfig.from(settings()), conf).run(root);
        for (ProjectReport.ModelLine m : second.models()) assertEquals(m.name().contains("subj03"), m.fitted(), m.name());
        assertEquals("up to date", second.latents().get("subj01"));
        assertTrue(second.latents().get("subj03").startsWith("written"));
        assertEquals(image.fitId(), PcaModel.load(root.imagePca("clip-tokens"), conf).fitId());
        assertEquals(lh1.fitId(), PcaModel.load(root.fmriPca("subj01", "lh"), conf).fitId());
    }

    @Test
    void includingValidationRowsIsAnOptionAndChangingItNeedsARefresh() throws Exception {
        DataRoot root = root();
        Fixture.subject(root, "subj01", 0, true, 1);
        Fixture.embeddings(root, "clip", "tokens", List.of("subj01"), 200);
        new Project(spark, ProjectConfig.from(settings()), conf).run(root);
        Settings include = settings().with("pca.fmri.include.validation", "true");
        InputDataException e = assertThrows(InputDataException.class, () -> new Project(spark, ProjectConfig.from(include), conf).run(root));
        assertTrue(e.getMessage().contains("pca.fmri.refresh=true"), e.getMessage());
        ProjectReport rep = new Project(spark, ProjectConfig.from(include.with("pca.fmri.refresh", "true")), conf).run(root);
        assertEquals(TRAIN, PcaModel.load(root.fmriPca("subj01", "rh"), conf).samples());
        assertFalse(rep.reconstruction().get(0).heldOut());
        // the refit changed the fMRI models, so the latents were rewritten
        assertTrue(rep.latents().get("subj01").startsWith("written"));
    }

    @Test
    void severalEmbeddingsMustBeChosenBetween() throws Exception {
        DataRoot root = root();
        Fixture.subject(root, "subj01", 0, true, 1);
        Fixture.embeddings(root, "clip", "tokens", List.of("subj01"), 200);
        Fixture.embeddings(root, "clip", "pooled", List.of("subj01"), 200);
        InputDataException e = assertThrows(InputDataException.class, () -> new Project(spark, ProjectConfig.from(settings()), conf).run(root));
        assertTrue(e.getMessage().contains("clip/pooled, clip/tokens") && e.getMessage().contains("pca.image.embeddings"), e.getMessage());
        Settings chosen = settings().with("pca.image.embeddings", "clip/pooled");
        new Project(spark, ProjectConfig.from(chosen), conf).run(root);
        assertTrue(Files.exists(tmp.resolve("pca/image/clip-pooled/components.npy")));
    }

    @Test
    void imagesWithoutFeaturesAreNamed() throws Exception {
        DataRoot root = root();
        Fixture.subject(root, "subj01", 0, true, 1);
        Fixture.embeddings(root, "clip", "tokens", List.of("subj01"), 50);   // NSD ids 50.. have no features
        InputDataException e = assertThrows(InputDataException.class, () -> new Project(spark, ProjectConfig.from(settings()), conf).run(root));
        assertTrue(e.getMessage().contains("no features for training image"), e.getMessage());
    }

    private static double meanR(ProjectReport rep, String subject, String hemi, int k) {
        return rep.reconstruction().stream().filter(x -> x.subject().equals(subject) && x.hemisphere().equals(hemi) && x.components() == k)
                .findFirst().orElseThrow().meanR();
    }

    private static float[] floats(List<Object> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) l.get(i)).floatValue();
        return f;
    }

    /** Tiny ingest-shaped datasets written with Spark: near rank-5 fMRI, features a function of the NSD id. */
    static final class Fixture {
        static StructType without(StructType s, String drop) {
            return new StructType(Arrays.stream(s.fields()).filter(f -> !f.name().equals(drop)).toArray(StructField[]::new));
        }

        /** Training NSD ids firstId..firstId+59, test ids 1000+firstId..; test fMRI only if asked. */
        static void subject(DataRoot root, String subject, int firstId, boolean testFmri, long seed) {
            float[][] lhTrain = fmri(subject, firstId, true, seed, true), rhTrain = fmri(subject, firstId, false, seed, true);
            float[][] lhTest = fmri(subject, firstId, true, seed, false), rhTest = fmri(subject, firstId, false, seed, false);
            List<Row> fm = new ArrayList<>(), im = new ArrayList<>();
            for (int i = 0; i < TRAIN; i++) {
                fm.add(RowFactory.create("train", i, firstId + i, boxed(lhTrain[i]), boxed(rhTrain[i])));
                im.add(RowFactory.create("train", i, firstId + i));
            }
            for (int i = 0; i < TEST; i++) {
                if (testFmri) fm.add(RowFactory.create("test", i, 1000 + firstId + i, boxed(lhTest[i]), boxed(rhTest[i])));
                im.add(RowFactory.create("test", i, 1000 + firstId + i));
            }
            spark.createDataFrame(fm, without(Datasets.FMRI, Datasets.SUBJECT)).write().mode(SaveMode.Overwrite)
                    .parquet(DataRoot.subjectPartition(root.fmri(), subject).toString());
            StructType images = new StructType().add(Datasets.SPLIT, "string").add(Datasets.ROW_INDEX, "int").add(Datasets.NSD_ID, "int");
            spark.createDataFrame(im, images).write().mode(SaveMode.Overwrite)
                    .parquet(DataRoot.subjectPartition(root.images(), subject).toString());
        }

        /** A subject's fMRI: 5 latent factors times fixed loadings plus small noise. */
        static float[][] fmri(String subject, int firstId, boolean lh, long seed, boolean train) {
            int dim = lh ? LH_DIM : RH_DIM;
            Random load = new Random(seed * 31 + (lh ? 1 : 2));
            double[][] loadings = new double[5][dim];
            for (double[] row : loadings) for (int j = 0; j < dim; j++) row[j] = load.nextGaussian();
            Random rnd = new Random(seed * 101 + (lh ? 3 : 4) + (train ? 0 : 7));
            int n = train ? TRAIN : TEST;
            float[][] x = new float[n][dim];
            for (int i = 0; i < n; i++) {
                double[] f = new double[5];
                for (int c = 0; c < 5; c++) f[c] = rnd.nextGaussian() * (5 - c);
                for (int j = 0; j < dim; j++) {
                    double s = 0.5 + 0.05 * rnd.nextGaussian();
                    for (int c = 0; c < 5; c++) s += f[c] * loadings[c][j];
                    x[i][j] = (float) s;
                }
            }
            return x;
        }

        static float[] feature(int nsdId) {
            Random rnd = new Random(nsdId);
            float[] f = new float[FEATURE_DIM];
            for (int j = 0; j < FEATURE_DIM; j++) f[j] = (float) (rnd.nextGaussian() * (j < 10 ? 3 : 0.3));
            return f;
        }

        /** Features of every image of the subjects, NSD ids below {@code maxId + 1000}, one part directory per subject. */
        static void embeddings(DataRoot root, String model, String feature, List<String> subjects, int maxTrainId) {
            for (String s : subjects) {
                List<Row> rows = new ArrayList<>();
                for (Row r : spark.read().parquet(DataRoot.subjectPartition(root.images(), s).toString()).collectAsList()) {
                    int id = r.getInt(2);
                    if (id < maxTrainId || id >= 1000) rows.add(RowFactory.create(id, boxed(feature(id))));
                }
                spark.createDataFrame(rows, Datasets.EMBEDDINGS).write().mode(SaveMode.Overwrite)
                        .parquet(new Path(root.embeddings(model, feature), "source=" + s).toString());
            }
        }

        static Float[] boxed(float[] v) {
            Float[] b = new Float[v.length];
            for (int i = 0; i < v.length; i++) b[i] = v[i];
            return b;
        }
    }
}
