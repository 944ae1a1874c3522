package org.fbnet.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.fbnet.config.Settings;
import org.fbnet.data.InputDataException;
import org.fbnet.store.DataRoot;
import org.fbnet.stage.Pipeline;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.StageRunner;
import org.fbnet.testing.AlgonautsFixture;
import org.fbnet.testing.Golden;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest extends SparkTestBase {
    @TempDir Path tmp;
    final Configuration conf = HadoopConf.create();

    private Pipeline.Report ingest(AlgonautsFixture f, Path out, Settings s) throws Exception {
        return StageRunner.run(root(out), s, new Ingest(IngestConfig.from(s), AlgonautsFixture.hpath(f.data), AlgonautsFixture.hpath(f.truth)));
    }

    private Pipeline.Report ingest(AlgonautsFixture f, Path out) throws Exception {
        return ingest(f, out, Settings.defaults().with("ingest.rows.per.task", "2"));
    }

    private DataRoot root(Path out) {
        return DataRoot.of(out.toUri().toString(), conf);
    }

    private Dataset<Row> current(Path out, String dataset) throws IOException {
        return StageRunner.current(root(out), dataset);
    }

    @Test
    void writesEveryRowWithItsValuesNsdIdsAndAtlas() throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 2, 5, 3, 7, 9);
        Path out = tmp.resolve("out");
        Pipeline.Report r = ingest(f, out);
        assertEquals(8, r.published(), "4 outputs per subject");
        assertEquals(8L, ((Number) DataRoot.of(out.toString(), conf).versioned("fmri/subject=subj01").current().orElseThrow()
                .manifest().metrics().get("rows")).longValue());

        Dataset<Row> fmri = current(out, "fmri");
        assertEquals(2 * (5 + 3), fmri.count());
        for (Row row : fmri.collectAsList()) {
            int s = Integer.parseInt(row.getAs("subject").toString().substring(4));
            String split = row.getAs("split");
            int i = row.getAs("row_index");
            assertEquals(AlgonautsFixture.nsdId(s, split, i), (int) row.getAs("nsd_id"));
            List<Float> lh = row.getList(row.fieldIndex("lh"));
            List<Float> rh = row.getList(row.fieldIndex("rh"));
            assertEquals(7, lh.size());
            assertEquals(9, rh.size());
            assertEquals(AlgonautsFixture.value(s, split, "lh", i, 6), lh.get(6));
            assertEquals(AlgonautsFixture.value(s, split, "rh", i, 8), rh.get(8));
        }

        Dataset<Row> images = current(out, "images").where("subject = 'subj02' and split = 'train'");
        Row third = images.where("row_index = 2").first();
        assertEquals("train-0003_nsd-02002.png", third.getAs("file_name"));
        assertEquals(10, (int) third.getAs("width"));
        assertEquals(6, (int) third.getAs("height"));
        assertEquals(Files.size(f.file(2, "training_split/training_images/train-0003_nsd-02002.png")), (long) third.getAs("size_bytes"));

        Row roiA = current(out, "rois")
                .where("subject = 'subj01' and hemisphere = 'rh' and family = 'floc-faces' and roi = 'floc-faces-A'").first();
        assertEquals(List.of(1, 4, 7), roiA.getList(roiA.fieldIndex("vertices")));
        Row empty = current(out, "rois")
                .where("subject = 'subj01' and hemisphere = 'lh' and roi = 'streams-empty'").first();
        assertTrue(empty.getList(empty.fieldIndex("vertices")).isEmpty(), "an ROI without vertices is kept, empty");

        Row v = current(out, "vertices").where("subject = 'subj01' and hemisphere = 'lh'").first();
        assertEquals(List.of(1, 4, 7, 10, 13, 16, 19), v.getList(v.fieldIndex("fsaverage_index")));
        assertEquals(0.4f, (float) v.getList(v.fieldIndex("noise_ceiling")).get(2), 1e-7);
    }

    @Test
    void duckdbReadsTheDatasetsWithPlainTypes() throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 1, 4, 2, 5, 6);
        Path out = tmp.resolve("out");
        ingest(f, out);
        Class.forName("org.duckdb.DuckDBDriver");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            // A reader outside fbnet reads the version _current names (README: Output datasets).
            String version = Files.readString(out.resolve("fmri/subject=subj01/_current")).trim();
            ResultSet rs = st.executeQuery("SELECT subject, split, row_index, nsd_id, lh[5] AS v, len(rh) AS n, typeof(lh) AS t "
                    + "FROM read_parquet('" + out.resolve("fmri") + "/*/v=" + version + "/*.parquet', hive_partitioning = true) "
                    + "WHERE split = 'test' AND row_index = 1");
            assertTrue(rs.next());
            assertEquals("subj01", rs.getString("subject"));
            assertEquals(AlgonautsFixture.nsdId(1, "test", 1), rs.getInt("nsd_id"));
            assertEquals(AlgonautsFixture.value(1, "test", "lh", 1, 4), rs.getFloat("v"));
            assertEquals(6, rs.getInt("n"));
            assertEquals("FLOAT[]", rs.getString("t"));
            assertFalse(rs.next());
        }
    }

    @Test
    void rerunSkipsUnchangedOutputsAndPublishesChangedOnesAsNewVersions() throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 2, 4, 2, 5, 6);
        Path out = tmp.resolve("out");
        ingest(f, out);
        String before = Files.readString(out.resolve("fmri/subject=subj01/_current")).trim();
        Pipeline.Report again = ingest(f, out);
        assertEquals(0, again.published());
        assertEquals(8, again.unchanged());

        // New values for subj01's lh training fMRI (scaled by 2): only subj01's fMRI is re-published.
        Path lh = f.file(1, "training_split/training_fmri/lh_training_fmri.npy");
        float[] a = new float[4 * 5];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 5; j++) a[i * 5 + j] = 2 * AlgonautsFixture.value(1, "train", "lh", i, j);
        org.fbnet.data.npy.NpyWriter.write(AlgonautsFixture.hpath(lh), conf, a, 4, 5);
        Files.setLastModifiedTime(lh, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Pipeline.Report third = ingest(f, out);
        assertEquals(List.of("ingest/subj01/fmri"), StageRunner.published(third));
        Row row = current(out, "fmri").where("subject = 'subj01' and split = 'train' and row_index = 3").first();
        assertEquals(2 * AlgonautsFixture.value(1, "train", "lh", 3, 2), (float) row.getList(row.fieldIndex("lh")).get(2));
        assertEquals(2 * (4 + 2), current(out, "fmri").count(), "the current versions hold every row once");
        // The old version is kept, untouched, beside the new current one.
        assertTrue(Files.isDirectory(out.resolve("fmri/subject=subj01/v=" + before)));
        assertFalse(before.equals(Files.readString(out.resolve("fmri/subject=subj01/_current")).trim()));
        assertNoStaging(out);
    }

    @Test
    void movingTheInputFolderRepublishesTheImageIndexWithTheNewPathsOnly() throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 1, 3, 2, 4, 4);
        Path out = tmp.resolve("out");
        ingest(f, out);
        Path moved = tmp.resolve("moved");
        Files.move(f.data, moved);
        Pipeline.Report r = StageRunner.run(root(out), Settings.defaults(),
                new Ingest(IngestConfig.from(Settings.defaults()), AlgonautsFixture.hpath(moved), AlgonautsFixture.hpath(f.truth)));
        // The image index stores where each PNG is: it follows the folder; the fMRI, ROIs and vertices do not depend on it.
        assertEquals(List.of("ingest/subj01/images"), StageRunner.published(r));
        for (Row row : current(out, "images").collectAsList()) {
            assertTrue(row.<String>getAs("path").contains("/moved/"), row.<String>getAs("path"));
        }
    }

    // ---- bad input: a clear error naming subject, file and problem, and nothing published ----

    private void assertRejected(Consumer<AlgonautsFixture> damage, String... expected) throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 2, 4, 2, 5, 6);
        damage.accept(f);
        Path out = tmp.resolve("out");
        InputDataException e = assertThrows(InputDataException.class, () -> ingest(f, out));
        assertTrue(Files.exists(out.resolve("fmri/subject=subj01/_current")), "the good subject is published");
        for (String s : expected) assertTrue(e.getMessage().contains(s), "'" + e.getMessage() + "' should mention '" + s + "'");
        for (String ds : List.of("fmri", "images", "rois", "vertices")) {
            assertFalse(Files.exists(out.resolve(ds).resolve("subject=subj02")), ds + " of the bad subject was published, or left a folder");
        }
        assertNoStaging(out);
    }

    private static void assertNoStaging(Path out) throws IOException {
        if (!Files.exists(out)) return;
        try (Stream<Path> s = Files.walk(out)) {
            List<Path> left = s.filter(p -> p.getFileName().toString().startsWith("_staging")).toList();
            assertTrue(left.isEmpty(), "staging left behind: " + left);
        }
    }

    private static void run(IoAction a) {
        try {
            a.run();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    interface IoAction { void run() throws Exception; }

    @Test
    void missingFilesAreListed() throws Exception {
        assertRejected(f -> run(() -> {
            Files.delete(f.file(2, "roi_masks/rh.floc-faces_challenge_space.npy"));
            Files.delete(f.file(2, "roi_masks/mapping_streams.npy"));
        }), "subj02", "missing 2 file(s)", "roi_masks/rh.floc-faces_challenge_space.npy", "roi_masks/mapping_streams.npy");
    }

    @Test
    void fmriRowsMustMatchTheImages() throws Exception {
        assertRejected(f -> run(() -> Files.delete(f.file(2, "training_split/training_images/train-0004_nsd-02003.png"))),
                "subj02", "lh_training_fmri.npy has 4 rows", "3 images");
    }

    @Test
    void hemispheresMustHaveTheSameRows() throws Exception {
        assertRejected(f -> run(() -> f.writeFmri(2, "train", "rh", 3, 6, f.file(2, "training_split/training_fmri/rh_training_fmri.npy"))),
                "subj02", "rh_training_fmri.npy has 3 rows");
    }

    @Test
    void roiMaskLengthMustMatchTheVertices() throws Exception {
        assertRejected(f -> run(() -> org.fbnet.data.npy.NpyWriter.write(
                        AlgonautsFixture.hpath(f.file(2, "roi_masks/lh.floc-words_challenge_space.npy")), conf, new long[4], 4)),
                "subj02", "lh.floc-words_challenge_space.npy has 4 entries", "5 vertices");
    }

    @Test
    void nonFiniteFmriIsCountedAndLocated() throws Exception {
        assertRejected(f -> run(() -> {
            Path p = f.file(2, "training_split/training_fmri/rh_training_fmri.npy");
            float[] a = new float[4 * 6];
            a[2 * 6 + 4] = Float.NaN;
            a[3 * 6 + 1] = Float.POSITIVE_INFINITY;
            org.fbnet.data.npy.NpyWriter.write(AlgonautsFixture.hpath(p), conf, a, 4, 6);
        }), "subj02", "rh_training_fmri.npy", "2 NaN/Inf", "row 2, vertex 4");
    }

    @Test
    void truncatedPngIsNamed() throws Exception {
        assertRejected(f -> run(() -> {
            Path p = f.file(2, "test_split/test_images/test-0002_nsd-90021.png");
            byte[] b = Files.readAllBytes(p);
            Files.write(p, java.util.Arrays.copyOf(b, b.length / 2));
        }), "subj02", "test-0002_nsd-90021.png", "truncated");
    }

    @Test
    void unsupportedNpyIsNamed() throws Exception {
        // numpy's np.save of np.ones((4, 5), dtype='>f4'): golden_refs/npy_files.py
        assertRejected(f -> run(() -> Files.copy(Golden.dir("npy").resolve("bigendian_4x5.npy"),
                f.file(2, "training_split/training_fmri/lh_training_fmri.npy"), java.nio.file.StandardCopyOption.REPLACE_EXISTING)),
                "lh_training_fmri.npy", "big-endian");
    }

    @Test
    void readsBackWhatWasSkippedAsUnchangedWithoutTruth() throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 1, 3, 2, 4, 4);
        Path out = tmp.resolve("out");
        StageRunner.run(root(out), Settings.defaults(), new Ingest(IngestConfig.from(Settings.defaults()), AlgonautsFixture.hpath(f.data), null));
        assertEquals(3, current(out, "fmri").count(), "no test rows without truth");
        Row v = current(out, "vertices").first();
        assertNull(v.getAs("noise_ceiling"));
    }
}
