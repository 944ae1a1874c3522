package org.fbnet.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.Path;
import org.fbnet.testing.Published;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.Version;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.fbnet.pca.PcaConfig;
import org.fbnet.pca.PcaModel;
import org.fbnet.pca.RandomizedPca;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;

/**
 * A small output root written with Spark in the stages' schemas: latents, fMRI, vertex info, ROIs and
 * per-hemisphere fMRI PCA models, for subjects whose responses are a linear map of the image latents
 * plus noise. Brain latents are the PCA projections of the responses (PCA fitted on all training rows).
 */
public final class CompareFixture {
    public static final int P = 8, LH = 12, RH = 10, LATENT = 4;
    /** The image PCA the fixture's latents name. */
    public static final String IMAGE_PCA = DataRoot.imagePca("fixture-identity");

    /** Per subject: train rows, test rows; arrays [subject][split][row][...]. */
    final List<String> subjects;
    final float[][][][] x, lh, rh;
    /** Per subject: lh and rh fMRI PCA. */
    final PcaModel[][] pca;
    /** Identifies the content, for the fingerprints of what the fixture publishes. */
    private final int contentHash;

    public CompareFixture(List<String> subjects, int nTrain, int nTest, long seed) {
        this(subjects, generated(subjects.size(), nTrain, nTest, seed));
    }

    /** Given latents, lh and rh responses as {x, lh, rh}, each [subject][split][row][...] (P, LH, RH columns). */
    CompareFixture(List<String> subjects, float[][][][][] xLhRh) {
        this.subjects = subjects;
        x = xLhRh[0];
        lh = xLhRh[1];
        rh = xLhRh[2];
        contentHash = java.util.Arrays.deepHashCode(xLhRh);
        pca = new PcaModel[subjects.size()][2];
        for (int s = 0; s < subjects.size(); s++) {
            pca[s][0] = new RandomizedPca(PcaConfig.of(LATENT)).fit(lh[s][0], subjects.get(s) + " lh");
            pca[s][1] = new RandomizedPca(PcaConfig.of(LATENT)).fit(rh[s][0], subjects.get(s) + " rh");
        }
    }

    private static float[][][][][] generated(int subjects, int nTrain, int nTest, long seed) {
        Random r = new Random(seed);
        float[][][][] x = new float[subjects][2][][], lh = new float[subjects][2][][], rh = new float[subjects][2][][];
        for (int s = 0; s < subjects; s++) {
            double[][] wl = weights(r, LH), wr = weights(r, RH);
            for (int split = 0; split < 2; split++) {
                int n = split == 0 ? nTrain : nTest;
                x[s][split] = new float[n][P];
                lh[s][split] = new float[n][LH];
                rh[s][split] = new float[n][RH];
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < P; k++) x[s][split][i][k] = (float) (r.nextGaussian() * (1 + 0.3 * k));
                    fill(r, x[s][split][i], wl, lh[s][split][i]);
                    fill(r, x[s][split][i], wr, rh[s][split][i]);
                }
            }
        }
        return new float[][][][][] {x, lh, rh};
    }

    /** Row {@code i} of split {@code split} (0 train, 1 test) of subject number {@code s}: image latent, lh and rh responses. */
    public float[] x(int s, int split, int i) { return x[s][split][i]; }

    public float[] lh(int s, int split, int i) { return lh[s][split][i]; }

    public float[] rh(int s, int split, int i) { return rh[s][split][i]; }

    /** Subject {@code s}'s fMRI PCA of hemisphere {@code h} (0 lh, 1 rh). */
    public PcaModel pca(int s, int h) { return pca[s][h]; }

    private static double[][] weights(Random r, int v) {
        double[][] w = new double[P][v];
        for (int k = 0; k < P; k++) for (int j = 0; j < v; j++) w[k][j] = r.nextGaussian() * 0.3 * (j % 4);
        return w;
    }

    private static void fill(Random r, float[] x, double[][] w, float[] out) {
        for (int j = 0; j < out.length; j++) {
            double s = 0.1 * j;
            for (int k = 0; k < x.length; k++) s += x[k] * w[k][j];
            out[j] = (float) (s + r.nextGaussian());
        }
    }

    public static float[] ceilings(int v) {
        float[] c = new float[v];
        for (int j = 0; j < v; j++) c[j] = j == 1 ? 0f : 0.2f + 0.05f * j;
        return c;
    }

    private static List<Float> list(float[] a) {
        List<Float> l = new ArrayList<>(a.length);
        for (float f : a) l.add(f);
        return l;
    }


    /** Writes the datasets; {@code testTruth} false leaves test fMRI (and test brain latents) out. */
    public void write(SparkSession spark, DataRoot root, boolean testTruth) {
        write(spark, root, testTruth, -1);
    }

    /** As {@link #write(SparkSession, DataRoot, boolean)}, leaving out training fMRI row {@code dropTrainRow} (an incomplete ingest). */
    public void write(SparkSession spark, DataRoot root, boolean testTruth, int dropTrainRow) {
        List<Row> latents = new ArrayList<>(), fmri = new ArrayList<>(), vertices = new ArrayList<>(), rois = new ArrayList<>();
        for (int s = 0; s < subjects.size(); s++) {
            String subj = subjects.get(s);
            for (int split = 0; split < 2; split++) {
                String name = split == 0 ? Datasets.TRAIN : Datasets.TEST;
                boolean truth = split == 0 || testTruth;
                float[][] lhLatent = pca[s][0].transform(lh[s][split]), rhLatent = pca[s][1].transform(rh[s][split]);
                for (int i = 0; i < x[s][split].length; i++) {
                    int nsd = 1000 * (s + 1) + 100 * split + i;
                    latents.add(RowFactory.create(subj, name, i, nsd, list(x[s][split][i]),
                            truth ? list(lhLatent[i]) : null, truth ? list(rhLatent[i]) : null));
                    if (truth && !(split == 0 && i == dropTrainRow)) fmri.add(RowFactory.create(subj, name, i, nsd, list(lh[s][split][i]), list(rh[s][split][i])));
                }
            }
            vertices.add(RowFactory.create(subj, "lh", LH, idx(LH), list(ceilings(LH))));
            vertices.add(RowFactory.create(subj, "rh", RH, idx(RH), list(ceilings(RH))));
            rois.add(RowFactory.create(subj, "lh", "prf-visualrois", "V1v", 1, List.of(0, 1, 2, 3)));
            rois.add(RowFactory.create(subj, "lh", "floc-faces", "FFA-1", 2, List.of(4, 5, 6)));
            rois.add(RowFactory.create(subj, "rh", "prf-visualrois", "V1v", 1, List.of(0, 1, 2)));
            rois.add(RowFactory.create(subj, "rh", "floc-faces", "FFA-1", 2, List.<Integer>of()));
        }
        try {
            Version image = identityImagePca(root);
            for (int s = 0; s < subjects.size(); s++) {
                String subj = subjects.get(s);
                int si = s;
                String fp = subj + "/" + contentHash + "/" + testTruth + "/" + dropTrainRow;
                Version f = Published.dataset(spark, root, DataRoot.FMRI, subj, Datasets.FMRI, only(fmri, subj), "fmri:" + fp, List.of());
                Version p = Published.publish(root, DataRoot.fmriPca(subj), "fmri-pca", "pca:" + fp, List.of(), dir -> {
                    for (int h = 0; h < 2; h++) {
                        PcaModel m = pca[si][h];
                        m.writeInto(new Path(dir, h == 0 ? "lh" : "rh"), root.conf(), m.describe(Manifest.of(PcaModel.KIND, PcaModel.FORMAT_VERSION)));
                    }
                });
                Published.dataset(spark, root, DataRoot.LATENTS, subj, Datasets.LATENTS, only(latents, subj), "latents:" + fp,
                        List.of(f.asInput(DataRoot.subjectDataset(DataRoot.FMRI, subj)), p.asInput(DataRoot.fmriPca(subj)),
                                image.asInput(IMAGE_PCA)));
                Published.dataset(spark, root, DataRoot.VERTICES, subj, Datasets.VERTEX_INFO, only(vertices, subj), "vertices:" + fp, List.of());
                Published.dataset(spark, root, DataRoot.ROIS, subj, Datasets.ROIS, only(rois, subj), "rois:" + fp, List.of());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The image PCA the latents name: the identity on the P given image latents (see ProjectFixture#identityImagePca). */
    private static Version identityImagePca(DataRoot root) throws java.io.IOException {
        String fingerprint = "image-pca:identity:" + P;
        var current = root.versioned(IMAGE_PCA).current();
        if (current.isPresent() && fingerprint.equals(current.get().fingerprint())) return current.get();
        PcaModel identity = org.fbnet.pca.ProjectFixture.identityImagePca(P);
        return root.versioned(IMAGE_PCA).publish(identity.describe(Manifest.of(PcaModel.KIND, PcaModel.FORMAT_VERSION))
                .withUnit("fixture/" + IMAGE_PCA, fingerprint), (dir, m) -> {
                    identity.writeInto(dir, root.conf(), m);
                    return m;
                });
    }

    private static List<Row> only(List<Row> rows, String subject) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (!r.getString(0).equals(subject)) continue;
            Object[] v = new Object[r.size() - 1];
            for (int i = 1; i < r.size(); i++) v[i - 1] = r.get(i);
            out.add(RowFactory.create(v));
        }
        return out;
    }

    private static List<Integer> idx(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(163842 - n + i);
        return l;
    }

}
