package org.fbnet.compare;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fbnet.data.InputDataException;
import org.fbnet.data.ValidationSplit;
import org.fbnet.eval.RoiAtlas;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;

/**
 * One subject's data for the comparison, in driver memory: image latents, brain latents and
 * vertex-space fMRI of the training rows (validation rows removed), the validation rows, the test
 * rows (fMRI only when truth was supplied), noise ceilings and ROI atlas.
 * <p>Rows are in row_index order, so test rows are in file-name order as the submission requires.
 * At NSD scale a subject is ~1.6 GB of floats (9841 rows x ~39.5k vertices): size the driver for it.
 *
 * @param lhCeiling noise ceilings as fractions, null when none were supplied (likewise rhCeiling)
 */
public record SubjectData(String subject, DataRoot root, Rows train, Rows validation, Rows test,
                          float[] lhCeiling, float[] rhCeiling, RoiAtlas rois) {

    /**
     * Rows of one split. {@code lhLatent}/{@code rhLatent} are the fMRI PCA latents and {@code lh}/{@code rh}
     * the vertex-space responses; all four are null for test rows without truth.
     */
    public record Rows(int[] rowIndex, int[] nsdId, float[][] x, float[][] lhLatent, float[][] rhLatent, float[][] lh, float[][] rh) {
        public int size() { return x.length; }

        public boolean hasTruth() { return lh != null; }

        Rows slice(int from, int to) {
            return new Rows(java.util.Arrays.copyOfRange(rowIndex, from, to), java.util.Arrays.copyOfRange(nsdId, from, to),
                    java.util.Arrays.copyOfRange(x, from, to), part(lhLatent, from, to), part(rhLatent, from, to),
                    part(lh, from, to), part(rh, from, to));
        }

        private static float[][] part(float[][] a, int from, int to) {
            return a == null ? null : java.util.Arrays.copyOfRange(a, from, to);
        }
    }

    public boolean hasCeilings() { return lhCeiling != null && rhCeiling != null; }

    /** The subjects present in the output root's latents, sorted. */
    public static List<String> subjects(SparkSession spark, DataRoot root) {
        requireDataset(root, root.latents(), "latents (run fbnet project first)");
        return spark.read().parquet(root.latents().toString()).select(Datasets.SUBJECT).distinct()
                .orderBy(Datasets.SUBJECT).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    /** Loads one subject, holding out the first {@code validationFraction} of training rows. */
    public static SubjectData load(SparkSession spark, DataRoot root, String subject, double validationFraction) {
        requireDataset(root, root.latents(), "latents (run fbnet project first)");
        requireDataset(root, root.fmri(), "fMRI (run fbnet ingest first)");
        Dataset<Row> latents = spark.read().parquet(root.latents().toString()).where(col(Datasets.SUBJECT).equalTo(subject))
                .select(col(Datasets.SPLIT), col(Datasets.ROW_INDEX), col(Datasets.NSD_ID), col(Datasets.X),
                        col(Datasets.LH).as("lh_latent"), col(Datasets.RH).as("rh_latent"));
        Dataset<Row> fmri = spark.read().parquet(root.fmri().toString()).where(col(Datasets.SUBJECT).equalTo(subject))
                .select(col(Datasets.SPLIT), col(Datasets.ROW_INDEX), col(Datasets.LH), col(Datasets.RH));
        // Latents are small (x plus brain latents): broadcasting them joins without shuffling the fMRI.
        Dataset<Row> joined = fmri.join(broadcast(latents), scala.collection.JavaConverters.asScalaBuffer(
                List.of(Datasets.SPLIT, Datasets.ROW_INDEX)).toSeq(), "right_outer")
                .select(col(Datasets.SPLIT), col(Datasets.ROW_INDEX), col(Datasets.NSD_ID), col(Datasets.X),
                        col("lh_latent"), col("rh_latent"), col(Datasets.LH), col(Datasets.RH));
        List<Loaded> train = new ArrayList<>(), test = new ArrayList<>();
        String where = subject + " in " + root.root();
        // toLocalIterator fetches a partition at a time: collect() would hit spark.driver.maxResultSize at
        // NSD scale. Each row is turned into float arrays at once: a Row boxes every element (~10 GB/subject).
        for (Iterator<Row> it = joined.toLocalIterator(); it.hasNext(); ) {
            Row r = it.next();
            String split = r.getString(0);
            if (Datasets.TRAIN.equals(split)) train.add(Loaded.of(r, where + " (train)"));
            else if (Datasets.TEST.equals(split)) test.add(Loaded.of(r, where + " (test)"));
            else throw new InputDataException(root.latents() + ": " + subject + " has a row of unknown split '" + split + "'");
        }
        java.util.Comparator<Loaded> byRow = java.util.Comparator.comparingInt(Loaded::rowIndex);
        train.sort(byRow);
        test.sort(byRow);
        if (train.isEmpty()) throw new InputDataException(root.latents() + ": no training rows for " + subject);
        Rows trainRows = rows(train, where + " (train)", true);
        Rows testRows = test.isEmpty() ? new Rows(new int[0], new int[0], new float[0][], null, null, null, null)
                : rows(test, where + " (test)", false);
        int nVal = ValidationSplit.validationRows(trainRows.size(), validationFraction);
        float[][] ceilings = ceilings(spark, root, subject, trainRows.lh()[0].length, trainRows.rh()[0].length);
        return new SubjectData(subject, root, trainRows.slice(nVal, trainRows.size()), trainRows.slice(0, nVal), testRows,
                ceilings[0], ceilings[1], rois(spark, root, subject));
    }

    /** One joined row as arrays; brain latents and fMRI are null when the row has no fMRI. */
    private record Loaded(int rowIndex, int nsdId, float[] x, float[] lhLatent, float[] rhLatent, float[] lh, float[] rh) {
        static Loaded of(Row r, String where) {
            int i = r.getInt(1);
            float[] x = floats(r, 3, where, i, "x");
            if (r.isNullAt(6)) return new Loaded(i, r.getInt(2), x, null, null, null, null);
            return new Loaded(i, r.getInt(2), x, floats(r, 4, where, i, "lh latent"), floats(r, 5, where, i, "rh latent"),
                    floats(r, 6, where, i, "lh fMRI"), floats(r, 7, where, i, "rh fMRI"));
        }
    }

    private static Rows rows(List<Loaded> rows, String where, boolean truthRequired) {
        int n = rows.size();
        int[] idx = new int[n], nsd = new int[n];
        float[][] x = new float[n][], lhl = new float[n][], rhl = new float[n][], lh = new float[n][], rh = new float[n][];
        int withTruth = 0;
        for (int i = 0; i < n; i++) {
            Loaded r = rows.get(i);
            idx[i] = r.rowIndex();
            if (idx[i] != i) throw new InputDataException(where + ": row_index " + idx[i] + " where " + i + " was expected (rows missing or repeated)");
            nsd[i] = r.nsdId();
            x[i] = r.x();
            if (r.lh() != null) {
                withTruth++;
                lhl[i] = r.lhLatent();
                rhl[i] = r.rhLatent();
                lh[i] = r.lh();
                rh[i] = r.rh();
            }
        }
        if (withTruth != 0 && withTruth != n || truthRequired && withTruth == 0) {
            throw new InputDataException(where + ": fMRI exists for " + withTruth + " of " + n + " rows; every row needs it");
        }
        if (withTruth == 0) return new Rows(idx, nsd, x, null, null, null, null);
        sameWidth(x, where, "x");
        sameWidth(lh, where, "lh fMRI");
        sameWidth(rh, where, "rh fMRI");
        return new Rows(idx, nsd, x, lhl, rhl, lh, rh);
    }

    private static float[] floats(Row r, int col, String where, int row, String what) {
        if (r.isNullAt(col)) throw new InputDataException(where + ": row " + row + " has no " + what);
        List<Object> list = r.getList(col);
        float[] out = new float[list.size()];
        for (int j = 0; j < out.length; j++) {
            Object o = list.get(j);
            if (o == null) throw new InputDataException(where + ": row " + row + " " + what + " element " + j + " is null");
            out[j] = ((Number) o).floatValue();
        }
        return out;
    }

    private static void sameWidth(float[][] a, String where, String what) {
        for (int i = 1; i < a.length; i++) {
            if (a[i].length != a[0].length) {
                throw new InputDataException(where + ": row " + i + " " + what + " has " + a[i].length + " values, row 0 has " + a[0].length);
            }
        }
    }

    /** Per-hemisphere noise ceilings, or nulls when the vertex info has none. */
    private static float[][] ceilings(SparkSession spark, DataRoot root, String subject, int lhVertices, int rhVertices) {
        float[][] out = new float[2][];
        if (!exists(root, root.vertices())) return out;
        for (Row r : spark.read().parquet(root.vertices().toString()).where(col(Datasets.SUBJECT).equalTo(subject))
                .select(Datasets.HEMISPHERE, Datasets.N_VERTICES, Datasets.NOISE_CEILING).collectAsList()) {
            String hemi = r.getString(0);
            int h = hemi.equals(Datasets.LH) ? 0 : hemi.equals(Datasets.RH) ? 1 : -1;
            if (h < 0) throw new InputDataException(root.vertices() + ": " + subject + " has unknown hemisphere '" + hemi + "'");
            int expected = h == 0 ? lhVertices : rhVertices;
            if (r.getInt(1) != expected) {
                throw new InputDataException(root.vertices() + ": " + subject + " " + hemi + " has " + r.getInt(1)
                        + " vertices but its fMRI rows have " + expected);
            }
            if (!r.isNullAt(2)) {
                out[h] = floats(r, 2, root.vertices() + ": " + subject + " " + hemi, 0, "noise ceiling");
                if (out[h].length != expected) {
                    throw new InputDataException(root.vertices() + ": " + subject + " " + hemi + " has " + out[h].length
                            + " noise ceilings for " + expected + " vertices");
                }
            }
        }
        return out;
    }

    private static RoiAtlas rois(SparkSession spark, DataRoot root, String subject) {
        if (!exists(root, root.rois())) return RoiAtlas.empty();
        List<RoiAtlas.Roi> list = new ArrayList<>();
        for (Row r : spark.read().parquet(root.rois().toString()).where(col(Datasets.SUBJECT).equalTo(subject))
                .orderBy(Datasets.HEMISPHERE, Datasets.FAMILY, Datasets.LABEL)
                .select(Datasets.HEMISPHERE, Datasets.FAMILY, Datasets.ROI, Datasets.VERTICES).collectAsList()) {
            List<Object> v = r.getList(3);
            int[] idx = new int[v.size()];
            for (int i = 0; i < idx.length; i++) idx[i] = ((Number) v.get(i)).intValue();
            list.add(new RoiAtlas.Roi(subject, r.getString(0), r.getString(1), r.getString(2), idx));
        }
        return new RoiAtlas(list);
    }

    private static boolean exists(DataRoot root, Path p) {
        try {
            FileSystem fs = p.getFileSystem(root.conf());
            return fs.exists(p);
        } catch (IOException e) {
            throw new InputDataException("cannot check " + p + ": " + e.getMessage(), e);
        }
    }

    private static void requireDataset(DataRoot root, Path p, String what) {
        if (!exists(root, p)) throw new InputDataException(p + ": no " + what + " under the output root " + root.root());
    }
}
