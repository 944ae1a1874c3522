package org.fbnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionedDirTest {
    private static Configuration s3a() {
        Configuration c = HadoopConf.create();
        c.set("fs.s3a.impl", S3aSemantics.class.getName());
        c.setBoolean("fs.s3a.impl.disable.cache", true);
        return c;
    }

    private static Version publish(VersionedDir d, Configuration conf, String content) throws IOException {
        return d.publish(Manifest.of("test", 1), (staging, m) -> {
            try (OutputStream out = staging.getFileSystem(conf).create(new Path(staging, "part-0"), false)) {
                out.write(content.getBytes(StandardCharsets.UTF_8));
            }
            return m;
        });
    }

    /**
     * On s3a the pointer is one overwriting PUT, which readers see whole or not at all: S3A's rename refuses
     * an existing destination (this file system throws as S3A does), so the rename-based path would fail.
     */
    @Test
    void onS3aCurrentIsOneOverwritingWriteAndNeverARenameOntoThePointer(@TempDir java.nio.file.Path tmp) throws Exception {
        Configuration conf = s3a();
        VersionedDir d = VersionedDir.at(new Path("s3a://bucket" + tmp.toAbsolutePath() + "/out"), conf);
        FileSystem fs = d.dir().getFileSystem(conf);
        assertEquals("s3a", fs.getScheme());
        Path a = new Path(d.dir().getParent(), "a"), b = new Path(d.dir().getParent(), "b");
        fs.create(a).close();
        fs.create(b).close();
        assertThrows(FileAlreadyExistsException.class, () -> fs.rename(a, b), "the semantics the branch exists for");

        S3aSemantics.CALLS.clear();
        Version v1 = publish(d, conf, "one"), v2 = publish(d, conf, "two");
        assertEquals(v2.id(), d.current().orElseThrow().id());
        d.setCurrent(v1.id());
        assertEquals(v1.id(), d.current().orElseThrow().id());
        List<String> pointer = S3aSemantics.CALLS.stream().filter(c -> c.contains(VersionedDir.CURRENT)).toList();
        assertEquals(List.of("create _current overwrite", "create _current overwrite", "create _current overwrite"), pointer);
        assertTrue(S3aSemantics.CALLS.stream().anyMatch(c -> c.startsWith("rename ") && c.endsWith("v=" + v2.id())),
                "versions are still renamed in from staging: " + S3aSemantics.CALLS);
        Set<String> names = new java.util.TreeSet<>();
        for (var st : fs.listStatus(d.dir())) names.add(st.getPath().getName());
        assertEquals(Set.of(VersionedDir.CURRENT, "v=" + v1.id(), "v=" + v2.id()), names);
    }
}
