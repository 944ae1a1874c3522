package org.fbnet.provenance;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code _manifest.json} published in every version of every dataset, model and report fbnet
 * writes: what it is and how it was made.
 * <p>Typed core fields, the same for every kind: the manifest format ({@value #MANIFEST_VERSION}), the
 * kind and its payload format version, the unit of work that produced it, the fingerprint of what it was
 * made from (inputs and settings), the inputs themselves ({@link InputRef}: id, version, content
 * fingerprint, path), the explicit settings that differ from the defaults, the seed, the code version,
 * the time and metrics. Kind-specific fields ({@link #with}) sit beside them at the top level of the
 * JSON, so a manifest reads naturally with {@code jq}.
 * <p>Immutable; {@code with*} methods return copies. {@link #read} refuses a manifest format newer than
 * this build reads, naming both; manifests of format 1 (before units and fingerprints) still read, with
 * empty core fields.
 */
public final class Manifest {
    // Leading underscore: Spark and pyarrow skip such files when reading a Parquet directory.
    public static final String FILE_NAME = "_manifest.json";
    /** The format of the manifest itself: 2 added unit, fingerprint, typed inputs, settings, code, metrics. */
    public static final int MANIFEST_VERSION = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> CORE = Set.of("manifestVersion", "kind", "formatVersion", "unit", "version", "fingerprint",
            "inputs", "settings", "seed", "code", "createdAt", "environment", "metrics");

    private final Map<String, Object> fields;

    private Manifest(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A new manifest of a kind ("fmri", "pca-model", ...) at its payload format version, with code and environment. */
    public static Manifest of(String kind, int formatVersion) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("manifestVersion", MANIFEST_VERSION);
        f.put("kind", kind);
        f.put("formatVersion", formatVersion);
        f.put("createdAt", Instant.now().toString());
        f.put("code", Environment.code());
        f.put("environment", Environment.describe());
        return new Manifest(f);
    }

    public int manifestVersion() {
        return fields.get("manifestVersion") instanceof Number n ? n.intValue() : 1;
    }

    public String kind() { return (String) fields.get("kind"); }

    /** The payload format version of this kind. */
    public int formatVersion() { return ((Number) fields.get("formatVersion")).intValue(); }

    /** The unit of work that published this ("ingest/subj01", "pretrain"), or null for format 1. */
    public String unit() { return getString("unit"); }

    /** The version id this manifest was published as, or null outside versioned outputs. */
    public String version() { return getString("version"); }

    /** The fingerprint of everything this output was made from, or null for format 1. */
    public String fingerprint() { return getString("fingerprint"); }

    public List<InputRef> inputs() {
        List<InputRef> out = new ArrayList<>();
        if (fields.get("inputs") instanceof List<?> l) {
            for (Object o : l) if (o instanceof Map<?, ?> m) out.add(InputRef.fromMap(m, "manifest " + kind()));
        }
        return out;
    }

    /** The input with this id, or null. */
    public InputRef input(String id) {
        return inputs().stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> settings() {
        return fields.get("settings") instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
    }

    public Long seed() { return fields.get("seed") instanceof Number n ? n.longValue() : null; }

    /** fbnet version and git commit of the build that wrote this. */
    public Map<String, Object> code() { return getMap("code"); }

    public String createdAt() { return getString("createdAt"); }

    public Map<String, Object> metrics() { return getMap("metrics"); }

    public Object get(String key) { return fields.get(key); }

    public String getString(String key) {
        Object v = fields.get(key);
        return v == null ? null : v.toString();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> getMap(String key) {
        Object v = fields.get(key);
        return v instanceof Map<?, ?> ? (Map<String, Object>) v : Map.of();
    }

    public Map<String, Object> fields() { return fields; }

    /** A copy with one more (or replaced) kind-specific field; values must be JSON-serialisable. */
    public Manifest with(String key, Object value) {
        if (CORE.contains(key) && !key.equals("seed")) {
            throw new IllegalArgumentException("'" + key + "' is a core manifest field: set it through its own method");
        }
        return put(key, value);
    }

    private Manifest put(String key, Object value) {
        Map<String, Object> f = new LinkedHashMap<>(fields);
        f.put(key, value);
        return new Manifest(f);
    }

    /** A copy with an entry added to a nested map field (e.g. "metrics", "config"). */
    public Manifest withEntry(String field, String key, Object value) {
        Map<String, Object> inner = new LinkedHashMap<>(getMap(field));
        inner.put(key, value);
        return put(field, inner);
    }

    /** A copy naming the unit of work and the fingerprint of what it read. */
    public Manifest withUnit(String unit, String fingerprint) {
        return put("unit", unit).put("fingerprint", fingerprint);
    }

    public Manifest withVersion(String version) { return put("version", version); }

    public Manifest withInputs(List<InputRef> inputs) {
        return put("inputs", inputs.stream().map(InputRef::asMap).toList());
    }

    public Manifest withSettings(Map<String, String> explicitSettings) {
        return put("settings", new java.util.TreeMap<>(explicitSettings));
    }

    public Manifest withSeed(long seed) { return put("seed", seed); }

    public Manifest withMetric(String name, Object value) { return withEntry("metrics", name, value); }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new IllegalStateException("manifest is not serialisable: " + e.getMessage(), e);
        }
    }

    public static Manifest fromJson(InputStream in, String source) throws IOException {
        Map<String, Object> f;
        try {
            f = JSON.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new IOException(source + ": not a valid manifest: " + e.getMessage(), e);
        }
        if (!(f.get("kind") instanceof String) || !(f.get("formatVersion") instanceof Number)) {
            throw new IOException(source + ": manifest lacks 'kind' or 'formatVersion'");
        }
        if (f.get("manifestVersion") instanceof Number n && n.intValue() > MANIFEST_VERSION) {
            throw new UnreadableFormatException(source + ": written by a newer fbnet (manifest format " + n.intValue()
                    + "); this fbnet reads manifest formats 1 to " + MANIFEST_VERSION + ": upgrade fbnet to read it");
        }
        return new Manifest(f);
    }

    /** Checks the payload's kind and format version, with a message naming both when they are not what a reader reads. */
    public Manifest require(String expectedKind, int readsUpTo, String source) throws IOException {
        if (!expectedKind.equals(kind())) {
            throw new IOException(source + ": holds a '" + kind() + "', expected a '" + expectedKind + "'");
        }
        if (formatVersion() > readsUpTo || formatVersion() < 1) {
            throw new UnreadableFormatException(source + ": " + expectedKind + " format version " + formatVersion()
                    + " is not readable by this fbnet (it reads versions 1 to " + readsUpTo + ")"
                    + (formatVersion() > readsUpTo ? ": written by a newer fbnet" : ""));
        }
        return this;
    }

    /** Reads {@code dir/_manifest.json}; null if there is none. */
    public static Manifest read(Path dir, Configuration conf) throws IOException {
        Path p = new Path(dir, FILE_NAME);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) return null;
        try (InputStream in = fs.open(p)) {
            return fromJson(in, p.toString());
        }
    }

    public void write(Path dir, Configuration conf) throws IOException {
        Path p = new Path(dir, FILE_NAME);
        try (OutputStream out = p.getFileSystem(conf).create(p, true)) {
            out.write(toJson());
        }
    }

    @Override
    public String toString() {
        return new String(toJson(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A persisted format this build cannot read (newer, or retired). */
    public static final class UnreadableFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        public UnreadableFormatException(String message) { super(message); }
    }
}
