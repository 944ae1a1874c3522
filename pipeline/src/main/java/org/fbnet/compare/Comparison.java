package org.fbnet.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.fbnet.config.ConfigException;
import org.fbnet.eval.Charts;
import org.fbnet.train.EpochRecord;
import org.fbnet.eval.EvaluationReport;
import org.fbnet.eval.ReportFiles;
import org.fbnet.eval.RoiAtlas;
import org.fbnet.eval.Submission;
import org.fbnet.eval.VertexAccuracy;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.StagedDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains every configured variant on every subject of an output root and publishes the comparison
 * to {@code reports/NAME/}: the table ({@code comparison.csv/json/md}), per-run score reports
 * ({@code runs/RUN/validation_scores.*}, {@code test_scores.*} with test truth), per-run test
 * predictions ({@code runs/RUN/submission/}), the best run's ROI charts and submission
 * ({@code submission/subjXX/...}, {@code submission.zip}) and training curves per subject.
 * <p>The best run has the highest pooled validation score (mean r without ceilings): test truth never
 * picks the model. Subjects are loaded one at a time to bound driver memory.
 */
public final class Comparison {
    public static final String KIND = "comparison";
    public static final int FORMAT_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(Comparison.class);

    private final CompareConfig config;
    private final List<Variant> variants = new ArrayList<>();

    /**
     * @param available the variants this build can run, by name
     * @throws ConfigException when {@link CompareConfig#variants()} names one that is not available
     */
    public Comparison(CompareConfig config, Map<String, Variant> available) {
        this.config = config;
        for (String name : config.variants()) {
            Variant v = available.get(name);
            if (v == null) {
                throw new ConfigException(CompareConfig.VARIANTS, "variant '" + name + "' is not available in this build; available: "
                        + String.join(", ", available.keySet()));
            }
            variants.add(v);
        }
    }

    /** One trained model: a variant with a seed (null for deterministic variants). */
    private record Run(Variant variant, Long seed) {
        String id() { return seed == null ? variant.name() : variant.name() + "-seed" + seed; }
    }

    /** What the comparison produced: the table (with seed means), the best run's id, and where it was published. */
    public record Outcome(ComparisonTable table, String bestRun, Path report) { }

    public Outcome run(SparkSession spark, DataRoot root) throws Exception {
        List<String> subjects = config.subjects().isEmpty() ? SubjectData.subjects(spark, root) : config.subjects();
        if (subjects.isEmpty()) throw new org.fbnet.data.InputDataException(root.latents() + ": no subjects in the latents");
        List<Run> runs = new ArrayList<>();
        for (Variant v : variants) {
            if (v.seeded()) for (long s : config.seeds()) runs.add(new Run(v, s));
            else runs.add(new Run(v, null));
        }
        Map<String, List<VertexAccuracy>> val = new LinkedHashMap<>(), test = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Map<String, List<EpochRecord>>> curvesBySubject = new LinkedHashMap<>();
        List<RoiAtlas.Roi> rois = new ArrayList<>();
        boolean testTruth = true;
        Path target = new Path(root.reports(), config.reportName());
        try (StagedDirectory staged = StagedDirectory.begin(target, root.conf())) {
            Path dir = staged.path();
            for (String subject : subjects) {
                long t0 = System.nanoTime();
                SubjectData data = SubjectData.load(spark, root, subject, config.validationFraction());
                LOG.info("compare: {} loaded in {} s: {} training, {} validation, {} test rows ({}), {} + {} vertices", subject,
                        String.format("%.1f", (System.nanoTime() - t0) / 1e9), data.train().size(), data.validation().size(),
                        data.test().size(), data.test().hasTruth() ? "with truth" : "no truth",
                        data.train().lh()[0].length, data.train().rh()[0].length);
                rois.addAll(data.rois().rois());
                testTruth &= data.test().hasTruth();
                for (Run run : runs) {
                    long t1 = System.nanoTime();
                    Variant.Result r = run.variant().fit(data, run.seed() == null ? 0 : run.seed());
                    double s = (System.nanoTime() - t1) / 1e9;
                    seconds.merge(run.id(), s, Double::sum);
                    check(run, data, r);
                    val.computeIfAbsent(run.id(), k -> new ArrayList<>()).addAll(List.of(
                            VertexAccuracy.of(subject, "lh", r.validationLh(), data.validation().lh(), data.lhCeiling()),
                            VertexAccuracy.of(subject, "rh", r.validationRh(), data.validation().rh(), data.rhCeiling())));
                    if (data.test().hasTruth()) {
                        test.computeIfAbsent(run.id(), k -> new ArrayList<>()).addAll(List.of(
                                VertexAccuracy.of(subject, "lh", r.testLh(), data.test().lh(), data.lhCeiling()),
                                VertexAccuracy.of(subject, "rh", r.testRh(), data.test().rh(), data.rhCeiling())));
                    }
                    if (data.test().size() > 0) {
                        Submission.writeSubject(new Path(runDir(dir, run), "submission"), root.conf(),
                                new Submission.SubjectPredictions(subject, r.testLh(), r.testRh()));
                    }
                    if (!r.curve().isEmpty()) curvesBySubject.computeIfAbsent(subject, k -> new LinkedHashMap<>()).put(run.id(), r.curve());
                    List<VertexAccuracy> v = val.get(run.id());
                    EvaluationReport.ScoreRow so = EvaluationReport.of(run.id(), v.subList(v.size() - 2, v.size()), RoiAtlas.empty()).overall();
                    LOG.info("compare: {} {} fitted in {} s: validation mean r {}, score {}", subject, run.id(), String.format("%.1f", s),
                            String.format("%.4f", so.meanR()), so.meanScore() == null ? "-" : String.format("%.2f%%", so.meanScore()));
                }
            }
            RoiAtlas atlas = new RoiAtlas(rois);
            List<ComparisonTable.Row> rows = new ArrayList<>();
            Map<String, EvaluationReport> valReports = new LinkedHashMap<>(), testReports = new LinkedHashMap<>();
            String best = null;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (Run run : runs) {
                EvaluationReport v = EvaluationReport.of(run.id() + "/validation", val.get(run.id()), atlas);
                ReportFiles.writeScores(runDir(dir, run), root.conf(), v, "validation_scores");
                valReports.put(run.id(), v);
                EvaluationReport t = null;
                if (testTruth && test.containsKey(run.id())) {
                    t = EvaluationReport.of(run.id() + "/test", test.get(run.id()), atlas);
                    ReportFiles.writeScores(runDir(dir, run), root.conf(), t, "test_scores");
                    testReports.put(run.id(), t);
                }
                EvaluationReport.ScoreRow vo = v.overall();
                rows.add(new ComparisonTable.Row(run.variant().name(), run.seed() == null ? "-" : run.seed().toString(),
                        vo.meanScore(), vo.meanR(), t == null ? null : t.overall().meanScore(), t == null ? null : t.overall().meanR(),
                        seconds.get(run.id())));
                double rank = vo.meanScore() != null ? vo.meanScore() : vo.meanR();
                if (rank > bestValue) {
                    bestValue = rank;
                    best = run.id();
                }
            }
            ComparisonTable table = new ComparisonTable(rows).withSeedMeans();
            ReportFiles.writeBytes(new Path(dir, "comparison.csv"), root.conf(), table.toCsv().getBytes(StandardCharsets.UTF_8));
            ReportFiles.writeBytes(new Path(dir, "comparison.json"), root.conf(), table.toJson().getBytes(StandardCharsets.UTF_8));
            ReportFiles.writeBytes(new Path(dir, "comparison.md"), root.conf(), table.toMarkdown().getBytes(StandardCharsets.UTF_8));
            // The paper plots test scores per ROI; without test truth the validation rows stand in.
            EvaluationReport chartReport = testReports.getOrDefault(best, valReports.get(best));
            ReportFiles.writeRoiCharts(dir, root.conf(), chartReport, "roi_");
            for (Map.Entry<String, Map<String, List<EpochRecord>>> e : curvesBySubject.entrySet()) {
                ReportFiles.writeBytes(new Path(dir, "training_curves_" + e.getKey() + ".png"), root.conf(),
                        Charts.trainingCurves(e.getKey() + ": training curves", e.getValue()));
            }
            Path bestSubmission = new Path(new Path(new Path(dir, "runs"), best), "submission");
            if (staged.fileSystem().exists(bestSubmission)) {
                Path submission = new Path(dir, "submission");
                FileUtil.copy(staged.fileSystem(), bestSubmission, staged.fileSystem(), submission, false, root.conf());
                Submission.zip(submission, new Path(dir, Submission.ZIP_NAME), root.conf());
            }
            Manifest m = Manifest.of(KIND, FORMAT_VERSION)
                    .with("inputs", Map.of("root", root.root().toString(), "subjects", subjects))
                    .with("config", Map.of("variants", config.variants(), "seeds", config.seeds(),
                            "validationFraction", config.validationFraction(),
                            "ridgeAlphas", java.util.Arrays.stream(config.ridge().alphas()).boxed().toList(), "ridgeFolds", config.ridge().folds()))
                    .with("best", best).with("testTruth", testTruth);
            Path published = staged.publish(m);
            LOG.info("compare: best run {}; report at {}", best, published);
            return new Outcome(table, best, published);
        }
    }

    private static Path runDir(Path dir, Run run) {
        return new Path(new Path(dir, "runs"), run.id());
    }

    private static void check(Run run, SubjectData data, Variant.Result r) {
        checkShape(run, data.subject(), "validation lh", r.validationLh(), data.validation().size(), data.train().lh()[0].length);
        checkShape(run, data.subject(), "validation rh", r.validationRh(), data.validation().size(), data.train().rh()[0].length);
        checkShape(run, data.subject(), "test lh", r.testLh(), data.test().size(), data.train().lh()[0].length);
        checkShape(run, data.subject(), "test rh", r.testRh(), data.test().size(), data.train().rh()[0].length);
    }

    private static void checkShape(Run run, String subject, String what, float[][] a, int rows, int vertices) {
        if (a.length != rows || rows > 0 && a[0].length != vertices) {
            throw new IllegalStateException(run.id() + " predicted " + a.length + " x " + (a.length == 0 ? 0 : a[0].length) + " for "
                    + subject + " " + what + ", expected " + rows + " x " + vertices);
        }
    }
}
