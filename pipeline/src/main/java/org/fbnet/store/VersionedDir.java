package org.fbnet.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.InputDataException;
import org.fbnet.provenance.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory published as immutable versions: {@code DIR/v=ID/} (data and {@code _manifest.json}),
 * plus a small {@code DIR/_current} file naming the version readers use.
 * <p>{@link #publish} stages the new version through {@link StagedDirectory}, renames it in, and only
 * then moves {@code _current}: a reader never sees a half-written version, and a killed writer leaves
 * {@code _current} on the previous complete one. Nothing published is rewritten; {@link #prune} deletes
 * old versions beyond a retention count, never the current one.
 * <p>Version ids sort by publication time ({@code 20261203T071502.123Z-1a2b3c4d}). Names starting with
 * {@code _} or holding {@code =} are how Spark and pyarrow skip or partition directories: readers
 * resolve {@code _current} (or a given version) and read that directory, never {@code DIR} itself.
 */
public final class VersionedDir {
    private static final Logger LOG = LoggerFactory.getLogger(VersionedDir.class);
    public static final String CURRENT = "_current";
    public static final String PREFIX = "v=";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final Configuration conf;

    private VersionedDir(Path dir, Configuration conf) {
        this.dir = dir;
        this.conf = conf;
    }

    public static VersionedDir at(Path dir, Configuration conf) {
        return new VersionedDir(dir, conf);
    }

    public Path dir() { return dir; }

    private FileSystem fs() throws IOException { return dir.getFileSystem(conf); }

    /** The version {@code _current} names, or empty when nothing was published yet. */
    public Optional<Version> current() throws IOException {
        FileSystem fs = fs();
        Path pointer = new Path(dir, CURRENT);
        String id;
        try (InputStream in = fs.open(pointer)) {
            id = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
        return Optional.of(version(id));
    }

    /** The current version, or an error saying which stage publishes it. */
    public Version requireCurrent(String producedBy) throws IOException {
        return current().orElseThrow(() -> new InputDataException(dir + ": nothing published yet; run " + producedBy + " first"));
    }

    /** A published version by id (with or without the {@code v=} prefix). */
    public Version version(String id) throws IOException {
        String bare = id.startsWith(PREFIX) ? id.substring(PREFIX.length()) : id;
        Path p = new Path(dir, PREFIX + bare);
        Manifest m = Manifest.read(p, conf);
        if (m == null) throw new InputDataException(p + ": no such published version (versions: " + ids() + ")");
        return new Version(bare, p, m);
    }

    /** Every published version, oldest first. */
    public List<Version> list() throws IOException {
        List<Version> out = new ArrayList<>();
        for (String id : ids()) out.add(version(id));
        return out;
    }

    private List<String> ids() throws IOException {
        FileSystem fs = fs();
        List<String> ids = new ArrayList<>();
        if (!fs.exists(dir)) return ids;
        for (FileStatus st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            if (st.isDirectory() && n.startsWith(PREFIX) && fs.exists(new Path(st.getPath(), Manifest.FILE_NAME))) {
                ids.add(n.substring(PREFIX.length()));
            }
        }
        ids.sort(null);
        return ids;
    }

    /** Writes a version's content into a staging directory. */
    @FunctionalInterface
    public interface Writer {
        /** Writes into {@code staging}; returns the manifest to publish (e.g. {@code base} with metrics added). */
        Manifest write(Path staging, Manifest base) throws Exception;
    }

    /** Checks a staged version before {@code _current} moves to it (e.g. a model loads and predicts). */
    @FunctionalInterface
    public interface Verifier {
        void verify(Version published) throws Exception;
    }

    /** Publishes a new version and makes it current. */
    public Version publish(Manifest manifest, Writer writer) throws IOException {
        return publish(manifest, writer, v -> { });
    }

    /**
     * Stages a new version, writes it, publishes it under {@code v=ID}, verifies it, and only then points
     * {@code _current} at it. A failure anywhere leaves {@code _current} where it was; a version that
     * fails verification is deleted.
     */
    public Version publish(Manifest manifest, Writer writer, Verifier verifier) throws IOException {
        try (Pending p = write(manifest, writer)) {
            return p.publish(verifier);
        }
    }

    /**
     * Stages and writes a new version without publishing it, so several outputs can be published together
     * only when all of them were written ({@link Pending#publish}); closing an unpublished one deletes it.
     */
    public Pending write(Manifest manifest, Writer writer) throws IOException {
        return write(newId(), manifest, writer);
    }

    /** A new version id: publication time, then 8 random hex digits. */
    public static String newId() {
        return ID_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Publishes under a version id chosen by the caller, once: if that version is already published (a
     * retried task whose first attempt published it and then died), nothing is written again and
     * {@code _current} is moved to it.
     */
    public Version publishOnce(String id, Manifest manifest, Writer writer, Verifier verifier) throws IOException {
        if (fs().exists(new Path(new Path(dir, PREFIX + id), Manifest.FILE_NAME))) {
            LOG.info("{}: version {} was already published (an earlier attempt); not writing it again", dir, id);
            setCurrent(id);
            return version(id);
        }
        try (Pending p = write(id, manifest, writer)) {
            return p.publish(verifier);
        }
    }

    private Pending write(String id, Manifest manifest, Writer writer) throws IOException {
        Manifest m = manifest.withVersion(id);
        Path target = new Path(dir, PREFIX + id);
        StagedDirectory staged = StagedDirectory.begin(target, conf);
        try {
            Manifest written = writer.write(staged.path(), m);
            return new Pending(id, staged, written == null ? m : written);
        } catch (Exception e) {
            staged.close();
            deleteIfNeverPublished();
            if (e instanceof IOException io) throw io;
            if (e instanceof RuntimeException re) throw re;
            throw new IOException("writing " + target + " failed: " + e.getMessage(), e);
        }
    }

    /** A written, unpublished version. */
    public final class Pending implements AutoCloseable {
        private final String id;
        private final StagedDirectory staged;
        private final Manifest manifest;

        private Pending(String id, StagedDirectory staged, Manifest manifest) {
            this.id = id;
            this.staged = staged;
            this.manifest = manifest;
        }

        /** Publishes under {@code v=ID}, verifies, and makes it current. */
        public Version publish(Verifier verifier) throws IOException {
            Version v = new Version(id, staged.publish(manifest), manifest);
            try {
                verifier.verify(v);
            } catch (Exception e) {
                fs().delete(v.path(), true);
                throw e instanceof IOException io ? io : new IOException(v.path() + ": published version failed verification and was removed: "
                        + e.getMessage(), e);
            }
            setCurrent(id);
            return v;
        }

        public Version publish() throws IOException { return publish(x -> { }); }

        /** Deletes an unpublished version's staging, and the output's directory if nothing was ever published there. */
        @Override
        public void close() throws IOException {
            staged.close();
            deleteIfNeverPublished();
        }
    }

    /** Removes the output's directory when a failed first write left it empty: later stages must not see it. */
    private void deleteIfNeverPublished() throws IOException {
        FileSystem fs = fs();
        if (fs.exists(dir) && fs.listStatus(dir).length == 0) fs.delete(dir, false);
    }

    /** Points {@code _current} at a published version (also to roll back). */
    public void setCurrent(String id) throws IOException {
        String bare = id.startsWith(PREFIX) ? id.substring(PREFIX.length()) : id;
        version(bare); // must exist
        FileSystem fs = fs();
        Path pointer = new Path(dir, CURRENT);
        byte[] body = (bare + "\n").getBytes(StandardCharsets.UTF_8);
        if (String.valueOf(fs.getUri().getScheme()).startsWith("s3")) {
            // An object PUT is atomic: readers see the old pointer or the new one.
            try (OutputStream out = fs.create(pointer, true)) {
                out.write(body);
            }
            return;
        }
        Path tmp = new Path(dir, CURRENT + "." + UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(tmp, false)) {
            out.write(body);
        }
        if (fs.rename(tmp, pointer)) return; // POSIX rename replaces (local file system)
        if (fs.exists(tmp)) {
            // HDFS refuses rename onto an existing file; its rename with OVERWRITE is atomic.
            try {
                FileContext.getFileContext(fs.getUri(), conf).rename(tmp, pointer, Options.Rename.OVERWRITE);
                return;
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("rename with overwrite unsupported on {}: {}", fs.getUri(), e.toString());
            }
            fs.delete(pointer, false);
            if (!fs.rename(tmp, pointer)) throw new IOException("cannot move " + pointer + " to version " + bare);
        }
    }

    /** Deletes the oldest versions beyond the {@code keep} newest, never the current one; returns how many went. */
    public int prune(int keep) throws IOException {
        if (keep < 1) throw new IllegalArgumentException("keep at least one version, got " + keep);
        List<String> ids = ids();
        String current = current().map(Version::id).orElse(null);
        int removed = 0;
        for (int i = 0; i < ids.size() - keep; i++) {
            if (ids.get(i).equals(current)) continue;
            if (fs().delete(new Path(dir, PREFIX + ids.get(i)), true)) removed++;
        }
        return removed;
    }
}
