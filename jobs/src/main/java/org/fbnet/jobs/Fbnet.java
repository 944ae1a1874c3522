package org.fbnet.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.fbnet.store.HadoopConf;

/**
 * The {@code fbnet} launcher: dispatches to a subcommand and turns its outcome into an exit code
 * ({@link ExitCode}). Also the main class of the spark-submit jar.
 * <p>A failure is reported in one line on stderr. An internal error (a bug) or an I/O error also
 * writes its stack trace to a file that the line names; {@code FBNET_DEBUG=1} (or
 * {@code -Dfbnet.debug=true}) prints it on stderr as well.
 */
public final class Fbnet {
    /**
     * Every subcommand, in pipeline order, then those other modules on the class path provide
     * ({@code bench}, from the bench module that bin/fbnet runs and the spark-submit jar leaves out).
     */
    static List<Command> commands() {
        List<Command> all = new java.util.ArrayList<>(List.of(
                new SynthCommand(),
                new IngestCommand(),
                new EmbedCommand(),
                new ProjectCommand(),
                TrainCommand.pretrain(),
                TrainCommand.finetune(),
                TrainCommand.train(),
                new CompareCommand(),
                new RunCommand(),
                new StatusCommand(),
                new DemoCommand()));
        java.util.ServiceLoader.load(Command.class).forEach(all::add);
        return all;
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        return run(argv, commands());
    }

    /** Runs one command line against a list of commands; returns the exit code. */
    static int run(String[] argv, List<Command> commands) {
        if (argv.length == 0) {
            System.err.println(overview(commands));
            return ExitCode.USAGE.code;
        }
        if (argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            System.out.println(overview(commands));
            return ExitCode.OK.code;
        }
        Command c = commands.stream().filter(x -> x.name().equals(argv[0])).findFirst().orElse(null);
        if (c == null && argv[0].equals("bench")) {
            System.err.println("fbnet: bench: the benchmarks are not in this build (the spark-submit jar leaves them out);"
                    + " run them with bin/fbnet bench from a source checkout");
            return ExitCode.USAGE.code;
        }
        if (c == null) {
            System.err.println("fbnet: unknown command '" + argv[0] + "'\n\n" + overview(commands));
            return ExitCode.USAGE.code;
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        try {
            if (c.takesRawArguments()) return c.runRaw(rest);
            CliArgs args = CliArgs.parse(c, rest);
            if (args.help()) {
                System.out.println(CliArgs.usage(c));
                return ExitCode.OK.code;
            }
            args.checkPaths(HadoopConf.create());
            return c.run(args);
        } catch (Exception | LinkageError e) {
            return report("fbnet " + c.name(), e);
        }
    }

    /** Prints a failure as one line on stderr (its stack trace to a file when it is not the user's to fix). */
    static int report(String prefix, Throwable failure) {
        ExitCode.Classified k = ExitCode.of(failure);
        if (failure instanceof org.fbnet.stage.UnitsFailedException units && k.code() != ExitCode.INTERNAL && k.code() != ExitCode.IO) {
            // Each failed unit on its own line; the code is the first failure's.
            System.err.println(prefix + ": " + units.getMessage());
            return k.code().code;
        }
        String message = switch (k.code()) {
            case USAGE, DATA, NO_INPUT, LOCKED -> k.cause() instanceof org.apache.hadoop.fs.UnsupportedFileSystemException
                    ? firstLine(k.cause()) + "; available schemes: " + String.join(", ", PathArguments.availableSchemes(HadoopConf.create()))
                    : String.valueOf(k.cause().getMessage());
            case IO -> "I/O error: " + firstLine(k.cause()) + traceNote(prefix, failure);
            default -> "internal error: " + k.cause().getClass().getName() + ": " + firstLine(k.cause()) + where(k.cause())
                    + traceNote(prefix, failure);
        };
        System.err.println(prefix + ": " + message);
        return k.code().code;
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage();
        if (m == null) return "(no message)";
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim();
    }

    private static String where(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return st.length == 0 ? "" : " at " + st[0];
    }

    /** Writes the stack trace to a file and says where it went. */
    private static String traceNote(String prefix, Throwable failure) {
        StringWriter sw = new StringWriter();
        failure.printStackTrace(new PrintWriter(sw));
        if (debug()) System.err.print(sw);
        try {
            java.nio.file.Path file = Files.createTempFile(prefix.replace(' ', '-') + "-", ".stacktrace.txt");
            Files.writeString(file, sw.toString(), StandardCharsets.UTF_8);
            return "; stack trace in " + file + (debug() ? " and above" : " (FBNET_DEBUG=1 prints it here)");
        } catch (IOException | RuntimeException e) {
            if (!debug()) System.err.print(sw);
            return "; stack trace above (could not write it to a file: " + e.getMessage() + ")";
        }
    }

    private static boolean debug() {
        String env = System.getenv("FBNET_DEBUG");
        return (env != null && !env.isEmpty() && !env.equals("0")) || Boolean.getBoolean("fbnet.debug");
    }

    private static String overview(List<Command> commands) {
        StringBuilder sb = new StringBuilder("usage: fbnet COMMAND [options]   (fbnet COMMAND --help for its options)\n\ncommands:\n");
        for (Command c : commands) sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        sb.append("\nexit codes (sysexits.h):\n").append(ExitCode.table());
        sb.append("\nFBNET_DEBUG=1 prints the stack trace of an internal or I/O error on stderr too.\n");
        return sb.toString();
    }
}
