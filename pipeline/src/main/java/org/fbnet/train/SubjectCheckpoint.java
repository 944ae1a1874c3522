package org.fbnet.train;

import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.InputDataException;
import org.fbnet.data.MissingInputException;
import org.fbnet.data.PerHemisphere;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.eval.Submission;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.pca.PcaModel;
import org.fbnet.pca.Project;
import org.fbnet.pca.Projection;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.StagedDirectory;
import org.fbnet.store.Version;
import org.fbnet.store.VersionedDir;

/**
 * One subject's published F-BNet checkpoint, loaded for prediction: the entry point for using a trained
 * model outside fbnet's stages. It predicts vertex-space responses (lh and rh, the subject's challenge
 * vertices) for new image features, exactly as the trainer predicted: the checkpoint's image PCA, the
 * network's inference with its seeded structured noise, and the subject's fMRI PCA, all read from the
 * version directory alone.
 * <pre>{@code
 * SubjectCheckpoint c = SubjectCheckpoint.load("hdfs://nn:8020/fbnet/checkpoints", "fbnet", "subj01", SubjectCheckpoint.LATEST);
 * PerHemisphere<float[][]> responses = c.predict(features);   // features: images x c.featureDimension()
 * }</pre>
 * <p>A checkpoint root is the directory holding {@code models/} ({@code train.checkpoint.root}, or the
 * output root when that is empty). Loading checks the content hash the manifest recorded for every file
 * (a damaged or partial copy fails naming the file), then the kind and format versions.
 * <p>Predictions depend on the rows given together: the structured noise of row i is the i-th draw of a
 * generator seeded by {@code train.seed}, as in the trainer, so predict all images of a set in one call
 * to reproduce what fbnet predicted for that set.
 */
public final class SubjectCheckpoint {
    /** The version argument that means the current one. */
    public static final String LATEST = "latest";
    /** The manifest kind of a prediction written by {@link #writePredictions}. */
    public static final String PREDICTIONS_KIND = "fbnet-predictions";

    private final String subject;
    private final Version version;
    private final FbnetModel model;
    private final PcaModel image;
    private final String imageId;
    private final PerHemisphere<Projection> fmri;

    private SubjectCheckpoint(String subject, Version version, FbnetModel model, PcaModel image, String imageId, PerHemisphere<Projection> fmri) {
        this.subject = subject;
        this.version = version;
        this.model = model;
        this.image = image;
        this.imageId = imageId;
        this.fmri = fmri;
    }

    /** Loads {@code models/NAME/SUBJECT} under a checkpoint root URI; {@code version} an id, or {@link #LATEST} (also null). */
    public static SubjectCheckpoint load(String checkpointRoot, String name, String subject, String version) throws IOException {
        return load(DataRoot.of(checkpointRoot, HadoopConf.create()), name, subject, version);
    }

    /** Loads a subject's checkpoint under a root's models (its checkpoint root when it has one). */
    public static SubjectCheckpoint load(DataRoot root, String name, String subject, String version) throws IOException {
        VersionedDir dir = root.versioned(DataRoot.model(name, subject));
        if (version == null || version.isEmpty() || version.equals(LATEST)) {
            var current = dir.current();
            if (current.isEmpty()) {
                throw new MissingInputException(dir.dir() + ": no checkpoint of " + subject + " (models with checkpoints: "
                        + Checkpoints.models(root, name) + "); run fbnet train");
            }
            return load(current.get().path(), root.conf());
        }
        return load(dir.version(version).path(), root.conf());
    }

    /** Loads a checkpoint version directory ({@code .../models/NAME/SUBJECT/v=ID}, or a copy of one anywhere). */
    public static SubjectCheckpoint load(Path dir, Configuration conf) throws IOException {
        Manifest m = Manifest.read(dir, conf);
        if (m == null) throw new MissingInputException(dir + ": no " + Manifest.FILE_NAME + "; not a checkpoint version directory");
        m.require(FbnetModel.KIND, FbnetModel.FORMAT_VERSION, dir.toString());
        Map<String, Object> predictor = m.getMap(CheckpointContents.PREDICTOR);
        if (predictor.isEmpty()) {
            throw new InputDataException(dir + ": holds no PCAs to predict vertex responses with (the pre-trained model, or a subject model"
                    + " published before checkpoints were self-contained: re-run fbnet finetune --force)");
        }
        int format = ((Number) predictor.get("formatVersion")).intValue();
        if (format > CheckpointContents.PREDICTOR_FORMAT) {
            throw new Manifest.UnreadableFormatException(dir + ": checkpoint predictor format " + format + " is newer than this fbnet reads ("
                    + CheckpointContents.PREDICTOR_FORMAT + "); upgrade fbnet to read it");
        }
        CheckpointContents.contentOf(m, dir.toString()).verify(dir, conf);
        String subject = (String) predictor.get("subject");
        FbnetModel model = FbnetModel.load(dir, conf);
        PcaModel image = PcaModel.load(new Path(dir, CheckpointContents.IMAGE_PCA), conf);
        Path fmriDir = new Path(dir, CheckpointContents.FMRI_PCA);
        Manifest fmriManifest = Manifest.read(fmriDir, conf);
        if (fmriManifest == null) throw new InputDataException(fmriDir + ": no " + Manifest.FILE_NAME + "; the checkpoint's fMRI PCA is incomplete");
        Map<Hemisphere, Projection> fmri = Project.loadFmriProjections(new Version(fmriManifest.version(), fmriDir, fmriManifest), subject, conf);
        String imageId = String.valueOf(((Map<?, ?>) predictor.get("imagePca")).get("id"));
        checkShapes(dir, model, image, fmri);
        return new SubjectCheckpoint(subject, new Version(m.version(), dir, m), model, image, imageId, PerHemisphere.of(fmri::get));
    }

    /** The network's input, lh and rh sizes must be the PCAs' components. */
    private static void checkShapes(Path dir, FbnetModel model, PcaModel image, Map<Hemisphere, Projection> fmri) {
        NetworkConfig n = model.network();
        if (image.components() != n.inputSize() || fmri.get(Hemisphere.LH).components() != n.lhSize()
                || fmri.get(Hemisphere.RH).components() != n.rhSize()) {
            throw new InputDataException(dir + ": the network takes " + n.inputSize() + " image and predicts " + n.lhSize() + "/" + n.rhSize()
                    + " brain components, but the checkpoint's PCAs have " + image.components() + " and "
                    + fmri.get(Hemisphere.LH).components() + "/" + fmri.get(Hemisphere.RH).components());
        }
    }

    public String subject() { return subject; }

    /** The version id ({@code 20261203T071502.123Z-1a2b3c4d}). */
    public String version() { return version.id(); }

    /** The version directory it was loaded from. */
    public Path path() { return version.path(); }

    public Manifest manifest() { return version.manifest(); }

    public FbnetModel model() { return model; }

    /** Values per image the features must have: the image PCA's input dimension. */
    public int featureDimension() { return image.dimension(); }

    /** The subject's vertices per hemisphere in the predictions. */
    public int vertices(Hemisphere h) { return fmri.get(h).inverseTransform(new float[1][fmri.get(h).components()])[0].length; }

    /**
     * Vertex-space responses (images x vertices per hemisphere) to image features (images x
     * {@link #featureDimension()}, the features the checkpoint's image PCA was fitted on, e.g. CLIP's).
     */
    public PerHemisphere<float[][]> predict(float[][] features) {
        if (features.length == 0) throw new IllegalArgumentException("no images to predict");
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != image.dimension()) {
                throw new InputDataException("image " + i + " has " + features[i].length + " feature values; " + subject + "'s checkpoint v="
                        + version() + " takes " + image.dimension() + " (the features " + imageId + " was fitted on)");
            }
            for (int j = 0; j < features[i].length; j++) {
                if (!Float.isFinite(features[i][j])) throw new InputDataException("image " + i + " feature " + j + " is " + features[i][j]);
            }
        }
        return predictFromLatents(image.transform(features));
    }

    /** Vertex-space responses to image latents (images x the network's input size), as the trainer validates. */
    public PerHemisphere<float[][]> predictFromLatents(float[][] x) {
        FbnetModel.Prediction p = model.predict(x, subject);
        return new PerHemisphere<>(fmri.lh().inverseTransform(p.lh()), fmri.rh().inverseTransform(p.rh()));
    }

    /**
     * Predicts the images of an NPY feature file (float images x {@link #featureDimension()}, C order) and
     * publishes {@code out/SUBJECT/} in the Algonauts submission layout ({@code lh_pred_test.npy},
     * {@code rh_pred_test.npy}, float32 images x vertices) with a {@code _manifest.json} naming this
     * checkpoint and the feature file; an earlier prediction of the subject there is replaced.
     * @return the published subject directory
     */
    public Path writePredictions(Path features, Path out, Configuration conf) throws IOException {
        float[][] f = NpyReader.readMatrix(features, conf);
        PerHemisphere<float[][]> p;
        try {
            p = predict(f);
        } catch (InputDataException e) {
            throw new InputDataException(features + ": " + e.getMessage(), e);
        }
        FileStatus st = features.getFileSystem(conf).getFileStatus(features);
        Manifest m = Manifest.of(PREDICTIONS_KIND, 1)
                .with("subject", subject)
                .with("checkpoint", Map.of("version", version(), "path", path().toString(),
                        "contentHash", String.valueOf(manifest().getMap(CheckpointContents.CONTENT).get("sha256"))))
                .with("features", Map.of("path", st.getPath().toString(), "bytes", st.getLen(), "modified", st.getModificationTime(),
                        "images", f.length, "dimension", featureDimension()))
                .with("vertices", Map.of("lh", p.lh()[0].length, "rh", p.rh()[0].length))
                .withSeed(model.training().seed());
        try (StagedDirectory staged = StagedDirectory.begin(new Path(out, subject), conf)) {
            Submission.writeInto(staged.path(), conf, new Submission.SubjectPredictions(subject, p.lh(), p.rh()));
            return staged.publish(m);
        }
    }
}
