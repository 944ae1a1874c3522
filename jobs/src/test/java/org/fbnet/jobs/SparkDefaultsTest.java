package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.spark.internal.config.ConfigEntry$;
import org.fbnet.config.Settings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The spark-defaults files in conf/spark/: read by Spark's own spark-submit parser, each names the master of
 * its environment, sets only keys Spark knows and that fbnet does not set itself, and carries the root
 * pom's Java 17 flags where a cluster starts the driver; the cluster logging configuration parses and agrees
 * with the launcher's.
 */
class SparkDefaultsTest {
    /** Each environment's file and the master spark-submit resolves from it (local: spark-submit's default). */
    static final Map<String, String> MASTERS = Map.of(
            "conf/spark/local.conf", "local[*]",
            "conf/spark/standalone.conf", "spark://spark-master:7077",
            "conf/spark/yarn.conf", "yarn",
            "conf/spark/k8s.conf", "k8s://https://kubernetes.default.svc:443");

    /** Environments where a cluster manager, not spark-submit's launcher, may start the driver's JVM. */
    static final Set<String> CLUSTER_STARTED_DRIVERS = Set.of("conf/spark/standalone.conf", "conf/spark/yarn.conf");

    /**
     * What org.fbnet.spark.SparkSessions sets before the context starts (setIfMissing): the serializer and
     * Kryo registrators, SQL settings from conf/spark.properties, Hadoop settings. The same key in a
     * spark-defaults file would win over fbnet's.
     */
    static final List<String> SET_BY_FBNET = List.of("spark.serializer", "spark.kryo", "spark.sql.", "spark.hadoop.", "spark.app.name");

    /** Keys of Spark modules that are not on this class path (YARN, Kubernetes) or that spark-submit reads itself. */
    static final List<String> NOT_REGISTERED_HERE = List.of("spark.yarn.", "spark.kubernetes.", "spark.master");

    @Test
    void everyEnvironmentFileIsCovered() throws Exception {
        List<String> files = new ArrayList<>();
        try (var s = Files.list(RepositoryFiles.file("conf/spark"))) {
            s.filter(p -> p.toString().endsWith(".conf")).forEach(p -> files.add("conf/spark/" + p.getFileName()));
        }
        assertEquals(MASTERS.keySet(), new HashSet<>(files));
    }

    @Test
    void sparkSubmitReadsEachFileAndResolvesItsMaster() throws Exception {
        for (var e : MASTERS.entrySet()) {
            SparkSubmitLine line = submit(e.getKey());
            assertEquals(e.getValue(), line.master(), e.getKey());
            assertEquals(Fbnet.class.getName(), line.mainClass());
            assertEquals("client", line.deployMode() == null ? "client" : line.deployMode(),
                    e.getKey() + ": client mode, so fbnet's exit code reaches the caller");
        }
    }

    @Test
    void noFileSetsWhatFbnetSetsItself() {
        Set<String> settingsKeys = new HashSet<>(Settings.defaults().keys());
        for (String f : MASTERS.keySet()) {
            for (String key : RepositoryFiles.properties(f).keySet()) {
                assertTrue(!settingsKeys.contains(key), f + ": " + key + " has its home in conf/*.properties");
                for (String prefix : SET_BY_FBNET) {
                    assertTrue(!key.startsWith(prefix), f + ": " + key + " is set by fbnet itself (org.fbnet.spark.SparkSessions)");
                }
            }
        }
    }

    @Test
    void everyKeyIsOneSparkKnows() {
        // Spark registers its core settings when their holders load.
        List<Object> holders = List.of(org.apache.spark.internal.config.package$.MODULE$,
                org.apache.spark.internal.config.UI$.MODULE$, org.apache.spark.internal.config.Deploy$.MODULE$,
                org.apache.spark.internal.config.Worker$.MODULE$, org.apache.spark.internal.config.History$.MODULE$);
        assertNotNull(holders);
        assertTrue(known("spark.driver.memory") && !known("spark.driver.memroy"), "the registry answers for a real and a misspelt key");
        for (String f : MASTERS.keySet()) {
            for (String key : RepositoryFiles.properties(f).keySet()) {
                if (NOT_REGISTERED_HERE.stream().anyMatch(key::startsWith)) continue;
                assertTrue(known(key), f + ": " + key + " is not a Spark setting");
            }
        }
    }

    @Test
    void driversStartedByAClusterGetThePomsJava17Flags() {
        String opens = RepositoryFiles.pomProperty("pom.xml", "java17.opens");
        assertTrue(opens.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), opens);
        for (String f : MASTERS.keySet()) {
            String driver = RepositoryFiles.properties(f).get("spark.driver.extraJavaOptions");
            if (CLUSTER_STARTED_DRIVERS.contains(f)) {
                assertEquals(opens, driver, f + ": spark.driver.extraJavaOptions must be the root pom's java17.opens");
            } else {
                assertTrue(driver == null, f + ": spark-submit's launcher adds the flags here; no copy to keep in step");
            }
        }
    }

    @Test
    void theGpuFileAddsKeysNoEnvironmentFileHas() {
        Path gpu = RepositoryFiles.file("conf/spark-gpu.conf");
        Assumptions.assumeTrue(Files.isRegularFile(gpu), "conf/spark-gpu.conf comes with the GPU scheduling branch; checked once merged");
        Set<String> gpuKeys = RepositoryFiles.properties("conf/spark-gpu.conf").keySet();
        for (String f : MASTERS.keySet()) {
            Set<String> both = new HashSet<>(RepositoryFiles.properties(f).keySet());
            both.retainAll(gpuKeys);
            assertEquals(Set.of(), both, f + " and conf/spark-gpu.conf are concatenated for GPU runs: one home per key");
        }
    }

    @Test
    void aPropertiesFileOutsideTheRepositoryIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> SparkSubmitLine.parse(
                List.of("spark-submit", "--properties-file", "/nowhere/x.conf", "--class", "C", "app.jar"), p -> null));
        assertTrue(e.getMessage().contains("/nowhere/x.conf"), e.getMessage());
    }

    @Test
    void theClusterLoggingParsesAndKeepsTheLaunchersLevels() throws Exception {
        Configuration cluster = log4j("conf/spark/log4j2.properties");
        Configuration launcher = log4j("jobs/src/main/resources/log4j2.properties");
        for (String logger : List.of("org.fbnet", "org.apache.hadoop.util.NativeCodeLoader")) {
            assertEquals(launcher.getLoggerConfig(logger).getLevel(), cluster.getLoggerConfig(logger).getLevel(), logger);
        }
        assertEquals(launcher.getRootLogger().getLevel(), cluster.getRootLogger().getLevel(), "root level");
        assertEquals(Level.INFO, cluster.getLoggerConfig("org.fbnet.jobs.Fbnet").getLevel(), "fbnet's progress is logged");
        // bin/fbnet silences per-task failures (local mode aborts on the first); a cluster retries and must say so.
        assertEquals(Level.WARN, cluster.getLoggerConfig("org.apache.spark.scheduler.TaskSetManager").getLevel());
        assertEquals(Level.OFF, launcher.getLoggerConfig("org.apache.spark.scheduler.TaskSetManager").getLevel());
    }

    private static Configuration log4j(String relative) throws Exception {
        Path p = RepositoryFiles.file(relative);
        try (var in = Files.newInputStream(p)) {
            Configuration c = new PropertiesConfigurationFactory().getConfiguration(new LoggerContext("check " + relative),
                    new ConfigurationSource(in, p.toFile()));
            c.initialize();
            assertTrue(!c.getAppenders().isEmpty(), relative + " defines no appender");
            return c;
        }
    }

    private static boolean known(String key) {
        return ConfigEntry$.MODULE$.findEntry(key) != null;
    }

    private static SparkSubmitLine submit(String confFile) throws Exception {
        return SparkSubmitLine.parse(List.of("spark-submit", "--properties-file", confFile, "--class", Fbnet.class.getName(),
                "app.jar", "--help"), RepositoryFiles::file);
    }
}
