package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the deployment files (docker/, deploy/, README) share and the tests check them against: the image
 * layout docker/Dockerfile builds, the image names docker/README.md documents, YAML documents, and the
 * spark-submit lines that run the launcher.
 */
final class DeploymentFiles {
    static final String DOCKERFILE = "docker/Dockerfile";
    /** Where the Dockerfile puts the spark-submit jar; manifests name this path. */
    static final String IMAGE_JAR = "/opt/fbnet/fbnet-jobs-spark.jar";

    private static final Pattern DOCKER_BUILD = Pattern.compile("docker build ([^`|\\n]*?) \\.(?=`|\\s|$)");

    private DeploymentFiles() { }

    static DockerfileModel dockerfile() {
        return DockerfileModel.parse(RepositoryFiles.read(DOCKERFILE));
    }

    /** A documented image: its name and the {@code docker build} arguments docker/README.md gives for it. */
    record Image(String name, String dockerfile, Map<String, String> buildArgs) { }

    /** The images docker/README.md documents, from its {@code docker build ... -t NAME .} commands, by name. */
    static Map<String, Image> documentedImages() {
        Map<String, Image> images = new LinkedHashMap<>();
        Matcher m = DOCKER_BUILD.matcher(RepositoryFiles.read("docker/README.md"));
        while (m.find()) {
            List<String> w = ShellWords.commands(m.group(1)).get(0);
            String name = null, file = "Dockerfile";
            Map<String, String> args = new LinkedHashMap<>();
            for (int i = 0; i + 1 < w.size(); i++) {
                switch (w.get(i)) {
                    case "-t" -> name = w.get(++i);
                    case "-f" -> file = w.get(++i);
                    case "--build-arg" -> {
                        String[] kv = w.get(++i).split("=", 2);
                        args.put(kv[0], kv.length > 1 ? kv[1] : "");
                    }
                    default -> fail("docker/README.md: docker build option not understood here: " + w.get(i));
                }
            }
            assertTrue(name != null, "docker/README.md: a docker build without -t NAME: " + m.group());
            images.put(name, new Image(name, file, args));
        }
        assertTrue(!images.isEmpty(), "docker/README.md documents no `docker build ... -t NAME .` command");
        return images;
    }

    static void assertDocumentedImage(String where, String image) {
        Map<String, Image> images = documentedImages();
        assertTrue(images.containsKey(image), where + ": image " + image + " is not one docker/README.md builds: " + images.keySet());
    }

    /**
     * The repository file behind a path a command names: a path in the image (or a machine laid out as the
     * image, as deploy/standalone/ asks) that docker/Dockerfile copies from the build context, or a path
     * relative to the repository root; a file a test made from them (an absolute path that exists here);
     * null for anything else (a volume, a file the user makes).
     */
    static Path localFile(String named) {
        String p = named.startsWith("local://") ? named.substring("local://".length()) : named;
        if (!p.startsWith("/")) return RepositoryFiles.file(p);
        Optional<String> src = dockerfile().contextSource(p);
        if (src.isPresent()) return isGlob(src.get()) ? null : RepositoryFiles.file(src.get());
        return Files.isRegularFile(Path.of(p)) ? Path.of(p) : null;
    }

    /** Whether {@code named} is the spark-submit jar: the image's copy of the documented build's output, or that output itself. */
    static boolean isDistJar(String named) {
        String p = named.startsWith("local://") ? named.substring("local://".length()) : named;
        if (p.startsWith("/")) {
            Optional<String> src = dockerfile().contextSource(p);
            if (src.isEmpty()) return false;
            p = src.get();
        }
        String built = "jobs/target/" + RepositoryFiles.distJarName();
        return p.equals(built) || (isGlob(p) && FileSystems.getDefault().getPathMatcher("glob:" + p).matches(Path.of(built)));
    }

    static boolean isGlob(String path) {
        return path.contains("*") || path.contains("?") || path.contains("[");
    }

    /**
     * The spark-submit line in a command's words (it may follow a wrapper such as flock), parsed by Spark's
     * parser and checked to run fbnet's launcher from the spark-submit jar.
     */
    static SparkSubmitLine launcherSubmit(String where, List<String> words) throws Exception {
        int i = 0;
        while (i < words.size() && !words.get(i).endsWith("spark-submit")) i++;
        if (i == words.size()) fail(where + ": no spark-submit in " + words);
        SparkSubmitLine line = SparkSubmitLine.parse(words.subList(i, words.size()), DeploymentFiles::localFile);
        assertEquals(Fbnet.class.getName(), line.mainClass(), where + ": main class");
        assertTrue(isDistJar(line.application()), where + ": " + line.application()
                + " is not the spark-submit jar (jobs/target/" + RepositoryFiles.distJarName() + " or the image's " + IMAGE_JAR + ")");
        return line;
    }

    /** Every YAML document of a file, parsed with SnakeYAML's safe constructor (merge keys resolved). */
    static List<Object> yaml(String relative) {
        List<Object> docs = new ArrayList<>();
        new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(RepositoryFiles.read(relative)).forEach(docs::add);
        return docs;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        assertTrue(o instanceof Map, what + " is not a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        assertTrue(o instanceof List, what + " is not a list: " + o);
        return (List<Object>) o;
    }

    /** The value at a dotted path of nested mappings ({@code spec.jobTemplate.spec}), failing with the path if absent. */
    static Object at(Object root, String path) {
        Object o = root;
        for (String key : path.split("\\.")) {
            o = map(o, path).get(key);
            if (o == null) fail("no " + path + " (missing " + key + ")");
        }
        return o;
    }

    static List<String> strings(Object o, String what) {
        return list(o, what).stream().map(String::valueOf).toList();
    }

    /** A Spark memory size ({@code 6g}, {@code 9500m}) or a Kubernetes one in binary units ({@code 8Gi}) in MiB. */
    static long mebibytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([kmgtKMGT])(i|b)?").matcher(size.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a memory size: " + size);
        long v = Long.parseLong(m.group(1));
        return switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> v / 1024;
            case 'm' -> v;
            case 'g' -> v * 1024;
            default -> v * 1024 * 1024;
        };
    }
}
