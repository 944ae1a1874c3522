package org.fbnet.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * The Python halves of the benchmarks, copied from the jar into a temporary directory next to the modules
 * they import ({@code clip_pillow.py}), so python finds those on its path.
 */
final class BenchScripts implements AutoCloseable {
    private static final String SHARED = "clip_pillow.py";
    private final Path dir;
    private final Path main;

    private BenchScripts(Path dir, Path main) {
        this.dir = dir;
        this.main = main;
    }

    /** Extracts {@code /fbnet/bench/NAME} and the shared modules. */
    static BenchScripts extract(String name) throws IOException {
        Path dir = Files.createTempDirectory("fbnet-bench-py");
        for (String f : new String[] {SHARED, name}) {
            try (InputStream in = BenchScripts.class.getResourceAsStream("/fbnet/bench/" + f)) {
                if (in == null) throw new IOException("benchmark script /fbnet/bench/" + f + " is missing from the jar");
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
        return new BenchScripts(dir, dir.resolve(name));
    }

    Path script() { return main; }

    @Override
    public void close() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
