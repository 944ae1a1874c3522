package org.fbnet.train;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.eval.EpochRecord;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.StagedDirectory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.fbnet.spark.NdArrayKryoSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a training unit keeps its trainer's state after every completed epoch, so that a killed run of the
 * same unit continues after its last completed epoch instead of starting over.
 * <p>Layout: {@code MODEL_DIR/_resume/<unit fingerprint>/epoch=NNNNN/} holding {@value #PARAMS} and
 * {@value #OPTIMIZER} (the arrays' raw bytes: exact) and a manifest with the epoch, the history, the best
 * epoch and DL4J's iteration counts. Each epoch's directory is staged and published in one rename
 * ({@link StagedDirectory}, on any Hadoop file system) and never rewritten; only the latest and the best
 * epoch's directories are kept (the best epoch's parameters are what the unit publishes in the end).
 * <p>The fingerprint covers the unit's inputs and settings, so a resume point is used only by a run that
 * would repeat the same epochs: one of another fingerprint is removed when the unit starts, and the unit's
 * own is removed once its model version is published. Names starting with {@code _} are skipped by
 * {@link org.fbnet.store.VersionedDir} and by Spark readers.
 */
public final class ResumePoint {
    private static final Logger LOG = LoggerFactory.getLogger(ResumePoint.class);
    public static final String DIR = "_resume";
    static final String KIND = "fbnet-resume-point";
    static final int FORMAT_VERSION = 1;
    private static final String EPOCH_PREFIX = "epoch=";
    static final String PARAMS = "params.nd4j";
    static final String OPTIMIZER = "optimizer.nd4j";

    private static final NdArrayKryoSerializer CODEC = new NdArrayKryoSerializer();

    private final Path root;
    private final Path dir;
    private final String unit;
    private final String fingerprint;
    private final Configuration conf;

    private ResumePoint(Path modelDir, String unit, String fingerprint, Configuration conf) {
        if (fingerprint == null || !fingerprint.matches("[0-9A-Za-z_-]+")) {
            throw new IllegalArgumentException(unit + ": a resume point needs the unit's fingerprint as a plain name, got " + fingerprint);
        }
        this.root = new Path(modelDir, DIR);
        this.dir = new Path(root, fingerprint);
        this.unit = unit;
        this.fingerprint = fingerprint;
        this.conf = conf;
    }

    /** The resume point of unit {@code unit} (its fingerprint) under the directory its model versions go to. */
    public static ResumePoint at(Path modelDir, String unit, String fingerprint, Configuration conf) {
        return new ResumePoint(modelDir, unit, fingerprint, conf);
    }

    public Path path() { return dir; }

    public String unit() { return unit; }

    /** A graph's parameters and Lion state with DL4J's counters (a learning-rate or dropout schedule reads them). */
    record Snapshot(INDArray params, INDArray optimizer, int iterationCount, int epochCount) {
        static Snapshot of(ComputationGraph graph) {
            return new Snapshot(graph.params().dup(), graph.getUpdater().getStateViewArray().dup(),
                    graph.getConfiguration().getIterationCount(), graph.getConfiguration().getEpochCount());
        }

        void applyTo(ComputationGraph graph) {
            graph.setParams(params);
            graph.getUpdater().getStateViewArray().assign(optimizer);
            graph.getConfiguration().setIterationCount(iterationCount);
            graph.getConfiguration().setEpochCount(epochCount);
        }
    }

    /** The trainer's state after {@code epoch}: the graph as it is, its best epoch's snapshot, every epoch's record. */
    record State(int epoch, List<EpochRecord> history, int bestEpoch, Snapshot current, Snapshot best) {
        /** The best epoch's validation r ({@code -Infinity} before any finite one). */
        double bestR() {
            return bestEpoch == 0 ? Double.NEGATIVE_INFINITY : history.get(bestEpoch - 1).validationR();
        }
    }

    /** Saves the state after a completed epoch ({@code graph} holds it), then drops older epochs but the best. */
    void save(ComputationGraph graph, int epoch, List<EpochRecord> history, int bestEpoch) throws IOException {
        Path target = epochDir(epoch);
        try (StagedDirectory staged = StagedDirectory.begin(target, conf)) {
            write(new Path(staged.path(), PARAMS), graph.params());
            write(new Path(staged.path(), OPTIMIZER), graph.getUpdater().getStateViewArray());
            staged.publish(Manifest.of(KIND, FORMAT_VERSION).withUnit(unit, fingerprint)
                    .with("epoch", epoch)
                    .with("bestEpoch", bestEpoch)
                    .with("iterationCount", graph.getConfiguration().getIterationCount())
                    .with("epochCount", graph.getConfiguration().getEpochCount())
                    .with("history", history.stream().map(EpochRecord::asMap).toList()));
        }
        FileSystem fs = dir.getFileSystem(conf);
        for (int e : epochs()) if (e != epoch && e != bestEpoch) fs.delete(epochDir(e), true);
    }

    /**
     * The state of this unit's last completed epoch, if one was saved for a graph of {@code like}'s size.
     * Resume points of other fingerprints (the unit's inputs or settings changed since) are removed first.
     */
    Optional<State> load(ComputationGraph like) throws IOException {
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root)) return Optional.empty();
        for (FileStatus st : fs.listStatus(root)) {
            if (!st.getPath().getName().equals(fingerprint) && fs.delete(st.getPath(), true)) {
                LOG.info("{}: removed the resume point of other inputs or settings {}", unit, st.getPath());
            }
        }
        List<Integer> saved = epochs();
        if (saved.isEmpty()) return Optional.empty();
        int epoch = saved.get(saved.size() - 1);
        Manifest m = Manifest.read(epochDir(epoch), conf).require(KIND, FORMAT_VERSION, epochDir(epoch).toString());
        @SuppressWarnings("unchecked")
        List<EpochRecord> history = ((List<Map<String, Object>>) m.get("history")).stream().map(EpochRecord::fromMap).toList();
        int bestEpoch = ((Number) m.get("bestEpoch")).intValue();
        Snapshot current = snapshot(epochDir(epoch), m, like);
        Snapshot best = null;
        if (bestEpoch == epoch) {
            best = current;
        } else if (bestEpoch > 0) {
            Manifest bm = Manifest.read(epochDir(bestEpoch), conf);
            best = bm == null ? null : snapshot(epochDir(bestEpoch), bm, like);
        }
        if (current == null || (bestEpoch > 0 && best == null) || history.size() != epoch) {
            LOG.warn("{}: the resume point {} is incomplete or does not fit this network; starting over", unit, epochDir(epoch));
            remove();
            return Optional.empty();
        }
        return Optional.of(new State(epoch, history, bestEpoch, current, best));
    }

    /** Removes this unit's resume point (after its model version was published), and {@value #DIR} if empty. */
    void remove() throws IOException {
        FileSystem fs = root.getFileSystem(conf);
        fs.delete(dir, true);
        if (fs.exists(root) && fs.listStatus(root).length == 0) fs.delete(root, false);
    }

    private Path epochDir(int epoch) {
        return new Path(dir, EPOCH_PREFIX + String.format("%05d", epoch));
    }

    /** The epochs saved completely (published with their manifest), in order. */
    private List<Integer> epochs() throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        List<Integer> out = new ArrayList<>();
        if (!fs.exists(dir)) return out;
        for (FileStatus st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            if (st.isDirectory() && n.matches(EPOCH_PREFIX + "\\d+") && fs.exists(new Path(st.getPath(), Manifest.FILE_NAME))) {
                out.add(Integer.parseInt(n.substring(EPOCH_PREFIX.length())));
            }
        }
        out.sort(null);
        return out;
    }

    /** The snapshot saved in {@code epochDir}, or null if its arrays do not fit {@code like}. */
    private Snapshot snapshot(Path epochDir, Manifest m, ComputationGraph like) throws IOException {
        INDArray params = read(new Path(epochDir, PARAMS)), optimizer = read(new Path(epochDir, OPTIMIZER));
        INDArray expected = like.getUpdater().getStateViewArray();
        if (params.length() != like.params().length() || params.dataType() != like.params().dataType()
                || optimizer.length() != expected.length() || optimizer.dataType() != expected.dataType()) {
            return null;
        }
        return new Snapshot(params, optimizer, ((Number) m.get("iterationCount")).intValue(), ((Number) m.get("epochCount")).intValue());
    }

    /** Raw bytes through fbnet's array codec: {@code Nd4j.write} took 3-8 s per epoch for F-BNet's 39.6M parameters and their momenta. */
    private void write(Path file, INDArray array) throws IOException {
        try (OutputStream stream = file.getFileSystem(conf).create(file, false); Output out = new Output(stream, 1 << 20)) {
            CODEC.write(null, out, array);
        }
    }

    private INDArray read(Path file) throws IOException {
        try (InputStream stream = file.getFileSystem(conf).open(file); Input in = new Input(stream, 1 << 20)) {
            return CODEC.read(null, in, INDArray.class);
        }
    }
}
