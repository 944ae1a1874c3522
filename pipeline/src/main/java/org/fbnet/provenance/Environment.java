package org.fbnet.provenance;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions and platform recorded in every manifest, so a result can be traced to what made it. */
public final class Environment {
    private Environment() { }

    /** fbnet's version, from the build. */
    public static String fbnetVersion() {
        return buildInfo().getProperty("version", "unknown");
    }

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fbnet", fbnetVersion());
        // bin/fbnet passes the commit it was built from; a jar on a cluster carries none otherwise.
        m.put("gitCommit", System.getProperty("fbnet.git.commit", System.getenv().getOrDefault("FBNET_GIT_COMMIT", "unknown")));
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("spark", versionOf("org.apache.spark.SparkContext", "spark-core"));
        m.put("nd4j", buildInfo().getProperty("dl4j.version", "unknown"));
        m.put("nd4jBackend", buildInfo().getProperty("nd4j.backend", "unknown"));
        return m;
    }

    private static String versionOf(String className, String fallback) {
        try {
            Package p = Class.forName(className, false, Environment.class.getClassLoader()).getPackage();
            String v = p == null ? null : p.getImplementationVersion();
            return v == null ? "present" : v;
        } catch (ClassNotFoundException e) {
            return "absent";
        }
    }

    private static Properties buildInfo() {
        Properties p = new Properties();
        try (InputStream in = Environment.class.getResourceAsStream("/fbnet-build.properties")) {
            if (in != null) p.load(in);
        } catch (java.io.IOException ignored) {
            // a missing build file only loses provenance detail
        }
        return p;
    }
}
