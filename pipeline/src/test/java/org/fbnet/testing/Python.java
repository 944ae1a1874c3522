package org.fbnet.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's python3 (numpy, Pillow, torch, scikit-learn: installed by .ci/run) as the independent
 * reference in tests. The interpreter comes from the {@code fbnet.python} system property
 * (default /usr/bin/python3, not a pyenv shim without those packages).
 */
public final class Python {
    private Python() { }

    public static String interpreter() {
        return System.getProperty("fbnet.python", "/usr/bin/python3");
    }

    /** Runs a script with arguments; returns its stdout, or fails with its stderr. */
    public static String run(String script, String... args) throws IOException, InterruptedException {
        Path f = Files.createTempFile("fbnet-ref", ".py");
        Files.writeString(f, script);
        List<String> cmd = new ArrayList<>(List.of(interpreter(), f.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("python reference timed out");
        }
        Files.deleteIfExists(f);
        if (p.exitValue() != 0) {
            throw new IOException("python reference failed (" + p.exitValue() + "):\n" + new String(err, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
