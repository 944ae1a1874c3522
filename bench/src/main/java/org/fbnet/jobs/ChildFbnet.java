package org.fbnet.jobs;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs an fbnet command in a JVM of its own (this one's class path and JVM flags), for benchmarks that measure a whole command. */
final class ChildFbnet {
    private ChildFbnet() { }

    /**
     * Runs {@code fbnet ARGS} with {@code -Xmx heap}; returns {peak RSS in bytes (VmHWM, polled every 200 ms), wall seconds}.
     * A null label marks setup (printed as such, no timing line).
     */
    static double[] run(String heap, String label, List<String> fbnetArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx" + heap));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dfbnet.")) cmd.add(a);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Fbnet.class.getName()));
        cmd.addAll(fbnetArgs);
        System.out.println((label == null ? "setup: " : "measuring " + label + ": ") + String.join(" ", fbnetArgs));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        Path status = Path.of("/proc/" + p.pid() + "/status");
        long peak = 0;
        while (p.isAlive()) {
            peak = Math.max(peak, hwm(status));
            Thread.sleep(200);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) throw new IllegalStateException("fbnet " + String.join(" ", fbnetArgs) + " exited " + p.exitValue());
        if (label != null) System.out.printf("  %s: peak RSS %.2f GB in %.0f s%n", label, peak / 1e9, secs);
        return new double[] {peak, secs};
    }

    /** {@code head} followed by {@code tail}: a command and the settings every command of a benchmark shares. */
    static List<String> args(List<String> head, List<String> tail) {
        List<String> a = new ArrayList<>(head);
        a.addAll(tail);
        return a;
    }

    /** VmHWM (the process's peak resident set) in bytes, 0 once the process is gone. */
    private static long hwm(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        } catch (java.io.IOException e) {
            // exited between checks
        }
        return 0;
    }

    private static String javaBin() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
