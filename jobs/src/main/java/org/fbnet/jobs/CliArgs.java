package org.fbnet.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.config.Settings;

/**
 * Parsed arguments of one command: run arguments (paths), {@code --conf FILE} files, and settings
 * overrides from {@code --set key=value} and from flags that alias a settings key.
 */
public final class CliArgs {
    private final Map<String, String> arguments = new LinkedHashMap<>();
    private final List<String> confFiles = new ArrayList<>();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    /** Settings keys whose override came from a flag aliasing them, with that flag: errors name what was typed. */
    private final Map<String, String> flagOf = new LinkedHashMap<>();
    /** Path-valued flags as given, in order, for {@link #checkPaths}. */
    private final Map<String, Flag> pathFlags = new LinkedHashMap<>();
    private final Map<String, String> pathValues = new LinkedHashMap<>();
    private boolean help;

    public static CliArgs parse(Command command, String[] argv) {
        CliArgs a = new CliArgs();
        Map<String, Flag> byName = new LinkedHashMap<>();
        for (Flag f : command.flags()) byName.put(f.name(), f);
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            String inline = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                inline = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                a.help = true;
                continue;
            }
            // --config is --conf's long form (run's documented spelling).
            if (arg.equals("--config")) arg = "--conf";
            if (arg.equals("--conf") || arg.equals("--set")) {
                String v = inline != null ? inline : value(argv, ++i, arg, command);
                if (arg.equals("--conf")) {
                    a.confFiles.add(v);
                } else {
                    int eq = v.indexOf('=');
                    if (eq <= 0) throw new UsageException("--set " + v + ": expected --set key=value");
                    String key = v.substring(0, eq).trim();
                    a.overrides.put(key, v.substring(eq + 1));
                    a.flagOf.remove(key);
                    a.pathFlags.values().removeIf(pf -> key.equals(pf.settingsKey()));
                }
                continue;
            }
            Flag f = byName.get(arg);
            if (f == null) {
                throw new UsageException("unknown option '" + argv[i] + "'; see fbnet " + command.name() + " --help");
            }
            boolean bareBoolean = "BOOL".equals(f.argName()) && inline == null
                    && (i + 1 >= argv.length || argv[i + 1].startsWith("--"));
            // A BOOL flag given alone means true: --force is --force true.
            String v = !f.takesValue() || bareBoolean ? "true" : inline != null ? inline : value(argv, ++i, arg, command);
            if (f.settingsKey() != null) {
                a.overrides.put(f.settingsKey(), v);
                a.flagOf.put(f.settingsKey(), f.name());
            } else {
                a.arguments.put(f.name(), v);
            }
            if (f.kind() != Flag.Kind.VALUE) {
                a.pathFlags.put(f.name(), f);
                a.pathValues.put(f.name(), v);
            }
        }
        if (!a.help) {
            for (Flag f : command.flags()) {
                if (f.required() && !a.arguments.containsKey(f.name())) {
                    throw new UsageException("missing required option " + f.name() + " " + f.argName()
                            + "; see fbnet " + command.name() + " --help");
                }
            }
        }
        return a;
    }

    private static String value(String[] argv, int i, String flag, Command command) {
        if (i >= argv.length) throw new UsageException(flag + " needs a value; see fbnet " + command.name() + " --help");
        return argv[i];
    }

    public boolean help() { return help; }

    /** A run argument, or null when absent. */
    public String get(String flag) { return arguments.get(flag); }

    public String get(String flag, String fallback) { return arguments.getOrDefault(flag, fallback); }

    public boolean has(String flag) { return arguments.containsKey(flag); }

    /**
     * Checks every path given on the command line before the command runs: URI schemes Hadoop has a
     * FileSystem for, and inputs ({@code --conf} files included) that exist.
     * @throws UsageException on an unknown scheme
     * @throws org.fbnet.data.MissingInputException naming the flag and the path that does not exist
     */
    public void checkPaths(Configuration hadoop) throws java.io.IOException {
        for (Map.Entry<String, Flag> e : pathFlags.entrySet()) {
            PathArguments.check(e.getKey(), pathValues.get(e.getKey()), e.getValue().kind() == Flag.Kind.INPUT_PATH, hadoop);
        }
        for (String f : confFiles) PathArguments.check("--conf", f, true, hadoop);
    }

    /** Settings: bundled defaults, then {@code --conf} files, then overrides. */
    public Settings settings(Configuration hadoop) {
        return Settings.load(confFiles, overrides, flagOf, hadoop);
    }

    /** As {@link #settings}, with a bundled profile (conf/PROFILE.properties) between defaults and --conf files. */
    public Settings settings(Configuration hadoop, String profile) {
        List<String> files = new ArrayList<>();
        files.add(Settings.CLASSPATH + profile + ".properties");
        files.addAll(confFiles);
        return Settings.load(files, overrides, flagOf, hadoop);
    }

    public static String usage(Command c) {
        Settings d = Settings.defaults();
        StringBuilder sb = new StringBuilder("usage: fbnet ").append(c.name()).append(" [options]\n  ")
                .append(c.summary()).append("\n\noptions:\n");
        for (Flag f : c.flags()) {
            String left = f.name() + (f.takesValue() ? " " + f.argName() : "");
            String desc;
            if (f.settingsKey() != null) {
                desc = d.description(f.settingsKey()) + " [" + f.settingsKey() + ", default: "
                        + (d.defaultValue(f.settingsKey()).isEmpty() ? "unset" : d.defaultValue(f.settingsKey())) + "]";
            } else {
                desc = f.description() + (f.required() ? " (required)" : "");
            }
            sb.append(String.format("  %-26s %s%n", left, desc));
        }
        sb.append(String.format("  %-26s %s%n", "--conf FILE", "a properties file of settings (repeatable; see conf/)"));
        sb.append(String.format("  %-26s %s%n", "--set KEY=VALUE", "override any setting (repeatable; see conf/)"));
        return sb.toString();
    }
}
