package org.fbnet.train;

import org.fbnet.eval.EpochRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.fbnet.nn.FbnetNetwork;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.StructuredNoise;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.StagedDirectory;

/**
 * A trained F-BNet network: the parameters of its best validation epoch, the network and training
 * configuration, each subject's noise eigenvalues, the per-epoch history and its provenance (seed,
 * best epoch, parent model it was fine-tuned from).
 * <p>Immutable from the outside: the DL4J graph is never handed out, and {@link #predict} is
 * synchronized because a graph's forward pass is not thread-safe. Saved as a directory holding
 * {@value #GRAPH_FILE} (DL4J ModelSerializer) and the manifest. The pre-trained checkpoint's graph also
 * holds Lion's momentum of its best epoch ({@link #writeGraph(Path, Configuration, boolean)}), so
 * pre-training can continue from it; subject checkpoints hold parameters only. Fine-tuning restarts
 * Lion's momentum either way ({@link FbnetTrainer#fit(List, FbnetModel)}). The optimizer state is an
 * optional entry of the same zip, which readers of format 1 without it load unchanged.
 */
public final class FbnetModel {
    public static final String KIND = "fbnet-model";
    public static final int FORMAT_VERSION = 1;
    public static final String GRAPH_FILE = "graph.zip";

    private final ComputationGraph graph;
    private final NetworkConfig network;
    private final TrainerConfig training;
    private final Map<String, float[]> noiseEigenvalues;
    private final List<EpochRecord> history;
    private final int bestEpoch;
    private final String parent;
    private final String runner;
    private final String origin;

    FbnetModel(ComputationGraph graph, NetworkConfig network, TrainerConfig training, Map<String, float[]> noiseEigenvalues,
               List<EpochRecord> history, int bestEpoch, String parent, String runner, String origin) {
        this.graph = graph;
        this.network = network;
        this.training = training;
        Map<String, float[]> e = new LinkedHashMap<>();
        noiseEigenvalues.forEach((k, v) -> e.put(k, v.clone()));
        this.noiseEigenvalues = Collections.unmodifiableMap(e);
        this.history = List.copyOf(history);
        this.bestEpoch = bestEpoch;
        this.parent = parent;
        this.runner = runner;
        this.origin = origin;
    }

    /** The predicted brain latents of one subject: one row per image, lh and rh components. */
    public record Prediction(float[][] lh, float[][] rh) { }

    /** Predictions with the training config's seed and number of noise draws. */
    public Prediction predict(float[][] x, String subject) {
        return predict(x, subject, training.noiseDraws(), training.seed());
    }

    /** Inference-mode predictions averaged over {@code draws} seeded noise draws of the subject's structured noise. */
    public synchronized Prediction predict(float[][] x, String subject, int draws, long seed) {
        float[][][] p = Inference.predict(graph, network, x, noise(subject), draws, seed);
        return new Prediction(p[0], p[1]);
    }

    StructuredNoise noise(String subject) {
        float[] e = noiseEigenvalues.get(subject);
        if (e == null) throw new IllegalArgumentException("model was not trained on subject " + subject + "; it knows " + noiseEigenvalues.keySet());
        return new StructuredNoise(e);
    }

    public NetworkConfig network() { return network; }

    public TrainerConfig training() { return training; }

    public List<String> subjects() { return List.copyOf(noiseEigenvalues.keySet()); }

    public List<EpochRecord> history() { return history; }

    /** The 1-based epoch whose parameters this model holds (0: none trained, e.g. a loaded parent). */
    public int bestEpoch() { return bestEpoch; }

    /** The best epoch's record. */
    public EpochRecord best() {
        return history.stream().filter(r -> r.epoch() == bestEpoch).findFirst()
                .orElseThrow(() -> new IllegalStateException("no history for best epoch " + bestEpoch));
    }

    /** What this model was fine-tuned from (a path or a description), or null if trained from scratch. */
    public String parent() { return parent; }

    /** Where it was loaded from, or null for a model trained in this process. */
    public String origin() { return origin; }

    /** This model for provenance: its origin if saved, else a description (with its parent's, if any). */
    public String describe() {
        return origin != null ? origin : "fbnet model of " + subjects() + " (seed " + training.seed() + ", best epoch " + bestEpoch + ")"
                + (parent == null ? "" : ", from " + parent);
    }

    public long parameterCount() { return FbnetNetwork.parameterCount(graph); }

    /** A copy of the parameters, flattened in DL4J's order (for fine-tuning and tests). */
    public synchronized org.nd4j.linalg.api.ndarray.INDArray parameters() { return graph.params().dup(); }

    /** Publishes the model directory atomically at {@code dir}, replacing any model there (outside versioned outputs). */
    public synchronized Path save(Path dir, Configuration conf) throws IOException {
        try (StagedDirectory staged = StagedDirectory.begin(dir, conf)) {
            writeGraph(staged.path(), conf);
            return staged.publish(describe(Manifest.of(KIND, FORMAT_VERSION)));
        }
    }

    /** Writes the network's parameters ({@value #GRAPH_FILE}) into a (staged) directory. */
    public void writeGraph(Path dir, Configuration conf) throws IOException {
        writeGraph(dir, conf, false);
    }

    /**
     * Writes the network ({@value #GRAPH_FILE}) into a (staged) directory, with Lion's state if
     * {@code withOptimizerState} (the pre-trained checkpoint: about twice the size, as Lion keeps one
     * momentum per parameter).
     */
    public synchronized void writeGraph(Path dir, Configuration conf, boolean withOptimizerState) throws IOException {
        try (OutputStream out = dir.getFileSystem(conf).create(new Path(dir, GRAPH_FILE), false)) {
            ModelSerializer.writeModel(graph, out, withOptimizerState && hasOptimizerState());
        }
    }

    /** Whether this model holds Lion's state (trained here, or loaded from a checkpoint saved with it). */
    public synchronized boolean hasOptimizerState() {
        // getUpdater(false): getUpdater() would create a zero state for a loaded model.
        return graph.getUpdater(false) != null && graph.getUpdater(false).getStateViewArray() != null;
    }

    /** A copy of Lion's state (one momentum per parameter, DL4J's order), or null without one. */
    public synchronized org.nd4j.linalg.api.ndarray.INDArray optimizerState() {
        return hasOptimizerState() ? graph.getUpdater(false).getStateViewArray().dup() : null;
    }

    /** Adds this model's fields (network, training, history, noise eigenvalues, parent) to a manifest of kind {@value #KIND}. */
    public Manifest describe(Manifest m) {
        Map<String, Object> eig = new LinkedHashMap<>();
        noiseEigenvalues.forEach((s, e) -> {
            List<Double> l = new ArrayList<>(e.length);
            for (float v : e) l.add((double) v);
            eig.put(s, l);
        });
        return m.with("network", network.asMap())
                .with("training", training.asMap())
                .withSeed(training.seed())
                .with("subjects", subjects())
                .with("epochsRun", history.size())
                .with("bestEpoch", bestEpoch)
                .with("parent", parent)
                .with("runner", runner)
                .with("parameters", parameterCount())
                .with("history", history.stream().map(EpochRecord::asMap).toList())
                .with("noiseEigenvalues", eig)
                .withMetric("validationR", best().validationR())
                .withMetric("validationScore", Double.isFinite(best().validationScore()) ? best().validationScore() : null);
    }

    /** Loads a model directory ({@link #save}, or a published version holding {@link #writeGraph} and {@link #describe}). */
    @SuppressWarnings("unchecked")
    public static FbnetModel load(Path dir, Configuration conf) throws IOException {
        Manifest m = Manifest.read(dir, conf);
        if (m == null) throw new IOException(dir + ": no " + Manifest.FILE_NAME + "; not an fbnet model directory");
        m.require(KIND, FORMAT_VERSION, dir.toString());
        Path graphFile = new Path(dir, GRAPH_FILE);
        FileSystem fs = graphFile.getFileSystem(conf);
        ComputationGraph graph;
        try (InputStream in = fs.open(graphFile)) {
            // A graph saved without Lion's state (subject checkpoints, format 1 files) loads without one.
            graph = ModelSerializer.restoreComputationGraph(in, true);
        }
        NetworkConfig network = NetworkConfig.fromMap(m.getMap("network"));
        TrainerConfig training = TrainerConfig.fromMap(m.getMap("training"));
        Map<String, float[]> eig = new LinkedHashMap<>();
        m.getMap("noiseEigenvalues").forEach((s, v) -> {
            List<Number> l = (List<Number>) v;
            float[] e = new float[l.size()];
            for (int i = 0; i < e.length; i++) e[i] = l.get(i).floatValue();
            eig.put(s, e);
        });
        List<EpochRecord> history = ((List<Map<String, Object>>) m.get("history")).stream().map(EpochRecord::fromMap).toList();
        return new FbnetModel(graph, network, training, eig, history, ((Number) m.get("bestEpoch")).intValue(),
                m.getString("parent"), m.getString("runner"), fs.makeQualified(dir).toString());
    }
}
