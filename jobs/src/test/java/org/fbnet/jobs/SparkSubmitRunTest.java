package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fbnet.provenance.Manifest;
import org.fbnet.spark.StandaloneCluster;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.Version;
import org.fbnet.train.FbnetModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code -Pdist} jar as users run it: {@code spark-submit --class org.fbnet.jobs.Fbnet --master spark://...
 * JAR run ...} against a real standalone cluster (a master and two 1-core workers as separate JVMs on 127.0.0.1).
 * The cluster's {@code $SPARK_HOME/jars} holds Spark's own jars and nothing of fbnet
 * ({@code jobs/src/test/spark-home/pom.xml}), so fbnet, DL4J and ND4J reach the driver and the executors only
 * through the submitted jar. spark-submit is run as the stock script does: Spark's launcher builds the driver's
 * command line, which is then executed as its own process.
 * <p>Tagged "cluster": {@code mvn -B -ntp -Pdist,cluster verify} builds the jar, then runs this test.
 */
@Tag("cluster")
class SparkSubmitRunTest {
    private static final String MAIN = "org.fbnet.jobs.Fbnet";
    /** Wall-clock limit of one spark-submit (a hung driver must fail the test, not the CI job). */
    private static final long RUN_MINUTES = 20;
    /**
     * The run tests' small settings, trained for 4 epochs. At these sizes (what two 1-core executors finish in
     * minutes) the network does not generalise: on 150 images per subject, 12 epochs reached a validation r of
     * 0.00-0.01 (ridge: 0.11 from the random CLIP's features, 0.27 from synth's planted features), and the racing
     * loss with fresh noise is not monotone over 4 epochs (0.10, 0.06, 0.01, 0.11 seen). So this test checks that
     * every epoch ran with finite losses; that averaging on this kind of cluster learns is shown on planted data by
     * ParameterAveragingClusterTest (validation r above 0.5).
     */
    private static final Map<String, String> SETTINGS = settings(RunCommandTest.SMALL, "train.epochs=4");

    @TempDir
    static Path dir;
    static StandaloneCluster cluster;
    static Path jar;

    @BeforeAll
    static void startCluster() throws Exception {
        jar = RepositoryFiles.file("jobs/target/" + RepositoryFiles.distJarName());
        assertTrue(Files.isRegularFile(jar), jar + " is missing: build the spark-submit jar first, e.g. mvn -B -ntp -Pdist,cluster verify"
                + " (which builds it and then runs this test)");
        Path home = dir.resolve("cluster/spark-home");
        // A Spark installation's conf/: the logging README tells users to install on every machine.
        Files.createDirectories(home.resolve("conf"));
        Files.copy(RepositoryFiles.file("conf/spark/log4j2.properties"), home.resolve("conf/log4j2.properties"));
        cluster = StandaloneCluster.start(dir.resolve("cluster"), sparkJars(),
                List.of(StandaloneCluster.WorkerSpec.plain(1, "1536m"), StandaloneCluster.WorkerSpec.plain(1, "1536m")));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    @Test
    void theSparkSubmitJarRunsThePipelineOnBothExecutorsThenOnlyANewSubject() throws Exception {
        String commit = builtCommit();
        assertTrue(commit.matches("[0-9a-f]{40}(-dirty)?"), "the jar records the git commit it was built from: " + commit);
        String data = dir.resolve("data").toString(), out = dir.resolve("out").toString();
        Path config = writeConfig();
        synth(data, 3);

        Set<String> appsBefore = appDirs().keySet();
        FbnetRun first = submit("first", "run", "--input", data, "--truth", data + "/truth", "--output", out, "--config", config.toString());
        Map<String, String> executors = executorLogs(appsBefore);
        assertEquals(2, executors.size(), "one executor per worker: " + executors.keySet());
        DataRoot root = DataRoot.of(out, HadoopConf.create());
        Version pretrained = root.versioned("models/fbnet/pretrained").current().orElseThrow();
        Manifest pm = pretrained.manifest();
        assertTrue(String.valueOf(pm.get("runner")).startsWith("dl4j-spark parameter averaging"), "pre-trained by: " + pm.get("runner"));
        assertEquals(commit, pm.code().get("commit"), "the driver's manifests name the commit of the jar it ran");
        assertTrained("pretrained", FbnetModel.load(pretrained.path(), root.conf()));
        assertTrue(root.versioned("reports/index").current().isPresent(), "the run report was published:\n" + first.out());
        Map<String, String> versions = new TreeMap<>();
        for (String s : List.of("subj01", "subj02", "subj03")) versions.put(s, checkModel(root, s, pretrained.id()));
        versions.put("pretrained", pretrained.id());
        for (var e : executors.entrySet()) {
            // Both executors trained a slice of every averaging round and ran at least one fine-tune.
            assertTrue(e.getValue().contains("pretrain worker on executor"), e.getKey() + " ran no pre-training task:\n" + e.getValue());
            assertTrue(e.getValue().matches("(?s).*finetune/subj0[123]: training on executor.*"), e.getKey() + " ran no fine-tune:\n" + e.getValue());
        }
        assertEquals(Set.of("finetune/subj01", "finetune/subj02", "finetune/subj03"), fineTunes(executors), "each subject fine-tuned once");

        // A fourth subject's scans arrive: only its units run, from the same pre-trained network.
        synth(data, 4);
        appsBefore = appDirs().keySet();
        FbnetRun second = submit("second", "run", "--input", data, "--truth", data + "/truth", "--output", out, "--config", config.toString());
        assertEquals(RunCommandTest.unitsOfANewSubject("subj04"), second.published(), second.out());
        executors = executorLogs(appsBefore);
        // On a cluster the new subject's one fine-tune still trains on an executor; no other subject trains again.
        assertEquals(Set.of("finetune/subj04"), fineTunes(executors), "only the new subject is fine-tuned, on an executor");
        assertFalse(executors.values().stream().anyMatch(l -> l.contains("pretrain worker on executor")), "pre-training ran again");
        checkModel(root, "subj04", pretrained.id());
        for (var e : versions.entrySet()) {
            assertEquals(e.getValue(), root.versioned("models/fbnet/" + e.getKey()).current().orElseThrow().id(), e.getKey() + " was replaced");
        }
        FbnetRun status = FbnetRun.of("status", "--output", out, "--json").expect(ExitCode.OK);
        assertTrue(status.out().contains("\"output\" : \"models/fbnet/subj04\""), status.out());
    }

    /**
     * A subject's model: current, loadable, fine-tuned from the pre-trained version, every epoch run with finite
     * losses. Returns the current version's id.
     */
    private static String checkModel(DataRoot root, String subject, String parent) throws IOException {
        Version v = root.versioned("models/fbnet/" + subject).current().orElseThrow(() -> new AssertionError(subject + " has no model"));
        FbnetModel m = FbnetModel.load(v.path(), root.conf());
        assertEquals(List.of(subject), m.subjects());
        assertEquals(parent, v.manifest().input("models/fbnet/pretrained").version(), subject + "'s parent");
        assertTrained(subject, m);
        return v.id();
    }

    private static void assertTrained(String what, FbnetModel m) {
        var h = m.history();
        assertEquals(Integer.parseInt(SETTINGS.get("train.epochs")), h.size(), what + ": epochs run: " + h);
        assertTrue(h.stream().allMatch(r -> Double.isFinite(r.trainLoss()) && Double.isFinite(r.validationR())), what + ": " + h);
    }

    /** The fine-tune units the executors' logs say they trained. */
    private static Set<String> fineTunes(Map<String, String> logs) {
        Set<String> units = new TreeSet<>();
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("(finetune/subj\\d+): training on executor");
        for (String log : logs.values()) {
            java.util.regex.Matcher m = p.matcher(log);
            while (m.find()) units.add(m.group(1));
        }
        return units;
    }

    /** Runs spark-submit as Spark's bin/spark-submit does, in the test's folder; returns its exit code and output. */
    private static FbnetRun submit(String name, String... fbnetArgs) throws Exception {
        Path home = dir.resolve("cluster/spark-home");
        Path events = Files.createDirectories(dir.resolve("spark-events"));
        List<String> args = new ArrayList<>(List.of(
                "--properties-file", RepositoryFiles.file("conf/spark/standalone.conf").toString(),
                "--master", cluster.masterUrl(), "--deploy-mode", "client",
                // Sizes for two 1-core, 1.5 GB workers on a shared 2-core machine.
                "--driver-memory", "1536m", "--executor-memory", "1g",
                "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                // Pre-training sizes its workers from the cluster's task slots: wait for both executors.
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.eventLog.dir=" + events.toUri(),
                "--class", MAIN, jar.toString()));
        args.addAll(List.of(fbnetArgs));
        List<String> command = launcherCommand(home, args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        environment(pb, home);
        Process p = pb.start();
        if (!p.waitFor(RUN_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("spark-submit (" + name + ") still ran after " + RUN_MINUTES + " minutes; driver log:\n" + tail(dir.resolve(name + ".err")));
        }
        FbnetRun run = new FbnetRun(p.exitValue(), Files.readString(dir.resolve(name + ".out")), Files.readString(dir.resolve(name + ".err")));
        if (run.code() != 0) {
            fail("spark-submit (" + name + ") exited with " + run.code() + "; stdout:\n" + run.out() + "\ndriver log (tail):\n"
                    + tail(dir.resolve(name + ".err")) + "\nexecutor logs:\n" + cluster.executorLogs());
        }
        return run;
    }

    /**
     * The driver's command line as bin/spark-class gets it from {@code org.apache.spark.launcher.Main} (java from JAVA_HOME, the class path of $SPARK_HOME, the driver's heap, Java 17's flags).
     */
    private static List<String> launcherCommand(Path home, List<String> submitArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx128m", "-cp", home.resolve("jars") + File.separator + "*",
                "org.apache.spark.launcher.Main", "org.apache.spark.deploy.SparkSubmit"));
        cmd.addAll(submitArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        environment(pb, home);
        Process p = pb.start();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(buf);
        }
        assertEquals(0, p.waitFor(), "Spark's launcher refused the command: " + buf.toString(StandardCharsets.UTF_8));
        // As bin/spark-class reads it: lines of messages, a line holding NUL, then the command's words each ended by NUL.
        String printed = buf.toString(StandardCharsets.UTF_8);
        int start = printed.indexOf("\u0000\n");
        assertTrue(start >= 0, "Spark's launcher printed no command: " + printed);
        List<String> words = new ArrayList<>(List.of(printed.substring(start + 2).split("\u0000")));
        assertTrue(words.contains("org.apache.spark.deploy.SparkSubmit"), "launcher output: " + words);
        return words;
    }

    private static void environment(ProcessBuilder pb, Path home) {
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().remove("SPARK_CONF_DIR");
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The jars of a Spark installation: Spark core and SQL with their dependencies, resolved by Maven from
     * {@code jobs/src/test/spark-home/pom.xml} with the settings of the build running this test.
     */
    private static List<String> sparkJars() throws Exception {
        Path list = dir.resolve("spark-home.classpath");
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("fbnet.maven", "mvn"), "-B", "-q", "-ntp",
                "-f", RepositoryFiles.file("jobs/src/test/spark-home/pom.xml").toString(),
                "dependency:build-classpath", "-Dmdep.outputFile=" + list));
        String repo = System.getProperty("fbnet.maven.repo", "");
        if (!repo.isBlank()) cmd.add("-Dmaven.repo.local=" + repo);
        // Offline first (the jars are usually there already), then online once for what is missing.
        List<String> offline = new ArrayList<>(cmd);
        offline.add("-o");
        if (!maven(offline)) assertTrue(maven(cmd), "cannot list Spark's jars with " + String.join(" ", cmd) + ":\n"
                + Files.readString(dir.resolve("spark-home.log")));
        List<String> jars = List.of(Files.readString(list).trim().split(File.pathSeparator));
        assertTrue(jars.stream().anyMatch(j -> j.contains("spark-core_2.12")), "no Spark in " + jars);
        assertFalse(jars.stream().anyMatch(j -> j.contains("fbnet") || j.contains("nd4j") || j.contains("deeplearning4j")),
                "the Spark installation must not carry fbnet or DL4J: " + jars);
        return jars;
    }

    private static boolean maven(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("spark-home.log").toFile()).start();
        if (p.waitFor(10, TimeUnit.MINUTES)) return p.exitValue() == 0;
        p.destroyForcibly();
        return false;
    }

    /** The git commit the spark-submit jar's fbnet-build.properties records. */
    private static String builtCommit() throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            assertTrue(j.stream().noneMatch(e -> e.getName().startsWith("org/fbnet/spark/StandaloneCluster")),
                    "the test harness StandaloneCluster is left out of the spark-submit jar");
            var entry = j.getEntry("fbnet-build.properties");
            assertNotNull(entry, jar + " has no fbnet-build.properties");
            Properties p = new Properties();
            try (InputStream in = j.getInputStream(entry)) {
                p.load(in);
            }
            return p.getProperty("git.commit") + (Boolean.parseBoolean(p.getProperty("git.dirty")) ? "-dirty" : "");
        }
    }

    /** Generated subjects with images (what bin/fbnet synth writes), made in this JVM. */
    private static void synth(String data, int subjects) {
        List<String> argv = new ArrayList<>(List.of("synth", "--out", data, "--subjects", "" + subjects));
        SETTINGS.forEach((k, v) -> argv.addAll(List.of("--set", k + "=" + v)));
        FbnetRun.of(argv.toArray(String[]::new)).expect(ExitCode.OK);
    }

    /** The settings as a file of fbnet settings, for {@code run --config}. */
    private static Path writeConfig() throws IOException {
        StringBuilder sb = new StringBuilder("# SparkSubmitRunTest: a tiny pipeline on two 1-core executors\n");
        SETTINGS.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return Files.writeString(dir.resolve("small.properties"), sb);
    }

    /** {@code --set k=v} pairs, then overrides, in order. */
    private static Map<String, String> settings(String[] setArgs, String... overrides) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < setArgs.length; i += 2) pairs.add(setArgs[i + 1]);
        pairs.addAll(List.of(overrides));
        for (String kv : pairs) m.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        return m;
    }

    /** Every application folder of the workers ({@code app-*}), by path. */
    private static Map<String, Path> appDirs() throws IOException {
        Map<String, Path> apps = new TreeMap<>();
        for (int i = 0; i < 2; i++) {
            try (Stream<Path> s = Files.list(cluster.workDir(i))) {
                s.filter(p -> p.getFileName().toString().startsWith("app-")).forEach(p -> apps.put(p.toString(), p));
            }
        }
        return apps;
    }

    /** The stderr of each executor of the applications started since {@code before}, by executor folder. */
    private static Map<String, String> executorLogs(Set<String> before) throws IOException {
        Map<String, String> logs = new TreeMap<>();
        for (var app : appDirs().entrySet()) {
            if (before.contains(app.getKey())) continue;
            try (Stream<Path> s = Files.list(app.getValue())) {
                for (Path executor : s.filter(Files::isDirectory).collect(Collectors.toList())) {
                    Path err = executor.resolve("stderr");
                    logs.put(executor.toString(), Files.exists(err) ? Files.readString(err) : "");
                }
            }
        }
        return logs;
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size()));
    }
}
