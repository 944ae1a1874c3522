package org.fbnet.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.InputDataException;
import org.fbnet.eval.EpochRecord;
import org.fbnet.eval.VertexScores;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.StructuredNoise;
import org.fbnet.subject.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the F-BNet network on the training rows of one or more subjects and returns the
 * {@link FbnetModel} of the epoch with the best validation mean r in vertex space.
 * <p>Per epoch the {@link EpochRunner} fits every training row once (order and structured noise from
 * the {@link EpochSpec}), then every subject's validation rows are predicted in inference mode, decoded
 * to vertices and correlated with the measured responses. Training stops after {@code patience} epochs
 * without a better mean r, as F-BNet overfits after a few epochs.
 * <p>F-BNet pre-trains on all subjects and fine-tunes a copy per subject: {@link #fit(List)} then
 * {@link #fit(List, FbnetModel)} with the pre-trained model as parent. The trainer holds configuration
 * only; every fit starts from its own seeded generators.
 */
public final class FbnetTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(FbnetTrainer.class);

    private final NetworkConfig network;
    private final TrainerConfig config;
    private final EpochRunner runner;
    private java.util.function.Consumer<EpochRecord> progress = r -> { };
    private ResumePoint resume;

    public FbnetTrainer(NetworkConfig network, TrainerConfig config, EpochRunner runner) {
        this.network = network;
        this.config = config;
        this.runner = runner;
    }

    /** Trains in this JVM. */
    public FbnetTrainer(NetworkConfig network, TrainerConfig config) {
        this(network, config, new LocalEpochRunner());
    }

    /**
     * Saves the trainer's state to {@code point} after every completed epoch and, when it holds a saved state,
     * continues after that epoch instead of starting over (a killed run of the same unit); returns this trainer.
     * Row order, noise and dropout are functions of the epoch ({@link EpochSpec}), so the resumed run ends
     * with the parameters an uninterrupted one would have.
     */
    public FbnetTrainer resumingFrom(ResumePoint point) {
        this.resume = point;
        return this;
    }

    private ResumePoint.State restore(ComputationGraph graph) {
        if (resume == null) return null;
        try {
            return resume.load(graph).orElse(null);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot read the resume point {}; starting over: {}", resume.unit(), resume.path(), e.toString());
            try {
                resume.remove();
            } catch (IOException gone) {
                LOG.warn("{}: cannot remove the unreadable resume point {}: {}", resume.unit(), resume.path(), gone.toString());
            }
            return null;
        }
    }

    private void save(ComputationGraph graph, int epoch, List<EpochRecord> history, int bestEpoch) {
        try {
            resume.save(graph, epoch, history, bestEpoch);
        } catch (IOException e) {
            // Losing a resume point costs a restart after a kill, not the run.
            LOG.warn("{}: cannot save the resume point of epoch {} in {}: {}", resume.unit(), epoch, resume.path(), e.toString());
        }
    }

    /** Calls {@code listener} after every epoch (progress reports); returns this trainer. */
    public FbnetTrainer onEpoch(java.util.function.Consumer<EpochRecord> listener) {
        this.progress = listener;
        return this;
    }

    /** Trains a freshly initialised network. */
    public FbnetModel fit(List<Subject> subjects) {
        ComputationGraph graph = FbnetNetwork.build(network, config.lion(), config.seed());
        return train(graph, subjects, null);
    }

    /**
     * Fine-tunes a copy of {@code parent}'s parameters (the parent is untouched) with this trainer's
     * network settings, which must have the parent's architecture. Lion's momentum starts at zero, also
     * when the parent holds its own (the pre-trained checkpoint does): a fine-tune is a new optimisation on
     * one subject's rows, and with group targets its heads are mapped into another basis.
     */
    public FbnetModel fit(List<Subject> subjects, FbnetModel parent) {
        NetworkConfig p = parent.network();
        if (p.inputSize() != network.inputSize() || p.lhSize() != network.lhSize() || p.rhSize() != network.rhSize()
                || p.widthFactor() != network.widthFactor()) {
            throw new IllegalArgumentException("cannot fine-tune " + parent.describe() + ": its architecture " + p
                    + " differs from " + network);
        }
        ComputationGraph graph = new ComputationGraph(FbnetNetwork.configuration(network, config.lion().updater(),
                config.lion().weightDecay(), config.seed(), org.nd4j.linalg.api.buffer.DataType.FLOAT));
        graph.init(parent.parameters(), false);
        return train(graph, subjects, parent.describe());
    }

    private void checkFits(Subject s) {
        if (s.inputSize() != network.inputSize() || s.components(Hemisphere.LH) != network.lhSize()
                || s.components(Hemisphere.RH) != network.rhSize()) {
            throw new InputDataException(s.name() + ": latents of sizes x " + s.inputSize() + ", lh " + s.components(Hemisphere.LH)
                    + ", rh " + s.components(Hemisphere.RH) + " do not fit the network (" + network.inputSize() + ", "
                    + network.lhSize() + ", " + network.rhSize() + ")");
        }
    }

    /** A subject's training rows as the epoch runner takes them (y = lh ++ rh latents). */
    public static TrainingRows.Subject trainingRows(Subject s) {
        Subject.Rows t = s.train();
        float[][] y = new float[t.size()][];
        for (int i = 0; i < y.length; i++) {
            float[] l = t.latents().lh()[i], r = t.latents().rh()[i];
            y[i] = Arrays.copyOf(l, l.length + r.length);
            System.arraycopy(r, 0, y[i], l.length, r.length);
        }
        return new TrainingRows.Subject(s.name(), t.x(), y, s.noiseEigenvalues());
    }

    private FbnetModel train(ComputationGraph graph, List<Subject> subjects, String parent) {
        if (subjects.isEmpty()) throw new IllegalArgumentException("no subjects to train on");
        subjects.forEach(this::checkFits);
        TrainingRows rows = new TrainingRows(subjects.stream().map(FbnetTrainer::trainingRows).toList());
        List<String> names = rows.subjects();
        LOG.info("train {}: {} training rows, {} validation rows, {} parameters, batch {}, up to {} epochs ({}{})", names,
                rows.size(), subjects.stream().mapToInt(s -> s.validation().size()).sum(), FbnetNetwork.parameterCount(graph),
                config.batchSize(), config.epochs(), runner.describe(), parent == null ? "" : ", fine-tuning " + parent);

        List<EpochRecord> history = new ArrayList<>();
        int bestEpoch = 0, done = 0;
        ResumePoint.Snapshot best = null;
        ResumePoint.State restored = restore(graph);
        if (restored != null) {
            restored.current().applyTo(graph);
            history.addAll(restored.history());
            bestEpoch = restored.bestEpoch();
            best = restored.best();
            done = restored.epoch();
            LOG.info("resuming {} from epoch {} of {} (its last completed epoch, saved in {}); epoch {} is next", resume.unit(), done,
                    config.epochs(), resume.path(), done + 1);
        }
        double bestR = bestEpoch == 0 ? Double.NEGATIVE_INFINITY : history.get(bestEpoch - 1).validationR();
        boolean stopped = done > 0 && done - bestEpoch >= config.patience();
        long started = System.nanoTime();
        try (EpochRunner.Session session = runner.open(rows)) {
            for (int epoch = done + 1; !stopped && epoch <= config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double loss = session.runEpoch(graph, new EpochSpec(epoch, config.seed(), config.batchSize()));
                double secs = (System.nanoTime() - t0) / 1e9;
                double[] val = validate(graph, subjects);
                EpochRecord rec = new EpochRecord(epoch, loss, val[0], val[1], rows.size() / secs, secs);
                history.add(rec);
                double perEpoch = (System.nanoTime() - started) / 1e9 / (epoch - done);
                LOG.info("train {}: {} (of up to {}; at most {} s to go)", names, rec, config.epochs(),
                        String.format("%.0f", perEpoch * (config.epochs() - epoch)));
                progress.accept(rec);
                if (!Double.isFinite(loss)) throw new IllegalStateException("training diverged at epoch " + epoch + ": loss " + loss);
                if (val[0] > bestR) {
                    bestR = val[0];
                    bestEpoch = epoch;
                    // With Lion's state: the pre-trained checkpoint can continue from its best epoch.
                    best = ResumePoint.Snapshot.of(graph);
                }
                stopped = epoch - bestEpoch >= config.patience();
                if (resume != null) save(graph, epoch, history, bestEpoch);
                if (stopped) {
                    LOG.info("train {}: early stop after epoch {}, no better validation r since epoch {} (r {})", names, epoch, bestEpoch,
                            String.format("%.4f", bestR));
                }
            }
        }
        if (best == null) throw new IllegalStateException("train " + names + ": no epoch produced a finite validation r: " + history);
        best.applyTo(graph);
        Map<String, float[]> eig = new LinkedHashMap<>();
        for (Subject s : subjects) eig.put(s.name(), s.noiseEigenvalues());
        return new FbnetModel(graph, network, config, eig, history, bestEpoch, parent, runner.describe(), null);
    }

    /** {mean r over all validation vertices of all subjects and hemispheres, mean noise-normalized score or NaN}. */
    private double[] validate(ComputationGraph graph, List<Subject> subjects) {
        double rSum = 0, scoreSum = 0;
        long rCount = 0, scoreCount = 0;
        for (Subject s : subjects) {
            Subject.Rows val = s.validation();
            float[][][] pred = Inference.predict(graph, network, val.x(), new StructuredNoise(s.noiseEigenvalues()), config.noiseDraws(),
                    config.seed());
            for (Hemisphere h : Hemisphere.values()) {
                float[][] decoded = s.decoders().get(h).inverseTransform(pred[h.ordinal()]);
                // Without measured responses (a subject built from latents only), the decoded true latents stand in.
                float[][] truth = val.hasTruth() ? val.vertices().get(h) : s.decoders().get(h).inverseTransform(val.latents().get(h));
                double[] r = VertexScores.pearson(decoded, truth);
                for (double v : r) rSum += v;
                rCount += r.length;
                if (s.hasCeilings()) {
                    for (double v : VertexScores.noiseNormalized(r, s.ceilings().get(h))) scoreSum += v;
                    scoreCount += r.length;
                }
            }
        }
        return new double[] {rSum / rCount, scoreCount == 0 ? Double.NaN : scoreSum / scoreCount};
    }
}
