package org.fbnet.provenance;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions and platform recorded in every manifest, so a result can be traced to what made it. */
public final class Environment {
    private static final Properties BUILD = load();

    private Environment() { }

    /** fbnet's version, from the build. */
    public static String fbnetVersion() {
        return BUILD.getProperty("version", "unknown");
    }

    /**
     * The git commit the code was built from: recorded in the jar at build time (so the spark-submit jar
     * carries it), else what the launcher passes, else "unknown".
     */
    public static String gitCommit() {
        String built = BUILD.getProperty("git.commit", "");
        if (!built.isEmpty() && !built.startsWith("${")) return built + (Boolean.parseBoolean(BUILD.getProperty("git.dirty", "false")) ? "-dirty" : "");
        return System.getProperty("fbnet.git.commit", System.getenv().getOrDefault("FBNET_GIT_COMMIT", "unknown"));
    }

    /** The code that wrote an output: fbnet version and commit. */
    public static Map<String, Object> code() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fbnet", fbnetVersion());
        m.put("commit", gitCommit());
        return m;
    }

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("spark", versionOf("org.apache.spark.SparkContext"));
        m.put("nd4j", BUILD.getProperty("dl4j.version", "unknown"));
        m.put("nd4jBackend", BUILD.getProperty("nd4j.backend", "unknown"));
        return m;
    }

    private static String versionOf(String className) {
        try {
            Package p = Class.forName(className, false, Environment.class.getClassLoader()).getPackage();
            String v = p == null ? null : p.getImplementationVersion();
            return v == null ? "present" : v;
        } catch (ClassNotFoundException e) {
            return "absent";
        }
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Environment.class.getResourceAsStream("/fbnet-build.properties")) {
            if (in != null) p.load(in);
        } catch (java.io.IOException ignored) {
            // a missing build file only loses provenance detail
        }
        return p;
    }
}
