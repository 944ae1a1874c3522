package org.fbnet.jobs;

/**
 * A command-line flag. A flag with a settings key is an alias for {@code --set key=value}: its
 * default and description come from {@code conf/}. A flag without one is a run argument
 * (input/output location) described here. A path-valued flag is checked before the command runs
 * (see {@link PathArguments}): its URI scheme always, its existence when it is an input.
 */
public record Flag(String name, String settingsKey, String argName, String description, boolean required, Kind kind) {
    /** What a flag's value is, for the checks made before a command runs. */
    public enum Kind { VALUE, INPUT_PATH, OUTPUT_PATH }

    public static Flag setting(String name, String key, String argName) {
        return new Flag(name, key, argName, null, false, Kind.VALUE);
    }

    /** A setting alias whose value is a path that must exist (e.g. a model folder). */
    public static Flag inputSetting(String name, String key, String argName) {
        return new Flag(name, key, argName, null, false, Kind.INPUT_PATH);
    }

    /** A setting alias whose value is a path written to (its URI scheme is checked before the command runs). */
    public static Flag outputSetting(String name, String key, String argName) {
        return new Flag(name, key, argName, null, false, Kind.OUTPUT_PATH);
    }

    public static Flag argument(String name, String argName, String description, boolean required) {
        return new Flag(name, null, argName, description, required, Kind.VALUE);
    }

    /** A path the command reads: it must exist. */
    public static Flag input(String name, String argName, String description, boolean required) {
        return new Flag(name, null, argName, description, required, Kind.INPUT_PATH);
    }

    /** A path the command writes (created if absent). */
    public static Flag output(String name, String argName, String description, boolean required) {
        return new Flag(name, null, argName, description, required, Kind.OUTPUT_PATH);
    }

    /** A flag that takes no value. */
    public static Flag toggle(String name, String description) {
        return new Flag(name, null, null, description, false, Kind.VALUE);
    }

    public boolean takesValue() { return argName != null; }
}
