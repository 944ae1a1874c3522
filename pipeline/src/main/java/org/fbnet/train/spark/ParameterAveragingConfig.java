package org.fbnet.train.spark;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fbnet.config.Settings;

/**
 * How {@link ParameterAveragingRunner} spreads pre-training over Spark: the number of workers (0 = one per
 * task slot), the minibatches each fits between averagings, the per-worker minibatch size (0 = the trainer's),
 * prefetched minibatches, whether Lion's momentum is averaged, ND4J threads per worker (0 = spark.task.cpus)
 * and dl4j-spark's repartitioning. Defaults and reasons in {@code conf/pretrain.properties}.
 */
public record ParameterAveragingConfig(int workers, int averagingFrequency, int workerBatchSize, int prefetchBatches,
                                       boolean averageUpdater, int workerThreads, Repartition repartition) {

    /** Whether dl4j-spark may move minibatches between the partitions fbnet cut (see conf/pretrain.properties). */
    public enum Repartition { NEVER, BALANCED }

    public ParameterAveragingConfig {
        if (workers < 0) throw new IllegalArgumentException("workers must be >= 0 (0 = one per task slot), got " + workers);
        if (averagingFrequency < 1) throw new IllegalArgumentException("averaging frequency must be >= 1 minibatch, got " + averagingFrequency);
        if (workerBatchSize < 0) throw new IllegalArgumentException("worker batch size must be >= 0 (0 = the trainer's), got " + workerBatchSize);
        if (prefetchBatches < 0) throw new IllegalArgumentException("prefetch must be >= 0 minibatches, got " + prefetchBatches);
        if (workerThreads < 0) throw new IllegalArgumentException("worker threads must be >= 0 (0 = spark.task.cpus), got " + workerThreads);
        if (repartition == null) throw new IllegalArgumentException("repartition must be set");
    }

    public static ParameterAveragingConfig from(Settings s) {
        String rep = s.get("pretrain.repartition").toUpperCase(Locale.ROOT);
        s.check(rep.equals("NEVER") || rep.equals("BALANCED"), "pretrain.repartition", "must be never or balanced");
        return new ParameterAveragingConfig(s.intAtLeast("pretrain.workers", 0), s.intAtLeast("pretrain.averaging.frequency", 1),
                s.intAtLeast("pretrain.worker.batch.size", 0), s.intAtLeast("pretrain.worker.prefetch", 0),
                s.getBoolean("pretrain.average.updater"), s.intAtLeast("pretrain.worker.threads", 0), Repartition.valueOf(rep));
    }

    public ParameterAveragingConfig withWorkers(int w) {
        return new ParameterAveragingConfig(w, averagingFrequency, workerBatchSize, prefetchBatches, averageUpdater, workerThreads, repartition);
    }

    public ParameterAveragingConfig withAveragingFrequency(int f) {
        return new ParameterAveragingConfig(workers, f, workerBatchSize, prefetchBatches, averageUpdater, workerThreads, repartition);
    }

    /** For manifests: what a pre-trained checkpoint records about how it was averaged. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", workers);
        m.put("averagingFrequency", averagingFrequency);
        m.put("workerBatchSize", workerBatchSize);
        m.put("prefetchBatches", prefetchBatches);
        m.put("averageUpdater", averageUpdater);
        m.put("workerThreads", workerThreads);
        m.put("repartition", repartition.name().toLowerCase(Locale.ROOT));
        return m;
    }
}
