package org.fbnet.pca;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.fbnet.data.InputDataException;
import org.fbnet.store.Datasets;

/**
 * Writes a subject's latents: every row of its image index (train and test) with x = the image PCA of its
 * features and lh/rh = the fMRI projections of its responses (null where there is no fMRI), projected in
 * Spark tasks in blocks of rows, one sorted Parquet file.
 */
public final class LatentProjection {
    private static final int BATCH_ROWS = 256;

    private LatentProjection() { }

    /**
     * Projects and writes into {@code dir}.
     * @param index      the subject's rows (split, row_index, nsd_id)
     * @param fmri       its fMRI rows (split, row_index, lh, rh)
     * @param embeddings features by nsd_id
     * @return the number of rows written
     */
    public static long write(SparkSession spark, String subject, Dataset<Row> index, Dataset<Row> fmri, Dataset<Row> embeddings,
                             Projection image, Projection lh, Projection rh, String dir) {
        Dataset<Row> base = index.select(Datasets.SPLIT, Datasets.ROW_INDEX, Datasets.NSD_ID);
        List<Row> missing = base.join(embeddings, base.col(Datasets.NSD_ID).equalTo(embeddings.col(Datasets.NSD_ID)), "left_anti")
                .limit(5).collectAsList();
        if (!missing.isEmpty()) {
            throw new InputDataException(subject + ": no image features for " + missing.stream()
                    .map(r -> r.getString(0) + " row " + r.getInt(1) + " (NSD id " + r.getInt(2) + ")").toList()
                    + " (first 5); run fbnet embed for this subject");
        }
        Dataset<LatentInput> input = base
                .join(fmri.select(Datasets.SPLIT, Datasets.ROW_INDEX, Datasets.LH, Datasets.RH),
                        scala.collection.JavaConverters.asScalaBuffer(List.of(Datasets.SPLIT, Datasets.ROW_INDEX)).toSeq(), "left")
                .join(embeddings, Datasets.NSD_ID)
                .select(col(Datasets.SPLIT).as("split"), col(Datasets.ROW_INDEX).as("rowIndex"), col(Datasets.NSD_ID).as("nsdId"),
                        col(Datasets.FEATURE).as("feature"), col(Datasets.LH).as("lh"), col(Datasets.RH).as("rh"))
                .as(Encoders.bean(LatentInput.class));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Projection> bx = jsc.broadcast(image), bl = jsc.broadcast(lh), br = jsc.broadcast(rh);
        LongAccumulator projected = spark.sparkContext().longAccumulator("latent rows " + subject);
        try {
            JavaRDD<LatentRow> out = input.javaRDD().mapPartitions(it -> project(it, bx.value(), bl.value(), br.value(), projected));
            spark.createDataset(out.rdd(), Encoders.bean(LatentRow.class)).toDF()
                    .select(col("split").as(Datasets.SPLIT), col("rowIndex").as(Datasets.ROW_INDEX), col("nsdId").as(Datasets.NSD_ID),
                            col("x").as(Datasets.X), col("lh").as(Datasets.LH), col("rh").as(Datasets.RH))
                    // One sorted file per subject (~20 MB at NSD scale); repartition rather than orderBy,
                    // whose sampling job would run the projection twice.
                    .repartition(1).sortWithinPartitions(Datasets.SPLIT, Datasets.ROW_INDEX)
                    .write().mode(SaveMode.Overwrite).parquet(dir);
            return projected.value();
        } finally {
            bx.destroy();
            bl.destroy();
            br.destroy();
        }
    }

    /** Projects a partition in batches, so each model multiplies a block of rows in one GEMM. */
    static Iterator<LatentRow> project(Iterator<LatentInput> it, Projection image, Projection lh, Projection rh, LongAccumulator count) {
        return new Iterator<>() {
            private final List<LatentRow> ready = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) return true;
                ready.clear();
                next = 0;
                List<LatentInput> batch = new ArrayList<>(BATCH_ROWS);
                while (it.hasNext() && batch.size() < BATCH_ROWS) batch.add(it.next());
                if (batch.isEmpty()) return false;
                float[][] x = image.transform(batch.stream().map(LatentInput::getFeature).toArray(float[][]::new));
                float[][] l = brainLatents(batch, true, lh);
                float[][] r = brainLatents(batch, false, rh);
                for (int i = 0; i < batch.size(); i++) {
                    LatentInput b = batch.get(i);
                    ready.add(new LatentRow(b.getSplit(), b.getRowIndex(), b.getNsdId(), x[i], l[i], r[i]));
                }
                count.add(batch.size());
                return true;
            }

            @Override
            public LatentRow next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                return ready.get(next++);
            }
        };
    }

    /** Latents of the rows that have fMRI of this hemisphere; null for the others (test rows without truth). */
    private static float[][] brainLatents(List<LatentInput> batch, boolean left, Projection model) {
        List<float[]> have = new ArrayList<>();
        for (LatentInput b : batch) {
            float[] v = left ? b.getLh() : b.getRh();
            if (v != null) have.add(v);
        }
        float[][] z = have.isEmpty() ? new float[0][] : model.transform(have.toArray(new float[0][]));
        float[][] out = new float[batch.size()][];
        int j = 0;
        for (int i = 0; i < batch.size(); i++) {
            float[] v = left ? batch.get(i).getLh() : batch.get(i).getRh();
            out[i] = v == null ? null : z[j++];
        }
        return out;
    }
}
