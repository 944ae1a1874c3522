package org.fbnet.train;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Where the gradient steps of an epoch run: the one seam between {@link FbnetTrainer}'s loop (epochs,
 * validation, early stopping, checkpoints) and an engine. The trainer hands over data, never a
 * driver-side iterator: {@link #open} receives the training rows once (a distributed runner ships them
 * to its workers there), then each {@link Session#runEpoch} receives only the {@link EpochSpec}, from
 * which any runner derives the same row order and structured noise ({@link TrainingRows#batches}).
 * {@link LocalEpochRunner} steps in this JVM; a dl4j-spark runner averages parameters across executors.
 */
public interface EpochRunner {
    /** Prepares to train on {@code rows}; the session is closed after the last epoch. */
    Session open(TrainingRows rows);

    /** A short description for logs and manifests ("local", "dl4j-spark parameter averaging ..."). */
    String describe();

    /** Training on one set of rows. */
    interface Session extends AutoCloseable {
        /**
         * Fits every row once, in the epoch's order, updating {@code graph}'s parameters (and updater state)
         * in place.
         * @return the mean training loss over the rows (loss only, without regularization)
         */
        double runEpoch(ComputationGraph graph, EpochSpec spec);

        @Override
        default void close() { }
    }
}
