package org.fbnet.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.InputDataException;
import org.fbnet.data.PerHemisphere;
import org.fbnet.eval.VertexAccuracy;
import org.fbnet.provenance.ContentHash;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Version;
import org.fbnet.subject.Subject;

/**
 * What a published model version holds besides its network ({@value FbnetModel#GRAPH_FILE}), and the
 * manifest fields that describe it; {@link TrainStage} calls {@link #complete} while the version is
 * staged and {@link #verify} before {@code _current} moves to it.
 * <p>A subject's model (fine-tuned, or trained from scratch) becomes a self-contained checkpoint: the
 * image PCA and the subject's fMRI PCA versions its latents were made with are copied in
 * ({@value #IMAGE_PCA}/, {@value #FMRI_PCA}/{lh,rh}/), so {@link SubjectCheckpoint} predicts
 * vertex-space responses from image features with nothing but the version directory. Copies rather than
 * references: the checkpoint root is shared storage that users copy from, the output root may be
 * elsewhere (or cleaned), and pruning PCA versions must not break a model. At NSD scale the image PCA is
 * 300 x 38400 float32 (46 MB) and the fMRI PCAs 75 x ~20k per hemisphere (~12 MB together), next to a
 * network of 147 MB (39.6 M parameters): the copies add 40%.
 * <p>Every model version records:
 * <ul>
 * <li>{@code content}: each file's size and SHA-256 and the directory's hash ({@link ContentHash});</li>
 * <li>{@code parentCheckpoint}: the pre-trained version it was fine-tuned from, with that version's content hash;</li>
 * <li>{@code trainedOn}: the latents versions it was trained on, with their content hashes;</li>
 * <li>{@code predictor} (subject models): the copied PCAs, their source versions and content hashes;</li>
 * <li>metrics {@code testR} and {@code testScore} when the subject's test responses are known (recorded,
 * never used to select anything).</li>
 * </ul>
 */
final class CheckpointContents {
    static final String IMAGE_PCA = "pca/image", FMRI_PCA = "pca/fmri";
    /** The format of the {@code predictor} section and the copied PCA folders. */
    static final int PREDICTOR_FORMAT = 1;
    static final String CONTENT = "content", PARENT = "parentCheckpoint", TRAINED_ON = "trainedOn", PREDICTOR = "predictor";

    private CheckpointContents() { }

    /**
     * Completes a staged model version whose network is already written: copies a subject model's PCAs in,
     * hashes the content and returns the manifest to publish.
     * @param subject the subject of a per-subject model, or null for the pre-trained one
     */
    static Manifest complete(Path staging, Manifest m, FbnetModel model, List<Subject> data, String subject, DataRoot root) throws IOException {
        Configuration conf = root.conf();
        List<Map<String, Object>> trainedOn = new ArrayList<>();
        Version subjectLatents = null;
        for (InputRef in : m.inputs()) {
            if (in.id().startsWith(DataRoot.LATENTS + "/")) {
                Version v = root.versioned(in.id()).version(in.version());
                trainedOn.add(source(in.id(), v, ContentHash.of(v.path(), conf).sha256()));
                if (subject != null && in.id().equals(DataRoot.subjectDataset(DataRoot.LATENTS, subject))) subjectLatents = v;
            } else if (in.id().startsWith(DataRoot.MODELS + "/")) {
                Version parent = root.versioned(in.id()).version(in.version());
                m = m.with(PARENT, source(in.id(), parent, contentHashOf(parent.manifest())));
            }
        }
        m = m.with(TRAINED_ON, trainedOn);
        Version image = null, fmri = null;
        if (subject != null) {
            if (subjectLatents == null) throw new IllegalStateException(m.unit() + ": its inputs name no latents of " + subject);
            image = recordedInput(subjectLatents, "pca/image/", root);
            fmri = recordedInput(subjectLatents, "pca/fmri/", root);
            copyTree(image.path(), new Path(staging, IMAGE_PCA), conf);
            copyTree(fmri.path(), new Path(staging, FMRI_PCA), conf);
            Subject s = only(data, subject);
            if (s.test().size() > 0 && s.test().hasTruth()) {
                double[] test = scores(model, s, s.test());
                m = m.withMetric("testR", test[0]).withMetric("testScore", Double.isFinite(test[1]) ? test[1] : null);
            }
        }
        ContentHash content = ContentHash.of(staging, conf);
        if (subject != null) {
            Map<String, Object> predictor = new LinkedHashMap<>();
            predictor.put("formatVersion", PREDICTOR_FORMAT);
            predictor.put("subject", subject);
            predictor.put("imagePca", source(recordedId(subjectLatents, "pca/image/"), image, content.under(IMAGE_PCA).sha256()));
            predictor.put("fmriPca", source(recordedId(subjectLatents, "pca/fmri/"), fmri, content.under(FMRI_PCA).sha256()));
            predictor.put("fmriSpace", fmri.manifest().get("subjects") != null ? "group" : "subject");
            m = m.with(PREDICTOR, predictor);
        }
        return m.with(CONTENT, content.asMap());
    }

    /**
     * Checks a published version before it becomes current: its files are the ones hashed, and a subject's
     * checkpoint loads through {@link SubjectCheckpoint} and predicts the validation rows in vertex space
     * exactly as the trained network and the subject's PCAs did.
     */
    static void verify(Version published, FbnetModel model, List<Subject> data, String subject, Configuration conf) throws IOException {
        if (subject == null) {
            contentOf(published.manifest(), published.path().toString()).verify(published.path(), conf);
            return;
        }
        SubjectCheckpoint loaded = SubjectCheckpoint.load(published.path(), conf);
        Subject s = only(data, subject);
        float[][] x = s.validation().x();
        FbnetModel.Prediction latents = model.predict(x, s.name());
        PerHemisphere<float[][]> got = loaded.predictFromLatents(x);
        for (Hemisphere h : Hemisphere.values()) {
            float[][] expected = s.decoders().get(h).inverseTransform(h == Hemisphere.LH ? latents.lh() : latents.rh());
            if (!Arrays.deepEquals(expected, got.get(h))) {
                throw new IOException(published.path() + ": the checkpoint does not predict " + s.name() + "'s " + h.code()
                        + " validation responses as the trained network and the subject's fMRI PCA did");
            }
        }
    }

    /** {mean r over both hemispheres' vertices, mean noise-normalized score or NaN without ceilings}, as the trainer validates. */
    static double[] scores(FbnetModel model, Subject s, Subject.Rows rows) {
        FbnetModel.Prediction p = model.predict(rows.x(), s.name());
        double r = 0, score = 0;
        long n = 0;
        for (Hemisphere h : Hemisphere.values()) {
            float[][] decoded = s.decoders().get(h).inverseTransform(h == Hemisphere.LH ? p.lh() : p.rh());
            VertexAccuracy a = VertexAccuracy.of(s.name(), h.code(), decoded, rows.vertices().get(h), s.hasCeilings() ? s.ceilings().get(h) : null);
            for (int j = 0; j < a.vertices(); j++) {
                r += a.r()[j];
                if (a.hasScores()) score += a.score()[j];
            }
            n += a.vertices();
        }
        return new double[] {r / n, s.hasCeilings() ? score / n : Double.NaN};
    }

    /** The content record of a version's manifest. */
    @SuppressWarnings("unchecked")
    static ContentHash contentOf(Manifest m, String source) throws IOException {
        if (!(m.get(CONTENT) instanceof Map<?, ?> c)) {
            throw new IOException(source + ": its manifest records no content hash (written before fbnet hashed checkpoints); re-run fbnet train");
        }
        return ContentHash.fromMap((Map<String, Object>) c, source);
    }

    private static String contentHashOf(Manifest m) {
        return m.get(CONTENT) instanceof Map<?, ?> c && c.get("sha256") instanceof String s ? s : null;
    }

    private static Map<String, Object> source(String id, Version v, String contentHash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("version", v.id());
        m.put("fingerprint", v.fingerprint());
        m.put("contentHash", contentHash);
        m.put("path", v.path().toString());
        return m;
    }

    private static String recordedId(Version latents, String prefix) {
        for (InputRef in : latents.manifest().inputs()) if (in.id().startsWith(prefix)) return in.id();
        throw new InputDataException(latents.path() + ": its manifest names no " + prefix + " input; re-run fbnet project");
    }

    /** The exact version of a PCA the latents were made with, as their manifest records it. */
    private static Version recordedInput(Version latents, String prefix, DataRoot root) throws IOException {
        InputRef in = latents.manifest().input(recordedId(latents, prefix));
        return root.versioned(in.id()).version(in.version());
    }

    private static Subject only(List<Subject> data, String subject) {
        return data.stream().filter(s -> s.name().equals(subject)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no data of " + subject + " among " + data.stream().map(Subject::name).toList()));
    }

    /** Copies every file below {@code from} to the same relative path below {@code to} (across file systems). */
    static void copyTree(Path from, Path to, Configuration conf) throws IOException {
        FileSystem src = from.getFileSystem(conf), dst = to.getFileSystem(conf);
        Path root = src.makeQualified(from);
        int prefix = root.toUri().getPath().length() + 1;
        RemoteIterator<LocatedFileStatus> it = src.listFiles(root, true);
        while (it.hasNext()) {
            Path file = it.next().getPath();
            try (InputStream in = src.open(file); OutputStream out = dst.create(new Path(to, file.toUri().getPath().substring(prefix)), false)) {
                in.transferTo(out);
            }
        }
    }
}
