package org.fbnet.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.MissingInputException;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Version;
import org.fbnet.store.VersionedDir;

/**
 * The published model versions under a checkpoint root ({@code models/NAME/pretrained},
 * {@code models/NAME/subjXX}), for choosing one to load with {@link SubjectCheckpoint}.
 */
public final class Checkpoints {
    private Checkpoints() { }

    /**
     * One published model version.
     * @param model           {@code pretrained} or the subject
     * @param validationScore mean noise-normalized accuracy (%) of the validation rows, null without noise ceilings
     * @param testScore       the same on the test rows, null when their responses were not known
     * @param parentVersion   the pre-trained version it was fine-tuned from, null when trained from scratch
     * @param predicts        whether it holds its PCAs and so loads as a {@link SubjectCheckpoint}
     */
    public record Entry(String model, String id, Path path, boolean current, String createdAt, Double validationScore,
                        Double validationR, Double testScore, String parentVersion, boolean predicts) { }

    /** The model directories of a model name that hold published versions, sorted ({@code pretrained}, {@code subj01}, ...). */
    public static List<String> models(DataRoot root, String name) throws IOException {
        Path dir = new Path(root.models(), name);
        FileSystem fs = dir.getFileSystem(root.conf());
        List<String> out = new ArrayList<>();
        if (!fs.exists(dir)) return out;
        for (FileStatus st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            if (st.isDirectory() && !n.startsWith("_") && !VersionedDir.at(st.getPath(), root.conf()).list().isEmpty()) out.add(n);
        }
        out.sort(null);
        return out;
    }

    /**
     * Every version of the model directories of {@code name} (or of one, {@code only}), oldest first within each.
     * @throws MissingInputException when there are none, naming where it looked
     */
    public static List<Entry> list(DataRoot root, String name, String only) throws IOException {
        List<String> models = models(root, name);
        Path where = new Path(root.models(), name);
        if (models.isEmpty()) throw new MissingInputException(where + ": no published models; run fbnet train");
        if (only != null && !models.contains(only)) {
            throw new MissingInputException(new Path(where, only) + ": no published model (models: " + String.join(", ", models) + ")");
        }
        List<Entry> out = new ArrayList<>();
        for (String model : models) {
            if (only != null && !only.equals(model)) continue;
            VersionedDir dir = root.versioned(DataRoot.model(name, model));
            String current = dir.current().map(Version::id).orElse(null);
            for (Version v : dir.list()) out.add(entry(model, v, v.id().equals(current)));
        }
        return out;
    }

    private static Entry entry(String model, Version v, boolean current) {
        Manifest m = v.manifest();
        Map<String, Object> metrics = m.metrics();
        String parent = m.inputs().stream().filter(i -> i.id().startsWith(DataRoot.MODELS + "/")).map(InputRef::version).findFirst().orElse(null);
        return new Entry(model, v.id(), v.path(), current, m.createdAt(), number(metrics.get("validationScore")),
                number(metrics.get("validationR")), number(metrics.get("testScore")), parent,
                !m.getMap(CheckpointContents.PREDICTOR).isEmpty());
    }

    private static Double number(Object o) { return o instanceof Number n ? n.doubleValue() : null; }
}
