package org.fbnet.pca;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.testing.Published;

/** Tiny ingest-shaped datasets for project tests, written with Spark: near rank-5 fMRI, features a function of the NSD id. */
public final class ProjectFixture {
    public static final int FEATURE_DIM = 40, LH_DIM = 30, RH_DIM = 25, TRAIN = 60, TEST = 12;

    private ProjectFixture() { }

    /** Training NSD ids firstId..firstId+59, test ids 1000+firstId..; test fMRI only if asked. */
    public static void subject(SparkSession spark, DataRoot root, String subject, int firstId, boolean testFmri, long seed) throws java.io.IOException {
        float[][] lhTrain = fmri(subject, firstId, true, seed, true), rhTrain = fmri(subject, firstId, false, seed, true);
        float[][] lhTest = fmri(subject, firstId, true, seed, false), rhTest = fmri(subject, firstId, false, seed, false);
        List<Row> fm = new ArrayList<>(), im = new ArrayList<>();
        for (int i = 0; i < TRAIN; i++) {
            fm.add(RowFactory.create("train", i, firstId + i, boxed(lhTrain[i]), boxed(rhTrain[i])));
            im.add(RowFactory.create("train", i, firstId + i));
        }
        for (int i = 0; i < TEST; i++) {
            if (testFmri) fm.add(RowFactory.create("test", i, 1000 + firstId + i, boxed(lhTest[i]), boxed(rhTest[i])));
            im.add(RowFactory.create("test", i, 1000 + firstId + i));
        }
        String fp = subject + "/" + firstId + "/" + testFmri + "/" + seed;
        Published.dataset(spark, root, DataRoot.FMRI, subject, Datasets.FMRI, fm, "fmri:" + fp, List.of());
        StructType images = new StructType().add(Datasets.SPLIT, "string").add(Datasets.ROW_INDEX, "int").add(Datasets.NSD_ID, "int");
        // The image index depends on the ids only, not on the fMRI's seed.
        Published.dataset(spark, root, DataRoot.IMAGES, subject, images, im, "images:" + subject + "/" + firstId, List.of());
    }

    /** A subject's fMRI: 5 latent factors times fixed loadings plus small noise. */
    public static float[][] fmri(String subject, int firstId, boolean lh, long seed, boolean train) {
        int dim = lh ? LH_DIM : RH_DIM;
        Random load = new Random(seed * 31 + (lh ? 1 : 2));
        double[][] loadings = new double[5][dim];
        for (double[] row : loadings) for (int j = 0; j < dim; j++) row[j] = load.nextGaussian();
        Random rnd = new Random(seed * 101 + (lh ? 3 : 4) + (train ? 0 : 7));
        int n = train ? TRAIN : TEST;
        float[][] x = new float[n][dim];
        for (int i = 0; i < n; i++) {
            double[] f = new double[5];
            for (int c = 0; c < 5; c++) f[c] = rnd.nextGaussian() * (5 - c);
            for (int j = 0; j < dim; j++) {
                double s = 0.5 + 0.05 * rnd.nextGaussian();
                for (int c = 0; c < 5; c++) s += f[c] * loadings[c][j];
                x[i][j] = (float) s;
            }
        }
        return x;
    }

    /** Vertex info: the fsaverage id of each lh and rh vertex of a subject (no noise ceilings). */
    public static void vertices(SparkSession spark, DataRoot root, String subject, int[] lh, int[] rh) throws java.io.IOException {
        List<Row> rows = List.of(RowFactory.create("lh", lh.length, boxedInts(lh), null), RowFactory.create("rh", rh.length, boxedInts(rh), null));
        Published.dataset(spark, root, DataRoot.VERTICES, subject, Datasets.VERTEX_INFO, rows,
                "vertices:" + Arrays.toString(lh) + Arrays.toString(rh), List.of());
    }

    private static Integer[] boxedInts(int[] v) {
        Integer[] b = new Integer[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return b;
    }

    public static float[] feature(int nsdId) {
        Random rnd = new Random(nsdId);
        float[] f = new float[FEATURE_DIM];
        for (int j = 0; j < FEATURE_DIM; j++) f[j] = (float) (rnd.nextGaussian() * (j < 10 ? 3 : 0.3));
        return f;
    }

    /** Features of every image of the subjects with NSD id below {@code maxTrainId} or a test id, one output per subject. */
    public static void embeddings(SparkSession spark, DataRoot root, String model, String feature, List<String> subjects, int maxTrainId)
            throws java.io.IOException {
        for (String s : subjects) {
            List<Row> rows = new ArrayList<>();
            for (Row r : spark.read().parquet(root.current(DataRoot.subjectDataset(DataRoot.IMAGES, s), "the fixture").toString()).collectAsList()) {
                int id = r.getInt(2);
                if (id < maxTrainId || id >= 1000) rows.add(RowFactory.create(id, boxed(feature(id))));
            }
            String outputId = DataRoot.embeddings(model, feature, s);
            Published.publish(root, outputId, "embeddings", "features:" + model + feature + s + maxTrainId + rows.size(), List.of(),
                    dir -> spark.createDataFrame(rows, Datasets.EMBEDDINGS).write().mode(SaveMode.Overwrite).parquet(dir.toString()));
        }
    }

    static Float[] boxed(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return b;
    }
}
