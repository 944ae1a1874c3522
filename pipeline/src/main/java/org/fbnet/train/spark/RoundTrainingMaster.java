package org.fbnet.train.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDDLike;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;

/**
 * dl4j-spark's parameter-averaging master, fed one averaging round per fit: the RDD it receives holds one
 * partition per worker with that worker's minibatches, so it trains them in a single split without
 * counting or re-splitting the data (its own split would be a random regrouping of the epoch's order).
 * <p>Three changes to M2's behaviour, each for a measured or observed reason:
 * <ul>
 * <li>the round's minibatch count is known, so the counting job M2 runs before every fit is skipped;</li>
 * <li>Lion's momentum is broadcast only when it is averaged (M2 always ships it, 160 MB of F-BNet's
 * zeros per round when workers restart it);</li>
 * <li>each round's broadcast of the model is destroyed once the round is averaged: M2 leaves it to the
 * driver's garbage collector, and until then every round adds the model's size to the block managers.</li>
 * </ul>
 */
final class RoundTrainingMaster extends ParameterAveragingTrainingMaster {
    private int roundBatches;
    private final List<Broadcast<NetBroadcastTuple>> broadcasts = new ArrayList<>();
    private long broadcastNanos;

    RoundTrainingMaster(Builder builder) {
        super(builder);
    }

    /** The number of minibatches the next fit's RDD holds. */
    void nextRound(int batches) {
        roundBatches = batches;
    }

    @Override
    protected <T, R extends JavaRDDLike<T, R>> long getTotalDataSetObjectCount(JavaRDDLike<T, R> trainingData) {
        return roundBatches;
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        long t0 = System.nanoTime();
        ComputationGraph net = graph.getNetwork();
        NetBroadcastTuple tuple = new NetBroadcastTuple(net.getConfiguration(), net.params(),
                saveUpdater ? net.getUpdater().getStateViewArray() : null);
        Broadcast<NetBroadcastTuple> model = graph.getSparkContext().broadcast(tuple);
        broadcasts.add(model);
        broadcastNanos += System.nanoTime() - t0;
        WorkerConfiguration conf = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker, averagingFrequency,
                prefetchNumBatches, collectTrainingStats);
        return new ParameterAveragingTrainingWorker(model, saveUpdater, conf, trainingHookList, listeners, getRouterProvider());
    }

    /** Frees the finished round's model broadcast on the driver and every executor. */
    void endRound() {
        for (Broadcast<NetBroadcastTuple> b : broadcasts) b.destroy();
        broadcasts.clear();
    }

    /** Driver time spent serialising and registering model broadcasts since the last call. */
    long takeBroadcastNanos() {
        long t = broadcastNanos;
        broadcastNanos = 0;
        return t;
    }
}
