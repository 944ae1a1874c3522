package org.fbnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.eval.EpochRecord;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {
    private static float[] flat(float[][] a) {
        float[] f = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
        return f;
    }

    /**
     * Publishes an evaluation of two subjects and checks it from Python: every number of scores.csv
     * against the Algonauts formula computed by numpy from the raw arrays, the zip's layout and
     * contents with zipfile + numpy, and the PNGs with Pillow.
     */
    @Test
    void publishedEvaluationMatchesNumpyAndTheSubmissionZipLoads(@TempDir java.nio.file.Path tmp) throws Exception {
        Configuration conf = HadoopConf.create();
        Path raw = new Path(tmp.resolve("raw").toString());
        Random rnd = new Random(11);
        int n = 30, nTest = 4;
        List<VertexAccuracy> parts = new ArrayList<>();
        List<Submission.SubjectPredictions> test = new ArrayList<>();
        List<RoiAtlas.Roi> rois = new ArrayList<>();
        for (String subject : List.of("subj01", "subj05")) {
            float[][][] testPred = new float[2][][];
            int h = 0;
            for (String hemi : List.of("lh", "rh")) {
                int v = subject.equals("subj01") ? (hemi.equals("lh") ? 9 : 7) : 6;
                float[][] truth = new float[n][v], pred = new float[n][v];
                float[] nc = new float[v];
                for (int j = 0; j < v; j++) nc[j] = j == 0 ? 0f : (float) (0.05 + 0.9 * rnd.nextDouble());
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < v; j++) {
                        truth[i][j] = (float) rnd.nextGaussian();
                        pred[i][j] = (float) ((j - 2) * 0.3 * truth[i][j] + rnd.nextGaussian());
                    }
                }
                String base = subject + "_" + hemi;
                NpyWriter.write(new Path(raw, base + "_pred.npy"), conf, flat(pred), n, v);
                NpyWriter.write(new Path(raw, base + "_truth.npy"), conf, flat(truth), n, v);
                NpyWriter.write(new Path(raw, base + "_nc.npy"), conf, nc, v);
                parts.add(VertexAccuracy.of(subject, hemi, pred, truth, nc));
                rois.add(new RoiAtlas.Roi(subject, hemi, "prf-visualrois", "V1v", new int[] {0, 2, 3}));
                rois.add(new RoiAtlas.Roi(subject, hemi, "floc-faces", "FFA-1", hemi.equals("lh") ? new int[] {1, 4, 5} : new int[0]));
                testPred[h] = new float[nTest][v];
                for (int i = 0; i < nTest; i++) for (int j = 0; j < v; j++) testPred[h][i][j] = i * 100 + j + (subject.equals("subj05") ? 0.5f : 0f);
                h++;
            }
            test.add(new Submission.SubjectPredictions(subject, testPred[0], testPred[1]));
        }
        EvaluationReport report = EvaluationReport.of("fbnet/validation", parts, new RoiAtlas(rois));
        Map<String, List<EpochRecord>> curves = new LinkedHashMap<>();
        curves.put("fbnet seed 0", List.of(new EpochRecord(1, -0.5, 0.1, 5, 600, 1), new EpochRecord(2, -0.7, 0.15, 8, 610, 1)));
        Path target = new Path(tmp.resolve("reports/eval").toString());
        ReportFiles.publish(target, conf, report, curves, test, Map.of("seed", 0));
        assertEquals(ReportFiles.KIND, Manifest.read(target, conf).kind());

        String out = Python.run(String.join("\n",
                "import sys, os, zipfile, io, numpy as np, pandas as pd",
                "from PIL import Image",
                "raw, rep = sys.argv[1], sys.argv[2]",
                "t = pd.read_csv(rep + '/scores.csv', keep_default_na=False)",
                "rois = {('prf-visualrois','V1v'): {'lh': [0,2,3], 'rh': [0,2,3]}, ('floc-faces','FFA-1'): {'lh': [1,4,5], 'rh': []}}",
                "def score(s, h):",
                "    p = np.load(f'{raw}/{s}_{h}_pred.npy').astype(np.float64); m = np.load(f'{raw}/{s}_{h}_truth.npy').astype(np.float64)",
                "    nc = np.load(f'{raw}/{s}_{h}_nc.npy').astype(np.float64)",
                "    r = np.array([np.corrcoef(p[:, j], m[:, j])[0, 1] for j in range(p.shape[1])])",
                "    nc[nc == 0] = 1e-14",
                "    return r, np.minimum(100.0, 100.0 * np.maximum(r, 0) ** 2 / nc)",
                "R, S = {}, {}",
                "for s in ['subj01', 'subj05']:",
                "    for h in ['lh', 'rh']:",
                "        R[s, h], S[s, h] = score(s, h)",
                "def check(row, r, sc):",
                "    assert row.vertices == len(r), (row, len(r))",
                "    if len(r) == 0:",
                "        assert row.mean_r == '' and row.mean_score == '', row; return",
                "    assert abs(float(row.mean_r) - r.mean()) < 1e-5, (row, r.mean())",
                "    assert abs(float(row.mean_score) - sc.mean()) < 1e-4 * max(1, sc.mean()), (row, sc.mean())",
                "n = 0",
                "for row in t.itertuples():",
                "    if row.level == 'all':",
                "        keys = list(R)",
                "    elif row.level == 'subject':",
                "        keys = [k for k in R if k[0] == row.subject]",
                "    else:",
                "        keys = [(row.subject, row.hemisphere)]",
                "    if row.level == 'roi':",
                "        idx = rois[row.family, row.roi][row.hemisphere]; k = keys[0]",
                "        check(row, R[k][idx], S[k][idx])",
                "    else:",
                "        check(row, np.concatenate([R[k] for k in keys]), np.concatenate([S[k] for k in keys]))",
                "    n += 1",
                "z = zipfile.ZipFile(rep + '/submission.zip')",
                "names = sorted(z.namelist())",
                "assert names == ['subj01/lh_pred_test.npy', 'subj01/rh_pred_test.npy', 'subj05/lh_pred_test.npy', 'subj05/rh_pred_test.npy'], names",
                "for name in names:",
                "    a = np.load(io.BytesIO(z.read(name)))",
                "    b = np.load(rep + '/submission/' + name)",
                "    assert a.dtype == np.float32 and a.shape[0] == 4 and np.array_equal(a, b), (name, a.dtype, a.shape)",
                "    off = 0.5 if name.startswith('subj05') else 0.0",
                "    assert a[3, 2] == 302 + off, a",
                "sizes = [Image.open(rep + '/' + f).size for f in ['roi_subj01.png', 'roi_subj05.png', 'training_curves.png']]",
                "print(n, len(names), sizes)"), raw.toString(), target.toString());
        // 1 pooled + 2 subjects + 4 hemispheres + 8 ROI rows, all checked
        assertTrue(out.startsWith("15 4 "), out);
    }

    @Test
    void chartsAreDecodablePngsOfTheRequestedShape() throws Exception {
        EvaluationReport rep = EvaluationReport.of("ridge/validation", List.of(
                new VertexAccuracy("subj01", "lh", new double[] {0.2, 0.4}, new double[] {10, 40}),
                new VertexAccuracy("subj01", "rh", new double[] {0.3, 0.1}, new double[] {20, 5})),
                new RoiAtlas(List.of(new RoiAtlas.Roi("subj01", "lh", "streams", "early", new int[] {0}),
                        new RoiAtlas.Roi("subj01", "rh", "streams", "early", new int[] {0, 1}))));
        BufferedImage roi = ImageIO.read(new ByteArrayInputStream(Charts.roiBars(rep, "subj01")));
        assertEquals(900, roi.getWidth());
        assertEquals(560, roi.getHeight());
        BufferedImage curves = ImageIO.read(new ByteArrayInputStream(Charts.trainingCurves("t",
                Map.of("a", List.of(new EpochRecord(1, 1, 0.1, Double.NaN, 10, 1))))));
        assertEquals(650, curves.getHeight(), "no scores: two panels");
    }
}
