package org.fbnet.train;

import java.util.Iterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs one epoch of minibatches through a network, updating its parameters in place: the one seam
 * between {@link FbnetTrainer}'s loop (shuffling, noise, validation, early stopping) and where the
 * gradient steps run. {@link LocalEpochRunner} steps in this JVM; a Spark runner (dl4j-spark
 * parameter averaging) would distribute the same batches and copy the averaged parameters back.
 */
public interface EpochRunner {
    /**
     * Fits every batch once, in order.
     * @return the mean training loss over the batches (loss only, without regularization)
     */
    double runEpoch(ComputationGraph graph, Iterator<MultiDataSet> batches);

    /** A short description for logs and manifests ("local", "spark local[4]"). */
    String describe();
}
