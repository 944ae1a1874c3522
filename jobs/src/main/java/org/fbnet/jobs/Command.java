package org.fbnet.jobs;

import java.util.List;

/** One {@code bin/fbnet} subcommand: a thin entry point that parses flags, calls the library and reports. */
public interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The flags this command takes; each names the settings key that is its one home. */
    List<Flag> flags();

    /** Runs with parsed arguments; returns the process exit code. */
    int run(CliArgs args) throws Exception;

    /** Whether the command parses its own arguments ({@link #runRaw}) instead of flags. */
    default boolean takesRawArguments() { return false; }

    /** Runs with the arguments after the command's name, for commands that parse them themselves. */
    default int runRaw(String[] argv) throws Exception {
        throw new UnsupportedOperationException(name() + " takes flags");
    }
}
