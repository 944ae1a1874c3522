package org.fbnet.train.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.fbnet.train.EpochRunner;
import org.fbnet.train.EpochSpec;
import org.fbnet.train.TrainingRows;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-training across Spark executors with dl4j-spark's {@code SparkComputationGraph} and
 * {@code ParameterAveragingTrainingMaster} (Kryo with ND4J's registrator, as every fbnet session).
 * <p>{@link #open} broadcasts the training rows once. Each epoch, the driver shuffles the rows' codes with
 * the epoch's seed and cuts them into averaging rounds of {@code workers x averagingFrequency} minibatches;
 * each worker receives one contiguous slice of a round, so every slice of the globally shuffled order mixes
 * all subjects in proportion (a worker that lacked a subject would dilute that subject's update when the
 * parameters are averaged). The workers build their minibatches from the broadcast rows with the epoch's
 * fresh structured noise and seed each batch's dropout from its position in the order, so with one worker
 * and averaging every minibatch the run repeats {@link org.fbnet.train.LocalEpochRunner}'s steps.
 * After each round the driver's graph holds the workers' mean parameters and, with
 * {@code averageUpdater}, the mean of their Lion momenta (see {@code conf/pretrain.properties}).
 */
public final class ParameterAveragingRunner implements EpochRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveragingRunner.class);

    private final JavaSparkContext jsc;
    private final ParameterAveragingConfig config;
    private boolean collectStats;
    private int resolvedWorkers;
    private final List<EpochReport> history = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ParameterAveragingRunner(JavaSparkContext jsc, ParameterAveragingConfig config) {
        this.jsc = jsc;
        this.config = config;
    }

    /**
     * Also collect dl4j-spark's own timing statistics (for {@code fbnet bench pretrain}). They time-stamp with
     * an NTP clock by default, which fails without internet access: this JVM uses the system clock instead,
     * executors of a cluster need {@code -Dorg.deeplearning4j.spark.time.TimeSource=...SystemClockTimeSource} too.
     */
    public ParameterAveragingRunner collectTrainingStats(boolean collect) {
        this.collectStats = collect;
        if (collect && System.getProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY) == null) {
            System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
        }
        return this;
    }

    public ParameterAveragingConfig config() { return config; }

    /** The report of every epoch this runner has run, in order, over all its sessions. */
    public List<EpochReport> history() { return List.copyOf(history); }

    @Override
    public AveragingSession open(TrainingRows rows) {
        int workers = config.workers() > 0 ? config.workers() : taskSlots();
        resolvedWorkers = workers;
        return new AveragingSession(rows, workers);
    }

    /**
     * How many training tasks the cluster runs at once: its cores over {@code spark.task.cpus}, or with GPU
     * scheduling its executors times the tasks one executor's GPUs hold (cores would overcount: a 4-core
     * executor with one GPU runs one GPU task at a time).
     */
    private int taskSlots() {
        SparkConf conf = jsc.getConf();
        int cpuSlots = Math.max(1, jsc.defaultParallelism() / conf.getInt("spark.task.cpus", 1));
        if (jsc.isLocal() || !conf.contains("spark.task.resource.gpu.amount")) return cpuSlots;
        double perTask = conf.getDouble("spark.task.resource.gpu.amount", 1), perExecutor = conf.getDouble("spark.executor.resource.gpu.amount", 1);
        // The status tracker lists the driver with the executors.
        int executors = jsc.sc().statusTracker().getExecutorInfos().length - 1;
        return Math.max(1, Math.min(cpuSlots, executors * (int) Math.floor(perExecutor / perTask + 1e-9)));
    }

    @Override
    public String describe() {
        String w = resolvedWorkers > 0 ? resolvedWorkers + " workers" : config.workers() > 0 ? config.workers() + " workers" : "one worker per task slot";
        return "dl4j-spark parameter averaging (" + w + ", every " + config.averagingFrequency() + " minibatches, Lion momentum "
                + (config.averageUpdater() ? "averaged" : "restarted each round") + ")";
    }

    /**
     * What one epoch cost and where it ran: wall time, the driver's model broadcasts, and summed over the
     * training tasks their minibatch fits, Spark's run time (fits plus building the worker's model from the
     * broadcast), result serialisation, result fetch and deserialisation on the driver, and GC.
     */
    public record EpochReport(int rounds, int batches, long rows, double seconds, double broadcastSeconds, double workerFitSeconds,
                              double taskRunSeconds, double resultSerializeSeconds, double resultFetchSeconds, double gcSeconds,
                              long resultBytes, List<WorkerTask> tasks, String dl4jStats) { }

    /** Training on one set of rows: the rows are broadcast once and freed on {@link #close}. */
    public final class AveragingSession implements EpochRunner.Session {
        private final TrainingRows rows;
        private final int workers;
        private final Broadcast<TrainingRows> shipped;
        private final DoubleAccumulator lossSum;
        private final LongAccumulator rowCount;
        private final LongAccumulator fitNanos;
        private final CollectionAccumulator<WorkerTask> tasks;
        private final int[] driverThreads;
        private final TaskTimings timings = new TaskTimings();
        private RoundTrainingMaster master;
        private int masterBatch;
        private EpochReport last;

        AveragingSession(TrainingRows rows, int workers) {
            this.rows = rows;
            this.workers = workers;
            this.shipped = jsc.broadcast(rows);
            this.lossSum = jsc.sc().doubleAccumulator("fbnet pretrain loss sum");
            this.rowCount = jsc.sc().longAccumulator("fbnet pretrain rows");
            this.fitNanos = jsc.sc().longAccumulator("fbnet pretrain worker fit ns");
            this.tasks = jsc.sc().collectionAccumulator("fbnet pretrain tasks");
            this.driverThreads = new int[] {Nd4j.getEnvironment().maxThreads(), Nd4j.getEnvironment().maxMasterThreads(),
                    Nd4j.factory().blas().getMaxThreads()};
            jsc.sc().addSparkListener(timings);
            LOG.info("pretrain: {} rows of {} subjects broadcast to {} workers; {}", rows.size(), rows.subjects().size(), workers, describe());
        }

        public int workers() { return workers; }

        /** The report of the last finished epoch, or null before the first. */
        public EpochReport lastEpoch() { return last; }

        @Override
        public double runEpoch(ComputationGraph graph, EpochSpec spec) {
            long t0 = System.nanoTime();
            int batch = config.workerBatchSize() > 0 ? config.workerBatchSize() : spec.batchSize();
            checkResultLimits(graph);
            RoundTrainingMaster m = master(batch);
            lossSum.reset();
            rowCount.reset();
            fitNanos.reset();
            tasks.reset();
            long[] order = rows.order(spec);
            int batches = (order.length + batch - 1) / batch;
            int perRound = workers * config.averagingFrequency();
            SparkComputationGraph spark = new SparkComputationGraph(jsc, graph, m);
            SliceBatches build = new SliceBatches(shipped, config.workerThreads(), tasks);
            int rounds = 0;
            for (int first = 0; first < batches; first += perRound) {
                List<WorkerSlice> slices = slices(order, first, Math.min(perRound, batches - first), batch, spec);
                JavaRDD<MultiDataSet> data = jsc.parallelize(slices, slices.size()).mapPartitions(build);
                m.nextRound(Math.min(perRound, batches - first));
                // dl4j-spark counts each fit as an epoch; the trainer's epochs are what the graph should record.
                int epochCount = graph.getConfiguration().getEpochCount();
                spark.fitMultiDataSet(data);
                graph.getConfiguration().setEpochCount(epochCount);
                m.endRound();
                rounds++;
            }
            if (rowCount.value() != order.length) {
                throw new IllegalStateException("pretrain epoch " + spec.epoch() + ": workers fitted " + rowCount.value() + " rows, expected " + order.length);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<WorkerTask> done = List.copyOf(tasks.value());
            TaskTimings.Totals t = timings.take(done.size());
            last = new EpochReport(rounds, batches, order.length, seconds, m.takeBroadcastNanos() / 1e9, fitNanos.value() / 1e9,
                    t.run(), t.resultSerialize(), t.resultFetch(), t.gc(), t.resultBytes(), done,
                    collectStats ? m.getTrainingStats().statsAsString() : null);
            history.add(last);
            return lossSum.value() / rowCount.value();
        }

        /**
         * The round's minibatches {@code [first, first + count)} cut into one contiguous slice per worker;
         * slice sizes differ by at most one minibatch, and a round with fewer minibatches than workers uses fewer.
         */
        private List<WorkerSlice> slices(long[] order, int first, int count, int batch, EpochSpec spec) {
            int parts = Math.min(workers, count);
            List<WorkerSlice> out = new ArrayList<>(parts);
            int next = first;
            for (int p = 0; p < parts; p++) {
                int n = count / parts + (p < count % parts ? 1 : 0);
                int from = next * batch, to = Math.min(order.length, (next + n) * batch);
                out.add(new WorkerSlice(spec, batch, from, java.util.Arrays.copyOfRange(order, from, to)));
                next += n;
            }
            return out;
        }

        private RoundTrainingMaster master(int batch) {
            if (master != null && masterBatch == batch) return master;
            boolean balanced = config.repartition() == ParameterAveragingConfig.Repartition.BALANCED;
            master = new RoundTrainingMaster(new RoundTrainingMaster.Builder(workers, batch)
                    .batchSizePerWorker(batch)
                    .averagingFrequency(config.averagingFrequency())
                    .workerPrefetchNumBatches(config.prefetchBatches())
                    .saveUpdater(config.averageUpdater())
                    .repartionData(balanced ? Repartition.Always : Repartition.Never)
                    .repartitionStrategy(RepartitionStrategy.Balanced)
                    // The minibatches are built inside the tasks: nothing to persist or export.
                    .storageLevel(null)
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .trainingHooks(new RoundHook(lossSum, rowCount, fitNanos))
                    .collectTrainingStats(collectStats));
            masterBatch = batch;
            return master;
        }

        /**
         * dl4j-spark returns each worker's parameters (and momentum) as one task result, and Spark aborts a job
         * whose results together exceed spark.driver.maxResultSize: fail before training, naming the setting,
         * rather than after the first round's compute. (Results are serialised as streams since Spark 3.5, so
         * spark.kryoserializer.buffer.max does not limit them: 320 MB results passed with its 64m default.)
         */
        private void checkResultLimits(ComputationGraph graph) {
            long result = graph.params().length() * graph.params().data().getElementSize() * (config.averageUpdater() ? 2 : 1) + (1 << 20);
            long maxResult = jsc.getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
            if (maxResult > 0 && result * workers > maxResult) {
                throw new IllegalStateException("pretrain: " + workers + " workers return " + (result * workers >> 20) + " MB per round but "
                        + "spark.driver.maxResultSize is " + (maxResult >> 20) + " MB; raise it (or set it to 0) with --conf");
            }
        }

        @Override
        public void close() {
            jsc.sc().removeSparkListener(timings);
            shipped.destroy();
            // In local mode the workers ran in this JVM and set ND4J's (process-wide) threads for their tasks.
            if (jsc.isLocal()) {
                Nd4j.getEnvironment().setMaxThreads(driverThreads[0]);
                Nd4j.getEnvironment().setMaxMasterThreads(driverThreads[1]);
                Nd4j.factory().blas().setMaxThreads(driverThreads[2]);
            }
        }
    }
}
