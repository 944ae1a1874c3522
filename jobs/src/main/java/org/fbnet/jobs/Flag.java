package org.fbnet.jobs;

/**
 * A command-line flag. A flag with a settings key is an alias for {@code --set key=value}: its
 * default and description come from {@code conf/}. A flag without one is a run argument
 * (input/output location) described here.
 */
public record Flag(String name, String settingsKey, String argName, String description, boolean required) {
    public static Flag setting(String name, String key, String argName) {
        return new Flag(name, key, argName, null, false);
    }

    public static Flag argument(String name, String argName, String description, boolean required) {
        return new Flag(name, null, argName, description, required);
    }

    /** A flag that takes no value. */
    public static Flag toggle(String name, String description) {
        return new Flag(name, null, null, description, false);
    }

    public boolean takesValue() { return argName != null; }
}
