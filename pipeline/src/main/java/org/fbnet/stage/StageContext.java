package org.fbnet.stage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.fbnet.config.Settings;
import org.fbnet.provenance.InputRef;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Version;
import org.fbnet.store.VersionedDir;

/**
 * What stages plan and run against: the output root, the settings, a Spark session (created on first
 * use: planning rarely needs one), and the outputs earlier stages of the same pipeline plan to publish,
 * with the fingerprints they will have. Output ids are paths under the root
 * ({@code fmri/subject=subj01}, {@code models/fbnet/pretrained}).
 */
public final class StageContext {
    private final DataRoot root;
    private final Settings settings;
    private final Supplier<SparkSession> spark;
    private final boolean force;
    private final Map<String, String> planned = new LinkedHashMap<>();
    private SparkSession session;

    public StageContext(DataRoot root, Settings settings, Supplier<SparkSession> spark, boolean force) {
        this.root = root;
        this.settings = settings;
        this.spark = spark;
        this.force = force;
    }

    public DataRoot root() { return root; }

    public Settings settings() { return settings; }

    /** Re-run every unit even when its outputs are current. */
    public boolean force() { return force; }

    public synchronized SparkSession spark() {
        if (session == null) session = spark.get();
        return session;
    }

    public VersionedDir dir(String outputId) { return root.versioned(outputId); }

    /** The fingerprint an output has now or will have after the stages planned so far; empty if neither. */
    public Optional<String> fingerprintOf(String outputId) throws IOException {
        String p = planned.get(outputId);
        if (p != null) return Optional.of(p);
        return dir(outputId).current().map(Version::fingerprint);
    }

    /** The published current version of an output, for reading it. */
    public Version current(String outputId, String producedBy) throws IOException {
        return dir(outputId).requireCurrent(producedBy);
    }

    /** The current versions of a unit's inputs as manifest entries, in the unit's order. */
    public List<InputRef> inputRefs(Unit unit, Map<String, InputRef> external) throws IOException {
        List<InputRef> out = new ArrayList<>();
        for (String id : unit.inputs().keySet().stream().sorted().toList()) {
            InputRef ext = external.get(id);
            out.add(ext != null ? ext : dir(id).requireCurrent("the stage that publishes " + id).asInput(id));
        }
        return out;
    }

    void register(String outputId, String fingerprint) { planned.put(outputId, fingerprint); }

    /** Whether an earlier stage of this pipeline plans this output (published or not). */
    public boolean isPlanned(String outputId) { return planned.containsKey(outputId); }

    /** The outputs earlier stages of this pipeline plan. */
    public java.util.Set<String> plannedIds() { return java.util.Collections.unmodifiableSet(planned.keySet()); }

    /** Whether an earlier stage plans an output whose id starts and ends as given. */
    public boolean isPlannedPrefix(String prefix, String suffix) {
        return planned.keySet().stream().anyMatch(id -> id.startsWith(prefix) && id.endsWith(suffix));
    }

    /**
     * The subjects of the output root: those with ingested data (fMRI or image index) published or planned,
     * restricted to {@code only} when it is not empty.
     */
    public List<String> subjects(List<String> only) throws IOException {
        TreeSet<String> all = new TreeSet<>();
        for (String dataset : List.of(DataRoot.FMRI, DataRoot.IMAGES)) {
            String prefix = dataset + "/subject=";
            for (String id : planned.keySet()) if (id.startsWith(prefix)) all.add(id.substring(prefix.length()));
            Path dir = new Path(root.root(), dataset);
            FileSystem fs = dir.getFileSystem(root.conf());
            if (!fs.exists(dir)) continue;
            for (FileStatus st : fs.listStatus(dir)) {
                String n = st.getPath().getName();
                if (st.isDirectory() && n.startsWith("subject=") && fs.exists(new Path(st.getPath(), VersionedDir.CURRENT))) {
                    all.add(n.substring("subject=".length()));
                }
            }
        }
        if (only.isEmpty()) return new ArrayList<>(all);
        List<String> out = new ArrayList<>();
        for (String s : only) {
            if (!all.contains(s)) {
                throw new org.fbnet.data.InputDataException(s + ": not ingested under " + root.root()
                        + (all.isEmpty() ? " (no subjects yet: run fbnet ingest)" : " (subjects: " + String.join(", ", all) + ")"));
            }
            out.add(s);
        }
        return out;
    }
}
