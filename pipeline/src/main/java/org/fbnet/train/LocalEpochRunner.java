package org.fbnet.train;

import java.util.Iterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** Gradient steps in this JVM, one {@code fit} per minibatch (ND4J's own threads parallelise each step). */
public final class LocalEpochRunner implements EpochRunner {
    @Override
    public Session open(TrainingRows rows) {
        return (graph, spec) -> fit(graph, rows.batches(spec));
    }

    /** Fits every batch once, in order; returns the mean loss per row (without regularization). */
    public static double fit(ComputationGraph graph, Iterator<MultiDataSet> batches) {
        double sum = 0;
        long rows = 0;
        while (batches.hasNext()) {
            MultiDataSet b = batches.next();
            graph.fit(b);
            long n = b.getFeatures(0).size(0);
            // score() is the batch loss before the step plus DL4J's 0.5*wd*|W|^2 of its layers (the heads):
            // take that term out, so the log shows the loss being minimised.
            sum += (graph.score() - graph.calcRegularizationScore(true)) * n;
            rows += n;
        }
        return rows == 0 ? Double.NaN : sum / rows;
    }

    @Override
    public String describe() { return "local"; }
}
