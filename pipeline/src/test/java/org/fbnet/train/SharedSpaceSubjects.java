package org.fbnet.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.fbnet.data.ValidationSplit;
import org.fbnet.pca.GroupPca;
import org.fbnet.pca.PcaConfig;
import org.fbnet.pca.PcaModel;
import org.fbnet.pca.RandomizedPca;

/**
 * Subjects whose fMRI shares one vertex space: every vertex reads a few channels that are a nonlinear
 * function of the image latents (the same for all subjects), with loadings common to all subjects plus a
 * subject-specific part, a per-subject vertex offset and noise. subj02 lacks two lh vertices of the
 * common space. Own PCAs and the group PCA are fitted on the training rows minus the validation rows.
 */
final class SharedSpaceSubjects {
    static final int INPUT = 12, CHANNELS = 5, VERTICES = 36, COMPONENTS = 6;
    static final double VALIDATION = 0.1;

    /** One subject's raw data and fitted own PCAs. */
    record Subject(String name, float[][] x, float[][] lh, float[][] rh, int[] lhIds, int[] rhIds, PcaModel lhPca, PcaModel rhPca) {
        /** The rows the PCAs were fitted on: training rows after the validation rows. */
        float[][] fitting(float[][] rows) {
            return Arrays.copyOfRange(rows, ValidationSplit.validationRows(rows.length, VALIDATION), rows.length);
        }
    }

    final List<Subject> subjects = new ArrayList<>();
    final GroupPca lhGroup, rhGroup;

    SharedSpaceSubjects(int count, int rows, long seed) {
        Random r = new Random(seed);
        double[][] a = gaussian(r, INPUT, CHANNELS, 1.5 / Math.sqrt(INPUT));
        double[][] lhLoad = gaussian(r, CHANNELS, VERTICES, 1), rhLoad = gaussian(r, CHANNELS, VERTICES, 1);
        int[] all = IntStream.range(0, VERTICES).toArray();
        List<GroupPca.SubjectMatrix> lhRows = new ArrayList<>(), rhRows = new ArrayList<>();
        for (int s = 1; s <= count; s++) {
            String name = String.format("subj%02d", s);
            int[] lhIds = s == 2 ? IntStream.range(0, VERTICES).filter(v -> v != 3 && v != 17).toArray() : all;
            float[][] x = floats(gaussian(r, rows, INPUT, 1));
            float[][] lh = responses(r, x, a, lhLoad, lhIds), rh = responses(r, x, a, rhLoad, all);
            RandomizedPca pca = exactPca();
            Subject sub = new Subject(name, x, lh, rh, lhIds, all, null, null);
            sub = new Subject(name, x, lh, rh, lhIds, all, pca.fit(sub.fitting(lh), name + " lh"), pca.fit(sub.fitting(rh), name + " rh"));
            subjects.add(sub);
            lhRows.add(new GroupPca.SubjectMatrix(name, sub.fitting(lh), lhIds));
            rhRows.add(new GroupPca.SubjectMatrix(name, sub.fitting(rh), all));
        }
        RandomizedPca pca = exactPca();
        lhGroup = GroupPca.fitInMemory(pca, lhRows, "group lh");
        rhGroup = GroupPca.fitInMemory(pca, rhRows, "group rh");
    }

    /** Oversampling up to the vertex count: the range finder spans every column, so the PCA is exact up to rounding. */
    private static RandomizedPca exactPca() {
        return new RandomizedPca(new PcaConfig(COMPONENTS, VERTICES, 2, 0, 512, 50_000_000L, 0));
    }

    /** Both training views of subject {@code i} (0-based). */
    SubjectViews views(int i) {
        Subject s = subjects.get(i);
        return SubjectViews.of(s.name(), s.x(), new SubjectViews.HemisphereFmri(s.lh(), ceilings(s.lh()[0].length), s.lhPca(), lhGroup),
                new SubjectViews.HemisphereFmri(s.rh(), ceilings(s.rh()[0].length), s.rhPca(), rhGroup), VALIDATION);
    }

    private static float[] ceilings(int n) {
        float[] c = new float[n];
        Arrays.fill(c, 0.6f);
        return c;
    }

    /** Vertex v of the subject: channels(x) . (common + subject loading) + offset + noise. */
    private static float[][] responses(Random r, float[][] x, double[][] a, double[][] common, int[] ids) {
        double[][] own = gaussian(r, CHANNELS, VERTICES, 0.4);
        double[] offset = gaussian(r, 1, VERTICES, 2)[0];
        float[][] out = new float[x.length][ids.length];
        for (int i = 0; i < x.length; i++) {
            double[] ch = new double[CHANNELS];
            for (int c = 0; c < CHANNELS; c++) {
                double s = 0;
                for (int t = 0; t < INPUT; t++) s += x[i][t] * a[t][c];
                ch[c] = Math.tanh(s);
            }
            for (int j = 0; j < ids.length; j++) {
                int v = ids[j];
                double s = offset[v];
                for (int c = 0; c < CHANNELS; c++) s += ch[c] * (common[c][v] + own[c][v]);
                out[i][j] = (float) (s + 0.4 * r.nextGaussian());
            }
        }
        return out;
    }

    static double[][] gaussian(Random r, int rows, int cols, double scale) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) for (int j = 0; j < cols; j++) row[j] = r.nextGaussian() * scale;
        return m;
    }

    static float[][] floats(double[][] d) {
        float[][] f = new float[d.length][];
        for (int i = 0; i < d.length; i++) {
            f[i] = new float[d[i].length];
            for (int j = 0; j < d[i].length; j++) f[i][j] = (float) d[i][j];
        }
        return f;
    }
}
