package org.fbnet.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.baseline.RidgeConfig;
import org.fbnet.config.ConfigException;
import org.fbnet.config.Settings;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.eval.EpochRecord;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.subject.Subject;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.fbnet.testing.StageRunner;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.testing.ZipFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest extends SparkTestBase {
    private static final double[] GRID = {0.1, 1, 10, 100, 1000};

    /**
     * A trained-variant stand-in for the extension point: predicts each vertex's training mean
     * (r = 0 by construction, so the ridge baseline must rank above it), with a seeded fake curve.
     */
    private static final class MeanVariant implements Variant {
        @Override public String name() { return "mean"; }

        @Override public boolean seeded() { return true; }

        @Override
        public Result fit(Subject d, TrainingVertices v, long seed) throws java.io.IOException {
            float[][] lh = v.of(Hemisphere.LH), rh = v.of(Hemisphere.RH);
            return new Result(mean(lh, d.validation().size()), mean(rh, d.validation().size()),
                    mean(lh, d.test().size()), mean(rh, d.test().size()),
                    List.of(new EpochRecord(1, 1.0 + seed, 0.0, 0.0, 100, 1), new EpochRecord(2, 0.5 + seed, 0.0, 0.0, 100, 1)));
        }

        private static float[][] mean(float[][] y, int rows) {
            float[] m = new float[y[0].length];
            for (float[] r : y) for (int j = 0; j < m.length; j++) m[j] += r[j] / y.length;
            float[][] out = new float[rows][];
            for (int i = 0; i < rows; i++) out[i] = m.clone();
            return out;
        }
    }

    /** Runs the compare stage on a fixture root and returns what it published. */
    static Comparison.Outcome compare(DataRoot root, CompareConfig config, Map<String, Variant> available) throws Exception {
        Comparison c = new Comparison(config, Settings.defaults(), available);
        StageRunner.run(root, Settings.defaults(), c);
        return c.lastOutcome();
    }

    private static final List<String> SUBJECTS = List.of("subj01", "subj03");

    /** The fixture of the reference: latents and responses golden_refs/compare.py generated. */
    private static CompareFixture fixture(java.nio.file.Path refs, Configuration conf) throws Exception {
        float[][][][][] xLhRh = new float[3][SUBJECTS.size()][2][][];
        String[] what = {"x", "lh", "rh"};
        int[] cols = {CompareFixture.P, CompareFixture.LH, CompareFixture.RH};
        for (int s = 0; s < SUBJECTS.size(); s++) {
            for (int split = 0; split < 2; split++) {
                for (int w = 0; w < 3; w++) {
                    String f = SUBJECTS.get(s) + "_" + (split == 0 ? "train" : "test") + "_" + what[w] + ".npy";
                    xLhRh[w][s][split] = Golden.matrix(NpyReader.readAllFloats(new Path(refs.resolve(f).toString()), conf), cols[w]);
                }
            }
        }
        return new CompareFixture(SUBJECTS, xLhRh);
    }

    /**
     * A comparison of ridge and a stand-in variant on the reference's fixture: the ridge row's validation and
     * test r and scores and its submission (the best run's) against scikit-learn's RidgeCV scored by numpy.
     */
    private static Comparison.Outcome ridgeMatchesScikitLearn(java.nio.file.Path refs, java.nio.file.Path tmp) throws Exception {
        Configuration conf = HadoopConf.create();
        DataRoot root = DataRoot.of(tmp.resolve("root").toString(), conf);
        fixture(refs, conf).write(spark, root, true);
        CompareConfig config = new CompareConfig(List.of("ridge", "mean"), List.of(0L, 1L), List.of(), "cmp", 0.1,
                new RidgeConfig(GRID, 3));
        Map<String, Variant> available = new LinkedHashMap<>();
        available.put("ridge", new RidgeVariant(config.ridge()));
        available.put("mean", new MeanVariant());
        Comparison.Outcome out = compare(root, config, available);

        assertEquals("ridge", out.bestRun());
        List<ComparisonTable.Row> rows = out.table().rows();
        assertEquals(List.of("ridge", "mean", "mean", "mean"), rows.stream().map(ComparisonTable.Row::variant).toList());
        assertEquals(List.of("-", "0", "1", "mean"), rows.stream().map(ComparisonTable.Row::seed).toList());
        assertEquals(0.0, rows.get(1).valR(), 1e-9, "a constant prediction has r = 0 everywhere");

        JsonNode e = Golden.json(refs.resolve("expected.json"));
        ComparisonTable.Row ridge = rows.get(0);
        assertEquals(e.get("val_r").doubleValue(), ridge.valR(), 1e-4, "validation r");
        assertEquals(e.get("test_r").doubleValue(), ridge.testR(), 1e-4, "test r");
        double val = e.get("val_score").doubleValue(), test = e.get("test_score").doubleValue();
        assertEquals(val, ridge.valScore(), 1e-3 * Math.max(1, val), "validation score");
        assertEquals(test, ridge.testScore(), 1e-3 * Math.max(1, test), "test score");

        java.nio.file.Path report = java.nio.file.Path.of(out.report().toUri().getPath());
        JsonNode predictions = e.get("predictions");
        Map<String, java.nio.file.Path> zip = ZipFiles.extract(report.resolve("submission.zip"), tmp.resolve("unzipped"));
        for (Map.Entry<String, java.nio.file.Path> en : zip.entrySet()) {
            Path f = new Path(en.getValue().toString());
            try (NpyReader r = NpyReader.open(f, conf)) {
                assertEquals("FLOAT32", r.header().dtype().name(), en.getKey());
            }
            assertArrayEquals(Golden.doubles(predictions.get(en.getKey())), toDouble(NpyReader.readAllFloats(f, conf)), 1e-3, en.getKey());
        }
        assertEquals(List.of("subj01/lh_pred_test.npy", "subj01/rh_pred_test.npy", "subj03/lh_pred_test.npy", "subj03/rh_pred_test.npy"),
                List.copyOf(zip.keySet()));

        Manifest m = Manifest.read(out.report(), conf);
        assertEquals(Comparison.KIND, m.kind());
        assertEquals("ridge", m.getString("best"));
        org.apache.hadoop.fs.FileSystem fs = out.report().getFileSystem(conf);
        // The manifest's table reads back as the table (the run report reads it), each run row naming its folder.
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> published = (List<Map<String, Object>>) m.metrics().get("table");
        assertEquals(out.table(), ComparisonTable.fromMaps(published));
        assertEquals(java.util.Arrays.asList("ridge", "mean-seed0", "mean-seed1", null), rows.stream().map(ComparisonTable.Row::runId).toList());
        for (int i = 0; i < 3; i++) assertTrue(fs.exists(new Path(out.report(), "runs/" + rows.get(i).runId())), rows.get(i).runId());
        for (String f : List.of("comparison.md", "comparison.json", "roi_subj01.png", "roi_subj03.png", "training_curves_subj01.png",
                "runs/mean-seed1/validation_scores.csv", "runs/ridge/test_scores.json", "runs/mean-seed0/submission/subj03/rh_pred_test.npy")) {
            assertTrue(fs.exists(new Path(out.report(), f)), f);
        }
        String md = new String(Files.readAllBytes(report.resolve("comparison.md")));
        assertTrue(md.startsWith("| model | seed |") && md.contains("| ridge | - |"), md);
        return out;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Test
    void ridgeScoresMatchScikitLearnAndTheBestRunsSubmissionIsPublished(@TempDir java.nio.file.Path tmp) throws Exception {
        ridgeMatchesScikitLearn(Golden.dir("compare"), tmp);
    }

    @Test
    @Tag(Python.TAG)
    void ridgeScoresMatchLiveScikitLearnAndPythonReadsTheReport(@TempDir java.nio.file.Path tmp) throws Exception {
        Comparison.Outcome out = ridgeMatchesScikitLearn(Golden.live("compare", tmp.resolve("live")), tmp);
        String py = Python.run(String.join("\n",
                "import sys, zipfile, io, numpy as np, pandas as pd",
                "rep = sys.argv[1]",
                "t = pd.read_csv(rep + '/comparison.csv', keep_default_na=False)",
                "z = zipfile.ZipFile(rep + '/submission.zip')",
                "print(list(t.variant), sorted((n, np.load(io.BytesIO(z.read(n))).shape) for n in z.namelist()))"),
                out.report().toUri().getPath());
        assertTrue(py.startsWith("['ridge', 'mean', 'mean', 'mean'] [('subj01/lh_pred_test.npy', (7, 12))"), py);
    }

    @Test
    void withoutTestTruthTestColumnsAreEmptyButTheSubmissionIsWritten(@TempDir java.nio.file.Path tmp) throws Exception {
        Configuration conf = HadoopConf.create();
        DataRoot root = DataRoot.of(tmp.resolve("root").toString(), conf);
        new CompareFixture(List.of("subj02"), 40, 5, 9).write(spark, root, false);
        CompareConfig config = new CompareConfig(List.of("ridge"), List.of(0L), List.of("subj02"), "cmp", 0.1, new RidgeConfig(GRID, 3));
        Comparison.Outcome out = compare(root, config, Map.of("ridge", new RidgeVariant(config.ridge())));
        ComparisonTable.Row r = out.table().rows().get(0);
        assertNull(r.testR());
        assertNull(r.testScore());
        assertTrue(r.valScore() > 0, "ridge on a linear fixture predicts validation rows");
        Map<String, java.nio.file.Path> zip = ZipFiles.extract(java.nio.file.Path.of(out.report().toUri().getPath(), "submission.zip"), tmp.resolve("unzipped"));
        for (Map.Entry<String, java.nio.file.Path> en : zip.entrySet()) {
            try (NpyReader rd = NpyReader.open(new Path(en.getValue().toString()), conf)) {
                long[] want = {5, en.getKey().contains("/lh_") ? CompareFixture.LH : CompareFixture.RH};
                assertArrayEquals(want, rd.header().shape(), en.getKey());
            }
        }
        assertEquals(List.of("subj02/lh_pred_test.npy", "subj02/rh_pred_test.npy"), List.copyOf(zip.keySet()));
    }

    @Test
    void anUnavailableVariantIsAConfigErrorListingTheAvailableOnes() {
        CompareConfig config = CompareConfig.from(Settings.defaults().with(CompareConfig.VARIANTS, "ridge,fbnet"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> new Comparison(config, Settings.defaults(), Map.of("ridge", new RidgeVariant(config.ridge()))));
        assertTrue(e.getMessage().contains("'fbnet' is not available") && e.getMessage().contains("available: ridge"), e.getMessage());
    }

    @Test
    void aReportNamedLikeTheRunReportsIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> CompareConfig.from(Settings.defaults().with(CompareConfig.REPORT, "index")));
        assertTrue(e.getMessage().contains(CompareConfig.REPORT) && e.getMessage().contains("reports/index holds the run reports"), e.getMessage());
    }
}
