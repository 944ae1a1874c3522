package org.fbnet.synth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.RoiFamilies;
import org.fbnet.data.SubjectLayout;
import org.fbnet.data.npy.NpyDtype;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.data.npy.NumpyPickle;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.StagedDirectory;

/**
 * Writes a synthetic dataset in exactly the Algonauts 2023 challenge layout, per subject
 * {@code subjXX/}, plus what evaluation needs in {@code truth/} beside the subjects: each subject's
 * test fMRI and noise ceilings, and {@code truth/planted.json} describing what was planted.
 * <pre>
 *   subjXX/training_split/training_fmri/{lh,rh}_training_fmri.npy      float32 [images, vertices]
 *   subjXX/training_split/training_images/train-NNNN_nsd-NNNNN.png
 *   subjXX/test_split/test_images/test-NNNN_nsd-NNNNN.png
 *   subjXX/roi_masks/{lh,rh}.FAMILY_challenge_space.npy                int64 label per vertex
 *   subjXX/roi_masks/mapping_FAMILY.npy                                pickled dict label -> name
 *   subjXX/roi_masks/{lh,rh}.all-vertices_fsaverage_space.npy          int64 0/1 over 163842
 *   truth/subjXX/{lh,rh}_test_fmri.npy, {lh,rh}_noise_ceiling.npy      float32
 *   truth/planted.json
 * </pre>
 * In features-only mode (fbnet's extension of the layout) the image folders are replaced by
 * {@code training_split/training_features.npy}, {@code test_split/test_features.npy} (float32
 * [images, D]) and, since there are no file names to carry them, {@code training_split/training_nsd_ids.npy}
 * and {@code test_split/test_nsd_ids.npy} (int64, row order).
 * Each subject folder and each {@code truth/subjXX} also holds the {@code _manifest.json} every fbnet
 * output carries (the underscore hides it from Spark and pyarrow).
 * <p>Every file goes through the Hadoop FileSystem API. fMRI and features stream row by row (an NSD
 * subject's fMRI is 1.5 GB). Each subject folder and its truth folder are staged and published
 * atomically, so an output folder holding other subjects only ever sees whole subjects.
 */
public final class SyntheticDataset {
    public static final String TRUTH = "truth";
    public static final String PLANTED = "planted.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What was written: the subject folders, the truth folder and the bytes written. */
    public record Result(List<Path> subjects, Path truth, long bytes) { }

    private final SynthConfig config;
    private final PlantedTruth truth;

    public SyntheticDataset(SynthConfig config) {
        this.config = config;
        this.truth = PlantedTruth.of(config);
    }

    public PlantedTruth truth() { return truth; }

    /** Generates every subject of the configuration under {@code out}. */
    public Result generate(Path out, Configuration conf) throws IOException {
        List<Path> written = new ArrayList<>();
        Map<String, Object> described = new TreeMap<>();
        long bytes = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "fbnet-synth");
            t.setDaemon(true);
            return t;
        });
        Path truthDir = new Path(out, TRUTH);
        try {
            for (int s = 1; s <= config.subjects(); s++) {
                SubjectWriter w = new SubjectWriter(s, out, conf);
                bytes += w.write(pool);
                written.add(w.subjectDir);
                // A kept subject has no new description: planted.json keeps the one written when it was generated.
                if (!w.summary.isEmpty()) described.put(SynthConfig.subjectId(s), w.summary);
                // After every subject, so planted.json describes what is published even if a later subject fails.
                writePlanted(new Path(truthDir, PLANTED), conf, described);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(written, truthDir, bytes);
    }

    /** Image file name in the challenge layout ("train"/"test", 1-based 4-digit index, 5-digit NSD id). */
    public static String imageName(String split, int index, int nsdId) {
        return String.format("%s-%04d_nsd-%05d.png", split, index, nsdId);
    }

    private final class SubjectWriter {
        final int subject;
        final String id;
        final Path subjectDir;
        final Path truthDir;
        final Configuration conf;
        final Map<String, Object> summary = new LinkedHashMap<>();
        final int[] trainIds;
        final int[] testIds;

        SubjectWriter(int subject, Path out, Configuration conf) {
            this.subject = subject;
            this.id = SynthConfig.subjectId(subject);
            this.subjectDir = new Path(out, id);
            this.truthDir = new Path(new Path(out, TRUTH), id);
            this.conf = conf;
            this.trainIds = truth.ids().train(subject);
            this.testIds = truth.ids().test(subject);
        }

        long write(ExecutorService pool) throws IOException {
            long start = System.nanoTime();
            if (upToDate()) {
                System.err.printf("synth %s: already generated with the same settings, kept -> %s%n", id, subjectDir);
                return 0;
            }
            SubjectBrain lh = truth.brain(subject, Hemisphere.LH);
            SubjectBrain rh = truth.brain(subject, Hemisphere.RH);
            System.err.printf("synth %s: %d training + %d test images, %d lh + %d rh vertices%n",
                    id, trainIds.length, testIds.length, lh.size(), rh.size());
            try (StagedDirectory data = StagedDirectory.begin(subjectDir, conf);
                 StagedDirectory hidden = StagedDirectory.begin(truthDir, conf)) {
                Path d = data.path();
                SubjectLayout layout = new SubjectLayout(id, d, null);
                Future<?> images = pool.submit(() -> {
                    if (config.featuresOnly()) writeFeatures(layout); else writeImages(layout);
                    return null;
                });
                Future<?> fmri = pool.submit(() -> {
                    writeFmri("training", trainIds, SubjectBrain.Split.TRAIN, lh, rh, layout::trainingFmri);
                    // Withheld, as in the challenge: the truth folder's names are those SubjectLayout reads.
                    writeFmri("test", testIds, SubjectBrain.Split.TEST, lh, rh, h -> new Path(hidden.path(), h.code() + "_test_fmri.npy"));
                    return null;
                });
                try {
                    writeRois(layout, lh, rh);
                    for (SubjectBrain b : List.of(lh, rh)) {
                        NpyWriter.write(new Path(hidden.path(), b.hemisphere().code() + "_noise_ceiling.npy"), conf, b.ceilings(), b.size());
                    }
                    await(images);
                    await(fmri);
                } catch (IOException | RuntimeException e) {
                    // Stop the other writer before the staging folders are deleted under it.
                    images.cancel(true);
                    fmri.cancel(true);
                    awaitQuietly(images);
                    awaitQuietly(fmri);
                    throw e;
                }
                describe(lh, rh);
                FileSystem fs = data.fileSystem();
                long bytes = fs.getContentSummary(d).getLength() + fs.getContentSummary(hidden.path()).getLength();
                Manifest m = Manifest.of("synth-subject", 1).with("subject", id).with("config", config.describe());
                hidden.publish(m.with("content", "withheld test fMRI and noise ceilings of " + id));
                data.publish(m.with("content", "Algonauts 2023 challenge layout of " + id));
                double seconds = (System.nanoTime() - start) / 1e9;
                System.err.printf("synth %s: done in %.1f s, %.1f MB (%.1f MB/s) -> %s%n", id, seconds, bytes / 1e6,
                        bytes / 1e6 / seconds, subjectDir);
                return bytes;
            }
        }

        /**
         * Both folders were published by a run with the same settings: generating is deterministic, so they
         * would be identical. The number of subjects does not count: a subject's data does not depend on how
         * many follow it (NsdIds, PlantedTruth), so adding subjects keeps the earlier ones' files.
         */
        private boolean upToDate() throws IOException {
            for (Path dir : List.of(subjectDir, truthDir)) {
                Manifest m = Manifest.read(dir, conf);
                if (m == null || !withoutCount(config.describe()).equals(withoutCount(m.getMap("config")))) return false;
            }
            return true;
        }

        /** As JSON text re-read, so a long and an int of the same value compare equal. */
        private Object withoutCount(Map<String, Object> config) throws IOException {
            Map<String, Object> m = new LinkedHashMap<>(config);
            m.remove("subjects");
            return JSON.readTree(JSON.writeValueAsBytes(m));
        }

        private void await(Future<?> f) throws IOException {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while generating " + id, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IOException(e.getCause());
            }
        }

        private void awaitQuietly(Future<?> f) {
            try {
                f.get();
            } catch (Exception ignored) {
                // already failing with the first error
            }
        }

        /** Both hemispheres row by row: the channels of an image are computed once. */
        private void writeFmri(String split, int[] ids, SubjectBrain.Split which, SubjectBrain lh, SubjectBrain rh,
                               java.util.function.Function<Hemisphere, Path> file) throws IOException {
            float[] lrow = new float[lh.size()];
            float[] rrow = new float[rh.size()];
            Progress progress = new Progress(id + " " + split + " fMRI", ids.length);
            try (NpyWriter lw = NpyWriter.create(file.apply(Hemisphere.LH), conf, NpyDtype.FLOAT32, ids.length, lh.size());
                 NpyWriter rw = NpyWriter.create(file.apply(Hemisphere.RH), conf, NpyDtype.FLOAT32, ids.length, rh.size())) {
                for (int i = 0; i < ids.length; i++) {
                    double[] c = truth.channels(truth.draw(ids[i]));
                    lh.response(c, which, i, lrow);
                    rh.response(c, which, i, rrow);
                    lw.write(lrow);
                    rw.write(rrow);
                    progress.step();
                }
            }
            progress.done();
        }

        private void writeImages(SubjectLayout layout) throws IOException {
            ImageRenderer renderer = truth.renderer();
            FileSystem fs = layout.dir().getFileSystem(conf);
            for (String split : List.of("train", "test")) {
                int[] ids = split.equals("train") ? trainIds : testIds;
                Path dir = layout.images(split);
                fs.mkdirs(dir);
                Progress progress = new Progress(id + " " + split + " images", ids.length);
                for (int i = 0; i < ids.length; i++) {
                    byte[] png = renderer.png(truth.draw(ids[i]));
                    try (OutputStream o = fs.create(new Path(dir, imageName(split, i + 1, ids[i])), true)) {
                        o.write(png);
                    }
                    progress.step();
                }
                progress.done();
            }
        }

        private void writeFeatures(SubjectLayout layout) throws IOException {
            FeatureModel model = truth.featureModel();
            float[] row = new float[model.dim()];
            for (String split : List.of("train", "test")) {
                int[] ids = split.equals("train") ? trainIds : testIds;
                long[] longIds = new long[ids.length];
                for (int i = 0; i < ids.length; i++) longIds[i] = ids[i];
                NpyWriter.write(layout.featureNsdIds(split), conf, longIds, ids.length);
                Progress progress = new Progress(id + " " + split + " features", ids.length);
                try (NpyWriter w = NpyWriter.create(layout.features(split), conf, NpyDtype.FLOAT32, ids.length, model.dim())) {
                    for (int id : ids) {
                        model.features(truth.draw(id), row);
                        w.write(row);
                        progress.step();
                    }
                }
                progress.done();
            }
        }

        private void writeRois(SubjectLayout layout, SubjectBrain lh, SubjectBrain rh) throws IOException {
            for (String family : RoiFamilies.ALL) {
                NumpyPickle.writeMapping(layout.roiMapping(family), conf, RoiAtlas.mapping(family));
            }
            for (SubjectBrain b : List.of(lh, rh)) {
                int[] v = b.vertices();
                for (String family : RoiFamilies.ALL) {
                    long[] labels = RoiAtlas.labels(config.seed(), family, subject, b.hemisphere(), v);
                    NpyWriter.write(layout.roiMask(b.hemisphere(), family), conf, labels, labels.length);
                }
                long[] mask = new long[SubjectLayout.FSAVERAGE_VERTICES];
                for (int x : v) mask[x] = 1;
                NpyWriter.write(layout.fsaverageMask(b.hemisphere()), conf, mask, mask.length);
            }
        }

        private void describe(SubjectBrain lh, SubjectBrain rh) {
            summary.put("trainImages", trainIds.length);
            summary.put("testImages", testIds.length);
            int[] common = {truth.vertexSpace().common(Hemisphere.LH).length, truth.vertexSpace().common(Hemisphere.RH).length};
            for (SubjectBrain b : List.of(lh, rh)) {
                float[] nc = b.ceilings();
                double sum = 0;
                int zeros = 0;
                for (float x : nc) {
                    sum += x;
                    if (x == 0) zeros++;
                }
                Map<String, Object> h = new LinkedHashMap<>();
                h.put("vertices", b.size());
                h.put("droppedFromCommonSet", common[b.hemisphere().ordinal()] - b.size());
                h.put("meanNoiseCeiling", Math.round(sum / nc.length * 1e4) / 1e4);
                h.put("zeroNoiseCeilings", zeros);
                summary.put(b.hemisphere().code(), h);
            }
            summary.put("output", config.featuresOnly() ? "features, dim " + config.featureDim() : "png, " + config.imageSize() + " px");
        }
    }

    /** Writes truth/planted.json (temp file, then rename), keeping other subjects generated before with the same seed. */
    private void writePlanted(Path file, Configuration conf, Map<String, Object> subjects) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        Map<String, Object> all = new TreeMap<>();
        if (fs.exists(file)) {
            try (InputStream in = fs.open(file)) {
                Map<String, Object> old = JSON.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() { });
                if (old.get("subjects") instanceof Map<?, ?> m && Long.valueOf(config.seed()).equals(asLong(old.get("seed")))) {
                    m.forEach((k, v) -> all.put(k.toString(), v));
                }
            } catch (IOException e) {
                System.err.println("synth: replacing unreadable " + file + ": " + e.getMessage());
            }
        }
        all.putAll(subjects);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("generator", "fbnet synth");
        p.put("formatVersion", 1);
        p.put("seed", config.seed());
        p.put("config", config.describe());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("latentDim", ImageDraw.LATENT_DIM);
        model.put("nuisanceDim", ImageDraw.NUISANCE_DIM);
        model.put("channels", ChannelModel.CHANNELS);
        model.put("channelFunction", "standardised W2 tanh(W1 z + b1) + " + "quadratic (Pz)*(Qz); hidden " + ChannelModel.HIDDEN
                + "; shared by all subjects");
        model.put("loadings", "smooth Fourier fields over the fsaverage index (" + SmoothBasis.FREQUENCIES
                + " frequencies); per hemisphere common coefficients + subject perturbation x" + SubjectBrain.SUBJECT_VARIATION);
        model.put("response", "y = signal + noise; Var(signal) = NC, Var(noise) = 1 - NC per vertex; "
                + SubjectBrain.SPATIAL_NOISE + " of the noise variance is a smooth spatial field");
        model.put("noiseCeilings", "per-subject NSD quantiles (shared/data/nsd-noise-ceiling), ranked over a smooth field");
        model.put("features", "tanh(A [z; 0.8 nuisance] + b) in features-only mode");
        p.put("model", model);
        Map<String, Object> ids = new LinkedHashMap<>();
        ids.put("idSpace", "permutation of 1.." + NsdIds.NSD_IMAGES + ", then up to " + NsdIds.MAX_ID);
        ids.put("sharedTestPool", NsdIds.SHARED_TEST_POOL);
        ids.put("sharedTrainPool", NsdIds.SHARED_TRAIN_POOL);
        ids.put("sharedTrainFraction", NsdIds.SHARED_TRAIN_FRACTION);
        ids.put("sharedTestFraction", NsdIds.SHARED_TEST_FRACTION);
        ids.put("testDisjointFromAllTraining", true);
        p.put("nsdIds", ids);
        p.put("subjects", all);
        fs.mkdirs(file.getParent());
        Path tmp = new Path(file.getParent(), "." + PLANTED + "." + UUID.randomUUID());
        try (OutputStream o = fs.create(tmp, true)) {
            o.write(JSON.writeValueAsBytes(p));
        }
        fs.delete(file, false);
        if (!fs.rename(tmp, file)) {
            fs.delete(tmp, false);
            throw new IOException("cannot publish " + file);
        }
    }

    private static Long asLong(Object o) { return o instanceof Number n ? n.longValue() : null; }

    /** Logs rows/s every few seconds to stderr. */
    private static final class Progress {
        private final String what;
        private final int total;
        private final long start = System.nanoTime();
        private long last = start;
        private int done;

        Progress(String what, int total) {
            this.what = what;
            this.total = total;
        }

        void step() throws java.io.InterruptedIOException {
            if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("synth " + what + " cancelled");
            done++;
            long now = System.nanoTime();
            if (now - last > 10_000_000_000L) {
                last = now;
                System.err.printf("synth %s: %d/%d rows (%.0f rows/s)%n", what, done, total, done / ((now - start) / 1e9));
            }
        }

        void done() {
            double s = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
            System.err.printf("synth %s: %d rows in %.1f s (%.0f rows/s)%n", what, done, s, done / s);
        }
    }
}
