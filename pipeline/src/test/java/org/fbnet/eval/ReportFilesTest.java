package org.fbnet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.fbnet.testing.ZipFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {
    private static final List<String> SUBJECTS = List.of("subj01", "subj05");
    private static final int TEST_ROWS = 4;

    private static float[][] read(Path refs, String file, Configuration conf) throws Exception {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(refs.resolve(file).toString());
        int cols;
        try (NpyReader r = NpyReader.open(p, conf)) {
            cols = (int) r.rowLength();
        }
        return Golden.matrix(NpyReader.readAllFloats(p, conf), cols);
    }

    /**
     * Publishes an evaluation of two subjects from the reference inputs (golden_refs/report_files.py), with
     * test predictions i * 100 + j (+ 0.5 for subj05) for the submission.
     */
    private static org.apache.hadoop.fs.Path publish(Path refs, Path tmp) throws Exception {
        Configuration conf = HadoopConf.create();
        List<VertexAccuracy> parts = new ArrayList<>();
        List<Submission.SubjectPredictions> test = new ArrayList<>();
        List<RoiAtlas.Roi> rois = new ArrayList<>();
        for (String subject : SUBJECTS) {
            float[][][] testPred = new float[2][][];
            int h = 0;
            for (String hemi : List.of("lh", "rh")) {
                String base = subject + "_" + hemi;
                float[][] truth = read(refs, base + "_truth.npy", conf), pred = read(refs, base + "_pred.npy", conf);
                float[] nc = NpyReader.readAllFloats(new org.apache.hadoop.fs.Path(refs.resolve(base + "_nc.npy").toString()), conf);
                parts.add(VertexAccuracy.of(subject, hemi, pred, truth, nc));
                rois.add(new RoiAtlas.Roi(subject, hemi, "prf-visualrois", "V1v", new int[] {0, 2, 3}));
                rois.add(new RoiAtlas.Roi(subject, hemi, "floc-faces", "FFA-1", hemi.equals("lh") ? new int[] {1, 4, 5} : new int[0]));
                testPred[h] = new float[TEST_ROWS][nc.length];
                for (int i = 0; i < TEST_ROWS; i++) for (int j = 0; j < nc.length; j++) testPred[h][i][j] = i * 100 + j + (subject.equals("subj05") ? 0.5f : 0f);
                h++;
            }
            test.add(new Submission.SubjectPredictions(subject, testPred[0], testPred[1]));
        }
        EvaluationReport report = EvaluationReport.of("fbnet/validation", parts, new RoiAtlas(rois));
        Map<String, List<EpochRecord>> curves = new LinkedHashMap<>();
        curves.put("fbnet seed 0", List.of(new EpochRecord(1, -0.5, 0.1, 5, 600, 1), new EpochRecord(2, -0.7, 0.15, 8, 610, 1)));
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(tmp.resolve("reports/eval").toString());
        ReportFiles.publish(target, conf, report, curves, test, Map.of("seed", 0));
        assertEquals(ReportFiles.KIND, Manifest.read(target, conf).kind());
        return target;
    }

    /**
     * Every row of scores.csv against numpy's Algonauts scores of the same arrays (pooled, per subject, per
     * hemisphere, per ROI; an empty ROI has empty means), the zip against the submission files, the PNGs decode.
     */
    private static void publishedEvaluationMatchesNumpy(Path refs, Path tmp) throws Exception {
        Path target = Path.of(publish(refs, tmp).toUri().getPath());
        JsonNode expected = Golden.json(refs.resolve("expected.json")).get("rows");
        List<String> lines = Files.readAllLines(target.resolve("scores.csv"));
        assertEquals("level,subject,hemisphere,family,roi,vertices,mean_r,mean_score", lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            String key = switch (f[0]) {
                case "all" -> "all";
                case "subject" -> "subject " + f[1];
                case "hemisphere" -> "hemisphere " + f[1] + " " + f[2];
                default -> "roi " + f[1] + " " + f[2] + " " + f[3] + " " + f[4];
            };
            JsonNode e = expected.get(key);
            assertNotNull(e, "numpy has no row " + key + ": " + line);
            assertEquals(e.get("vertices").intValue(), Integer.parseInt(f[5]), line);
            if (e.get("mean_r").isNull()) {
                assertEquals(List.of("", ""), List.of(f[6], f[7]), line);
            } else {
                double r = e.get("mean_r").doubleValue(), score = e.get("mean_score").doubleValue();
                assertEquals(r, Double.parseDouble(f[6]), 1e-5, "mean r of " + line);
                assertEquals(score, Double.parseDouble(f[7]), 1e-4 * Math.max(1, score), "mean score of " + line);
            }
        }
        // 1 pooled + 2 subjects + 4 hemispheres + 8 ROI rows, all checked
        assertEquals(expected.size(), lines.size() - 1);
        assertEquals(15, expected.size());

        Map<String, Path> zip = ZipFiles.extract(target.resolve("submission.zip"), tmp.resolve("unzipped"));
        assertEquals(List.of("subj01/lh_pred_test.npy", "subj01/rh_pred_test.npy", "subj05/lh_pred_test.npy", "subj05/rh_pred_test.npy"),
                List.copyOf(zip.keySet()));
        for (Map.Entry<String, Path> en : zip.entrySet()) {
            assertArrayEquals(Files.readAllBytes(target.resolve("submission").resolve(en.getKey())), Files.readAllBytes(en.getValue()), en.getKey());
            float[][] a = read(en.getValue().getParent(), en.getValue().getFileName().toString(), HadoopConf.create());
            assertEquals(TEST_ROWS, a.length, en.getKey());
            assertEquals(302 + (en.getKey().startsWith("subj05") ? 0.5f : 0f), a[3][2], en.getKey());
        }
        for (String png : List.of("roi_subj01.png", "roi_subj05.png", "training_curves.png")) {
            assertNotNull(ImageIO.read(target.resolve(png).toFile()), png);
        }
    }

    @Test
    void publishedEvaluationMatchesNumpyAndTheSubmissionZipHoldsTheFiles(@TempDir Path tmp) throws Exception {
        publishedEvaluationMatchesNumpy(Golden.dir("report-files"), tmp);
    }

    @Test
    @Tag(Python.TAG)
    void publishedEvaluationMatchesLiveNumpyAndPythonReadsIt(@TempDir Path tmp) throws Exception {
        publishedEvaluationMatchesNumpy(Golden.live("report-files", tmp.resolve("live")), tmp);
        String out = Python.run(String.join("\n",
                "import sys, zipfile, io, numpy as np, pandas as pd",
                "from PIL import Image",
                "rep = sys.argv[1]",
                "t = pd.read_csv(rep + '/scores.csv', keep_default_na=False)",
                "z = zipfile.ZipFile(rep + '/submission.zip')",
                "for name in z.namelist():",
                "    a = np.load(io.BytesIO(z.read(name)))",
                "    assert a.dtype == np.float32 and a.shape[0] == 4 and np.array_equal(a, np.load(rep + '/submission/' + name)), name",
                "sizes = [Image.open(rep + '/' + f).size for f in ['roi_subj01.png', 'roi_subj05.png', 'training_curves.png']]",
                "print(len(t), len(z.namelist()), sizes)"), tmp.resolve("reports/eval").toString());
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
