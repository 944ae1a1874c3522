package org.fbnet.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.store.DataRoot;
import org.fbnet.store.RunLock;
import org.fbnet.store.Version;
import org.fbnet.store.VersionedDir;

/**
 * What an output root holds, per subject and stage: each output's current version, when it was made and
 * its headline metric; plus the global outputs and the run lock's holder. Read from the published
 * manifests only (no Spark), for {@code fbnet status}.
 */
public record PipelineStatus(String root, String lock, List<Entry> entries) {
    /** One output: its stage, subject (null for global outputs), id, current version, time and metric. */
    public record Entry(String stage, String subject, String output, String version, String createdAt, String metric, int versions) { }

    public static PipelineStatus of(DataRoot root, String modelName) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String s : subjects(root)) {
            for (String ds : List.of(DataRoot.FMRI, DataRoot.IMAGES, DataRoot.ROIS, DataRoot.VERTICES)) {
                add(out, root, "ingest", s, DataRoot.subjectDataset(ds, s));
            }
            for (String emb : children(root, new Path(root.root(), DataRoot.EMBEDDINGS), 2)) {
                add(out, root, "embed", s, DataRoot.subjectDataset(DataRoot.EMBEDDINGS + "/" + emb, s));
            }
            add(out, root, "project", s, DataRoot.fmriPca(s));
            add(out, root, "project", s, DataRoot.subjectDataset(DataRoot.LATENTS, s));
            add(out, root, "finetune", s, DataRoot.model(modelName, s));
        }
        for (String img : children(root, new Path(root.root(), "pca/image"), 1)) add(out, root, "project", null, DataRoot.imagePca(img));
        add(out, root, "project", null, DataRoot.fmriPca("group"));
        add(out, root, "project", null, DataRoot.report("project"));
        add(out, root, "pretrain", null, DataRoot.model(modelName, "pretrained"));
        add(out, root, "compare", null, DataRoot.report("compare"));
        return new PipelineStatus(root.root().toString(), RunLock.holder(root), out);
    }

    private static void add(List<Entry> out, DataRoot root, String stage, String subject, String id) throws IOException {
        VersionedDir dir = root.versioned(id);
        Optional<Version> cur = dir.current();
        if (cur.isEmpty()) {
            if (subject != null) out.add(new Entry(stage, subject, id, null, null, "not published", 0));
            return;
        }
        Version v = cur.get();
        out.add(new Entry(stage, subject, id, v.id(), v.manifest().createdAt(), metric(v), dir.list().size()));
    }

    /** The headline number of an output: a model's validation score, rows written, the best comparison run. */
    private static String metric(Version v) {
        Map<String, Object> m = v.manifest().metrics();
        if (m.get("validationScore") instanceof Number n) return String.format(java.util.Locale.ROOT, "validation score %.2f", n.doubleValue());
        if (m.get("validationR") instanceof Number n) return String.format(java.util.Locale.ROOT, "validation r %.4f", n.doubleValue());
        if (v.manifest().get("best") != null) return "best " + v.manifest().get("best");
        if (m.get("rows") instanceof Number n) return n + " rows";
        if (m.get("images") instanceof Number n) return n + " images";
        return "";
    }

    private static List<String> subjects(DataRoot root) throws IOException {
        TreeSet<String> s = new TreeSet<>();
        for (String ds : List.of(DataRoot.FMRI, DataRoot.IMAGES)) {
            for (String c : children(root, new Path(root.root(), ds), 1)) if (c.startsWith("subject=")) s.add(c.substring("subject=".length()));
        }
        return new ArrayList<>(s);
    }

    /** Directory names {@code depth} levels below {@code dir} (joined with /), skipping hidden and version directories. */
    private static List<String> children(DataRoot root, Path dir, int depth) throws IOException {
        FileSystem fs = dir.getFileSystem(root.conf());
        List<String> out = new ArrayList<>();
        if (!fs.exists(dir)) return out;
        for (FileStatus st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            if (!st.isDirectory() || n.startsWith("_") || n.startsWith(VersionedDir.PREFIX)) continue;
            if (depth == 1) out.add(n);
            else for (String c : children(root, st.getPath(), depth - 1)) out.add(n + "/" + c);
        }
        out.sort(null);
        return out;
    }

    public String toText() {
        StringBuilder sb = new StringBuilder("status of " + root + "\n");
        sb.append(lock == null ? "  no run holds the lock\n" : "  locked by " + lock + "\n");
        String last = "";
        for (Entry e : entries) {
            String who = e.subject() == null ? "all subjects" : e.subject();
            if (!who.equals(last)) sb.append(who).append(":\n");
            last = who;
            sb.append(String.format("  %-9s %-48s %s%n", e.stage(), e.output(),
                    e.version() == null ? "not published" : "v=" + e.version() + " (" + e.versions() + " version" + (e.versions() == 1 ? "" : "s")
                            + ")" + (e.metric().isEmpty() ? "" : ", " + e.metric())));
        }
        return sb.toString();
    }

    public String toJson() {
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("root", root);
            m.put("lock", lock);
            m.put("outputs", entries);
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
