package org.fbnet.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.deploy.SparkSubmitArguments;
import scala.collection.JavaConverters;

/**
 * One {@code spark-submit} command line as Spark 3.5's own parser reads it ({@link SparkSubmitArguments}, what
 * spark-submit runs): its options, the properties file merged in, the main class, the application jar and
 * the arguments that go to the application.
 *
 * @param application the application jar as written (Spark's parser turns it into a URI)
 * @param properties the Spark properties after the properties file and {@code --conf} options
 */
record SparkSubmitLine(String master, String deployMode, String mainClass, String application,
                       List<String> applicationArgs, Map<String, String> properties) {

    /**
     * Parses the words of a command whose first word is a {@code spark-submit} executable.
     * @param localFile where a path the command names is in this repository (a properties file under
     *                  /opt/fbnet/conf in an image is conf/ here), or null for a file that is not
     * @throws org.apache.spark.SparkException from Spark's parser, on what spark-submit would refuse
     */
    static SparkSubmitLine parse(List<String> command, Function<String, Path> localFile) throws Exception {
        if (command.isEmpty() || !command.get(0).endsWith("spark-submit")) {
            throw new IllegalArgumentException("not a spark-submit command: " + command);
        }
        List<String> args = new ArrayList<>(command.subList(1, command.size()));
        int pf = args.indexOf("--properties-file");
        if (pf >= 0 && pf + 1 < args.size()) {
            String named = args.get(pf + 1);
            Path local = localFile.apply(named);
            if (local == null) throw new IllegalArgumentException("--properties-file " + named + ": not a file of this repository");
            if (!Files.isRegularFile(local)) throw new IllegalArgumentException("--properties-file " + named + ": " + local + " does not exist");
            args.set(pf + 1, local.toString());
        }
        // Spark's check for a YARN master wants a Hadoop configuration folder in the environment; its contents are not read.
        scala.collection.immutable.Map<String, String> env = scala.collection.immutable.Map$.MODULE$.<String, String>empty()
                .updated("HADOOP_CONF_DIR", "/etc/hadoop/conf");
        SparkSubmitArguments a = new SparkSubmitArguments(JavaConverters.asScalaBuffer(args).toList(), env);
        List<String> appArgs = List.copyOf(JavaConverters.seqAsJavaList(a.childArgs()));
        // The application's arguments are the words after the jar.
        String application = args.get(args.size() - appArgs.size() - 1);
        return new SparkSubmitLine(a.master(), a.deployMode(), a.mainClass(), application, appArgs,
                Map.copyOf(JavaConverters.mapAsJavaMap(a.sparkProperties())));
    }
}
