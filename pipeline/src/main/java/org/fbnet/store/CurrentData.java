package org.fbnet.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Reads outputs with Spark the one way that is right for versioned directories: the current version's
 * directory (or a given version), never the output's parent, where old versions sit beside it.
 */
public final class CurrentData {
    private CurrentData() { }

    /** A subject's current version of a per-subject dataset, with a {@code subject} column added. */
    public static Dataset<Row> subject(SparkSession spark, DataRoot root, String dataset, String subject, String producedBy)
            throws IOException {
        String id = DataRoot.subjectDataset(dataset, subject);
        return spark.read().parquet(root.current(id, producedBy).toString())
                .withColumn(Datasets.SUBJECT, functions.lit(subject));
    }

    /** The union of several subjects' current versions, each with its {@code subject} column. */
    public static Dataset<Row> subjects(SparkSession spark, DataRoot root, String dataset, List<String> subjects, String producedBy)
            throws IOException {
        List<Dataset<Row>> parts = new ArrayList<>();
        for (String s : subjects) parts.add(subject(spark, root, dataset, s, producedBy));
        if (parts.isEmpty()) throw new IllegalArgumentException("no subjects to read " + dataset + " of");
        Dataset<Row> all = parts.get(0);
        for (int i = 1; i < parts.size(); i++) all = all.unionByName(parts.get(i));
        return all;
    }
}
