package org.fbnet.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's python3 (numpy, Pillow, torch, scikit-learn, pandas: installed by .ci/run) as the live
 * independent reference, for the tests tagged {@value #TAG} only. The default test run leaves those out and
 * needs no Python: its tests read the golden files {@link Golden} describes.
 * <p>Only the {@code python-refs} Maven profile sets {@code fbnet.python.refs=true}; without it every call
 * fails at once, so no test of the default run can come to depend on Python unnoticed. The interpreter
 * comes from the {@code fbnet.python} system property (default /usr/bin/python3, not a pyenv shim without
 * those packages).
 */
public final class Python {
    /** The JUnit tag of the tests that run Python live; surefire excludes it unless -Ppython-refs. */
    public static final String TAG = "python";

    private Python() { }

    public static String interpreter() {
        return System.getProperty("fbnet.python", "/usr/bin/python3");
    }

    /** Runs a script given as text with arguments; returns its stdout, or fails with its stderr. */
    public static String run(String script, String... args) throws IOException, InterruptedException {
        requireProfile();
        Path f = Files.createTempFile("fbnet-ref", ".py");
        try {
            Files.writeString(f, script);
            return runFile(f, args);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** Runs a script file with arguments; returns its stdout, or fails with its stderr. */
    public static String runFile(Path script, String... args) throws IOException, InterruptedException {
        requireProfile();
        List<String> cmd = new ArrayList<>(List.of(interpreter(), script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        // stderr drains on its own thread: a script that fills one pipe while we block on the other would hang
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("python reference timed out: " + script);
        }
        if (p.exitValue() != 0) {
            throw new IOException("python reference failed (" + p.exitValue() + "): " + script + "\n" + new String(err.join(), StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static void requireProfile() {
        if (!Boolean.getBoolean("fbnet.python.refs")) {
            throw new IllegalStateException("a test called Python without the python-refs profile: tag it @Tag(Python.TAG) and run it with "
                    + "mvn test -Ppython-refs (Debian's python3-numpy/-pil/-torch/-sklearn/-pandas installed, as .ci/run does); "
                    + "tests of the default run read golden files (org.fbnet.testing.Golden) instead");
        }
    }
}
