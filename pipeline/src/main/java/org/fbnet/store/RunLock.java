package org.fbnet.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run at a time per output root: a {@code _lock} file on the shared storage, created only if absent
 * (an atomic create on HDFS and local file systems), naming its holder (run id, host, process, user,
 * command, start). While held, its holder rewrites it every {@code expiry / 10}; a lock whose last
 * refresh is older than the expiry belongs to a run that died and is taken over, with a warning. A
 * second live run is refused with a message naming the holder; {@link #breakLock} removes a lock by hand.
 * <p>On S3A, create-if-absent is not atomic: two runs started within the same second may both win. The
 * scheduler's own guard (a CronJob's {@code concurrencyPolicy: Forbid}, {@code flock} in crontab) comes
 * first there.
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    public static final String FILE = "_lock";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path file;
    private final Map<String, Object> holder;
    private final ScheduledExecutorService refresher;

    private RunLock(FileSystem fs, Path file, Map<String, Object> holder, Duration expiry) {
        this.fs = fs;
        this.file = file;
        this.holder = holder;
        long every = Math.max(1, expiry.toSeconds() / 10);
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fbnet-run-lock");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleAtFixedRate(this::refresh, every, every, TimeUnit.SECONDS);
    }

    /** Another live run holds the lock. */
    public static final class HeldException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        HeldException(String message) { super(message); }
    }

    /**
     * Takes the lock of an output root for a command.
     * @throws HeldException when a run whose lock is fresher than {@code expiry} holds it
     */
    public static RunLock acquire(DataRoot root, String command, Duration expiry) throws IOException {
        Path file = new Path(root.root(), FILE);
        FileSystem fs = file.getFileSystem(root.conf());
        fs.mkdirs(root.root());
        Map<String, Object> holder = describeHolder(command);
        for (int attempt = 0; attempt < 2; attempt++) {
            try (OutputStream out = fs.create(file, false)) {
                out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(holder));
                LOG.info("took the run lock {} ({})", file, holder.get("run"));
                return new RunLock(fs, file, holder, expiry);
            } catch (FileAlreadyExistsException e) {
                FileStatus st;
                try {
                    st = fs.getFileStatus(file);
                } catch (java.io.FileNotFoundException gone) {
                    continue; // released meanwhile
                }
                long age = System.currentTimeMillis() - st.getModificationTime();
                String who = read(fs, file);
                if (age <= expiry.toMillis()) {
                    throw new HeldException(root.root() + " is locked by another run: " + who + ", refreshed "
                            + Duration.ofMillis(age).toSeconds() + " s ago. Wait for it, or if it died, its lock expires "
                            + expiry.toMinutes() + " min after its last refresh; --break-lock removes it now.");
                }
                LOG.warn("taking over the lock of a run that stopped refreshing it {} min ago: {}", age / 60000, who);
                fs.delete(file, false);
            }
        }
        throw new HeldException(root.root() + ": could not take the run lock " + file + " (another run took it at the same time)");
    }

    /** Removes an output root's lock whoever holds it; returns what it named, or null if there was none. */
    public static String breakLock(DataRoot root) throws IOException {
        Path file = new Path(root.root(), FILE);
        FileSystem fs = file.getFileSystem(root.conf());
        if (!fs.exists(file)) return null;
        String who = read(fs, file);
        fs.delete(file, false);
        return who;
    }

    /** Who holds an output root's lock (its JSON), or null. */
    public static String holder(DataRoot root) throws IOException {
        Path file = new Path(root.root(), FILE);
        FileSystem fs = file.getFileSystem(root.conf());
        return fs.exists(file) ? read(fs, file) : null;
    }

    private static String read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        } catch (java.io.FileNotFoundException e) {
            return "(released)";
        }
    }

    private static Map<String, Object> describeHolder(String command) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", UUID.randomUUID().toString());
        m.put("command", command);
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        m.put("host", host);
        m.put("process", ManagementFactory.getRuntimeMXBean().getName());
        m.put("user", System.getProperty("user.name"));
        m.put("started", Instant.now().toString());
        return m;
    }

    /** This run's id, as recorded in the lock. */
    public String runId() { return (String) holder.get("run"); }

    private void refresh() {
        try (OutputStream out = fs.create(file, true)) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(holder));
        } catch (IOException e) {
            LOG.warn("cannot refresh the run lock {}: {}", file, e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        refresher.shutdownNow();
        String who = read(fs, file);
        // Only our own lock: after a takeover the file names another run.
        if (who.contains(runId())) fs.delete(file, false);
    }
}
