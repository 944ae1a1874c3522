package org.fbnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;
import org.fbnet.testing.MiniHdfs;
import org.junit.jupiter.api.Test;

/** Publishing versions on a real HDFS, whose rename does not replace an existing file. */
class VersionedDirHdfsTest {
    private static final Configuration CONF = MiniHdfs.conf();

    static void write(Path p, String s) throws IOException {
        try (OutputStream out = p.getFileSystem(CONF).create(p, false)) {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    static String read(Path p) throws IOException {
        try (InputStream in = p.getFileSystem(CONF).open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Version publish(VersionedDir d, String content) throws IOException {
        return d.publish(Manifest.of("test", 1), (staging, m) -> {
            write(new Path(staging, "part-0"), content);
            return m;
        });
    }

    /** The names directly inside a directory. */
    static Set<String> names(Path dir) throws IOException {
        Set<String> out = new TreeSet<>();
        for (FileStatus st : dir.getFileSystem(CONF).listStatus(dir)) out.add(st.getPath().getName());
        return out;
    }

    @Test
    void currentMovesOntoTheExistingPointerThoughHdfsRenameRefusesToReplace() throws Exception {
        Path root = MiniHdfs.newDir("pointer");
        FileSystem fs = root.getFileSystem(CONF);
        // What makes setCurrent's HDFS branch necessary: a plain rename onto an existing file fails and changes nothing.
        Path a = new Path(root, "a"), b = new Path(root, "b");
        write(a, "a");
        write(b, "b");
        assertFalse(fs.rename(a, b));
        assertEquals("b", read(b));

        VersionedDir d = VersionedDir.at(new Path(root, "out"), CONF);
        Version v1 = publish(d, "one"), v2 = publish(d, "two");
        assertEquals(v2.id(), d.current().orElseThrow().id());
        d.setCurrent(v1.id());
        assertEquals(v1.id(), d.current().orElseThrow().id(), "rolled back onto the existing pointer");
        d.setCurrent("v=" + v2.id());
        assertEquals(v2.id() + "\n", read(new Path(d.dir(), VersionedDir.CURRENT)));
        assertEquals("two", read(new Path(d.current().orElseThrow().path(), "part-0")));
        assertEquals(Set.of(VersionedDir.CURRENT, "v=" + v1.id(), "v=" + v2.id()), names(d.dir()), "no temporary pointer or staging left");
    }

    /**
     * A reader resolving {@code _current} while it moves must always find one of the published versions:
     * a pointer deleted and then renamed into place (the fallback for file systems without an atomic
     * replace) would let it find none.
     */
    @Test
    void readersAlwaysFindAPublishedVersionWhileCurrentMoves() throws Exception {
        VersionedDir d = VersionedDir.at(new Path(MiniHdfs.newDir("flips"), "out"), CONF);
        String v1 = publish(d, "one").id(), v2 = publish(d, "two").id();
        AtomicBoolean done = new AtomicBoolean();
        List<String> wrong = new ArrayList<>();
        int[] reads = {0};
        Thread reader = new Thread(() -> {
            VersionedDir r = VersionedDir.at(d.dir(), CONF);
            while (!done.get()) {
                try {
                    String id = r.current().map(Version::id).orElse("(no pointer)");
                    if (!id.equals(v1) && !id.equals(v2)) wrong.add(id);
                } catch (IOException | RuntimeException e) {
                    wrong.add(e.toString());
                }
                reads[0]++;
            }
        });
        reader.start();
        for (int i = 0; i < 30; i++) d.setCurrent(i % 2 == 0 ? v1 : v2);
        done.set(true);
        reader.join();
        assertEquals(List.of(), wrong);
        assertTrue(reads[0] > 0);
        assertEquals(v2, d.current().orElseThrow().id());
    }

    /** Publishes a good version, then one that fails; asserts the failure's message and that only the good version is there. */
    private static void assertFailedPublishLeavesThePreviousVersion(String name, VersionedDir.Writer writer, VersionedDir.Verifier verifier,
                                                                    String message) throws IOException {
        VersionedDir d = VersionedDir.at(new Path(MiniHdfs.newDir(name), "out"), CONF);
        Version good = publish(d, "good");
        IOException e = assertThrows(IOException.class, () -> d.publish(Manifest.of("test", 1), writer, verifier));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(good.id(), d.current().orElseThrow().id());
        assertEquals(List.of(good.id()), d.list().stream().map(Version::id).toList());
        assertEquals(Set.of(VersionedDir.CURRENT, "v=" + good.id()), names(d.dir()), "nothing of the failed version is left, not even staging");
    }

    @Test
    void aWriterThatFailsMidwayLeavesCurrentOnThePreviousVersionAndNoTrace() throws Exception {
        assertFailedPublishLeavesThePreviousVersion("failing", (staging, m) -> {
            write(new Path(staging, "part-0"), "half of it");
            throw new IOException("no space left on device (simulated)");
        }, v -> { }, "no space left");
    }

    @Test
    void aVersionFailingVerificationIsRemovedAndCurrentStays() throws Exception {
        assertFailedPublishLeavesThePreviousVersion("verify", (staging, m) -> {
            write(new Path(staging, "part-0"), "bad");
            return m;
        }, v -> {
            if (read(new Path(v.path(), "part-0")).equals("bad")) throw new IllegalStateException("predicts otherwise");
        }, "failed verification and was removed");
    }
}
