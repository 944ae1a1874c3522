package org.fbnet.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.data.InputDataException;
import org.fbnet.data.ValidationSplit;
import org.fbnet.eval.VertexScores;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.StructuredNoise;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the F-BNet network on the training rows of one or more subjects and returns the
 * {@link FbnetModel} of the epoch with the best validation mean r in vertex space.
 * <p>Per epoch: shuffle the training rows of all subjects together (seeded), draw fresh structured noise
 * per row from its subject's eigenvalues, fit minibatches through the {@link EpochRunner}, then predict
 * every subject's validation rows (the first {@code validationFraction} of its rows) in inference mode,
 * decode them to vertices and correlate with the measured (or decoded true) responses. Training stops
 * after {@code patience} epochs without a better mean r, as F-BNet overfits after a few epochs.
 * <p>F-BNet pre-trains on all subjects and fine-tunes a copy per subject: {@link #fit(List)} then
 * {@link #fit(List, FbnetModel)} with the pre-trained model as parent. The trainer holds configuration
 * only; every fit starts from its own seeded generators.
 */
public final class FbnetTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(FbnetTrainer.class);

    private final NetworkConfig network;
    private final TrainerConfig config;
    private final EpochRunner runner;

    public FbnetTrainer(NetworkConfig network, TrainerConfig config, EpochRunner runner) {
        this.network = network;
        this.config = config;
        this.runner = runner;
    }

    /** Trains in this JVM. */
    public FbnetTrainer(NetworkConfig network, TrainerConfig config) {
        this(network, config, new LocalEpochRunner());
    }

    /** Trains a freshly initialised network. */
    public FbnetModel fit(List<SubjectData> subjects) {
        ComputationGraph graph = FbnetNetwork.build(network, config.lion(), config.seed());
        return train(graph, subjects, null);
    }

    /**
     * Fine-tunes a copy of {@code parent}'s parameters (the parent is untouched) with this trainer's
     * network settings, which must have the parent's architecture; Lion's momentum starts at zero.
     */
    public FbnetModel fit(List<SubjectData> subjects, FbnetModel parent) {
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

    /** One subject's rows split into validation (first rows) and training, with what validation needs. */
    private record Prepared(SubjectData data, StructuredNoise noise, int validationRows, float[][] lhTruth, float[][] rhTruth) {
        /** The rows after the validation rows, with y = lh ++ rh. */
        TrainingRows.Subject trainingRows() {
            int n = data.rows() - validationRows;
            float[][] x = java.util.Arrays.copyOfRange(data.x(), validationRows, data.rows()), y = new float[n][];
            for (int i = 0; i < n; i++) {
                float[] l = data.lh().latents()[validationRows + i], r = data.rh().latents()[validationRows + i];
                y[i] = java.util.Arrays.copyOf(l, l.length + r.length);
                System.arraycopy(r, 0, y[i], l.length, r.length);
            }
            return new TrainingRows.Subject(data.subject(), x, y, data.eigenvalues());
        }
    }

    private Prepared prepare(SubjectData s) {
        if (s.inputSize() != network.inputSize() || s.lh().components() != network.lhSize() || s.rh().components() != network.rhSize()) {
            throw new InputDataException(s.subject() + ": latents of sizes x " + s.inputSize() + ", lh " + s.lh().components()
                    + ", rh " + s.rh().components() + " do not fit the network (" + network.inputSize() + ", "
                    + network.lhSize() + ", " + network.rhSize() + ")");
        }
        int k = ValidationSplit.validationRows(s.rows(), config.validationFraction());
        if (k == 0 || k == s.rows()) {
            throw new InputDataException(s.subject() + ": " + s.rows() + " training rows cannot be split into validation and training rows");
        }
        return new Prepared(s, new StructuredNoise(s.eigenvalues()), k,
                truth(s.subject(), "lh", s.lh(), k), truth(s.subject(), "rh", s.rh(), k));
    }

    private static float[][] truth(String subject, String hemi, HemisphereData h, int k) {
        if (h.validationVertices() != null) {
            if (h.validationVertices().length != k) {
                throw new InputDataException(subject + ": " + h.validationVertices().length + " measured " + hemi
                        + " validation rows, expected " + k);
            }
            return h.validationVertices();
        }
        return h.decoder().toVertices(java.util.Arrays.copyOf(h.latents(), k));
    }

    private FbnetModel train(ComputationGraph graph, List<SubjectData> subjects, String parent) {
        if (subjects.isEmpty()) throw new IllegalArgumentException("no subjects to train on");
        List<Prepared> prepared = subjects.stream().map(this::prepare).toList();
        TrainingRows rows = new TrainingRows(prepared.stream().map(Prepared::trainingRows).toList());
        List<String> names = rows.subjects();
        LOG.info("train {}: {} training rows, {} validation rows, {} parameters, batch {}, up to {} epochs ({}{})", names,
                rows.size(), prepared.stream().mapToInt(Prepared::validationRows).sum(), FbnetNetwork.parameterCount(graph),
                config.batchSize(), config.epochs(), runner.describe(), parent == null ? "" : ", fine-tuning " + parent);

        List<EpochRecord> history = new ArrayList<>();
        double bestR = Double.NEGATIVE_INFINITY;
        INDArray bestParams = null;
        int bestEpoch = 0;
        try (EpochRunner.Session session = runner.open(rows)) {
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double loss = session.runEpoch(graph, new EpochSpec(epoch, config.seed(), config.batchSize()));
                double secs = (System.nanoTime() - t0) / 1e9;
                double[] val = validate(graph, prepared);
                EpochRecord rec = new EpochRecord(epoch, loss, val[0], val[1], rows.size() / secs, secs);
                history.add(rec);
                LOG.info("train {}: {}", names, rec);
                if (!Double.isFinite(loss)) throw new IllegalStateException("training diverged at epoch " + epoch + ": loss " + loss);
                if (val[0] > bestR) {
                    bestR = val[0];
                    bestEpoch = epoch;
                    bestParams = graph.params().dup();
                } else if (epoch - bestEpoch >= config.patience()) {
                    LOG.info("train {}: early stop after epoch {}, no better validation r since epoch {} (r {})", names, epoch, bestEpoch,
                            String.format("%.4f", bestR));
                    break;
                }
            }
        }
        if (bestParams == null) throw new IllegalStateException("train " + names + ": no epoch produced a finite validation r: " + history);
        graph.setParams(bestParams);
        Map<String, float[]> eig = new LinkedHashMap<>();
        for (SubjectData s : subjects) eig.put(s.subject(), s.eigenvalues());
        return new FbnetModel(graph, network, config, eig, history, bestEpoch, parent, runner.describe(), null);
    }

    /** {mean r over all validation vertices of all subjects and hemispheres, mean noise-normalized score or NaN}. */
    private double[] validate(ComputationGraph graph, List<Prepared> prepared) {
        double rSum = 0, scoreSum = 0;
        long rCount = 0, scoreCount = 0;
        for (Prepared p : prepared) {
            float[][] x = java.util.Arrays.copyOf(p.data().x(), p.validationRows());
            float[][][] pred = Inference.predict(graph, network, x, p.noise(), config.noiseDraws(), config.seed());
            HemisphereData[] hemis = {p.data().lh(), p.data().rh()};
            float[][][] truths = {p.lhTruth(), p.rhTruth()};
            for (int h = 0; h < 2; h++) {
                double[] r = VertexScores.pearson(hemis[h].decoder().toVertices(pred[h]), truths[h]);
                for (double v : r) rSum += v;
                rCount += r.length;
                if (hemis[h].noiseCeilings() != null) {
                    for (double v : VertexScores.noiseNormalized(r, hemis[h].noiseCeilings())) scoreSum += v;
                    scoreCount += r.length;
                }
            }
        }
        return new double[] {rSum / rCount, scoreCount == 0 ? Double.NaN : scoreSum / scoreCount};
    }
}
