package org.fbnet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fbnet.config.Settings;
import org.fbnet.stage.Pipeline;
import org.fbnet.stage.Stage;
import org.fbnet.stage.StageContext;
import org.fbnet.stage.UnitResult;
import org.fbnet.store.CurrentData;
import org.fbnet.store.DataRoot;

/** Runs stages in tests the way the commands do, on the shared test Spark session. */
public final class StageRunner {
    private StageRunner() { }

    /** Runs the stages in order; a failed unit's error is rethrown (the first one), after the others ran. */
    public static Pipeline.Report run(DataRoot root, Settings s, Stage... stages) throws Exception {
        return run(root, s, false, stages);
    }

    public static Pipeline.Report run(DataRoot root, Settings s, boolean force, Stage... stages) throws Exception {
        SparkSession spark = SparkTestBase.session();
        Pipeline.Report r = new Pipeline(List.of(stages)).run(() -> new StageContext(root, s, () -> spark, force), line -> { });
        List<UnitResult> failed = r.failures();
        if (failed.isEmpty() && !r.waiting().isEmpty()) {
            throw new AssertionError("units could not run for lack of inputs: " + r.waiting());
        }
        if (!failed.isEmpty()) {
            Throwable e = failed.get(0).error();
            if (e instanceof Exception ex) throw ex;
            throw new AssertionError(e);
        }
        return r;
    }

    /** The plan of the stages, without running them. */
    public static List<org.fbnet.stage.Unit> plan(DataRoot root, Settings s, Stage... stages) throws Exception {
        SparkSession spark = SparkTestBase.session();
        return new Pipeline(List.of(stages)).plan(new StageContext(root, s, () -> spark, false));
    }

    /** The ids of the units a report published. */
    public static List<String> published(Pipeline.Report r) {
        return r.results().stream().filter(x -> x.status() == UnitResult.Status.PUBLISHED).map(x -> x.unit().id()).toList();
    }

    /** Every subject's current version of a per-subject dataset, with a subject column. */
    public static Dataset<Row> current(DataRoot root, String dataset) throws IOException {
        List<String> subjects = new ArrayList<>();
        java.nio.file.Path dir = java.nio.file.Path.of(root.root().toUri().getPath(), dataset);
        try (Stream<java.nio.file.Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("subject=")).sorted()
                    .forEach(n -> subjects.add(n.substring("subject=".length())));
        }
        return CurrentData.subjects(SparkTestBase.session(), root, dataset, subjects, "the test");
    }
}
