package org.fbnet.train.spark;

import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.fbnet.train.LocalEpochRunner;
import org.fbnet.train.TrainingRows;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Called by dl4j-spark's worker around each minibatch it fits: seeds the thread's ND4J generator with the
 * batch's own seed (so dropout masks do not depend on which worker fits it), and adds the batch's loss, rows
 * and fit time to accumulators the driver reads after the round. dl4j-spark itself returns only the last
 * minibatch's score per worker.
 */
final class RoundHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    private final DoubleAccumulator lossSum;
    private final LongAccumulator rows;
    private final LongAccumulator fitNanos;
    private transient long started;

    RoundHook(DoubleAccumulator lossSum, LongAccumulator rows, LongAccumulator fitNanos) {
        this.lossSum = lossSum;
        this.rows = rows;
        this.fitNanos = fitNanos;
    }

    @Override
    public void preUpdate(MultiDataSet batch, Model model) {
        // dl4j-spark merges or splits minibatches whose size differs from batchSizePerWorker; the runner sets
        // both to the same size, so every minibatch reaching a worker must be one the runner built.
        if (!(batch instanceof TrainingRows.Batch seeded)) {
            throw new IllegalStateException("a minibatch reached the worker without its dropout seed (" + batch.getClass().getName()
                    + "): dl4j-spark rebuilt it; worker batch size and the minibatches' size must match");
        }
        seeded.seedRandom();
        started = System.nanoTime();
    }

    @Override
    public void postUpdate(MultiDataSet batch, Model model) {
        fitNanos.add(System.nanoTime() - started);
        long n = batch.getFeatures(0).size(0);
        lossSum.add(LocalEpochRunner.fittedLoss((ComputationGraph) model) * n);
        rows.add(n);
    }

    @Override
    public void preUpdate(DataSet dataSet, Model model) {
        throw new IllegalStateException("fbnet pre-training fits MultiDataSets (x, leak, noise) only");
    }

    @Override
    public void postUpdate(DataSet dataSet, Model model) {
        throw new IllegalStateException("fbnet pre-training fits MultiDataSets (x, leak, noise) only");
    }
}
