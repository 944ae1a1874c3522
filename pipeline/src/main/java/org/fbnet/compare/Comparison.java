package org.fbnet.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.data.Hemisphere;
import org.fbnet.stage.Planner;
import org.fbnet.stage.Stage;
import org.fbnet.stage.StageContext;
import org.fbnet.stage.Unit;
import org.fbnet.store.Version;
import org.fbnet.subject.Subject;
import org.fbnet.subject.SubjectLoader;
import org.fbnet.config.ConfigException;
import org.fbnet.eval.Charts;
import org.fbnet.eval.EpochRecord;
import org.fbnet.eval.EvaluationReport;
import org.fbnet.eval.ReportFiles;
import org.fbnet.eval.RoiAtlas;
import org.fbnet.eval.Submission;
import org.fbnet.eval.VertexAccuracy;
import org.fbnet.eval.VertexScores;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compare stage: one unit ({@code compare}) that scores every configured variant on every subject of
 * an output root and publishes the comparison to {@code reports/NAME/}: the table
 * ({@code comparison.csv/json/md}), per-run score reports ({@code runs/RUN/validation_scores.*},
 * {@code test_scores.*} with test truth), per-run test predictions ({@code runs/RUN/submission/}), the
 * best run's ROI charts and submission ({@code submission/subjXX/...}, {@code submission.zip}) and
 * training curves per subject. Its inputs are every subject's latents, vertex info and ROIs, plus what
 * variants read (the published models), so it re-runs when any of them changes.
 * <p>The best run has the highest pooled validation score (mean r without ceilings): test truth never
 * picks the model. Subjects are loaded one at a time, and a baseline reads one hemisphere of training
 * responses at a time, to bound driver memory.
 */
public final class Comparison implements Stage {
    public static final String KIND = "comparison";
    /** 3: the manifest records each subject's row counts ({@link #ROWS}) and the chance scores ({@link #CHANCE}). */
    public static final int FORMAT_VERSION = 3;
    public static final String NAME = "compare";
    /** Manifest fields: the table (a metric, as {@link ComparisonTable#rowsAsMaps()}) and each subject's train/validation/test row counts. */
    public static final String TABLE_METRIC = "table", ROWS = "rows";
    /**
     * Manifest field: per split ("validation", "test"), the pooled noise-normalized score that predictions
     * unrelated to the responses reach on average ({@link VertexScores#chanceNoiseNormalized}); absent without ceilings.
     */
    public static final String CHANCE = "chance";
    private static final Logger LOG = LoggerFactory.getLogger(Comparison.class);

    private final CompareConfig config;
    private final Settings settings;
    private final List<Variant> variants = new ArrayList<>();
    private Outcome last;

    /**
     * @param available the variants this build can run, by name
     * @throws ConfigException when {@link CompareConfig#variants()} names one that is not available
     */
    public Comparison(CompareConfig config, Settings settings, Map<String, Variant> available) {
        this.config = config;
        this.settings = settings;
        for (String name : config.variants()) {
            Variant v = available.get(name);
            if (v == null) {
                throw new ConfigException(CompareConfig.VARIANTS, "variant '" + name + "' is not available in this build; available: "
                        + String.join(", ", available.keySet()));
            }
            variants.add(v);
        }
    }

    @Override public String name() { return NAME; }

    /** One trained model: a variant with a seed (null for deterministic variants). */
    private record Run(Variant variant, Long seed) {
        String id() { return ComparisonTable.runId(variant.name(), seed); }
    }

    /** What the comparison produced: the table (with seed means), the best run's id, and where it was published. */
    public record Outcome(ComparisonTable table, String bestRun, Path report, Map<String, Map<String, Integer>> rows,
                          Map<String, Double> chance) { }

    /** The outcome of the last unit this instance ran, or null. */
    public Outcome lastOutcome() { return last; }

    @Override
    public List<Unit> plan(StageContext ctx) throws IOException {
        List<String> subjects = ctx.subjects(config.subjects());
        List<String> inputs = new ArrayList<>();
        for (String s : subjects) {
            inputs.addAll(SubjectLoader.inputs(s));
            for (Variant v : variants) inputs.addAll(v.inputs(s));
        }
        Map<String, String> unitSettings = new java.util.TreeMap<>();
        ctx.settings().withPrefix("eval.").forEach(unitSettings::put);
        if (variants.stream().anyMatch(Variant::seeded)) {
            ctx.settings().withPrefix("network.").forEach(unitSettings::put);
            ctx.settings().withPrefix("train.").forEach(unitSettings::put);
        }
        unitSettings.put(CompareConfig.VALIDATION_FRACTION, String.valueOf(config.validationFraction()));
        return List.of(Planner.plan(ctx, Planner.Spec.of(NAME, NAME, null, FORMAT_VERSION, inputs, unitSettings,
                List.of(DataRoot.report(config.reportName())))));
    }

    @Override
    public String runUnit(Unit unit, StageContext ctx) throws Exception {
        DataRoot root = ctx.root();
        List<String> subjects = unit.inputs().keySet().stream().filter(id -> id.startsWith(DataRoot.LATENTS + "/"))
                .map(id -> id.substring(id.indexOf("subject=") + "subject=".length())).sorted().toList();
        Manifest base = Planner.manifest(unit, KIND, FORMAT_VERSION, ctx.inputRefs(unit, Map.of()), settings)
                .with("subjects", subjects)
                .with("variants", config.variants())
                .with("seeds", config.seeds());
        Outcome[] out = new Outcome[1];
        Version v = ctx.dir(unit.outputs().get(0)).publish(base, (staging, m) -> {
            out[0] = compare(ctx, subjects, staging);
            return m.with("best", out[0].bestRun()).with(ROWS, out[0].rows()).with(CHANCE, out[0].chance())
                    .withMetric(TABLE_METRIC, out[0].table().rowsAsMaps());
        });
        last = new Outcome(out[0].table(), out[0].bestRun(), v.path(), out[0].rows(), out[0].chance());
        LOG.info("compare: best run {}; report at {}", last.bestRun(), v.path());
        return "best " + last.bestRun() + " -> " + v.path();
    }

    private Outcome compare(StageContext ctx, List<String> subjects, Path dir) throws Exception {
        DataRoot root = ctx.root();
        SubjectLoader loader = new SubjectLoader(ctx.spark(), root, config.validationFraction());
        List<Run> runs = new ArrayList<>();
        for (Variant v : variants) {
            if (v.seeded()) for (long s : config.seeds()) runs.add(new Run(v, s));
            else runs.add(new Run(v, null));
        }
        Map<String, List<VertexAccuracy>> val = new LinkedHashMap<>(), test = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Map<String, List<EpochRecord>>> curvesBySubject = new LinkedHashMap<>();
        List<RoiAtlas.Roi> rois = new ArrayList<>();
        Map<String, Map<String, Integer>> rowCounts = new LinkedHashMap<>();
        boolean testTruth = true;
        ChanceScore chanceVal = new ChanceScore(), chanceTest = new ChanceScore();
        for (String subject : subjects) {
            long t0 = System.nanoTime();
            Subject data = loader.load(subject);
            LOG.info("compare: {} loaded in {} s: {} training, {} validation, {} test rows ({}), {} + {} vertices", subject,
                    String.format("%.1f", (System.nanoTime() - t0) / 1e9), data.train().size(), data.validation().size(),
                    data.test().size(), data.test().hasTruth() ? "with truth" : "no truth",
                    data.vertices(Hemisphere.LH), data.vertices(Hemisphere.RH));
            rois.addAll(data.rois().rois());
            Map<String, Integer> counts = new LinkedHashMap<>();
            counts.put("train", data.train().size());
            counts.put("validation", data.validation().size());
            counts.put("test", data.test().size());
            rowCounts.put(subject, counts);
            testTruth &= data.test().hasTruth();
            if (data.hasCeilings()) {
                for (Hemisphere h : Hemisphere.values()) {
                    chanceVal.add(data.validation().size(), data.ceilings().get(h));
                    if (data.test().hasTruth()) chanceTest.add(data.test().size(), data.ceilings().get(h));
                }
            }
            Variant.TrainingVertices vertices = h -> loader.trainingVertices(subject, h);
            for (Run run : runs) {
                long t1 = System.nanoTime();
                Variant.Result r = run.variant().fit(data, vertices, run.seed() == null ? 0 : run.seed());
                double s = (System.nanoTime() - t1) / 1e9;
                seconds.merge(run.id(), s, Double::sum);
                check(run, data, r);
                for (Hemisphere h : Hemisphere.values()) {
                    float[] ceiling = data.hasCeilings() ? data.ceilings().get(h) : null;
                    val.computeIfAbsent(run.id(), k -> new ArrayList<>())
                            .add(VertexAccuracy.of(subject, h.code(), r.validation(h), data.validation().vertices().get(h), ceiling));
                    if (data.test().hasTruth()) {
                        test.computeIfAbsent(run.id(), k -> new ArrayList<>())
                                .add(VertexAccuracy.of(subject, h.code(), r.test(h), data.test().vertices().get(h), ceiling));
                    }
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
            rows.add(new ComparisonTable.Row(run.variant().name(), run.seed() == null ? ComparisonTable.NO_SEED : run.seed().toString(),
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
        org.apache.hadoop.fs.FileSystem fs = dir.getFileSystem(root.conf());
        if (fs.exists(bestSubmission)) {
            Path submission = new Path(dir, "submission");
            FileUtil.copy(fs, bestSubmission, fs, submission, false, root.conf());
            Submission.zip(submission, new Path(dir, Submission.ZIP_NAME), root.conf());
        }
        Map<String, Double> chance = new LinkedHashMap<>();
        chanceVal.mean().ifPresent(x -> chance.put("validation", x));
        if (testTruth) chanceTest.mean().ifPresent(x -> chance.put("test", x));
        return new Outcome(table, best, dir, rowCounts, chance);
    }

    /** The chance score pooled over every vertex, as the table's scores are pooled. */
    private static final class ChanceScore {
        private double sum;
        private long vertices;

        void add(int images, float[] ceilings) {
            for (float c : ceilings) sum += VertexScores.chanceNoiseNormalized(images, c);
            vertices += ceilings.length;
        }

        java.util.OptionalDouble mean() {
            return vertices == 0 || Double.isNaN(sum) ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(sum / vertices);
        }
    }

    private static Path runDir(Path dir, Run run) {
        return new Path(new Path(dir, "runs"), run.id());
    }

    private static void check(Run run, Subject data, Variant.Result r) {
        for (Hemisphere h : Hemisphere.values()) {
            int vertices = data.vertices(h);
            checkShape(run, data.name(), "validation " + h.code(), r.validation(h), data.validation().size(), vertices);
            checkShape(run, data.name(), "test " + h.code(), r.test(h), data.test().size(), vertices);
        }
    }

    private static void checkShape(Run run, String subject, String what, float[][] a, int rows, int vertices) {
        if (a.length != rows || rows > 0 && a[0].length != vertices) {
            throw new IllegalStateException(run.id() + " predicted " + a.length + " x " + (a.length == 0 ? 0 : a[0].length) + " for "
                    + subject + " " + what + ", expected " + rows + " x " + vertices);
        }
    }
}
