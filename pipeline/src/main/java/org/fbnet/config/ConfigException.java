package org.fbnet.config;

/** A configuration error: names where the value came from (file, line or flag), the key and the rule. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String source, String message) {
        super(source + ": " + message);
    }

    /** An error whose message already says where the value came from. */
    public ConfigException(String message) {
        super(message);
    }
}
