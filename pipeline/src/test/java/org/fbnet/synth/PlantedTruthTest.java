package org.fbnet.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.store.HadoopConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planted structure is there and measurable: the claims a downstream experiment relies on. */
class PlantedTruthTest {
    private static final Configuration CONF = HadoopConf.create();

    @TempDir
    java.nio.file.Path dir;

    @Test
    void testImagesAreNeverTrainingImagesOfAnySubjectAndSubjectsShareIds() {
        NsdIds ids = new NsdIds(SynthConfig.of(SynthPreset.NSD, 8));
        Set<Integer> train = new HashSet<>(), test = new HashSet<>();
        for (int s = 1; s <= 8; s++) {
            int[] tr = ids.train(s), te = ids.test(s);
            assertEquals(SynthPreset.NSD.train(s), tr.length);
            assertEquals(SynthPreset.NSD.test(s), te.length);
            assertEquals(tr.length, Arrays.stream(tr).distinct().count());
            for (int x : tr) assertTrue(x >= 1 && x <= NsdIds.NSD_IMAGES, "eight NSD subjects fit in NSD's 73000 ids");
            for (int x : te) assertTrue(x >= 1 && x <= NsdIds.NSD_IMAGES);
            Arrays.stream(tr).forEach(train::add);
            Arrays.stream(te).forEach(test::add);
        }
        Set<Integer> overlap = new HashSet<>(train);
        overlap.retainAll(test);
        assertTrue(overlap.isEmpty(), "test ids that are training ids of some subject: " + overlap.size());
        Set<Integer> s1 = new HashSet<>(), s4 = new HashSet<>();
        Arrays.stream(ids.train(1)).forEach(s1::add);
        Arrays.stream(ids.train(4)).forEach(s4::add);
        s1.retainAll(s4);
        assertTrue(s1.size() >= 700, "subj01 and subj04 share training images: " + s1.size());
        Set<Integer> t1 = new HashSet<>(), t2 = new HashSet<>();
        Arrays.stream(ids.test(1)).forEach(t1::add);
        Arrays.stream(ids.test(3)).forEach(t2::add);
        t1.retainAll(t2);
        assertTrue(t1.size() >= 70, "subjects share test images too: " + t1.size());
        // A subject's images do not depend on how many subjects are generated after it.
        NsdIds ten = new NsdIds(SynthConfig.of(SynthPreset.NSD, 10));
        assertArrayEquals(ids.train(3), ten.train(3));
        assertArrayEquals(ids.test(8), ten.test(8));
        assertTrue(Arrays.stream(ten.train(10)).max().getAsInt() <= NsdIds.MAX_ID);
    }

    @Test
    void subjectsShareOneVertexSpaceWithNsdsCounts() {
        VertexSpace space = new VertexSpace(SynthConfig.of(SynthPreset.NSD, 8));
        int[][] expected = {{19004, 19004, 19004, 19004, 19004, 18978, 19004, 18981}, {20544, 20544, 20544, 20544, 20544, 20220, 20544, 20530}};
        for (Hemisphere h : Hemisphere.values()) {
            int[] common = space.common(h);
            Set<Integer> commonSet = new HashSet<>();
            for (int v : common) commonSet.add(v);
            for (int s = 1; s <= 8; s++) {
                int[] v = space.subject(s, h);
                assertEquals(expected[h.ordinal()][s - 1], v.length, "subj0" + s + " " + h);
                for (int i = 1; i < v.length; i++) assertTrue(v[i] > v[i - 1]);
                for (int x : v) assertTrue(commonSet.contains(x));
                if (v.length == common.length) assertArrayEquals(common, v, "the mask is identical for full subjects");
            }
        }
    }

    /** Features-only output with many rows: r^2(noiseless signal, written response) ~= written ceiling. */
    @Test
    void writtenCeilingsAreWhatTheWrittenNoiseProduces() throws Exception {
        SynthConfig c = new SynthConfig(SynthPreset.SMALL, 1, 4000, 10, 120, 20, 32, 11, true, 4);
        java.nio.file.Path out = dir.resolve("many");
        new SyntheticDataset(c).generate(new Path(out.toString()), CONF);
        PlantedTruth t = PlantedTruth.of(c);
        SubjectBrain lh = t.brain(1, Hemisphere.LH);
        int[] ids = t.ids().train(1);
        double[][] signal = new double[lh.size()][ids.length], measured = new double[lh.size()][ids.length];
        float[] row = new float[lh.size()], sig = new float[lh.size()];
        try (NpyReader r = NpyReader.open(new Path(out.resolve("subj01/training_split/training_fmri/lh_training_fmri.npy").toString()), CONF)) {
            for (int i = 0; i < ids.length; i++) {
                r.readRows(row);
                lh.signal(t.channels(t.draw(ids[i])), sig);
                for (int v = 0; v < row.length; v++) {
                    signal[v][i] = sig[v];
                    measured[v][i] = row[v];
                }
            }
        }
        double[] nc;
        try (NpyReader r = NpyReader.open(new Path(out.resolve("truth/subj01/lh_noise_ceiling.npy").toString()), CONF)) {
            nc = r.readAllDoubles();
        }
        double sumAbs = 0, worst = 0;
        int zeros = 0;
        for (int v = 0; v < nc.length; v++) {
            if (nc[v] == 0) {
                zeros++;
                continue;
            }
            double r = Ridge.corr(signal[v], measured[v]);
            double diff = Math.abs(r * r - nc[v]);
            sumAbs += diff;
            worst = Math.max(worst, diff);
            // The response's variance is 1 by construction: NC of it is signal.
            double var = variance(measured[v]);
            assertEquals(1.0, var, 0.08, "unit response variance at vertex " + v);
        }
        double mean = sumAbs / (nc.length - zeros);
        System.out.printf("empirical r^2 vs written NC over %d rows: mean |diff| %.4f, worst %.4f%n", ids.length, mean, worst);
        // With 4000 rows the sampling error of r^2 is about 2 sqrt(NC) (1 - NC) / sqrt(4000) <= 0.013.
        assertTrue(mean < 0.012 && worst < 0.05, "mean |r^2 - NC| " + mean + ", worst " + worst);
    }

    private static double variance(double[] x) {
        double m = Arrays.stream(x).average().orElse(0), s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return s / (x.length - 1);
    }

    private static double mean(double[] x) { return Arrays.stream(x).average().orElse(Double.NaN); }

    /** Noiseless signals of one subject's hemisphere for draws of fresh NSD ids. */
    private static double[][] signals(PlantedTruth t, SubjectBrain b, int[] ids) {
        double[][] y = new double[ids.length][b.size()];
        float[] s = new float[b.size()];
        for (int i = 0; i < ids.length; i++) {
            b.signal(t.channels(t.draw(ids[i])), s);
            for (int v = 0; v < s.length; v++) y[i][v] = s[v];
        }
        return y;
    }

    private static int[] range(int from, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = from + i;
        return ids;
    }

    private static double[][] latents(PlantedTruth t, int[] ids) {
        double[][] z = new double[ids.length][];
        for (int i = 0; i < ids.length; i++) z[i] = t.draw(ids[i]).latent();
        return z;
    }

    /** Drops zero-ceiling (pure noise, zero signal) columns. */
    private static double[][] nonzeroColumns(double[][] y, float[] nc) {
        int[] keep = java.util.stream.IntStream.range(0, nc.length).filter(v -> nc[v] > 0).toArray();
        double[][] out = new double[y.length][keep.length];
        for (int i = 0; i < y.length; i++) for (int k = 0; k < keep.length; k++) out[i][k] = y[i][keep[k]];
        return out;
    }

    @Test
    void aLinearModelOfTheLatentCapturesOnlyPartOfTheNonlinearTruth() {
        PlantedTruth t = PlantedTruth.of(new SynthConfig(SynthPreset.SMALL, 1, 10, 10, 150, 20, 32, 5, true, 4));
        SubjectBrain lh = t.brain(1, Hemisphere.LH);
        int[] fit = range(1, 3000), held = range(5001, 1500);
        double[][] yFit = nonzeroColumns(signals(t, lh, fit), lh.ceilings());
        double[][] yHeld = nonzeroColumns(signals(t, lh, held), lh.ceilings());
        double[] linear = Ridge.fit(latents(t, fit), yFit, 1).r2(latents(t, held), yHeld);
        double linearMean = mean(linear);
        // Control: the same ridge recovers a linear target of the latent almost exactly.
        double[][] zFit = latents(t, fit), zHeld = latents(t, held);
        double[][] linFit = new double[fit.length][1], linHeld = new double[held.length][1];
        for (int i = 0; i < fit.length; i++) linFit[i][0] = zFit[i][0] - 2 * zFit[i][5] + 0.5 * zFit[i][11];
        for (int i = 0; i < held.length; i++) linHeld[i][0] = zHeld[i][0] - 2 * zHeld[i][5] + 0.5 * zHeld[i][11];
        assertTrue(Ridge.fit(zFit, linFit, 1).r2(zHeld, linHeld)[0] > 0.999);
        // The truth explains its own signal fully (r^2 = 1); the best linear map of the latent explains part of it.
        assertTrue(linearMean < 0.75 && linearMean > 0.15, "linear ridge r^2 of the noiseless signal: " + linearMean);
        // ... and a model with the quadratic terms of the latent does better: the nonlinearity is learnable.
        double[] quadratic = Ridge.fit(quadratic(zFit), yFit, 1).r2(quadratic(zHeld), yHeld);
        System.out.printf("noiseless signal r^2: linear ridge of the latent %.3f, quadratic ridge %.3f, truth 1%n", linearMean, mean(quadratic));
        assertTrue(mean(quadratic) > linearMean + 0.1, "quadratic " + mean(quadratic) + " vs linear " + linearMean);
    }

    private static double[][] quadratic(double[][] z) {
        int d = z[0].length;
        double[][] out = new double[z.length][d + d * (d + 1) / 2];
        for (int i = 0; i < z.length; i++) {
            int k = 0;
            for (int a = 0; a < d; a++) out[i][k++] = z[i][a];
            for (int a = 0; a < d; a++) for (int b = a; b < d; b++) out[i][k++] = z[i][a] * z[i][b];
        }
        return out;
    }

    @Test
    void aCommonVertexRespondsAlikeAcrossSubjects() {
        PlantedTruth t = PlantedTruth.of(SynthConfig.of(SynthPreset.SMALL, 8));
        SubjectBrain a = t.brain(1, Hemisphere.RH), b = t.brain(6, Hemisphere.RH);
        int[] ids = range(20001, 600);
        double[][] ya = signals(t, a, ids), yb = signals(t, b, ids);
        int[] va = a.vertices(), vb = b.vertices();
        float[] nca = a.ceilings(), ncb = b.ceilings();
        double matched = 0, shifted = 0;
        int n = 0;
        for (int j = 0; j < vb.length; j++) {
            int i = Arrays.binarySearch(va, vb[j]);
            int far = (i + va.length / 2) % va.length;
            if (nca[i] == 0 || ncb[j] == 0 || nca[far] == 0) continue;
            matched += Ridge.corr(column(ya, i), column(yb, j));
            shifted += Math.abs(Ridge.corr(column(ya, far), column(yb, j)));
            n++;
        }
        matched /= n;
        shifted /= n;
        System.out.printf("signal r across subjects: same vertex %.3f, distant vertex |r| %.3f%n", matched, shifted);
        assertTrue(matched > 0.8, "same fsaverage vertex, two subjects: mean r " + matched);
        assertTrue(shifted < matched - 0.3, "distant vertices: mean |r| " + shifted + " vs " + matched);
        // ... up to subject-specific variation: not identical.
        assertTrue(matched < 0.995, "subjects differ: " + matched);
    }

    private static double[] column(double[][] y, int c) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) out[i] = y[i][c];
        return out;
    }

    @Test
    void loadingsAndCeilingsAreSpatiallySmooth() {
        PlantedTruth t = PlantedTruth.of(SynthConfig.of(SynthPreset.NSD, 1));
        SubjectBrain lh = t.brain(1, Hemisphere.LH);
        float[] nc = lh.ceilings();
        double[] a = new double[nc.length - 1], b = new double[nc.length - 1];
        for (int v = 0; v + 1 < nc.length; v++) {
            a[v] = nc[v];
            b[v] = nc[v + 1];
        }
        assertTrue(Ridge.corr(a, b) > 0.95, "neighbouring ceilings correlate: " + Ridge.corr(a, b));
        double[][] y = signals(t, lh, range(30001, 300));
        double near = 0, far = 0;
        int n = 0;
        for (int v = 0; v + 1000 < nc.length; v += 97) {
            if (nc[v] == 0 || nc[v + 1] == 0 || nc[v + 1000] == 0) continue;
            near += Ridge.corr(column(y, v), column(y, v + 1));
            far += Math.abs(Ridge.corr(column(y, v), column(y, v + 1000)));
            n++;
        }
        assertTrue(near / n > 0.95 && far / n < near / n - 0.2, "signal r of neighbours " + near / n + ", of vertices 1000 apart " + far / n);
    }

    /**
     * A simple pixel encoder (4x4 block colour means and stripe energy) with a ridge recovers much of the
     * latent: background colour well, shapes and texture partly.
     */
    @Test
    void theLatentIsPartlyRecoverableFromPixels() {
        PlantedTruth t = PlantedTruth.of(new SynthConfig(SynthPreset.SMALL, 1, 10, 10, 20, 20, 32, 9, false, 4));
        ImageRenderer renderer = t.renderer();
        int[] fit = range(1, 1200), held = range(2001, 400);
        double[][] xf = pixels(t, renderer, fit), xh = pixels(t, renderer, held);
        double[] r2 = Ridge.fit(xf, latents(t, fit), 1).r2(xh, latents(t, held));
        System.out.println("latent r^2 from 4x4 pixel colours: " + Arrays.toString(Arrays.stream(r2).map(x -> Math.round(x * 100) / 100.0).toArray()));
        // Measured (seed 9): hue 0.74, brightness 0.66, gradient 0.87/0.84, stripe contrast 0.71.
        assertTrue(r2[0] > 0.6 && r2[2] > 0.5, "background hue and brightness r^2 " + Arrays.toString(r2));
        assertTrue(r2[3] > 0.6 && r2[4] > 0.6, "shading gradient r^2 " + Arrays.toString(r2));
        long recovered = Arrays.stream(r2).filter(x -> x > 0.1).count();
        assertTrue(recovered >= 8, "latent dims with r^2 > 0.1: " + recovered + " " + Arrays.toString(r2));
        assertTrue(mean(r2) < 0.9, "a linear pixel model does not recover everything: " + Arrays.toString(r2));
    }

    private static double[][] pixels(PlantedTruth t, ImageRenderer renderer, int[] ids) {
        double[][] x = new double[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            BufferedImage img = renderer.render(t.draw(ids[i]));
            int size = img.getWidth(), blocks = 4, cell = size / blocks;
            double[] f = new double[blocks * blocks * 3 + 2];
            double dx = 0, dy = 0;
            for (int py = 0; py < size; py++) {
                for (int px = 0; px < size; px++) {
                    int rgb = img.getRGB(px, py);
                    int k = ((py / cell) * blocks + px / cell) * 3;
                    f[k] += ((rgb >> 16) & 255) / 255.0 / (cell * cell);
                    f[k + 1] += ((rgb >> 8) & 255) / 255.0 / (cell * cell);
                    f[k + 2] += (rgb & 255) / 255.0 / (cell * cell);
                    if (px > 0) dx += Math.abs((rgb & 255) - (img.getRGB(px - 1, py) & 255)) / 255.0 / (size * size);
                    if (py > 0) dy += Math.abs((rgb & 255) - (img.getRGB(px, py - 1) & 255)) / 255.0 / (size * size);
                }
            }
            f[blocks * blocks * 3] = dx;
            f[blocks * blocks * 3 + 1] = dy;
            x[i] = f;
        }
        return x;
    }

    @Test
    void sameNsdIdGivesTheSameDrawAndFeaturesWhateverTheSubjectCount() {
        PlantedTruth one = PlantedTruth.of(new SynthConfig(SynthPreset.SMALL, 1, 10, 10, 20, 20, 32, 4, true, 16));
        PlantedTruth many = PlantedTruth.of(new SynthConfig(SynthPreset.SMALL, 5, 10, 10, 20, 20, 32, 4, true, 16));
        assertArrayEquals(one.draw(1234).latent(), many.draw(1234).latent());
        assertArrayEquals(one.features(one.draw(1234)), many.features(many.draw(1234)));
        assertTrue(!Arrays.equals(one.draw(1234).latent(), one.draw(1235).latent()));
    }
}
