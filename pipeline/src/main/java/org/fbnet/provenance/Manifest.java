package org.fbnet.provenance;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code _manifest.json} published beside every dataset, model and report fbnet writes:
 * what it is, how it was made (config, inputs, seed, parent) and on what (versions, OS).
 * <p>Immutable; {@code with*} methods return copies. Readers dispatch on {@link #formatVersion()}.
 */
public final class Manifest {
    // Leading underscore: Spark and pyarrow skip such files when reading a Parquet directory.
    public static final String FILE_NAME = "_manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> fields;

    private Manifest(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A new manifest of a kind ("ingest", "pca-model", ...) at a format version, with environment provenance. */
    public static Manifest of(String kind, int formatVersion) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kind", kind);
        f.put("formatVersion", formatVersion);
        f.put("createdAt", Instant.now().toString());
        f.put("environment", Environment.describe());
        return new Manifest(f);
    }

    public String kind() { return (String) fields.get("kind"); }

    public int formatVersion() { return ((Number) fields.get("formatVersion")).intValue(); }

    public Object get(String key) { return fields.get(key); }

    public String getString(String key) {
        Object v = fields.get(key);
        return v == null ? null : v.toString();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> getMap(String key) {
        Object v = fields.get(key);
        return v == null ? Map.of() : (Map<String, Object>) v;
    }

    public Map<String, Object> fields() { return fields; }

    /** A copy with one more (or replaced) top-level field; values must be JSON-serialisable. */
    public Manifest with(String key, Object value) {
        Map<String, Object> f = new LinkedHashMap<>(fields);
        f.put(key, value);
        return new Manifest(f);
    }

    /** A copy with an entry added to a nested map field (e.g. "inputs", "config"). */
    public Manifest withEntry(String field, String key, Object value) {
        Map<String, Object> inner = new LinkedHashMap<>(getMap(field));
        inner.put(key, value);
        return with(field, inner);
    }

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
        return new Manifest(f);
    }

    /** Reads {@code dir/manifest.json}; null if there is none. */
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
}
