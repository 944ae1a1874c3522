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
}
