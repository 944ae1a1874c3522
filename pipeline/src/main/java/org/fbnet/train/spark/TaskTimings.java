package org.fbnet.train.spark;

import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Sums Spark's own timings of the training tasks between two {@link #take} calls: time to deserialise the
 * task, time it ran, time to serialise its result (the worker's parameters and momentum), and time from the
 * driver starting to fetch that result until it was deserialised. The rest of a round's wall time is the
 * driver's own work (broadcast, averaging) and scheduling.
 */
final class TaskTimings extends SparkListener {
    /** Seconds summed over the tasks, and their results' total size. */
    record Totals(int tasks, double deserialize, double run, double resultSerialize, double resultFetch, double gc, long resultBytes) { }

    private int tasks;
    private long deserializeMs, runMs, serializeMs, fetchMs, gcMs, bytes;

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        TaskInfo info = end.taskInfo();
        TaskMetrics m = end.taskMetrics();
        if (info == null || m == null || !info.successful()) return;
        tasks++;
        deserializeMs += m.executorDeserializeTime();
        runMs += m.executorRunTime();
        serializeMs += m.resultSerializationTime();
        gcMs += m.jvmGCTime();
        bytes += m.resultSize();
        if (info.gettingResultTime() > 0) fetchMs += info.finishTime() - info.gettingResultTime();
        notifyAll();
    }

    /**
     * The totals since the last call. Listener events arrive asynchronously after a job ends: waits (at most
     * 5 s) until {@code expectedTasks} successful tasks have been counted.
     */
    synchronized Totals take(int expectedTasks) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (tasks < expectedTasks && System.nanoTime() < deadline) {
            try {
                wait(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Totals t = new Totals(tasks, deserializeMs / 1e3, runMs / 1e3, serializeMs / 1e3, fetchMs / 1e3, gcMs / 1e3, bytes);
        tasks = 0;
        deserializeMs = runMs = serializeMs = fetchMs = gcMs = bytes = 0;
        return t;
    }
}
