package org.fbnet.store;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk under the {@code s3a://bucket} scheme with S3A's rename semantics, for code paths that
 * branch on the scheme: a rename onto an existing file throws {@link FileAlreadyExistsException} (what
 * S3A 3.3 does, STACK.md) where a local rename would replace it. Records every create and rename.
 * Not S3A: no object store, no eventual listing, no multipart upload.
 */
public class S3aSemantics extends RawLocalFileSystem {
    static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());

    @Override public URI getUri() { return URI.create("s3a://bucket"); }

    @Override public String getScheme() { return "s3a"; }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize, Progressable progress)
            throws IOException {
        CALLS.add("create " + f.getName() + (overwrite ? " overwrite" : ""));
        return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        CALLS.add("rename " + src.getName() + " " + dst.getName());
        if (exists(dst) && getFileStatus(dst).isFile()) throw new FileAlreadyExistsException("rename destination " + dst + " already exists");
        return super.rename(src, dst);
    }
}
