package org.fbnet.spark;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a long Spark stage as the driver sees it: tasks add rows to {@link #counter()}, and the
 * driver logs "what: done/total rows (rows/s)" every few seconds until closed.
 * <p>Accumulator updates reach the driver as tasks finish, so the count moves in task-sized steps.
 */
public final class SparkProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SparkProgress.class);
    private final LongAccumulator counter;
    private final ScheduledExecutorService timer;
    private final String what;
    private final long total;
    private final long t0 = System.nanoTime();

    private SparkProgress(SparkSession spark, String what, long total, long periodSeconds) {
        this.what = what;
        this.total = total;
        this.counter = spark.sparkContext().longAccumulator(what);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fbnet-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::log, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    }

    /** Starts logging every 10 seconds. */
    public static SparkProgress start(SparkSession spark, String what, long total) {
        return new SparkProgress(spark, what, total, 10);
    }

    /** The accumulator tasks add processed rows to (capture it in the task closure). */
    public LongAccumulator counter() { return counter; }

    private void log() {
        long done = counter.value();
        double secs = (System.nanoTime() - t0) / 1e9;
        LOG.info(String.format("%s: %d/%d rows (%.0f rows/s)", what, done, total, done / Math.max(secs, 1e-9)));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
