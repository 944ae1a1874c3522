package org.fbnet.jobs;

import static org.fbnet.jobs.DeploymentFiles.at;
import static org.fbnet.jobs.DeploymentFiles.list;
import static org.fbnet.jobs.DeploymentFiles.map;
import static org.fbnet.jobs.DeploymentFiles.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.config.ConfigException;
import org.fbnet.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * deploy/ and README's "On a cluster": the scheduled runs (Kubernetes CronJob, crontab, Airflow DAG) and the
 * documented command lines. Their YAML parses; their spark-submit lines are ones Spark's parser accepts and
 * that run the launcher with flags it takes, leaving the lock alone; their images are docker/'s; the paths
 * they name are on the storage the driver and executors share.
 */
class ScheduledRunsTest {
    static final String CRONJOB = "deploy/kubernetes/fbnet-cronjob.yaml";
    static final String CRONTAB = "deploy/standalone/fbnet.cron";
    static final String DAG = "deploy/airflow/fbnet_run.py";

    @TempDir Path tmp;

    @Test
    void theCronJobRunsOneRunAtATimeOnTheClusterItsFilesDescribe() throws Exception {
        List<Object> docs = DeploymentFiles.yaml(CRONJOB);
        Map<String, Map<String, Object>> byKind = new HashMap<>();
        for (Object d : docs) {
            Map<String, Object> doc = map(d, CRONJOB + " document");
            byKind.put(doc.get("kind") + "/" + at(doc, "metadata.name"), doc);
        }
        Map<String, Object> cronJob = byKind.get("CronJob/fbnet-run");
        assertTrue(cronJob != null, CRONJOB + ": no CronJob fbnet-run; kinds: " + byKind.keySet());
        assertEquals("Forbid", at(cronJob, "spec.concurrencyPolicy"), "a run must not start while the last one is active");
        assertEquals(0, at(cronJob, "spec.jobTemplate.spec.backoffLimit"), "the next night resumes a failed run; no retry piling up");
        Map<String, Object> pod = map(at(cronJob, "spec.jobTemplate.spec.template.spec"), "pod spec");
        assertEquals("Never", pod.get("restartPolicy"));
        List<Object> containers = list(pod.get("containers"), "containers");
        assertEquals(1, containers.size());
        Map<String, Object> driver = map(containers.get(0), "driver container");
        DeploymentFiles.assertDocumentedImage(CRONJOB, String.valueOf(driver.get("image")));
        assertTrue(!driver.containsKey("command"), "args, not command: the image's entrypoint (tini, passwd entry) stays");

        String where = CRONJOB + " driver args";
        SparkSubmitLine run = DeploymentFiles.launcherSubmit(where, strings(driver.get("args"), where));
        Map<String, String> spark = run.properties();
        assertTrue(run.master().startsWith("k8s://"), where + ": master " + run.master());
        assertEquals("client", run.deployMode(), where + ": the pod is the driver, so its exit code is fbnet's");
        assertEquals(String.valueOf(at(cronJob, "metadata.namespace")), spark.get("spark.kubernetes.namespace"), "executors go to the CronJob's namespace");
        assertEquals(driver.get("image"), spark.get("spark.kubernetes.container.image"), "driver and executors run the same build");

        // Client mode in a pod: executors reach the driver at its pod IP; the pod name makes it their owner.
        Map<String, String> env = new HashMap<>();
        for (Object e : list(driver.get("env"), "env")) {
            Map<String, Object> var = map(e, "env var");
            env.put(String.valueOf(var.get("name")), String.valueOf(at(var, "valueFrom.fieldRef.fieldPath")));
        }
        assertEquals("$(POD_IP)", spark.get("spark.driver.host"));
        assertEquals("status.podIP", env.get("POD_IP"));
        assertEquals("$(POD_NAME)", spark.get("spark.kubernetes.driver.pod.name"));
        assertEquals("metadata.name", env.get("POD_NAME"));

        // The account the driver creates executor pods with is bound to a role that may.
        String account = String.valueOf(pod.get("serviceAccountName"));
        assertTrue(byKind.containsKey("ServiceAccount/" + account), "no ServiceAccount " + account);
        Map<String, Object> binding = byKind.values().stream().filter(d -> "RoleBinding".equals(d.get("kind"))
                && list(d.get("subjects"), "subjects").stream().anyMatch(s -> account.equals(map(s, "subject").get("name"))))
                .findFirst().orElseThrow(() -> new AssertionFailedError("no RoleBinding for " + account));
        Map<String, Object> role = byKind.get("Role/" + at(binding, "roleRef.name"));
        assertTrue(role != null, "the binding's Role is not in the file");
        boolean podsCreateDelete = list(role.get("rules"), "rules").stream().map(r -> map(r, "rule")).anyMatch(r ->
                strings(r.get("resources"), "resources").contains("pods")
                        && strings(r.get("verbs"), "verbs").containsAll(List.of("create", "delete", "watch")));
        assertTrue(podsCreateDelete, "the driver's role must create, watch and delete pods");

        // Shared storage: the claim the driver mounts is the one executors mount (conf/spark/k8s.conf), at the same path.
        Map<String, String> mounts = new HashMap<>();  // mount path -> volume name
        for (Object m : list(driver.get("volumeMounts"), "volumeMounts")) {
            Map<String, Object> mount = map(m, "volumeMount");
            mounts.put(String.valueOf(mount.get("mountPath")), String.valueOf(mount.get("name")));
        }
        Map<String, Map<String, Object>> volumes = new HashMap<>();
        for (Object v : list(pod.get("volumes"), "volumes")) {
            Map<String, Object> volume = map(v, "volume");
            volumes.put(String.valueOf(volume.get("name")), volume);
        }
        Pattern executorClaim = Pattern.compile("spark\\.kubernetes\\.executor\\.volumes\\.persistentVolumeClaim\\.([^.]+)\\.mount\\.path");
        List<String> sharedPaths = new ArrayList<>();
        for (var e : spark.entrySet()) {
            Matcher m = executorClaim.matcher(e.getKey());
            if (!m.matches()) continue;
            String claim = spark.get("spark.kubernetes.executor.volumes.persistentVolumeClaim." + m.group(1) + ".options.claimName");
            String driverVolume = mounts.get(e.getValue());
            assertTrue(driverVolume != null, "executors mount " + e.getValue() + "; the driver does not");
            assertEquals(claim, at(volumes.get(driverVolume), "persistentVolumeClaim.claimName"), "driver and executors mount different claims at " + e.getValue());
            assertTrue(byKind.containsKey("PersistentVolumeClaim/" + claim), "the claim " + claim + " is not in the file");
            assertEquals(List.of("ReadWriteMany"), strings(at(byKind.get("PersistentVolumeClaim/" + claim), "spec.accessModes"), "accessModes"),
                    "the driver and the executors mount it at once");
            sharedPaths.add(e.getValue());
        }
        for (String flag : List.of("--input", "--output")) {
            String path = LauncherLines.value(run.applicationArgs(), flag);
            assertTrue(path != null && sharedPaths.stream().anyMatch(p -> path.startsWith(p + "/")),
                    where + ": " + flag + " " + path + " is not on the shared volume " + sharedPaths);
        }

        // The site settings file is a ConfigMap's key, and every key in it is one of conf/*.properties.
        String site = LauncherLines.value(run.applicationArgs(), "--conf");
        Path sitePath = Path.of(site);
        String siteVolume = mounts.get(sitePath.getParent().toString());
        assertTrue(siteVolume != null, where + ": --conf " + site + " is on no mounted volume");
        Map<String, Object> configMap = byKind.get("ConfigMap/" + at(volumes.get(siteVolume), "configMap.name"));
        assertTrue(configMap != null, "the site ConfigMap is not in the file");
        Object properties = map(configMap.get("data"), "ConfigMap data").get(sitePath.getFileName().toString());
        assertTrue(properties != null, "the ConfigMap has no key " + sitePath.getFileName());
        Path local = Files.writeString(tmp.resolve("site.properties"), properties.toString());
        Settings.load(List.of(local.toString()), Map.of(), new Configuration());

        // The pod holds the driver's heap and more.
        long limit = DeploymentFiles.mebibytes(String.valueOf(at(driver, "resources.limits.memory")));
        assertTrue(limit > DeploymentFiles.mebibytes(spark.get("spark.driver.memory")), "the pod's memory limit must exceed spark.driver.memory");

        LauncherLines.checkScheduled(where, run.applicationArgs());
    }

    @Test
    void theCrontabLineTakesALockAndRunsTheLauncher() throws Exception {
        CronLine cron = cronLine();
        assertTrue(cron.schedule().matches("([0-9*,/-]+ ){4}[0-9*,/-]+"), CRONTAB + ": schedule " + cron.schedule());
        List<String> words = ShellWords.commands(cron.command()).get(0);
        assertEquals(List.of("flock", "-n"), words.subList(0, 2), CRONTAB + ": flock -n LOCKFILE guards against a run still going");
        assertTrue(words.get(2).startsWith("/"), CRONTAB + ": the lock file " + words.get(2));
        SparkSubmitLine run = DeploymentFiles.launcherSubmit(CRONTAB, words);
        assertTrue(run.master().startsWith("spark://"), CRONTAB + ": a standalone master, not " + run.master());
        assertEquals("/var/log/fbnet/run.log", ShellWords.parse(cron.command()).get(0).stdout(), CRONTAB + ": the run's log");
        LauncherLines.checkScheduled(CRONTAB, run.applicationArgs());
    }

    @Test
    void theAirflowDagRunsTheCrontabsCommandOnItsSchedule() throws Exception {
        String dag = RepositoryFiles.read(DAG);
        Matcher command = Pattern.compile("FBNET_RUN = \\(((?:\\s*\"[^\"]*\")+)\\s*\\)").matcher(dag);
        assertTrue(command.find(), DAG + ": no FBNET_RUN = (\"...\" \"...\") string");
        StringBuilder joined = new StringBuilder();
        Matcher literal = Pattern.compile("\"([^\"]*)\"").matcher(command.group(1));
        while (literal.find()) joined.append(literal.group(1));
        List<String> words = ShellWords.commands(joined.toString()).get(0);
        CronLine cron = cronLine();
        List<String> cronWords = ShellWords.commands(cron.command()).get(0);
        assertEquals(cronWords.subList(3, cronWords.size()), words, DAG + ": the crontab's command (one scheduled run, two schedulers)");
        assertTrue(dag.contains("schedule=\"" + cron.schedule() + "\""), DAG + ": the crontab's schedule");
        assertTrue(dag.contains("max_active_runs=1"), DAG + ": one run at a time");
        assertTrue(dag.contains("bash_command=FBNET_RUN"), DAG + ": the task runs FBNET_RUN");
        LauncherLines.checkScheduled(DAG, DeploymentFiles.launcherSubmit(DAG, words).applicationArgs());
    }

    @Test
    void everyCommandLineOfTheReadmesClusterSectionIsOneSparkAndTheLauncherAccept() throws Exception {
        String section = readmeSection("On a cluster");
        Matcher block = Pattern.compile("```(?:bash|sh)?\\n(.*?)```", Pattern.DOTALL).matcher(section);
        int submits = 0, launchers = 0;
        List<String> skipped = new ArrayList<>();
        while (block.find()) {
            Map<String, Path> written = new HashMap<>();  // files earlier commands of the block wrote
            for (ShellWords.Simple c : ShellWords.parse(block.group(1))) {
                List<String> w = c.words();
                String where = "README \"On a cluster\": " + String.join(" ", w);
                if (w.get(0).equals("cat") && c.stdout() != null) {
                    written.put(c.stdout(), concatenate(w.subList(1, w.size()), skipped));
                } else if (w.stream().anyMatch(x -> x.endsWith("spark-submit"))) {
                    submits++;
                    List<String> words = withWrittenFiles(w, written);
                    if (words == null) continue;
                    SparkSubmitLine line = DeploymentFiles.launcherSubmit(where, words);
                    String image = line.properties().get("spark.kubernetes.container.image");
                    if (image != null) DeploymentFiles.assertDocumentedImage(where, image);
                    checkLauncherLater(where, line.applicationArgs(), skipped);
                } else if (w.get(0).equals("bin/fbnet")) {
                    checkLauncherLater(where, w.subList(1, w.size()), skipped);
                    launchers++;
                }
            }
        }
        assertTrue(submits >= 5, "README's cluster section shows spark-submit for standalone, YARN, Kubernetes and GPU workers: " + submits);
        assertTrue(launchers >= 1, "README's cluster section shows the local command too");
        org.junit.jupiter.api.Assumptions.assumeTrue(skipped.isEmpty(), () -> "checked all but: " + skipped);
    }

    @Test
    void theCheckRefusesWhatTheLauncherWouldRefuse() throws Exception {
        // ingest stands in for any command the launcher has: an unknown flag and a missing required one fail the check.
        assertThrows(AssertionFailedError.class, () -> LauncherLines.check("t", List.of("ingest", "--input", "a", "--output", "b", "--bogus")));
        assertThrows(AssertionFailedError.class, () -> LauncherLines.check("t", List.of("ingest", "--input", "a")));
        assertThrows(AssertionFailedError.class, () -> LauncherLines.check("t", List.of("nonsense")));
        LauncherLines.check("t", List.of("ingest", "--input", "a", "--output", "b", "--conf", "x.properties"));
        assertThrows(AssertionFailedError.class, () -> LauncherLines.checkScheduled("t", List.of("ingest", "--input", "a", "--output", "b", "--force")));
        // Spark's parser refuses an option spark-submit does not have, before the jar.
        assertThrows(org.apache.spark.SparkException.class, () -> DeploymentFiles.launcherSubmit("t",
                List.of("spark-submit", "--bogus", "--class", Fbnet.class.getName(), "jobs/target/" + RepositoryFiles.distJarName(), "--help")));
        assertThrows(AssertionFailedError.class, () -> DeploymentFiles.launcherSubmit("t",
                List.of("spark-submit", "--class", "org.example.Other", "jobs/target/" + RepositoryFiles.distJarName(), "--help")));
        assertThrows(AssertionFailedError.class, () -> DeploymentFiles.launcherSubmit("t",
                List.of("spark-submit", "--class", Fbnet.class.getName(), "jobs/target/fbnet-jobs-0.0.1-spark.jar", "--help")));
        // A site file with a key conf/ does not have is an error, not a silently ignored setting.
        Path bad = Files.writeString(tmp.resolve("bad.properties"), "clip.modle=/x\n");
        assertThrows(ConfigException.class, () -> Settings.load(List.of(bad.toString()), Map.of(), new Configuration()));
    }

    private record CronLine(String schedule, String user, String command) { }

    /** The job line of the crontab (cron.d format: five schedule fields, the user, the command). */
    private static CronLine cronLine() {
        List<CronLine> jobs = new ArrayList<>();
        for (String line : RepositoryFiles.read(CRONTAB).split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.matches("[A-Z_]+=.*")) continue;
            String[] f = t.split("\\s+", 7);
            if (f.length < 7) fail(CRONTAB + ": not a cron.d job line: " + t);
            jobs.add(new CronLine(String.join(" ", List.of(f).subList(0, 5)), f[5], f[6]));
        }
        assertEquals(1, jobs.size(), CRONTAB + ": one job line");
        return jobs.get(0);
    }

    /** The README section under {@code ## title}, up to the next {@code ## }. */
    private static String readmeSection(String title) {
        String readme = RepositoryFiles.read("README.md");
        int start = readme.indexOf("\n## " + title + "\n");
        assertTrue(start >= 0, "README has no section " + title);
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    /** The concatenation of repository files, as `cat A B > T` makes it; null (noted) if one comes from another branch. */
    private Path concatenate(List<String> files, List<String> skipped) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String f : files) {
            Path p = RepositoryFiles.file(f);
            if (!Files.isRegularFile(p)) {
                assertTrue(f.equals("conf/spark-gpu.conf"), "README: cat " + f + ": no such file in the repository");
                skipped.add(f + " (the GPU scheduling branch)");
                return null;
            }
            sb.append(Files.readString(p)).append('\n');
        }
        return Files.writeString(Files.createTempFile(tmp, "concatenated", ".conf"), sb.toString());
    }

    /** The words with files written earlier in the block replaced by their local copies; null if one could not be made. */
    private static List<String> withWrittenFiles(List<String> words, Map<String, Path> written) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            if (written.containsKey(w)) {
                if (written.get(w) == null) return null;
                out.add(written.get(w).toString());
            } else {
                out.add(w);
            }
        }
        return out;
    }

    /** Checks a launcher line; one using a command another branch builds is noted, and the rest still checked. */
    private static void checkLauncherLater(String where, List<String> args, List<String> skipped) {
        try {
            LauncherLines.check(where, args);
        } catch (org.opentest4j.TestAbortedException e) {
            skipped.add(where);
        }
    }
}
