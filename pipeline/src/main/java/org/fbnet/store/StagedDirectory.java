package org.fbnet.store;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;

/**
 * A directory written in a hidden staging place and published to its final path in one rename,
 * with its {@code manifest.json}; closed without {@link #publish}, it is deleted.
 * <p>Staging sits beside the target ({@code _staging/} under the same parent; names starting with
 * {@code _} are hidden from Spark and Parquet readers), so the rename stays within one file system.
 * An existing target is moved aside, the new one renamed in, and the old one deleted: HDFS
 * {@code rename} onto an existing path returns false and S3A throws (STACK.md), so we never rely on
 * overwrite-by-rename. On object stores a directory rename is a copy: readers may then briefly see
 * no target, never a half-written one.
 */
public final class StagedDirectory implements AutoCloseable {
    private final FileSystem fs;
    private final Path target;
    private final Path staging;
    private boolean published;

    private StagedDirectory(FileSystem fs, Path target, Path staging) {
        this.fs = fs;
        this.target = target;
        this.staging = staging;
    }

    /** Creates an empty staging directory for {@code target}. */
    public static StagedDirectory begin(Path target, Configuration conf) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path qualified = fs.makeQualified(target);
        Path parent = qualified.getParent();
        if (parent == null) throw new IOException("cannot stage the root directory " + qualified);
        Path staging = new Path(new Path(parent, "_staging"), qualified.getName() + "-" + UUID.randomUUID());
        if (!fs.mkdirs(staging)) throw new IOException("cannot create staging directory " + staging);
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
        if (old != null) fs.delete(old, true);
        deleteIfEmpty(staging.getParent());
        return target;
    }

    private void deleteIfEmpty(Path dir) {
        try {
            if (fs.exists(dir) && fs.listStatus(dir).length == 0) fs.delete(dir, false);
        } catch (IOException ignored) {
            // another writer may be staging beside us; an empty _staging dir is harmless
        }
    }

    @Override
    public void close() throws IOException {
        if (!published) {
            fs.delete(staging, true);
            deleteIfEmpty(staging.getParent());
        }
    }
}
