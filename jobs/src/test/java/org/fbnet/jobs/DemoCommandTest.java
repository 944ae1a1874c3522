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
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.Version;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.testing.ZipFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end, shrunk (fewer images, vertices, components and epochs than conf/demo.properties)
 * to keep the suite fast: two subjects, then a third added before the second run; then the whole demo
 * again on the same folder.
 */
class DemoCommandTest extends SparkTestBase {
    private static final List<String> FIRST = List.of("subj01", "subj02");
    private static final String ADDED = "subj03";
    private static final List<String> ALL = List.of("subj01", "subj02", ADDED);
    private static final int TRAIN = 160, TEST = 30, LH = 120, RH = 130;
    private static final Pattern PUBLISHED = Pattern.compile("(?m)^  published  (\\S+) ");
    private static final Pattern UNCHANGED = Pattern.compile("(?m)^  unchanged  (\\S+) ");

    /** A subject's units in the first run's order (ingest, embed, project, finetune). */
    private static List<String> subjectUnits(String s) {
        List<String> u = new ArrayList<>();
        for (String part : List.of("images", "fmri", "rois", "vertices")) u.add("ingest/" + s + "/" + part);
        u.addAll(List.of("embed/" + s, "project/pca-fmri/" + s, "project/latents/" + s, "finetune/" + s));
        return u;
    }

    private static final List<String> GLOBAL = List.of("project/pca-image", "project/pca-fmri/group", "project/report", "pretrain", "compare");

    private static List<String> ids(Pattern p, String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    private static Set<String> set(List<String> a) { return new TreeSet<>(a); }

    @Test
    void demoLearnsThePlantedResponsesAndItsSecondRunProcessesOnlyTheNewSubject(@TempDir Path dir) throws Exception {
        String[] argv = {"demo", "--dir", dir.toString(),
                "--set", "synth.train=" + TRAIN, "--set", "synth.test=" + TEST, "--set", "synth.lh=" + LH, "--set", "synth.rh=" + RH,
                "--set", "pca.image.components=40", "--set", "pca.fmri.components=20", "--set", "train.epochs=6",
                // 152 training rows: batches of 16 give the networks 10 steps an epoch (at 128 they learned nothing in 8 steps).
                "--set", "train.batch.size=16", "--set", "train.lion.learning.rate=3e-4",
                "--set", "network.width.factor=2", "--set", "eval.ridge.folds=3"};
        String out = IngestCommandTest.captureRun(0, argv)[0];
        int second = out.indexOf("\n== demo, second run: " + ADDED + " added");
        assertTrue(second > 0, out);
        String firstRun = out.substring(0, second), secondRun = out.substring(second, out.indexOf("\nWhat the second run did"));
        Path root = dir.resolve("out");
        Configuration conf = HadoopConf.create();
        DataRoot data = DataRoot.of(root.toString(), conf);

        // The first run published every unit of both subjects and every global unit, nothing else.
        List<String> firstUnits = new ArrayList<>(GLOBAL);
        for (String s : FIRST) firstUnits.addAll(subjectUnits(s));
        assertEquals(set(firstUnits), set(ids(PUBLISHED, firstRun)), firstRun);
        assertEquals(firstUnits.size(), ids(PUBLISHED, firstRun).size(), "each unit once:\n" + firstRun);

        // The second run published what the plan says a new subject needs: its own units, and the global units
        // that read every subject's outputs (the projection report and the comparison). The image PCA, the group
        // PCA and pre-training were kept by the refresh policy (conf/run.properties: never for new subjects alone).
        Set<String> expected = set(subjectUnits(ADDED));
        expected.addAll(List.of("project/report", "compare"));
        assertEquals(expected, set(ids(PUBLISHED, secondRun)), secondRun);
        for (String kept : List.of("project/pca-image", "project/pca-fmri/group", "pretrain")) {
            assertTrue(secondRun.matches("(?s).*\\n  unchanged  " + Pattern.quote(kept) + " +kept: 1 new subject\\(s\\) since it was made \\("
                    + ADDED + "\\); remade with --refresh-global\\n.*"), kept + ":\n" + secondRun);
        }
        for (String s : FIRST) for (String u : subjectUnits(s)) assertTrue(ids(UNCHANGED, secondRun).contains(u), u + ":\n" + secondRun);
        // ... and the demo says so.
        assertTrue(out.contains("\n  " + ADDED + " (new): 8 of its 8 units ran: " + String.join(", ", subjectUnits(ADDED)) + "\n"), out);
        assertTrue(out.contains("\n  earlier subjects (subj01, subj02): none of their 16 units ran\n"), out);
        assertTrue(out.matches("(?s).*\\n    ran   compare +changed: latents/subject=" + ADDED + " \\(new input\\).*"), out);
        assertEquals(ALL.size() * (TRAIN + TEST), org.fbnet.testing.StageRunner.current(data, "latents").count());

        // The new subject was fine-tuned from the pre-trained network the first run made, like the others.
        Version pretrained = data.versioned("models/fbnet/pretrained").current().orElseThrow();
        for (String s : ALL) {
            Manifest m = data.versioned("models/fbnet/" + s).current().orElseThrow().manifest();
            assertTrue(m.getString("parent").contains("models/fbnet/pretrained/v=" + pretrained.id()), s + ": " + m.fields());
        }

        // The comparison covers the variants and every subject; the summary reads its claims and names the files.
        Manifest compare = data.versioned("reports/compare").current().orElseThrow().manifest();
        Path report = Path.of(data.current("reports/compare", "compare").toUri().getPath());
        Map<String, String[]> table = table(report.resolve("comparison.csv"));
        assertEquals(List.of("fbnet", "mse", "no-leak", "no-pretrain", "ridge"), table.keySet().stream().sorted().toList());
        assertEquals(ALL, compare.get("subjects"));
        for (String claim : List.of("F-BNet ahead of ridge (fbnet vs ridge)",
                "racing loss ahead of MSE (no-pretrain vs mse; both trained per subject from scratch",
                "pre-training ahead of none (fbnet vs no-pretrain; ")) {
            assertTrue(out.matches("(?s).*\\n  " + Pattern.quote(claim) + "[^\\n]*score: (holds|does not hold|not tested), .*"), claim + ":\n" + out);
        }
        for (String file : List.of("comparison.md", "roi_subj03.png", "training_curves_subj03.png", "submission.zip")) {
            assertTrue(Files.isRegularFile(report.resolve(file)), file);
        }
        assertTrue(out.contains("  comparison table: " + report.resolve("comparison.md") + " "), out);
        assertTrue(out.contains("  submission:       " + report.resolve("submission.zip") + " "), out);
        Path page = Path.of(data.current("reports/index", "index").toUri().getPath()).resolve("index.html");
        assertTrue(Files.isRegularFile(page) && out.contains("  run report page:  " + page + " "), page + ":\n" + out);
        assertTrue(out.endsWith(DemoCommand.NEXT_ON_REAL_DATA), "ends with the command for real data:\n" + out);

        // F-BNet and ridge learned the planted responses. Chance is the score of the same predictions against the
        // truth folder's test fMRI with the images shuffled (computed here, apart from fbnet's scorer): their scores
        // are above every one of 200 shuffles and 5 standard deviations above their mean. The ablations, trained
        // from scratch on 152 rows for 6 epochs, may stay near chance at this size (mse did), so for them only the
        // table's score is checked. The chance fbnet states from the generator's noise ceilings and the image
        // count (VertexScores.chanceNoiseNormalized, the value its claims are read against) agrees with the shuffles.
        Map<String, float[][]> truth = new LinkedHashMap<>();
        Map<String, float[]> ceilings = new LinkedHashMap<>();
        for (String s : ALL) {
            for (String h : List.of("lh", "rh")) {
                truth.put(s + "/" + h, matrix(dir.resolve("data/truth/" + s + "/" + h + "_test_fmri.npy"), conf));
                ceilings.put(s + "/" + h, NpyReader.readAllFloats(new org.apache.hadoop.fs.Path(
                        dir.resolve("data/truth/" + s + "/" + h + "_noise_ceiling.npy").toString()), conf));
            }
        }
        double statedChance = ((Number) compare.getMap("chance").get("test")).doubleValue();
        for (String run : List.of("fbnet", "no-pretrain-seed0", "mse-seed0", "ridge")) {
            Map<String, float[][]> predicted = new LinkedHashMap<>();
            for (String key : truth.keySet()) {
                predicted.put(key, matrix(report.resolve("runs/" + run + "/submission/" + key + "_pred_test.npy"), conf));
            }
            double score = pooledScore(predicted, truth, ceilings, null);
            double[] shuffled = new double[200];
            Random random = new Random(7);
            for (int i = 0; i < shuffled.length; i++) shuffled[i] = pooledScore(predicted, truth, ceilings, permutation(TEST, random));
            double mean = java.util.Arrays.stream(shuffled).average().orElseThrow();
            double sd = Math.sqrt(java.util.Arrays.stream(shuffled).map(x -> (x - mean) * (x - mean)).sum() / (shuffled.length - 1));
            double max = java.util.Arrays.stream(shuffled).max().orElseThrow();
            String what = String.format("%s: test score %.2f, shuffled images %.2f +- %.2f (max %.2f), stated chance %.2f", run, score, mean, sd,
                    max, statedChance);
            if (run.equals("fbnet") || run.equals("ridge")) assertTrue(score > max && score > mean + 5 * sd, what);
            assertEquals(Double.parseDouble(table.get(run.replaceAll("-seed0$", ""))[4]), score, 1e-3, "the table's test score for " + what);
            // The closed form assumes Gaussian responses; 200 shuffles of one prediction set estimate it within a few sd / sqrt(200).
            assertEquals(mean, statedChance, 0.1 * statedChance + 3 * sd / Math.sqrt(shuffled.length), what);
        }
        // The best run's submission unzips to the Algonauts layout: NPY files whose layout is numpy's (NpyRoundTripTest).
        List<String> shapes = new ArrayList<>();
        for (Map.Entry<String, Path> e : ZipFiles.extract(report.resolve("submission.zip"), dir.resolve("unzipped")).entrySet()) {
            try (NpyReader r = NpyReader.open(new org.apache.hadoop.fs.Path(e.getValue().toString()), conf)) {
                shapes.add(e.getKey() + " " + java.util.Arrays.toString(r.header().shape()));
            }
        }
        assertTrue(shapes.contains("subj01/lh_pred_test.npy [" + TEST + ", " + LH + "]")
                && shapes.contains(ADDED + "/rh_pred_test.npy [" + TEST + ", " + RH + "]"), String.valueOf(shapes));

        // The whole demo again on the same folder: the data is kept and neither run publishes a unit.
        String[] again = IngestCommandTest.captureRun(0, argv);
        for (String s : ALL) assertTrue(again[1].contains("synth " + s + ": already generated with the same settings, kept"), again[1]);
        assertEquals(List.of(), ids(PUBLISHED, again[0]), again[0]);
        assertEquals(2, again[0].split("\n0 published, " + (GLOBAL.size() + 3 * subjectUnits(ADDED).size()) + " unchanged, 0 failed under ", -1).length - 1,
                "both runs: every unit of the three subjects unchanged:\n" + again[0]);
        assertTrue(again[0].contains("\n  " + ADDED + ": nothing ran, its 8 units were up to date"), again[0]);
        assertEquals(compare.version(), data.versioned("reports/compare").current().orElseThrow().manifest().version());
    }

    /** variant -> its (only or seed-mean) row of comparison.csv. */
    private static Map<String, String[]> table(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        assertEquals("variant,seed,val_score,val_r,test_score,test_r,fit_seconds", lines.get(0));
        Map<String, String[]> m = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            m.put(f[0], f);
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
     * The Algonauts noise-normalized score, pooled over every vertex of every subject and hemisphere:
     * 100 * max(r, 0)^2 / NC capped at 100, r Pearson's over the test images between predicted and measured
     * responses (measured rows reordered by {@code order} when given); computed here, apart from fbnet's scorer.
     */
    private static double pooledScore(Map<String, float[][]> predicted, Map<String, float[][]> measured, Map<String, float[]> ceilings,
                                      int[] order) {
        double sum = 0;
        int count = 0;
        for (String key : measured.keySet()) {
            float[][] p = predicted.get(key), y = measured.get(key);
            float[] nc = ceilings.get(key);
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
                double r = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
                double c = nc[v] == 0 ? 1e-14 : nc[v];
                sum += Math.min(100, 100 * Math.max(r, 0) * Math.max(r, 0) / c);
                count++;
            }
        }
        return sum / count;
    }
}
