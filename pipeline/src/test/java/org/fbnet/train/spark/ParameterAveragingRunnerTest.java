package org.fbnet.train.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.optim.LionConfig;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.train.EpochRunner;
import org.fbnet.train.EpochSpec;
import org.fbnet.train.FbnetModel;
import org.fbnet.train.FbnetTrainer;
import org.fbnet.train.LocalEpochRunner;
import org.fbnet.train.PlantedSubject;
import org.fbnet.subject.Subject;
import org.fbnet.train.TrainerConfig;
import org.fbnet.train.TrainingRows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ParameterAveragingRunnerTest extends SparkTestBase {
    static final NetworkConfig NET = new NetworkConfig(PlantedSubject.INPUT, PlantedSubject.LH, PlantedSubject.RH, 2,
            0.02, 0.002, 0.2, 0.01, NetworkConfig.Loss.RACING);
    static final LionConfig LION = new LionConfig(1e-3, 0.9, 0.99, 1e-3);
    static final ParameterAveragingConfig ONE_WORKER_EVERY_STEP =
            new ParameterAveragingConfig(1, 1, 0, 0, true, 1, ParameterAveragingConfig.Repartition.NEVER);

    static Subject subj01, subj02;
    static JavaSparkContext jsc;

    @BeforeAll
    static void data() {
        subj01 = PlantedSubject.generate("subj01", 1, 500, 1.0);
        subj02 = PlantedSubject.generate("subj02", 2, 400, 1.0);
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    /** A subject's training rows as the trainer hands them to a runner. */
    static TrainingRows.Subject rows(Subject s) {
        return FbnetTrainer.trainingRows(s);
    }

    static double[] losses(EpochRunner runner, ComputationGraph graph, TrainingRows rows, int epochs) {
        double[] loss = new double[epochs];
        try (EpochRunner.Session session = runner.open(rows)) {
            for (int e = 1; e <= epochs; e++) loss[e - 1] = session.runEpoch(graph, new EpochSpec(e, 7, 32));
        }
        return loss;
    }

    @Test
    void oneWorkerAveragingEveryMinibatchFollowsTheSingleJvmTrajectory() {
        TrainingRows rows = new TrainingRows(List.of(rows(subj01), rows(subj02)));
        // Same ND4J thread count on both sides, so both sum in the same order (see the tolerance below).
        org.fbnet.linalg.Nd4jThreads.set(1);
        ComputationGraph local = FbnetNetwork.build(NET, LION, 7), averaged = FbnetNetwork.build(NET, LION, 7);
        double[] expected = losses(new LocalEpochRunner(), local, rows, 3);
        double[] actual = losses(new ParameterAveragingRunner(jsc, ONE_WORKER_EVERY_STEP), averaged, rows, 3);
        float[] p = local.params().toFloatVector(), q = averaged.params().toFloatVector();
        double maxDiff = 0;
        for (int i = 0; i < p.length; i++) maxDiff = Math.max(maxDiff, Math.abs(p[i] - q[i]));
        // No tolerance: the worker runs the same ND4J ops on the same arrays in the same order (same batches, noise,
        // dropout seeds and thread count), and averaging one worker divides by 1, so nothing is reassociated.
        // Measured: identical to the last bit (also against 2 ND4J threads, which this small network never splits).
        for (int e = 0; e < 3; e++) {
            assertEquals(expected[e], actual[e], 0, "epoch " + (e + 1) + " loss: local " + java.util.Arrays.toString(expected)
                    + ", averaged " + java.util.Arrays.toString(actual) + ", max parameter difference " + maxDiff);
        }
        assertTrue(expected[2] < expected[0], "training must lower the loss: " + java.util.Arrays.toString(expected));
        assertEquals(0, maxDiff, 0, "parameters after 3 epochs");
    }

    @Test
    void restartingLionsMomentumEveryStepIsLionWithoutMomentumInTheUpdate() {
        // Lion's step is sign(b1*m + (1-b1)*g): with m back at zero before every step it is sign(g), which is
        // what Lion with b1 = 0 does in one JVM whatever its momentum holds.
        TrainingRows rows = new TrainingRows(List.of(rows(subj01)));
        org.fbnet.linalg.Nd4jThreads.set(1);
        LionConfig noMomentum = new LionConfig(LION.learningRate(), 0, LION.beta2(), LION.weightDecay());
        ComputationGraph local = FbnetNetwork.build(NET, noMomentum, 7), restarted = FbnetNetwork.build(NET, LION, 7);
        double[] expected = losses(new LocalEpochRunner(), local, rows, 2);
        ParameterAveragingConfig reset = new ParameterAveragingConfig(1, 1, 0, 0, false, 1, ParameterAveragingConfig.Repartition.NEVER);
        double[] actual = losses(new ParameterAveragingRunner(jsc, reset), restarted, rows, 2);
        assertEquals(expected[0], actual[0], 0, java.util.Arrays.toString(expected) + " vs " + java.util.Arrays.toString(actual));
        assertEquals(expected[1], actual[1], 0, java.util.Arrays.toString(expected) + " vs " + java.util.Arrays.toString(actual));
        assertTrue(java.util.Arrays.equals(local.params().toFloatVector(), restarted.params().toFloatVector()));
    }

    @Test
    void dl4jSparksBalancedRepartitioningStillFitsEveryRowOnceWithItsDropoutSeed() {
        // 26 minibatches in rounds of 2 x 3: the last round's two single-batch partitions are uneven for
        // dl4j-spark (it wants 3 per partition), so it shuffles those minibatches; the runner checks the row count.
        TrainingRows rows = new TrainingRows(List.of(rows(subj01), rows(subj02)));
        ParameterAveragingConfig balanced = new ParameterAveragingConfig(2, 3, 0, 0, true, 0, ParameterAveragingConfig.Repartition.BALANCED);
        ParameterAveragingRunner runner = new ParameterAveragingRunner(jsc, balanced);
        ComputationGraph g = FbnetNetwork.build(NET, LION, 7);
        try (ParameterAveragingRunner.AveragingSession s = runner.open(rows)) {
            double loss = s.runEpoch(g, new EpochSpec(1, 7, 32));
            assertTrue(Double.isFinite(loss), "loss " + loss);
            assertEquals(450 + 360, s.lastEpoch().rows());
        }
    }

    @Test
    void twoWorkersMixSubjectsInEveryPartitionAndLearn() {
        ParameterAveragingConfig two = new ParameterAveragingConfig(2, 3, 0, 0, true, 0, ParameterAveragingConfig.Repartition.NEVER);
        ParameterAveragingRunner runner = new ParameterAveragingRunner(jsc, two);
        TrainerConfig config = new TrainerConfig(12, 32, 4, 0.1, 7, 1, LION);
        FbnetModel m = new FbnetTrainer(NET, config, runner).fit(List.of(subj01, subj02));
        // Chance: r of 90 validation rows is about 0 +- 0.11.
        assertTrue(m.best().validationR() > 0.5, "best validation r " + m.best().validationR() + ": " + m.history());
        ParameterAveragingRunner.EpochReport first = runner.history().get(0);
        // 450 + 360 training rows in minibatches of 32: 26 minibatches, rounds of 2 workers x 3.
        assertEquals(26, first.batches());
        assertEquals(5, first.rounds());
        for (WorkerTask t : first.tasks()) {
            // Subjects are 55:45; only the epoch's last, 10-row minibatch could miss one by chance.
            int rowsOfTask = t.rowsPerSubject().values().stream().mapToInt(Integer::intValue).sum();
            if (rowsOfTask >= 32) assertEquals(2, t.rowsPerSubject().size(), "a worker's slice lacks a subject: " + t);
            assertEquals(1, t.threads(), "one ND4J thread per task on local[2]: " + t);
        }
        assertEquals(5 * 2, first.tasks().size(), "one task per worker per round: " + first.tasks());
        assertTrue(runner.describe().contains("2 workers"), runner.describe());
    }
}
