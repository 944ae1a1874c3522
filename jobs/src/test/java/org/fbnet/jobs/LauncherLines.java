package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks that the arguments a deployment file passes to {@code org.fbnet.jobs.Fbnet} are a command line the
 * launcher accepts: a command of {@link Fbnet#commands()} and flags its {@link CliArgs} parser takes, with the
 * required ones present.
 */
final class LauncherLines {
    /**
     * Commands the deployment files use that are built on another branch (issue 12): until the launcher has
     * one, a check of a line using it is skipped, naming it; once the command exists, its lines are checked.
     */
    static final Map<String, String> COMMANDS_FROM_OTHER_BRANCHES = Map.of();

    /** Flags a scheduled run must not carry: they defeat the lock, write nothing, or redo finished work. */
    static final List<String> NOT_IN_SCHEDULED_RUNS = List.of("--break-lock", "--dry-run", "--force");

    private LauncherLines() { }

    /**
     * Parses {@code args} as the launcher would; fails the test on a usage error, skips it (an assumption) on
     * a command another branch builds.
     * @param where the file and line the arguments come from, for messages
     */
    static CliArgs check(String where, List<String> args) {
        if (args.isEmpty()) fail(where + ": no fbnet command after the jar");
        if (args.equals(List.of("--help"))) return null;
        Command command = Fbnet.commands().stream().filter(c -> c.name().equals(args.get(0))).findFirst().orElse(null);
        if (command == null) {
            String pending = COMMANDS_FROM_OTHER_BRANCHES.get(args.get(0));
            Assumptions.assumeTrue(pending == null, () -> where + ": the launcher has no '" + args.get(0) + "' yet ("
                    + pending + "); this line is checked once it has");
            fail(where + ": '" + args.get(0) + "' is not an fbnet command; the launcher has "
                    + Fbnet.commands().stream().map(Command::name).toList());
        }
        try {
            return CliArgs.parse(command, args.subList(1, args.size()).toArray(String[]::new));
        } catch (UsageException e) {
            return fail(where + ": fbnet " + String.join(" ", args) + ": " + e.getMessage());
        }
    }

    /** As {@link #check}, for the line of a scheduled run, which must also leave the guards alone. */
    static CliArgs checkScheduled(String where, List<String> args) {
        for (String flag : NOT_IN_SCHEDULED_RUNS) {
            assertFalse(args.stream().anyMatch(a -> a.equals(flag) || a.startsWith(flag + "=")),
                    where + ": a scheduled run must not pass " + flag + ": " + args);
        }
        return check(where, args);
    }

    /** The value of {@code --flag VALUE} (or {@code --flag=VALUE}) in raw arguments, or null. */
    static String value(List<String> args, String flag) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(flag) && i + 1 < args.size()) return args.get(i + 1);
            if (args.get(i).startsWith(flag + "=")) return args.get(i).substring(flag.length() + 1);
        }
        return null;
    }
}
