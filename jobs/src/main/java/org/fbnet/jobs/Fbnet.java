package org.fbnet.jobs;

import java.util.List;
import org.fbnet.config.ConfigException;
import org.fbnet.data.InputDataException;

/** The {@code fbnet} launcher: dispatches to a subcommand. Also the main class of the spark-submit jar. */
public final class Fbnet {
    /** Every subcommand, in pipeline order. */
    static List<Command> commands() {
        return List.of(
                new SynthCommand(),
                new IngestCommand(),
                new EmbedCommand(),
                new ProjectCommand(),
                TrainCommand.pretrain(),
                TrainCommand.finetune(),
                TrainCommand.train(),
                new CompareCommand(),
                new DemoCommand(),
                new BenchCommand());
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help")) {
            System.out.println(overview());
            return argv.length == 0 ? 2 : 0;
        }
        Command c = commands().stream().filter(x -> x.name().equals(argv[0])).findFirst().orElse(null);
        if (c == null) {
            System.err.println("fbnet: unknown command '" + argv[0] + "'\n\n" + overview());
            return 2;
        }
        String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        try {
            if (c instanceof BenchCommand) return BenchCommand.runRaw(rest);
            CliArgs args = CliArgs.parse(c, rest);
            if (args.help()) {
                System.out.println(CliArgs.usage(c));
                return 0;
            }
            return c.run(args);
        } catch (org.fbnet.stage.UnitsFailedException e) {
            System.err.println("fbnet " + c.name() + ": " + e.getMessage());
            return e.getCause() instanceof InputDataException || e.getCause() instanceof ConfigException ? 2 : 1;
        } catch (ConfigException | InputDataException e) {
            System.err.println("fbnet " + c.name() + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("fbnet " + c.name() + " failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    static String overview() {
        StringBuilder sb = new StringBuilder("usage: fbnet COMMAND [options]   (fbnet COMMAND --help for its options)\n\ncommands:\n");
        for (Command c : commands()) sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        return sb.toString();
    }
}
