package org.fbnet.train.spark;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.CollectionAccumulator;
import org.fbnet.spark.GpuDevices;
import org.fbnet.train.TrainingRows;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs on the executor at the start of a training task: binds the task thread to its GPU (if Spark assigned
 * one), sets ND4J's threads to the task's cores, reports the task, then builds the slice's minibatches lazily
 * from the broadcast rows, so no minibatch is ever serialised and every epoch's noise is fresh.
 * <p>dl4j-spark's worker asks this iterator for its first element before it touches ND4J, so the GPU
 * binding comes first on the task thread, as ND4J's CUDA backend needs.
 */
final class SliceBatches implements FlatMapFunction<Iterator<WorkerSlice>, MultiDataSet> {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SliceBatches.class);

    private final Broadcast<TrainingRows> rows;
    private final int threads;
    private final CollectionAccumulator<WorkerTask> tasks;

    SliceBatches(Broadcast<TrainingRows> rows, int threads, CollectionAccumulator<WorkerTask> tasks) {
        this.rows = rows;
        this.threads = threads;
        this.tasks = tasks;
    }

    @Override
    public Iterator<MultiDataSet> call(Iterator<WorkerSlice> slices) {
        GpuDevices.Binding gpu = GpuDevices.pinCurrentThread();
        TaskContext task = TaskContext.get();
        // ND4J's thread pools are per process: with one worker per core, each op gets the task's cores only,
        // or concurrent workers (local[n], multi-core executors) oversubscribe them.
        int n = threads > 0 ? threads : task.cpus();
        org.fbnet.linalg.Nd4jThreads.set(n);
        TrainingRows r = rows.value();
        List<WorkerSlice> all = new java.util.ArrayList<>();
        slices.forEachRemaining(all::add);
        List<String> names = r.subjects();
        Map<String, Integer> perSubject = new TreeMap<>();
        int batches = 0;
        for (WorkerSlice s : all) {
            batches += s.batches();
            for (long c : s.codes()) perSubject.merge(names.get(TrainingRows.subjectOf(c)), 1, Integer::sum);
        }
        tasks.add(new WorkerTask(SparkEnv.get().executorId(), task.partitionId(), task.attemptNumber(), gpu.describe(), n, batches,
                Collections.unmodifiableMap(perSubject)));
        // In the executor's log: where each worker's slice trained (the accumulator reaches only the driver). In local
        // mode (executor "driver") the console would get a line per worker and round: debug there.
        String executor = SparkEnv.get().executorId();
        LOG.atLevel(executor.equals("driver") ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO)
                .log("pretrain worker on executor {} (partition {}, attempt {}): {} minibatches, rows per subject {}, {} ND4J thread(s)",
                executor, task.partitionId(), task.attemptNumber(), batches, perSubject, n);
        return new Iterator<>() {
            private int slice, from;

            @Override
            public boolean hasNext() {
                while (slice < all.size() && from >= all.get(slice).codes().length) {
                    slice++;
                    from = 0;
                }
                return slice < all.size();
            }

            @Override
            public MultiDataSet next() {
                if (!hasNext()) throw new NoSuchElementException();
                WorkerSlice s = all.get(slice);
                int to = Math.min(s.codes().length, from + s.batchSize());
                MultiDataSet b = r.batch(s.codes(), from, to, s.spec(), s.offset());
                from = to;
                return b;
            }
        };
    }
}
