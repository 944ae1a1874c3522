package org.fbnet.jobs;

import static org.fbnet.jobs.DeploymentFiles.at;
import static org.fbnet.jobs.DeploymentFiles.map;
import static org.fbnet.jobs.DeploymentFiles.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker/: what can be checked without a Docker engine. The files the Dockerfile copies exist or are what
 * the documented build makes, and .dockerignore lets them through; its versions agree with the poms; its
 * default command, and the compose cluster's, are command lines Spark and the launcher accept, naming files
 * the image has; the image names used elsewhere are the documented ones.
 */
class DockerImagesTest {
    private final DockerfileModel dockerfile = DeploymentFiles.dockerfile();

    @Test
    void everyCopySourceExistsOrIsTheDocumentedBuildsJar() {
        int checked = 0;
        for (DockerfileModel.Stage stage : dockerfile.stages) {
            for (DockerfileModel.Copy copy : stage.copies()) {
                String where = DeploymentFiles.DOCKERFILE + ":" + copy.line();
                if (copy.from() != null) {
                    assertTrue(dockerfile.stage(copy.from()).isPresent() || copy.from().matches("[\\w./-]+:[\\w.-]+"),
                            where + ": --from=" + copy.from() + " is neither a stage of this file nor an image with a tag");
                    continue;
                }
                for (String src : copy.sources()) {
                    String admitted;
                    if (DeploymentFiles.isGlob(src)) {
                        assertTrue(DeploymentFiles.isDistJar(src), where + ": " + src + " does not match what `mvn -Pdist package` builds, jobs/target/"
                                + RepositoryFiles.distJarName());
                        admitted = "jobs/target/" + RepositoryFiles.distJarName();
                    } else {
                        assertTrue(Files.exists(RepositoryFiles.file(src)), where + ": COPY source " + src + " does not exist");
                        admitted = Files.isDirectory(RepositoryFiles.file(src)) ? firstFileUnder(src) : src;
                    }
                    assertTrue(DockerIgnore.admits(admitted), where + ": .dockerignore keeps " + admitted + " out of the build context");
                    checked++;
                }
            }
        }
        assertTrue(checked >= 3, "COPY sources checked: " + checked);
        assertFalse(DockerIgnore.admits("pipeline/src/main/java/org/fbnet/config/Settings.java"), ".dockerignore sends the sources");
    }

    @Test
    void versionsAgreeWithThePoms() {
        assertEquals(RepositoryFiles.pomProperty("pom.xml", "spark.version"), dockerfile.globalArgs.get("SPARK_VERSION"),
                "SPARK_VERSION: the Spark the jar is built against");
        // Apache's bin-hadoop3 distributions of Spark 3.5 are built for Scala 2.12, as the jar must be.
        assertEquals("2.12", RepositoryFiles.pomProperty("pom.xml", "scala.binary.version"));
        Matcher cuda = Pattern.compile("<nd4j.backend>nd4j-cuda-(\\d+\\.\\d+)</nd4j.backend>").matcher(RepositoryFiles.read("pom.xml"));
        assertTrue(cuda.find(), "the root pom's cuda profile names no nd4j-cuda backend");
        String gpuBase = dockerfile.stage("base-gpu").orElseThrow().base();
        assertTrue(gpuBase.startsWith("nvidia/cuda:" + cuda.group(1) + "."), "base-gpu " + gpuBase + " must carry CUDA " + cuda.group(1)
                + ", the runtime of the cuda profile's backend");
        for (DockerfileModel.Stage s : dockerfile.stages) {
            for (DockerfileModel.Copy c : s.copies()) {
                if (c.from() != null && c.from().startsWith("eclipse-temurin:")) {
                    assertTrue(c.from().startsWith("eclipse-temurin:" + RepositoryFiles.pomProperty("pom.xml", "maven.compiler.release") + "-"),
                            c.from() + ": the Java the code is compiled for");
                }
            }
        }
    }

    @Test
    void theDocumentedImagesAreBuiltFromThisDockerfileAtTheProjectsVersion() {
        List<String> variants = new ArrayList<>();
        for (DeploymentFiles.Image image : DeploymentFiles.documentedImages().values()) {
            assertEquals(DeploymentFiles.DOCKERFILE, image.dockerfile(), image.name());
            assertTrue(image.name().endsWith(":" + RepositoryFiles.version()), image.name() + ": tag it with the project's version");
            for (String arg : image.buildArgs().keySet()) {
                assertTrue(dockerfile.argNames().contains(arg), image.name() + ": --build-arg " + arg + " is not an ARG of the Dockerfile");
            }
            String variant = image.buildArgs().getOrDefault("VARIANT", dockerfile.globalArgs.get("VARIANT"));
            assertTrue(dockerfile.stage("base-" + variant).isPresent(), image.name() + ": no base-" + variant + " stage");
            variants.add(variant);
        }
        assertEquals(List.of("cpu", "gpu"), variants.stream().sorted().toList(), "one CPU and one GPU image");
        String readme = RepositoryFiles.read("docker/README.md");
        assertTrue(readme.contains("mvn -B -Pdist,cuda -DskipTests package` then `docker build -f docker/Dockerfile --build-arg VARIANT=gpu"),
                "docker/README.md: the GPU image's jar is built with the cuda profile right before it");
    }

    @Test
    void theDefaultCommandRunsTheLauncherFromTheImage() throws Exception {
        DockerfileModel.Stage image = dockerfile.finalStage();
        assertEquals(List.of("/opt/entrypoint.sh"), image.execForm("ENTRYPOINT").orElseThrow(),
                "Spark's Kubernetes entrypoint: driver and executor pods start through it");
        assertTrue(image.instructions().stream().anyMatch(i -> i.keyword().equals("RUN")
                && i.arguments().contains("/opt/spark/kubernetes/dockerfiles/spark/entrypoint.sh /opt/entrypoint.sh")),
                "the entrypoint is Spark's, from the distribution");
        String where = DeploymentFiles.DOCKERFILE + " CMD";
        SparkSubmitLine cmd = DeploymentFiles.launcherSubmit(where, image.execForm("CMD").orElseThrow());
        assertEquals("local[*]", cmd.master(), where + ": a bare `docker run` runs on the container alone");
        LauncherLines.check(where, cmd.applicationArgs());
        assertEquals(ExitCode.OK.code, FbnetRun.of(cmd.applicationArgs().toArray(String[]::new)).code(), where + ": the launcher runs it");
    }

    @Test
    void composeRunsFbnetOnAStandaloneClusterItDefines() throws Exception {
        String file = "docker/compose.yaml";
        Map<String, Object> services = map(at(DeploymentFiles.yaml(file).get(0), "services"), file + " services");
        String driver = null;
        List<String> workers = new ArrayList<>();
        for (var e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue(), e.getKey());
            DeploymentFiles.assertDocumentedImage(file + " " + e.getKey(), String.valueOf(s.get("image")));
            List<String> command = strings(s.get("command"), e.getKey() + " command");
            if (command.get(0).endsWith("spark-submit")) driver = e.getKey();
            if (command.contains("org.apache.spark.deploy.worker.Worker")) workers.add(e.getKey());
        }
        assertTrue(driver != null, file + ": no service runs spark-submit");
        assertEquals(2, workers.size(), file + ": two workers");

        String where = file + " " + driver;
        Map<String, Object> driverService = map(services.get(driver), driver);
        SparkSubmitLine run = DeploymentFiles.launcherSubmit(where, strings(driverService.get("command"), where));
        assertEquals(driver, driverService.get("hostname"), where + ": executors reach a client-mode driver by its host name");

        // The master the properties file names is the master service, on its port.
        Matcher master = Pattern.compile("spark://([\\w-]+):(\\d+)").matcher(run.master());
        assertTrue(master.matches(), where + ": master " + run.master());
        List<String> masterCommand = strings(map(services.get(master.group(1)), master.group(1)).get("command"), "master command");
        assertTrue(masterCommand.contains("org.apache.spark.deploy.master.Master"), master.group(1) + " is not a Spark master");
        assertEquals(master.group(1), LauncherLines.value(masterCommand, "--host"));
        assertEquals(master.group(2), LauncherLines.value(masterCommand, "--port"));

        List<String> driverVolumes = containerPaths(driverService);
        for (String w : workers) {
            Map<String, Object> worker = map(services.get(w), w);
            List<String> command = strings(worker.get("command"), w + " command");
            assertEquals(run.master(), command.get(command.size() - 1), w + " registers with another master");
            assertTrue(Integer.parseInt(LauncherLines.value(command, "--cores")) >= Integer.parseInt(run.properties().get("spark.executor.cores")),
                    w + ": fewer cores than an executor asks for (spark.executor.cores)");
            assertTrue(DeploymentFiles.mebibytes(LauncherLines.value(command, "--memory"))
                            >= DeploymentFiles.mebibytes(run.properties().get("spark.executor.memory")),
                    w + ": less memory than an executor asks for (spark.executor.memory): no executor would start");
            assertEquals(driverVolumes, containerPaths(worker), w + ": the driver's and the workers' storage must be the same");
        }
        // ingest records image paths that executors read later: input and output on storage all of them mount.
        for (String flag : List.of("--input", "--output")) {
            String path = LauncherLines.value(run.applicationArgs(), flag);
            assertTrue(path != null && driverVolumes.stream().anyMatch(v -> path.equals(v) || path.startsWith(v + "/")),
                    where + ": " + flag + " " + path + " is on none of the shared volumes " + driverVolumes);
        }
        LauncherLines.checkScheduled(where, run.applicationArgs());
    }

    /** The container side of a compose service's volumes ({@code HOST:CONTAINER[:MODE]}). */
    private static List<String> containerPaths(Map<String, Object> service) {
        return strings(service.get("volumes"), "volumes").stream().map(v -> {
            String[] parts = v.split(":(?=/)");  // HOST may hold ${VAR:?message}; the container path starts with '/'
            if (parts.length < 2) fail("volume " + v + ": expected HOST:CONTAINER");
            return parts[1].replaceFirst(":(ro|rw)$", "");
        }).toList();
    }

    private static String firstFileUnder(String dir) {
        try (Stream<Path> s = Files.walk(RepositoryFiles.file(dir))) {
            Path root = RepositoryFiles.root();
            return s.filter(Files::isRegularFile).findFirst().map(p -> root.relativize(p).toString())
                    .orElseThrow(() -> new AssertionError(dir + " is empty"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** .dockerignore as Docker reads it: patterns in order, the last that matches a path or one of its parents decides, ! re-admits. */
    static final class DockerIgnore {
        static boolean admits(String path) {
            boolean admitted = true;
            for (String raw : RepositoryFiles.read(".dockerignore").split("\n")) {
                String p = raw.strip();
                if (p.isEmpty() || p.startsWith("#")) continue;
                boolean exception = p.startsWith("!");
                if (exception) p = p.substring(1);
                p = p.replaceAll("/+$", "");
                var matcher = FileSystems.getDefault().getPathMatcher("glob:" + p);
                for (Path q = Path.of(path); q != null; q = q.getParent()) {
                    if (matcher.matches(q)) {
                        admitted = exception;
                        break;
                    }
                }
            }
            return admitted;
        }
    }
}
