package org.fbnet.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.InputDataException;
import org.fbnet.data.PerHemisphere;
import org.fbnet.eval.EpochRecord;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.pca.GroupPca;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.SerializableHadoopConf;
import org.fbnet.store.Version;
import org.fbnet.store.VersionedDir;
import org.fbnet.subject.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training unit, ready to run wherever it is sent: the subjects' data, the network and training
 * configuration, the parent checkpoint's path (and, for a group pre-training parent, the subject's views
 * of the group PCA that map it into the subject's own basis), and where and as which version its model is
 * published. Serializable: a fine-tune runs in the executor that runs its task.
 * <p>The version id is fixed when the job is made, so a task Spark retries after its first attempt
 * published (and then lost its executor) finds the version and does not publish it twice
 * ({@link VersionedDir#publishOnce}); a half-written attempt's staging is removed by the next writer once
 * its heartbeat stops.
 * <p>While it trains, the unit keeps a {@link ResumePoint} (named by its fingerprint) beside its versions,
 * so a run of the same unit after a kill continues after the last completed epoch; it is removed once
 * the version is published.
 */
final class TrainJob implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String unit;
    private final List<Subject> data;
    private final NetworkConfig network;
    private final TrainerConfig trainer;
    private final String parentPath;
    private final PerHemisphere<GroupPca.SubjectView> groupViews;
    private final String outputDir;
    private final String versionId;
    private final byte[] manifest;
    private final int keep;
    private final SerializableHadoopConf conf;
    private final String root, checkpoints, subject;

    TrainJob(String unit, List<Subject> data, NetworkConfig network, TrainerConfig trainer, String parentPath,
             PerHemisphere<GroupPca.SubjectView> groupViews, String outputDir, String versionId, byte[] manifest, int keep,
             SerializableHadoopConf conf, String root, String checkpoints, String subject) {
        this.unit = unit;
        this.data = List.copyOf(data);
        this.network = network;
        this.trainer = trainer;
        this.parentPath = parentPath;
        this.groupViews = groupViews;
        this.outputDir = outputDir;
        this.versionId = versionId;
        this.manifest = manifest;
        this.keep = keep;
        this.conf = conf;
        this.root = root;
        this.checkpoints = checkpoints;
        this.subject = subject;
    }

    /** Trains, publishes the model version (verified), prunes old versions; returns a one-line summary. */
    String run(EpochRunner runner, Consumer<EpochRecord> progress) throws IOException {
        Configuration c = conf.get();
        Manifest planned;
        try (InputStream in = new ByteArrayInputStream(manifest)) {
            planned = Manifest.fromJson(in, unit + " manifest");
        }
        ResumePoint resume = planned.fingerprint() == null ? null : ResumePoint.at(new Path(outputDir), unit, planned.fingerprint(), c);
        FbnetTrainer fbnet = new FbnetTrainer(network, trainer, runner).onEpoch(progress);
        if (resume != null) fbnet.resumingFrom(resume);
        FbnetModel model;
        if (parentPath != null) {
            FbnetModel parent = FbnetModel.load(new Path(parentPath), c);
            if (groupViews != null) {
                // The group-space network with its heads and leak projection mapped exactly into the subject's own basis.
                Subject own = data.get(0);
                parent = BasisChange.toOwnSpace(parent, own.name(),
                        LatentSpaceMap.between(groupViews.lh(), groupViews.lh().components(), own.decoders().lh()),
                        LatentSpaceMap.between(groupViews.rh(), groupViews.rh().components(), own.decoders().rh()), own.noiseEigenvalues());
            }
            model = fbnet.fit(data, parent);
        } else {
            model = fbnet.fit(data);
        }
        // The pre-trained checkpoint keeps Lion's state of its best epoch; subject checkpoints, what users load, do not.
        boolean withOptimizerState = subject == null;
        Manifest base = model.describe(planned).with("optimizerState", withOptimizerState);
        Map<String, Object> rows = new LinkedHashMap<>();
        for (Subject s : data) rows.put(s.name(), Map.of("training", s.train().size(), "validation", s.validation().size()));
        base = base.with("rows", rows);
        VersionedDir dir = VersionedDir.at(new Path(outputDir), c);
        DataRoot dataRoot = new DataRoot(new Path(root), c, checkpoints == null ? null : new Path(checkpoints));
        // A subject's version becomes a self-contained checkpoint (CheckpointContents), checked before it is current.
        Version v = dir.publishOnce(versionId, base, (staging, m) -> {
            model.writeGraph(staging, c, withOptimizerState);
            return CheckpointContents.complete(staging, m, model, data, subject, dataRoot);
        }, published -> {
            verify(model, published.path(), c);
            CheckpointContents.verify(published, model, data, subject, c);
        });
        if (resume != null) resume.remove();
        int pruned = dir.prune(keep);
        if (pruned > 0) LOG.info("{}: removed {} old version(s) beyond train.checkpoints.keep={}", unit, pruned, keep);
        return model.best() + " -> " + v.path();
    }

    /** Loads the published version back: it must predict the validation rows exactly as the trained network. */
    private void verify(FbnetModel model, Path dir, Configuration c) throws IOException {
        FbnetModel back = FbnetModel.load(dir, c);
        for (Subject s : data) {
            float[][] x = s.validation().x();
            FbnetModel.Prediction a = model.predict(x, s.name()), b = back.predict(x, s.name());
            if (!Arrays.deepEquals(a.lh(), b.lh()) || !Arrays.deepEquals(a.rh(), b.rh())) {
                throw new IOException(dir + ": the saved model does not predict " + s.name() + "'s validation rows as the trained one did");
            }
        }
    }

    /** What a task returns: the summary, or the error (not thrown: a deterministic failure is not worth Spark's retries). */
    record Outcome(String summary, boolean badData, String error) implements Serializable {
        /** As plain strings, for the task result. */
        String[] toArray() { return new String[] {summary, String.valueOf(badData), error}; }

        static Outcome of(String[] a) { return new Outcome(a[0], Boolean.parseBoolean(a[1]), a[2]); }

        String orThrow() {
            if (error == null) return summary;
            throw badData ? new InputDataException(error) : new IllegalStateException(error);
        }
    }

    /** The task's body: binds the executor's GPU (if any), trains in this JVM, reports epochs through the progress file. */
    Outcome runOnExecutor() {
        org.fbnet.spark.GpuDevices.pinCurrentThread();
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        LOG.info("{}: training on executor {}", unit, env == null ? "(none)" : env.executorId());
        try {
            return new Outcome(run(new LocalEpochRunner(), this::writeProgress), false, null);
        } catch (InputDataException e) {
            return new Outcome(null, true, e.getMessage());
        } catch (Exception e) {
            LOG.error("{} failed", unit, e);
            return new Outcome(null, false, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            deleteProgress();
        }
    }

    private Path progressFile() {
        return new Path(new Path(outputDir, "_progress"), versionId + ".json");
    }

    private void writeProgress(EpochRecord r) {
        Map<String, Object> m = new LinkedHashMap<>(r.asMap());
        m.put("unit", unit);
        m.put("epochs", trainer.epochs());
        try (OutputStream out = progressFile().getFileSystem(conf.get()).create(progressFile(), true)) {
            out.write(JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            LOG.warn("{}: cannot write progress: {}", unit, e.getMessage());
        }
    }

    private void deleteProgress() {
        try {
            FileSystem fs = progressFile().getFileSystem(conf.get());
            fs.delete(progressFile(), false);
            Path dir = progressFile().getParent();
            if (fs.exists(dir) && fs.listStatus(dir).length == 0) fs.delete(dir, false);
        } catch (IOException e) {
            LOG.warn("{}: cannot remove its progress file: {}", unit, e.getMessage());
        }
    }

    /** Polls the job's progress file on the driver and logs each new epoch, until closed. */
    ProgressWatch watchProgress(Logger log) {
        return new ProgressWatch(log);
    }

    final class ProgressWatch implements AutoCloseable {
        private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fbnet-progress");
            t.setDaemon(true);
            return t;
        });
        private int lastEpoch;

        ProgressWatch(Logger log) {
            poller.scheduleWithFixedDelay(() -> poll(log), 2, 2, TimeUnit.SECONDS);
        }

        private void poll(Logger log) {
            try (InputStream in = progressFile().getFileSystem(conf.get()).open(progressFile())) {
                Map<?, ?> m = JSON.readValue(in, Map.class);
                int epoch = ((Number) m.get("epoch")).intValue();
                if (epoch > lastEpoch) {
                    lastEpoch = epoch;
                    log.info("{}: {} of up to {}", unit, EpochRecord.fromMap(castMap(m)), m.get("epochs"));
                }
            } catch (java.io.FileNotFoundException e) {
                // not started, or finished
            } catch (IOException | RuntimeException e) {
                log.debug("{}: progress not readable yet: {}", unit, e.toString());
            }
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> castMap(Map<?, ?> m) { return (Map<String, Object>) m; }

        @Override
        public void close() { poller.shutdownNow(); }
    }
}
