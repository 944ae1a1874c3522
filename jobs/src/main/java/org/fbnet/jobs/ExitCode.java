package org.fbnet.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.fbnet.config.ConfigException;
import org.fbnet.data.InputDataException;
import org.fbnet.data.MissingInputException;

/**
 * The exit codes of {@code fbnet}, after BSD's sysexits.h, and the one place that maps a failure to its code.
 * <p>The whole cause chain is searched, so that bad data found inside a Spark task (which reaches the
 * driver wrapped in a {@code SparkException}) is still bad data.
 */
public enum ExitCode {
    OK(0, "success"),
    USAGE(64, "usage error: unknown command or option, bad flag or --set value, unknown URI scheme"),
    DATA(65, "bad input data: the message names the file or subject and what is wrong"),
    NO_INPUT(66, "missing input: a path given on the command line (or a setting naming one) does not exist"),
    INTERNAL(70, "internal error (a bug): one line on stderr, the stack trace in a file it names"),
    IO(74, "I/O error reading or writing storage"),
    LOCKED(75, "another run holds the output root's lock: try again later (or --break-lock if it died)");

    public final int code;
    public final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** A failure's exit code and the exception in its cause chain that decided it (whose message to show). */
    public record Classified(ExitCode code, Throwable cause) { }

    public static Classified of(Throwable failure) {
        // Most specific first: our own types wherever they are in the chain, then storage, then anything else.
        Throwable t;
        if ((t = find(failure, x -> x instanceof UsageException || x instanceof ConfigException)) != null) return new Classified(USAGE, t);
        if ((t = find(failure, x -> x instanceof org.fbnet.store.RunLock.HeldException)) != null) return new Classified(LOCKED, t);
        if ((t = find(failure, x -> x instanceof MissingInputException)) != null) return new Classified(NO_INPUT, t);
        if ((t = find(failure, x -> x instanceof InputDataException || x instanceof JsonProcessingException)) != null) {
            return new Classified(DATA, t);
        }
        if ((t = find(failure, x -> x instanceof UnsupportedFileSystemException)) != null) return new Classified(USAGE, t);
        if ((t = find(failure, x -> x instanceof IOException || x instanceof UncheckedIOException)) != null) return new Classified(IO, t);
        return new Classified(INTERNAL, rootCause(failure));
    }

    private static Throwable find(Throwable failure, Predicate<Throwable> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) if (test.test(t)) return t;
        return null;
    }

    static Throwable rootCause(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable t = failure;
        while (t.getCause() != null && seen.add(t)) t = t.getCause();
        return t;
    }

    /** The table for {@code fbnet --help} and the README. */
    public static String table() {
        StringBuilder sb = new StringBuilder();
        for (ExitCode c : values()) sb.append(String.format("  %-3d %s%n", c.code, c.meaning));
        return sb.toString();
    }
}
