package org.fbnet.store;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory written in a hidden staging place and published to its final path in one rename,
 * with its {@code _manifest.json}; closed without {@link #publish}, it is deleted.
 * <p>Staging sits beside the target ({@code _staging/} under the same parent; names starting with
 * {@code _} are hidden from Spark and Parquet readers), so the rename stays within one file system.
 * An existing target is moved aside, the new one renamed in, and the old one deleted: HDFS
 * {@code rename} onto an existing path returns false and S3A throws (STACK.md), so we never rely on
 * overwrite-by-rename. On object stores a directory rename is a copy: readers may then briefly see
 * no target, never a half-written one.
 * <p>A killed process cannot delete its staging. While a staging directory is open its writer touches a
 * {@code .heartbeat} file beside it every {@value #HEARTBEAT_SECONDS} s; {@link #cleanAbandoned} (run
 * before every new staging under the same parent) removes staging whose heartbeat is older than
 * {@link #ABANDONED_AFTER}, so a run still in progress is never touched.
 */
public final class StagedDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StagedDirectory.class);
    public static final String STAGING = "_staging";
    static final int HEARTBEAT_SECONDS = 30;
    /** Twenty missed heartbeats: far beyond a GC pause or a slow object store, far below a day. */
    public static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);
    private static final String HEARTBEAT = ".heartbeat";
    private static final Map<Path, FileSystem> ALIVE = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService BEATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fbnet-staging-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /**
     * Held while a heartbeat is written and while a staging stops beating: without it a beat that read the
     * staging from {@link #ALIVE} just before its publish could recreate the heartbeat after the publish
     * deleted it, leaving a stray file in {@code _staging/} (seen on HDFS).
     */
    private static final Object BEATING = new Object();

    static {
        BEATER.scheduleAtFixedRate(() -> ALIVE.forEach((staging, fs) -> {
            synchronized (BEATING) {
                if (ALIVE.containsKey(staging)) beat(staging, fs);
            }
        }), HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private boolean published;

    private StagedDirectory(FileSystem fs, Path target, Path staging) {
        this.fs = fs;
        this.target = target;
        this.staging = staging;
    }

    /** Creates an empty staging directory for {@code target}, first removing abandoned staging beside it. */
    public static StagedDirectory begin(Path target, Configuration conf) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path qualified = fs.makeQualified(target);
        Path parent = qualified.getParent();
        if (parent == null) throw new IOException("cannot stage the root directory " + qualified);
        cleanAbandoned(parent, conf);
        Path staging = new Path(new Path(parent, STAGING), qualified.getName() + "-" + UUID.randomUUID());
        if (!fs.mkdirs(staging)) throw new IOException("cannot create staging directory " + staging);
        beat(staging, fs);
        ALIVE.put(staging, fs);
        return new StagedDirectory(fs, qualified, staging);
    }

    /** Where to write; nothing here is visible at the target until {@link #publish}. */
    public Path path() { return staging; }

    public Path target() { return target; }

    public FileSystem fileSystem() { return fs; }

    /** Writes the manifest into the staged directory and moves it to the target, replacing any old one. */
    public Path publish(Manifest manifest) throws IOException {
        if (published) throw new IllegalStateException(target + " already published");
        manifest.write(staging, fs.getConf());
        fs.mkdirs(target.getParent());
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(staging.getParent(), target.getName() + "-replaced-" + UUID.randomUUID());
            if (!fs.rename(target, old)) throw new IOException("cannot move old " + target + " aside to " + old);
        }
        if (!fs.rename(staging, target)) {
            if (old != null) fs.rename(old, target);
            throw new IOException("cannot publish " + staging + " to " + target);
        }
        published = true;
        stopBeating();
        if (old != null) fs.delete(old, true);
        deleteIfEmpty(staging.getParent());
        return target;
    }

    @Override
    public void close() throws IOException {
        if (!published) {
            stopBeating();
            fs.delete(staging, true);
            deleteIfEmpty(staging.getParent());
        }
    }

    private void stopBeating() throws IOException {
        synchronized (BEATING) {
            ALIVE.remove(staging);
        }
        fs.delete(heartbeatOf(staging), false);
    }

    private void deleteIfEmpty(Path dir) {
        try {
            if (fs.exists(dir) && fs.listStatus(dir).length == 0) fs.delete(dir, false);
        } catch (IOException ignored) {
            // another writer may be staging beside us; an empty _staging dir is harmless
        }
    }

    private static Path heartbeatOf(Path staging) {
        return new Path(staging.getParent(), staging.getName() + HEARTBEAT);
    }

    private static void beat(Path staging, FileSystem fs) {
        try (OutputStream out = fs.create(heartbeatOf(staging), true)) {
            out.write(Long.toString(System.currentTimeMillis()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            LOG.warn("cannot refresh the heartbeat of {}: {}", staging, e.getMessage());
        }
    }

    /**
     * Deletes what killed writers left in {@code parent/_staging}: staging directories (and the old copies
     * a publish moved aside) whose heartbeat, or whose own modification time without one, is older than
     * {@link #ABANDONED_AFTER}.
     * @return the number of entries removed
     */
    public static int cleanAbandoned(Path parent, Configuration conf) throws IOException {
        FileSystem fs = parent.getFileSystem(conf);
        Path dir = new Path(parent, STAGING);
        if (!fs.exists(dir)) return 0;
        long now = System.currentTimeMillis(), limit = ABANDONED_AFTER.toMillis();
        FileStatus[] entries = fs.listStatus(dir);
        Map<String, Long> beats = new java.util.HashMap<>();
        for (FileStatus st : entries) {
            String n = st.getPath().getName();
            if (n.endsWith(HEARTBEAT)) beats.put(n.substring(0, n.length() - HEARTBEAT.length()), st.getModificationTime());
        }
        int removed = 0;
        for (FileStatus st : entries) {
            String n = st.getPath().getName();
            long last = n.endsWith(HEARTBEAT) ? st.getModificationTime()
                    : Math.max(st.getModificationTime(), beats.getOrDefault(n, 0L));
            if (now - last <= limit) continue;
            if (n.endsWith(HEARTBEAT) && fs.exists(new Path(dir, n.substring(0, n.length() - HEARTBEAT.length())))) continue;
            if (fs.delete(st.getPath(), true)) {
                removed++;
                if (!n.endsWith(HEARTBEAT)) LOG.info("removed abandoned staging {} (last heartbeat {} min ago)", st.getPath(), (now - last) / 60000);
            }
        }
        return removed;
    }
}
