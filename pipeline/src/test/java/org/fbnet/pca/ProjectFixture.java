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

/** Tiny ingest-shaped datasets for project tests, written with Spark: near rank-5 fMRI, features a function of the NSD id. */
public final class ProjectFixture {
    public static final int FEATURE_DIM = 40, LH_DIM = 30, RH_DIM = 25, TRAIN = 60, TEST = 12;

    private ProjectFixture() { }

    static StructType without(StructType s, String drop) {
        return new StructType(Arrays.stream(s.fields()).filter(f -> !f.name().equals(drop)).toArray(StructField[]::new));
    }

    /** Training NSD ids firstId..firstId+59, test ids 1000+firstId..; test fMRI only if asked. */
    public static void subject(SparkSession spark, DataRoot root, String subject, int firstId, boolean testFmri, long seed) {
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
        spark.createDataFrame(fm, without(Datasets.FMRI, Datasets.SUBJECT)).write().mode(SaveMode.Overwrite)
                .parquet(DataRoot.subjectPartition(root.fmri(), subject).toString());
        StructType images = new StructType().add(Datasets.SPLIT, "string").add(Datasets.ROW_INDEX, "int").add(Datasets.NSD_ID, "int");
        spark.createDataFrame(im, images).write().mode(SaveMode.Overwrite)
                .parquet(DataRoot.subjectPartition(root.images(), subject).toString());
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
    public static void vertices(SparkSession spark, DataRoot root, String subject, int[] lh, int[] rh) {
        List<Row> rows = List.of(RowFactory.create("lh", lh.length, boxedInts(lh), null), RowFactory.create("rh", rh.length, boxedInts(rh), null));
        spark.createDataFrame(rows, without(Datasets.VERTEX_INFO, Datasets.SUBJECT)).write().mode(SaveMode.Overwrite)
                .parquet(DataRoot.subjectPartition(root.vertices(), subject).toString());
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

    /** Features of every image of the subjects, NSD ids below {@code maxId + 1000}, one part directory per subject. */
    public static void embeddings(SparkSession spark, DataRoot root, String model, String feature, List<String> subjects, int maxTrainId) {
        for (String s : subjects) {
            List<Row> rows = new ArrayList<>();
            for (Row r : spark.read().parquet(DataRoot.subjectPartition(root.images(), s).toString()).collectAsList()) {
                int id = r.getInt(2);
                if (id < maxTrainId || id >= 1000) rows.add(RowFactory.create(id, boxed(feature(id))));
            }
            spark.createDataFrame(rows, Datasets.EMBEDDINGS).write().mode(SaveMode.Overwrite)
                    .parquet(new Path(root.embeddings(model, feature), "source=" + s).toString());
        }
    }

    static Float[] boxed(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return b;
    }
}
