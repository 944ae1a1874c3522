package org.fbnet.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.baseline.RidgeConfig;
import org.fbnet.config.ConfigException;
import org.fbnet.config.Settings;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.eval.EpochRecord;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.data.Hemisphere;
import org.fbnet.subject.Subject;
import org.fbnet.testing.Python;
import org.fbnet.testing.StageRunner;
import org.fbnet.testing.SparkTestBase;
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

    private static float[] flat(float[][] a) {
        float[] f = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
        return f;
    }

    @Test
    void ridgeScoresMatchScikitLearnAndTheBestRunsSubmissionIsPublished(@TempDir java.nio.file.Path tmp) throws Exception {
        Configuration conf = HadoopConf.create();
        DataRoot root = DataRoot.of(tmp.resolve("root").toString(), conf);
        CompareFixture fx = new CompareFixture(List.of("subj01", "subj03"), 60, 7, 5);
        fx.write(spark, root, true);
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

        // Independent check of the ridge row: scikit-learn RidgeCV on the same rows, scored with numpy.
        Path raw = new Path(tmp.resolve("raw").toString());
        for (int s = 0; s < 2; s++) {
            for (int split = 0; split < 2; split++) {
                String base = fx.subjects.get(s) + "_" + split;
                NpyWriter.write(new Path(raw, base + "_x.npy"), conf, flat(fx.x[s][split]), fx.x[s][split].length, CompareFixture.P);
                NpyWriter.write(new Path(raw, base + "_lh.npy"), conf, flat(fx.lh[s][split]), fx.lh[s][split].length, CompareFixture.LH);
                NpyWriter.write(new Path(raw, base + "_rh.npy"), conf, flat(fx.rh[s][split]), fx.rh[s][split].length, CompareFixture.RH);
            }
        }
        String py = Python.run(String.join("\n",
                "import sys, numpy as np, pandas as pd, zipfile, io",
                "from sklearn.linear_model import RidgeCV",
                "from sklearn.model_selection import KFold",
                "raw, rep = sys.argv[1], sys.argv[2]",
                "def nc(v):",
                "    c = np.array([0.0 if j == 1 else 0.2 + 0.05 * j for j in range(v)], dtype=np.float32).astype(np.float64)",
                "    c[c == 0] = 1e-14; return c",
                "def score(p, m):",
                "    r = np.array([np.corrcoef(p[:, j], m[:, j])[0, 1] for j in range(m.shape[1])])",
                "    return r, np.minimum(100, 100 * np.maximum(r, 0) ** 2 / nc(m.shape[1]))",
                "R = {'val': [], 'test': []}; S = {'val': [], 'test': []}; preds = {}",
                "for s in ['subj01', 'subj03']:",
                "    x = np.load(f'{raw}/{s}_0_x.npy').astype(np.float64); xt = np.load(f'{raw}/{s}_1_x.npy').astype(np.float64)",
                "    nval = 6  # round(60 * 0.1): the first rows are validation",
                "    for h in ['lh', 'rh']:",
                "        y = np.load(f'{raw}/{s}_0_{h}.npy').astype(np.float64); yt = np.load(f'{raw}/{s}_1_{h}.npy').astype(np.float64)",
                "        m = RidgeCV(alphas=[0.1, 1, 10, 100, 1000], cv=KFold(3), scoring='neg_mean_squared_error').fit(x[nval:], y[nval:])",
                "        for split, xs, ys in [('val', x[:nval], y[:nval]), ('test', xt, yt)]:",
                "            r, sc = score(m.predict(xs), ys); R[split].append(r); S[split].append(sc)",
                "        preds[s, h] = m.predict(xt)",
                "t = pd.read_csv(rep + '/comparison.csv', keep_default_na=False)",
                "row = t[t.variant == 'ridge'].iloc[0]",
                "for split in ['val', 'test']:",
                "    r = np.concatenate(R[split]); sc = np.concatenate(S[split])",
                "    assert abs(row[split + '_r'] - r.mean()) < 1e-4, (split, row[split + '_r'], r.mean())",
                "    assert abs(row[split + '_score'] - sc.mean()) < 1e-3 * max(1, sc.mean()), (split, row[split + '_score'], sc.mean())",
                "z = zipfile.ZipFile(rep + '/submission.zip')",
                "assert sorted(z.namelist()) == ['subj01/lh_pred_test.npy', 'subj01/rh_pred_test.npy', 'subj03/lh_pred_test.npy', 'subj03/rh_pred_test.npy'], z.namelist()",
                "for (s, h), p in preds.items():",
                "    a = np.load(io.BytesIO(z.read(f'{s}/{h}_pred_test.npy')))",
                "    assert a.dtype == np.float32 and a.shape == p.shape, (a.dtype, a.shape)",
                "    assert np.abs(a - p).max() < 1e-3, np.abs(a - p).max()",
                "print('ok', row['val_score'], row['test_score'])"), raw.toString(), out.report().toUri().getPath());
        assertTrue(py.startsWith("ok"), py);

        Manifest m = Manifest.read(out.report(), conf);
        assertEquals(Comparison.KIND, m.kind());
        assertEquals("ridge", m.getString("best"));
        org.apache.hadoop.fs.FileSystem fs = out.report().getFileSystem(conf);
        for (String f : List.of("comparison.md", "comparison.json", "roi_subj01.png", "roi_subj03.png", "training_curves_subj01.png",
                "runs/mean-seed1/validation_scores.csv", "runs/ridge/test_scores.json", "runs/mean-seed0/submission/subj03/rh_pred_test.npy")) {
            assertTrue(fs.exists(new Path(out.report(), f)), f);
        }
        String md = new String(Files.readAllBytes(java.nio.file.Path.of(out.report().toUri().getPath(), "comparison.md")));
        assertTrue(md.startsWith("| model | seed |") && md.contains("| ridge | - |"), md);
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
        String py = Python.run("import sys, zipfile, io, numpy as np\n"
                + "z = zipfile.ZipFile(sys.argv[1] + '/submission.zip')\n"
                + "print(sorted(z.namelist()), np.load(io.BytesIO(z.read('subj02/lh_pred_test.npy'))).shape)", out.report().toUri().getPath());
        assertEquals("['subj02/lh_pred_test.npy', 'subj02/rh_pred_test.npy'] (5, 12)", py.trim());
    }

    @Test
    void anUnavailableVariantIsAConfigErrorListingTheAvailableOnes() {
        CompareConfig config = CompareConfig.from(Settings.defaults().with(CompareConfig.VARIANTS, "ridge,fbnet"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> new Comparison(config, Settings.defaults(), Map.of("ridge", new RidgeVariant(config.ridge()))));
        assertTrue(e.getMessage().contains("'fbnet' is not available") && e.getMessage().contains("available: ridge"), e.getMessage());
    }
}
