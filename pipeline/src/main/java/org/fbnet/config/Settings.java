package org.fbnet.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Resolved fbnet configuration: the documented defaults in {@code conf/*.properties} (bundled in the
 * jar), then user files, then {@code --set key=value} overrides, later ones winning.
 * <p>Every knob has its one home, with its default and description, in a {@code conf/} file; this class
 * is the only reader of those files and of overrides, and it rejects unknown keys so a typo is an
 * error, not a silently ignored setting. Components take typed, validated records built from it.
 */
public final class Settings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The bundled default files, in {@code conf/}; each documents its keys. */
    public static final List<String> DEFAULT_FILES = List.of(
            "spark", "synth", "data", "clip", "pca", "network", "train", "eval", "run");

    private final Map<String, String> values;
    private final Map<String, String> defaults;
    private final Map<String, String> sources;
    private final Map<String, String> descriptions;
    /** Keys whose value came from a command-line flag aliasing them, with the flag as typed ("--epochs"). */
    private final Map<String, String> flags;

    private Settings(Map<String, String> values, Map<String, String> defaults, Map<String, String> sources,
                     Map<String, String> descriptions, Map<String, String> flags) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.defaults = defaults;
        this.sources = Collections.unmodifiableMap(new TreeMap<>(sources));
        this.descriptions = descriptions;
        this.flags = Collections.unmodifiableMap(new TreeMap<>(flags));
    }

    /** The bundled defaults alone. */
    public static Settings defaults() {
        Map<String, String> v = new LinkedHashMap<>();
        Map<String, String> src = new LinkedHashMap<>();
        Map<String, String> desc = new LinkedHashMap<>();
        for (String name : DEFAULT_FILES) {
            String res = "/fbnet/conf/" + name + ".properties";
            try (InputStream in = Settings.class.getResourceAsStream(res)) {
                if (in == null) continue;
                parse(in, "conf/" + name + ".properties", v, src, desc, null);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read bundled " + res, e);
            }
        }
        return new Settings(v, Collections.unmodifiableMap(new TreeMap<>(v)), src, Collections.unmodifiableMap(desc), Map.of());
    }

    /**
     * Defaults, then each user file (a Hadoop URI or local path), then overrides.
     * @throws ConfigException on an unknown key or an unreadable file
     */
    public static Settings load(List<String> userFiles, Map<String, String> overrides, Configuration hadoop) {
        return load(userFiles, overrides, Map.of(), hadoop);
    }

    /**
     * As {@link #load(List, Map, Configuration)}, where {@code flags} names the command-line flag that set
     * an override ({@code train.epochs -> --epochs}), so that an error about it names what the user typed.
     */
    public static Settings load(List<String> userFiles, Map<String, String> overrides, Map<String, String> flags,
                                Configuration hadoop) {
        Settings s = defaults();
        Map<String, String> v = new LinkedHashMap<>(s.values);
        Map<String, String> src = new LinkedHashMap<>(s.sources);
        for (String f : userFiles) {
            try (InputStream in = open(f, hadoop)) {
                parse(in, f, v, src, null, s.defaults);
            } catch (IOException e) {
                throw new ConfigException(f, "cannot read configuration file: " + e.getMessage());
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String flag = flags.get(e.getKey());
            s.requireKnown(e.getKey(), flag != null ? flag : "--set " + e.getKey());
            v.put(e.getKey(), e.getValue().trim());
            src.put(e.getKey(), flag != null ? flag : "--set " + e.getKey());
        }
        Map<String, String> fromFlags = new TreeMap<>(flags);
        fromFlags.keySet().retainAll(overrides.keySet());
        return new Settings(v, s.defaults, src, s.descriptions, fromFlags);
    }

    /** A Hadoop path/URI, or {@code classpath:NAME} for a profile bundled from conf/ (e.g. the demo's). */
    private static InputStream open(String f, Configuration hadoop) throws IOException {
        if (f.startsWith(CLASSPATH)) {
            String res = "/fbnet/conf/" + f.substring(CLASSPATH.length());
            InputStream in = Settings.class.getResourceAsStream(res);
            if (in == null) throw new IOException("no bundled profile " + res);
            return in;
        }
        Path p = new Path(f);
        return p.getFileSystem(hadoop).open(p);
    }

    /** Prefix of a bundled profile file name in {@link #load}. */
    public static final String CLASSPATH = "classpath:";

    private static void parse(InputStream in, String source, Map<String, String> v, Map<String, String> src,
                              Map<String, String> desc, Map<String, String> known) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder comment = new StringBuilder();
        String line;
        int no = 0;
        while ((line = r.readLine()) != null) {
            no++;
            String t = line.trim();
            if (t.isEmpty()) { comment.setLength(0); continue; }
            if (t.startsWith("#")) {
                if (comment.length() > 0) comment.append(' ');
                comment.append(t.substring(1).trim());
                continue;
            }
            int eq = t.indexOf('=');
            if (eq <= 0) throw new ConfigException(source + ":" + no, "expected key=value, found '" + t + "'");
            String key = t.substring(0, eq).trim();
            String value = t.substring(eq + 1).trim();
            if (known != null && !known.containsKey(key)) {
                throw new ConfigException(source + ":" + no, "unknown key '" + key + "'" + suggestion(key, known));
            }
            v.put(key, value);
            src.put(key, source);
            if (desc != null) desc.put(key, comment.toString());
            comment.setLength(0);
        }
    }

    private static String suggestion(String key, Map<String, String> known) {
        String prefix = key.contains(".") ? key.substring(0, key.indexOf('.') + 1) : key;
        List<String> near = known.keySet().stream().filter(k -> k.startsWith(prefix)).limit(8).toList();
        return near.isEmpty() ? "" : " (keys in this group: " + String.join(", ", near) + ")";
    }

    private void requireKnown(String key, String source) {
        if (!defaults.containsKey(key)) throw new ConfigException(source, "unknown key '" + key + "'" + suggestion(key, defaults));
    }

    /** A copy with one value replaced (programmatic override, e.g. from a command-line flag). */
    public Settings with(String key, String value) {
        requireKnown(key, "override of " + key);
        Map<String, String> v = new LinkedHashMap<>(values);
        Map<String, String> src = new LinkedHashMap<>(sources);
        v.put(key, value.trim());
        src.put(key, "command line");
        Map<String, String> f = new TreeMap<>(flags);
        f.remove(key);
        return new Settings(v, defaults, src, descriptions, f);
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) throw new ConfigException("configuration", "unknown key '" + key + "'" + suggestion(key, defaults));
        return v;
    }

    /** The value, or null when it is set to the empty string (an optional setting left unset). */
    public String getOptional(String key) {
        String v = get(key);
        return v.isEmpty() ? null : v;
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw fail(key, "must be an integer");
        }
    }

    /** An integer that must be at least {@code min}; the error names the key, its source and the bound. */
    public int intAtLeast(String key, int min) {
        int v = getInt(key);
        check(v >= min, key, "must be >= " + min);
        return v;
    }

    /** A number that must be at least {@code min}; the error names the key, its source and the bound. */
    public double doubleAtLeast(String key, double min) {
        double v = getDouble(key);
        check(v >= min, key, "must be >= " + (min == Math.rint(min) ? String.valueOf((long) min) : String.valueOf(min)));
        return v;
    }

    public long getLong(String key) {
        try {
            return Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            throw fail(key, "must be an integer");
        }
    }

    public double getDouble(String key) {
        try {
            return Double.parseDouble(get(key));
        } catch (NumberFormatException e) {
            throw fail(key, "must be a number");
        }
    }

    public boolean getBoolean(String key) {
        String v = get(key).toLowerCase(java.util.Locale.ROOT);
        if (v.equals("true") || v.equals("false")) return Boolean.parseBoolean(v);
        throw fail(key, "must be true or false");
    }

    /** A comma-separated list; empty string gives an empty list. */
    public List<String> getList(String key) {
        String v = get(key);
        if (v.isEmpty()) return List.of();
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /**
     * An error naming the key, where its value came from, the value and the rule it breaks. A value from a
     * flag is named as typed, with the key it aliases: {@code --epochs -3 [train.epochs] must be >= 1}.
     */
    public ConfigException fail(String key, String rule) {
        String flag = flags.get(key);
        if (flag != null) return new ConfigException(flag + " " + values.get(key) + " [" + key + "] " + rule);
        return new ConfigException(sourceOf(key), key + "=" + values.get(key) + " " + rule);
    }

    /** Throws {@link #fail} unless {@code ok}. */
    public void check(boolean ok, String key, String rule) {
        if (!ok) throw fail(key, rule);
    }

    public String sourceOf(String key) { return sources.getOrDefault(key, "configuration"); }

    public String description(String key) { return descriptions.getOrDefault(key, ""); }

    public String defaultValue(String key) { return defaults.get(key); }

    /** Every resolved value. */
    public Map<String, String> asMap() { return values; }

    /** The values that differ from the bundled defaults: what a manifest records as "explicit" config. */
    public Map<String, String> explicit() {
        Map<String, String> m = new TreeMap<>();
        values.forEach((k, v) -> { if (!v.equals(defaults.get(k))) m.put(k, v); });
        return m;
    }

    /** The resolved values whose key starts with a prefix ("pca."), for a manifest's config block. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> m = new TreeMap<>();
        values.forEach((k, v) -> { if (k.startsWith(prefix)) m.put(k, v); });
        return m;
    }

    public List<String> keys() { return new ArrayList<>(values.keySet()); }
}
