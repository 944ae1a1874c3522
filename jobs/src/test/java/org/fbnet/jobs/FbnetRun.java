package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One invocation of the launcher, as a user runs it: its exit code and what it printed. */
record FbnetRun(int code, String out, String err) {
    static FbnetRun of(String... argv) {
        return of(Fbnet.commands(), argv);
    }

    static FbnetRun of(List<Command> commands, String... argv) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Fbnet.run(argv, commands);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new FbnetRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Asserts the exit code (showing both streams when it differs); returns this run. */
    FbnetRun expect(ExitCode expected) {
        assertEquals(expected.code, code, "exit code; stdout:\n" + out + "\nstderr:\n" + err);
        return this;
    }

    /** The unit ids the run's summary says it published. */
    java.util.Set<String> published() {
        java.util.Set<String> units = new java.util.TreeSet<>();
        out.lines().filter(l -> l.startsWith("  published  ")).forEach(l -> units.add(l.substring(13).trim().split("\\s+")[0]));
        return units;
    }

    /** The lines of stderr that are fbnet's own (the launcher's prefix), not log lines. */
    List<String> errorLines(String command) {
        return err.lines().filter(l -> l.startsWith("fbnet " + command + ":")).toList();
    }
}
