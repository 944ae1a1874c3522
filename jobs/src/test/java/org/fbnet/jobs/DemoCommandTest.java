package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.testing.ZipFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end, shrunk (fewer images, vertices, components and epochs than conf/demo.properties)
 * to keep the suite fast, run twice on one folder.
 */
class DemoCommandTest extends SparkTestBase {
    private static final List<String> SUBJECTS = List.of("subj01", "subj02");
    private static final int TRAIN = 160, TEST = 30, LH = 120, RH = 130;
    /** Every unit of every stage, for two subjects with pre-training. */
    private static final List<String> UNITS = units();

    private static List<String> units() {
        List<String> u = new ArrayList<>();
        for (String s : SUBJECTS) for (String part : List.of("images", "fmri", "rois", "vertices")) u.add("ingest/" + s + "/" + part);
        for (String s : SUBJECTS) u.add("embed/" + s);
        u.add("project/pca-image");
        for (String s : SUBJECTS) u.add("project/pca-fmri/" + s);
        for (String s : SUBJECTS) u.add("project/latents/" + s);
        u.add("project/report");
        u.add("pretrain");
        for (String s : SUBJECTS) u.add("finetune/" + s);
        u.add("compare");
        return u;
    }

    @Test
    void demoRunsEveryStageAndLearnsThePlantedResponses(@TempDir Path dir) throws Exception {
        String[] argv = {"demo", "--dir", dir.toString(),
                "--set", "synth.train=" + TRAIN, "--set", "synth.test=" + TEST, "--set", "synth.lh=" + LH, "--set", "synth.rh=" + RH,
                "--set", "pca.image.components=40", "--set", "pca.fmri.components=20", "--set", "train.epochs=4",
                "--set", "network.width.factor=2", "--set", "eval.ridge.folds=3"};
        String out = IngestCommandTest.captureRun(0, argv)[0];
        Path root = dir.resolve("out");
        Configuration conf = HadoopConf.create();
        DataRoot data = DataRoot.of(root.toString(), conf);

        // Every stage published every one of its units, and nothing else ran.
        for (String unit : UNITS) assertTrue(out.matches("(?s).*\\n  published  " + Pattern.quote(unit) + " .*"), unit + " published:\n" + out);
        assertTrue(out.contains(UNITS.size() + " published, 0 unchanged, 0 failed under " + root), out);
        assertEquals(2 * (TRAIN + TEST), org.fbnet.testing.StageRunner.current(data, "latents").count());

        // The comparison covers the demo's variants; the closing lines name the claims and the real report files.
        Manifest compare = data.versioned("reports/compare").current().orElseThrow().manifest();
        Path report = Path.of(data.current("reports/compare", "compare").toUri().getPath());
        Map<String, Double> tableTestR = tableTestR(report.resolve("comparison.csv"));
        assertEquals(List.of("fbnet", "mse", "no-pretrain", "ridge"), tableTestR.keySet().stream().sorted().toList());
        for (String claim : List.of("F-BNet ahead of ridge (fbnet vs ridge), test score: ",
                "racing loss ahead of MSE (no-pretrain vs mse; both trained per subject from scratch",
                "pre-training ahead of none (fbnet vs no-pretrain; ")) {
            assertTrue(out.contains("\n  " + claim), claim + ":\n" + out);
        }
        assertTrue(out.contains("scored on " + TEST + " test images per subject"), out);
        for (String file : List.of("comparison.md", "roi_subj01.png", "roi_subj02.png", "training_curves_subj01.png", "submission.zip")) {
            assertTrue(Files.isRegularFile(report.resolve(file)), file);
            assertTrue(out.contains(report.resolve(file).toString()), "the closing lines name " + report.resolve(file) + ":\n" + out);
        }
        assertTrue(out.endsWith(DemoCommand.NEXT_ON_REAL_DATA), "ends with the commands for real data:\n" + out);

        // Pre-training then fine-tuning: each subject's model names the pre-trained parent.
        Manifest m = data.versioned("models/fbnet/subj01").current().orElseThrow().manifest();
        assertTrue(m.getString("parent").contains("models/fbnet/pretrained/v="), String.valueOf(m.fields()));

        // Every model learned the planted responses: its test predictions correlate with the truth folder's test
        // fMRI far beyond what the same predictions reach against shuffled images, and the table reports that r.
        Map<String, float[][]> truth = new LinkedHashMap<>();
        for (String s : SUBJECTS) {
            for (String h : List.of("lh", "rh")) truth.put(s + "/" + h, matrix(dir.resolve("data/truth/" + s + "/" + h + "_test_fmri.npy"), conf));
        }
        for (String run : List.of("fbnet", "no-pretrain-seed0", "mse-seed0", "ridge")) {
            Map<String, float[][]> predicted = new LinkedHashMap<>();
            for (String key : truth.keySet()) {
                predicted.put(key, matrix(report.resolve("runs/" + run + "/submission/" + key + "_pred_test.npy"), conf));
            }
            double r = pooledMeanR(predicted, truth, null);
            double[] shuffled = new double[200];
            Random random = new Random(7);
            for (int i = 0; i < shuffled.length; i++) shuffled[i] = pooledMeanR(predicted, truth, permutation(TEST, random));
            double mean = java.util.Arrays.stream(shuffled).average().orElseThrow();
            double sd = Math.sqrt(java.util.Arrays.stream(shuffled).map(x -> (x - mean) * (x - mean)).sum() / (shuffled.length - 1));
            double max = java.util.Arrays.stream(shuffled).max().orElseThrow();
            String what = String.format("%s: test r %.4f, shuffled images %.4f +- %.4f (max %.4f)", run, r, mean, sd, max);
            assertTrue(r > max && r > mean + 5 * sd, what);
            assertEquals(tableTestR.get(run.replaceAll("-seed0$", "")), r, 1e-5, "the table's test r for " + what);
        }

        // The best run's submission unzips to the Algonauts layout: NPY files whose layout is numpy's (NpyRoundTripTest).
        List<String> shapes = new ArrayList<>();
        for (Map.Entry<String, Path> e : ZipFiles.extract(report.resolve("submission.zip"), dir.resolve("unzipped")).entrySet()) {
            try (NpyReader r = NpyReader.open(new org.apache.hadoop.fs.Path(e.getValue().toString()), conf)) {
                shapes.add(e.getKey() + " " + java.util.Arrays.toString(r.header().shape()));
            }
        }
        assertTrue(shapes.contains("subj01/lh_pred_test.npy [" + TEST + ", " + LH + "]")
                && shapes.contains("subj02/rh_pred_test.npy [" + TEST + ", " + RH + "]"), String.valueOf(shapes));

        // A second demo on the same folder keeps the data, publishes nothing and says so per unit.
        String[] again = IngestCommandTest.captureRun(0, argv);
        for (String s : SUBJECTS) assertTrue(again[1].contains("synth " + s + ": already generated with the same settings, kept"), again[1]);
        for (String unit : UNITS) {
            assertTrue(again[0].matches("(?s).*\\n  unchanged  " + Pattern.quote(unit) + " +up to date.*"), unit + " unchanged:\n" + again[0]);
        }
        assertTrue(again[0].contains("0 published, " + UNITS.size() + " unchanged, 0 failed under " + root), again[0]);
        assertEquals(compare.version(), data.versioned("reports/compare").current().orElseThrow().manifest().version());
    }

    /** variant -> test r of its (only or seed-mean) row in comparison.csv. */
    private static Map<String, Double> tableTestR(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        assertEquals("variant,seed,val_score,val_r,test_score,test_r,fit_seconds", lines.get(0));
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            m.put(f[0], Double.parseDouble(f[5]));
        }
        return m;
    }

    private static float[][] matrix(Path npy, Configuration conf) throws Exception {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(npy.toString());
        long[] shape;
        try (NpyReader r = NpyReader.open(p, conf)) {
            shape = r.header().shape();
        }
        float[] flat = NpyReader.readAllFloats(p, conf);
        float[][] m = new float[(int) shape[0]][(int) shape[1]];
        for (int i = 0; i < m.length; i++) System.arraycopy(flat, i * m[i].length, m[i], 0, m[i].length);
        return m;
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Mean over every vertex of every subject and hemisphere of Pearson's r between predicted and measured
     * responses over the test images (measured rows reordered by {@code order} when given); computed here,
     * apart from fbnet's scorer.
     */
    private static double pooledMeanR(Map<String, float[][]> predicted, Map<String, float[][]> measured, int[] order) {
        double sum = 0;
        int count = 0;
        for (String key : measured.keySet()) {
            float[][] p = predicted.get(key), y = measured.get(key);
            int n = y.length;
            assertEquals(n, p.length, key + " rows");
            for (int v = 0; v < y[0].length; v++) {
                double mp = 0, my = 0;
                for (int i = 0; i < n; i++) {
                    mp += p[i][v];
                    my += y[order == null ? i : order[i]][v];
                }
                mp /= n;
                my /= n;
                double sxy = 0, sxx = 0, syy = 0;
                for (int i = 0; i < n; i++) {
                    double a = p[i][v] - mp, b = y[order == null ? i : order[i]][v] - my;
                    sxy += a * b;
                    sxx += a * a;
                    syy += b * b;
                }
                sum += sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
                count++;
            }
        }
        return sum / count;
    }
}
