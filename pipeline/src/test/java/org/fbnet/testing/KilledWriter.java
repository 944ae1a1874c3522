package org.fbnet.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.VersionedDir;

/**
 * A writer process killed in the middle of publishing: {@link #main} (run in a child JVM) starts a new
 * version of a versioned directory and writes its {@code graph.zip} without end, saying
 * {@value #WRITING} once bytes reached the storage; {@link #killMidway} starts it, waits for that line
 * and kills it with SIGKILL, as a lost executor or an OOM killer would: no finally block, no shutdown hook.
 */
public final class KilledWriter {
    static final String WRITING = "WRITING";

    private KilledWriter() { }

    /** Starts the writer on {@code dir} (any Hadoop URI), waits until it is writing, kills it; returns the staging path it wrote in. */
    public static String killMidway(Path dir) throws IOException, InterruptedException {
        List<String> cmd = ChildJvm.command(KilledWriter.class, dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith(WRITING + " ")) {
                    p.destroyForcibly();
                    p.waitFor(60, TimeUnit.SECONDS);
                    return line.substring(WRITING.length() + 1);
                }
            }
        } finally {
            p.destroyForcibly();
        }
        throw new IllegalStateException("the writer ended before writing (exit " + p.waitFor() + "):\n" + output);
    }

    public static void main(String[] args) throws Exception {
        VersionedDir dir = VersionedDir.at(new Path(args[0]), MiniHdfs.conf());
        dir.publish(Manifest.of("fbnet-model", 1), (staging, m) -> {
            byte[] chunk = new byte[1 << 16];
            try (FSDataOutputStream out = staging.getFileSystem(MiniHdfs.conf()).create(new Path(staging, "graph.zip"), false)) {
                for (long i = 0; ; i++) {
                    java.util.Arrays.fill(chunk, (byte) i);
                    out.write(chunk);
                    out.hflush();
                    if (i == 4) System.out.println(WRITING + " " + staging);
                    Thread.sleep(20);
                }
            }
        });
        System.out.println("published: the writer was not killed");
    }
}
