package org.fbnet.ingest;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.store.SerializableHadoopConf;

/**
 * Executor side of fMRI ingest: one task reads a row range of a split's lh and rh NPY files (seeking,
 * so the files are never read whole) and checks every value is finite.
 */
final class FmriRows {
    private FmriRows() { }

    /** A split's sources: lh/rh file URIs, names for errors, and the NSD id of each row. */
    record Sources(String split, String lhPath, String rhPath, String lhName, String rhName, int[] nsdIds)
            implements Serializable { }

    /** Rows [start, end) of one split. */
    record Chunk(int sourceIndex, int start, int end) implements Serializable { }

    static List<Row> read(Chunk c, List<Sources> all, SerializableHadoopConf conf, NonFiniteTally lhTally,
                          NonFiniteTally rhTally) throws IOException {
        Sources s = all.get(c.sourceIndex());
        List<Row> rows = new ArrayList<>(c.end() - c.start());
        try (NpyReader lh = NpyReader.open(new Path(s.lhPath()), conf.get());
             NpyReader rh = NpyReader.open(new Path(s.rhPath()), conf.get())) {
            lh.seekToRow(c.start());
            rh.seekToRow(c.start());
            for (int r = c.start(); r < c.end(); r++) {
                float[] a = new float[lh.rowLength()];
                float[] b = new float[rh.rowLength()];
                lh.readRows(a);
                rh.readRows(b);
                tally(a, s.lhName(), r, lhTally);
                tally(b, s.rhName(), r, rhTally);
                rows.add(RowFactory.create(s.split(), r, s.nsdIds()[r], a, b));
            }
        }
        return rows;
    }

    /** Feature rows [start, end) of a features-only split, skipping NSD ids already stored. */
    static List<Row> readFeatures(Chunk c, List<Sources> all, SerializableHadoopConf conf, NonFiniteTally tally,
                                  java.util.Set<Integer> skip) throws IOException {
        Sources s = all.get(c.sourceIndex());
        List<Row> rows = new ArrayList<>();
        try (NpyReader f = NpyReader.open(new Path(s.lhPath()), conf.get())) {
            f.seekToRow(c.start());
            for (int r = c.start(); r < c.end(); r++) {
                float[] a = new float[f.rowLength()];
                f.readRows(a);
                tally(a, s.lhName(), r, tally);
                if (!skip.contains(s.nsdIds()[r])) rows.add(RowFactory.create(s.nsdIds()[r], a));
            }
        }
        return rows;
    }

    /** Counts non-finite values of one row into a tally (first location kept). */
    static void tally(float[] row, String file, long rowIndex, NonFiniteTally tally) {
        long bad = 0;
        NonFiniteTally.Hit first = null;
        for (int j = 0; j < row.length; j++) {
            if (!Float.isFinite(row[j])) {
                if (bad++ == 0) first = new NonFiniteTally.Hit(file, rowIndex, j, row[j]);
            }
        }
        tally.addAll(bad, first);
    }
}
