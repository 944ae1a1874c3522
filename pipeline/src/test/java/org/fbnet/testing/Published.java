package org.fbnet.testing;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.Version;

/**
 * Test fixtures publish their outputs as the stages do: a versioned directory whose manifest carries a
 * fingerprint of the content (so re-publishing the same content is skipped, as a stage would skip it).
 */
public final class Published {
    private Published() { }

    /** Writes a directory's content. */
    @FunctionalInterface
    public interface DirWriter {
        void write(Path dir) throws Exception;
    }

    /** Publishes a new version unless the current one has this fingerprint; returns the current version. */
    public static Version publish(DataRoot root, String id, String kind, String fingerprint, List<InputRef> inputs, DirWriter w)
            throws IOException {
        var current = root.versioned(id).current();
        if (current.isPresent() && fingerprint.equals(current.get().fingerprint())) return current.get();
        Manifest m = Manifest.of(kind, 1).withUnit("fixture/" + id, fingerprint).withInputs(inputs);
        return root.versioned(id).publish(m, (dir, man) -> {
            w.write(dir);
            return man;
        });
    }

    /** Publishes a subject's rows of a per-subject dataset (rows without the subject column). */
    public static Version dataset(SparkSession spark, DataRoot root, String dataset, String subject, StructType schema, List<Row> rows,
                                  String fingerprint, List<InputRef> inputs) throws IOException {
        return publish(root, DataRoot.subjectDataset(dataset, subject), dataset, fingerprint, inputs,
                dir -> spark.createDataFrame(rows, withoutSubject(schema)).coalesce(1).write().mode(SaveMode.Overwrite).parquet(dir.toString()));
    }

    public static StructType withoutSubject(StructType s) {
        return new StructType(Arrays.stream(s.fields()).filter(f -> !f.name().equals(Datasets.SUBJECT)).toArray(StructField[]::new));
    }
}
