package org.fbnet.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Spark standalone cluster on 127.0.0.1: one master and N workers, each a separate JVM started from
 * this JVM's class path, for tests and {@code fbnet bench pretrain} (no Spark distribution needed).
 * <p>The worker builds its executors' command from {@code SPARK_HOME}: a folder whose {@code jars/} holds
 * symlinks to the class path's jars is enough, with {@code SPARK_SCALA_VERSION=2.12} (without it every
 * executor launch fails with "Cannot find any build directories") and {@code SPARK_LOCAL_IP=127.0.0.1}.
 * Executors get the full class path (directories included) through {@code spark.executor.extraClassPath},
 * which must be absolute. Stopped by PID: workers first (their shutdown kills their executors), then the
 * master; a JVM shutdown hook does the same if the owner never closes it.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);

    /**
     * One worker's resources, environment (extra variables reach its executors too) and optional Spark
     * properties file (e.g. GPU resources; relative paths in it resolve against the cluster folder).
     */
    public record WorkerSpec(int cores, String memory, Map<String, String> env, Path propertiesFile) {
        public static WorkerSpec plain(int cores, String memory) {
            return new WorkerSpec(cores, memory, Map.of(), null);
        }
    }

    private final Path dir;
    private final List<String> classPath;
    private final int port;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private final List<Path> workDirs = new ArrayList<>();
    private final Thread shutdownHook;

    private StandaloneCluster(Path dir, List<String> classPath, int port, Process master) {
        this.dir = dir;
        this.classPath = classPath;
        this.port = port;
        this.master = master;
        this.shutdownHook = new Thread(this::stopProcesses, "standalone-cluster-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** This JVM's class path: surefire's test class path when run by surefire (its own is a manifest-only jar). */
    public static List<String> currentClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> out = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) if (!e.isBlank()) out.add(Path.of(e).toAbsolutePath().toString());
        return out;
    }

    /**
     * Starts a master and one worker per spec, and waits until every worker has registered.
     * @param dir an empty folder for SPARK_HOME, logs and the workers' work directories
     */
    public static StandaloneCluster start(Path dir, List<String> classPath, List<WorkerSpec> specs) throws IOException {
        Path home = dir.resolve("spark-home"), jars = home.resolve("jars");
        Files.createDirectories(jars);
        Set<String> names = new LinkedHashSet<>();
        for (String e : classPath) {
            Path p = Path.of(e);
            if (e.endsWith(".jar") && Files.isRegularFile(p) && names.add(p.getFileName().toString())) {
                Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
            }
        }
        // The master and workers log at INFO whatever log4j2.properties the class path's jars carry (fbnet's own
        // launcher config sets the root at warn): start-up is detected from their logs.
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("log4j2-daemons.properties"), String.join("\n",
                "rootLogger.level = info", "rootLogger.appenderRef.stderr.ref = console", "appender.console.type = Console",
                "appender.console.name = console", "appender.console.target = SYSTEM_ERR", "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1}: %m%n", ""));
        int port = freePort();
        Process master = launch(dir, home, "master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", "" + port, "--webui-port", "" + freePort()), Map.of());
        StandaloneCluster cluster = new StandaloneCluster(dir, classPath, port, master);
        try {
            cluster.await("master up", () -> cluster.log("master").contains("I have been elected leader"), 60);
            for (int i = 0; i < specs.size(); i++) {
                WorkerSpec w = specs.get(i);
                Path work = Files.createDirectories(dir.resolve("worker-" + i));
                List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", "" + w.cores(), "--memory", w.memory(), "--work-dir", work.toString(), "--webui-port", "" + freePort()));
                if (w.propertiesFile() != null) args.addAll(List.of("--properties-file", w.propertiesFile().toString()));
                args.add(cluster.masterUrl());
                cluster.workers.add(launch(dir, home, "worker-" + i, args, w.env()));
                cluster.workDirs.add(work);
            }
            cluster.await(specs.size() + " workers registered", () -> count(cluster.log("master"), "Registering worker") >= specs.size(), 90);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("standalone cluster {} up: master pid {}, worker pids {}", cluster.masterUrl(), master.pid(), cluster.workerPids());
        return cluster;
    }

    /** Starts a daemon JVM in {@code dir}, so relative paths in a worker's properties file resolve against the cluster folder. */
    private static Process launch(Path dir, Path home, String name, List<String> args, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Xmx512m", "-Dlog4j2.configurationFile=" + home.resolve("conf").resolve("log4j2-daemons.properties").toUri(),
                "-cp", home.resolve("jars") + File.separator + "*"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        return pb.start();
    }

    public String masterUrl() { return "spark://127.0.0.1:" + port; }

    /**
     * The Spark settings of an application on this cluster: master, driver address, executor class path,
     * one executor per worker with {@code executorCores} cores and {@code executorMemory} heap.
     */
    public Map<String, String> appConf(int executorCores, String executorMemory) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("spark.master", masterUrl());
        m.put("spark.driver.host", "127.0.0.1");
        m.put("spark.driver.bindAddress", "127.0.0.1");
        m.put("spark.executor.extraClassPath", String.join(File.pathSeparator, classPath));
        m.put("spark.executor.cores", "" + executorCores);
        m.put("spark.cores.max", "" + executorCores * workers.size());
        m.put("spark.executor.memory", executorMemory);
        // OpenMP sizes its pool from the machine's cores at start: an executor must use its own cores only.
        m.put("spark.executorEnv.OMP_NUM_THREADS", "" + executorCores);
        m.put("spark.ui.enabled", "false");
        return m;
    }

    public long masterPid() { return master.pid(); }

    public List<Long> workerPids() { return workers.stream().map(Process::pid).toList(); }

    /** The executor JVMs the workers have launched and that are still alive (children of the worker processes). */
    public List<ProcessHandle> executors() {
        return workers.stream().flatMap(w -> w.toHandle().children()).filter(ProcessHandle::isAlive).toList();
    }

    /**
     * The JVM of the executor Spark calls {@code executorId}, if it is still alive. Read from
     * {@code /proc/PID/cmdline} (Linux): the JDK's ProcessHandle.Info returns no arguments at all for a
     * command line as long as an executor's (its class path alone is tens of kB).
     */
    public java.util.Optional<ProcessHandle> executor(String executorId) {
        for (ProcessHandle p : executors()) {
            try {
                String[] args = Files.readString(Path.of("/proc", "" + p.pid(), "cmdline"), StandardCharsets.UTF_8).split("\u0000");
                for (int i = 0; i + 1 < args.length; i++) {
                    if (args[i].equals("--executor-id") && args[i + 1].equals(executorId)) return java.util.Optional.of(p);
                }
            } catch (IOException e) {
                // exited since it was listed
            }
        }
        return java.util.Optional.empty();
    }

    /** Worker {@code i}'s work directory: {@code app-*}/{@code executor id}/stderr holds each executor's log. */
    public Path workDir(int i) { return workDirs.get(i); }

    /** The master's or a worker's log so far ("master", "worker-0", ...). */
    public String log(String name) {
        try {
            Path p = dir.resolve(name + ".log");
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every executor's stderr so far, concatenated. */
    public String executorLogs() {
        StringBuilder sb = new StringBuilder();
        for (Path w : workDirs) {
            try (var files = Files.walk(w)) {
                for (Path p : files.filter(f -> f.getFileName().toString().equals("stderr")).sorted().toList()) {
                    sb.append("== ").append(p).append('\n').append(Files.readString(p, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString();
    }

    private void await(String what, BooleanSupplier done, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (!master.isAlive()) throw new IOException("standalone master exited while waiting for " + what + ":\n" + log("master"));
            if (System.nanoTime() > deadline) {
                throw new IOException("standalone cluster: no " + what + " after " + seconds + " s; master log:\n" + log("master"));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + what, e);
            }
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
        return n;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** SIGTERM to each worker (which stops its executors) then the master, by PID; SIGKILL after 15 s. */
    private synchronized void stopProcesses() {
        List<Process> order = new ArrayList<>(workers);
        order.add(master);
        for (Process p : order) {
            if (!p.isAlive()) continue;
            List<ProcessHandle> children = p.toHandle().children().toList();
            p.destroy();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public void close() {
        stopProcesses();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs stopProcesses itself
        }
    }
}
