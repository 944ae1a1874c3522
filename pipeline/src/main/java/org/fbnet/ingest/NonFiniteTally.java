package org.fbnet.ingest;

import java.io.Serializable;
import org.apache.spark.util.AccumulatorV2;

/**
 * Counts NaN/Inf values seen by Spark tasks and keeps the first one (lowest file, row, column), so a
 * bad fMRI file is reported with its count and first location after one pass over the data.
 */
public final class NonFiniteTally extends AccumulatorV2<NonFiniteTally.Hit, NonFiniteTally.Tally> {
    private static final long serialVersionUID = 1L;

    /** A non-finite value at (file, row, column). */
    public record Hit(String file, long row, int column, float value) implements Serializable { }

    /** Count and first location. */
    public record Tally(long count, Hit first) implements Serializable { }

    private long count;
    private Hit first;

    @Override public boolean isZero() { return count == 0; }

    @Override
    public AccumulatorV2<Hit, Tally> copy() {
        NonFiniteTally t = new NonFiniteTally();
        t.count = count;
        t.first = first;
        return t;
    }

    @Override public void reset() { count = 0; first = null; }

    @Override
    public void add(Hit h) {
        count++;
        first = earlier(first, h);
    }

    /** Adds a whole task's count at once. */
    public void addAll(long n, Hit firstOfTask) {
        if (n == 0) return;
        count += n;
        first = earlier(first, firstOfTask);
    }

    @Override
    public void merge(AccumulatorV2<Hit, Tally> other) {
        NonFiniteTally o = (NonFiniteTally) other;
        count += o.count;
        first = earlier(first, o.first);
    }

    @Override public Tally value() { return new Tally(count, first); }

    private static Hit earlier(Hit a, Hit b) {
        if (a == null) return b;
        if (b == null) return a;
        int c = a.file().compareTo(b.file());
        if (c != 0) return c < 0 ? a : b;
        if (a.row() != b.row()) return a.row() < b.row() ? a : b;
        return a.column() <= b.column() ? a : b;
    }
}
