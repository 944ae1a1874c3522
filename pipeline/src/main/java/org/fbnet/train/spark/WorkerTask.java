package org.fbnet.train.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What one training task did, reported to the driver through an accumulator: where it ran (executor id,
 * GPU binding, ND4J threads) and what it fitted (minibatches, rows per subject).
 */
public record WorkerTask(String executorId, int partition, int attempt, String gpu, int threads, int batches,
                         Map<String, Integer> rowsPerSubject) implements Serializable { }
