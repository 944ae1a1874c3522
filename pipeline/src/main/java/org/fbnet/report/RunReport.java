package org.fbnet.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.fbnet.compare.CompareConfig;
import org.fbnet.config.Settings;
import org.fbnet.eval.ReportFiles;
import org.fbnet.provenance.Fingerprint;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Pipeline;
import org.fbnet.stage.UnitResult;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Version;

/**
 * The run report: one self-contained HTML page per pipeline run, published as a new version of
 * {@code reports/index} ({@code reports/index/v=ID/index.html}, with its manifest beside it).
 * <p>It shows what the run did (every unit of every stage with its decision, reason, outcome and time),
 * then what the output root holds now: the comparison table with the best model, per-subject and per-ROI
 * scores, the ROI plots and training curves, the current checkpoints and the report files. Plots are
 * embedded as {@code data:} URIs and the styles and the table-sorting script are inline, so the page opens
 * from anywhere, alone; links to checkpoints and files are relative to the page inside the output root
 * (absolute when models live under another root).
 * <p>Older pages are kept (one per run), like other outputs, until someone deletes them.
 */
public final class RunReport {
    /** The output the pages are published under. */
    public static final String OUTPUT = DataRoot.report("index");
    /** The page's file name inside a version. */
    public static final String PAGE = "index.html";
    public static final String KIND = "run-report";
    public static final int FORMAT_VERSION = 1;

    private RunReport() { }

    /**
     * Which run the page reports on.
     * @param id       how the run is named (e.g. the lock holder or the scheduler's run id)
     * @param claims   plain sentences about the results to put at the top (e.g. the demo's closing summary); may be empty
     */
    public record Run(String id, Instant started, Instant finished, List<String> claims) {
        public Run {
            if (id == null || id.isBlank()) throw new IllegalArgumentException("a run report needs the run's id");
            if (started == null || finished == null) throw new IllegalArgumentException("run " + id + ": start and finish times are required");
            claims = List.copyOf(claims);
        }
    }

    /**
     * Renders the page for a finished pipeline run and publishes it as the current version of {@link #OUTPUT}.
     * @param settings the run's settings (they name the comparison report to show)
     * @return the published version; its page is {@link #page}
     */
    public static Version publish(DataRoot root, Settings settings, Pipeline.Report report, Run run) throws IOException {
        PublishedOutputs outputs = PublishedOutputs.read(root, settings.get(CompareConfig.REPORT));
        List<InputRef> inputs = inputs(outputs);
        Map<String, String> fingerprints = new TreeMap<>();
        for (InputRef in : inputs) fingerprints.put(in.id(), in.fingerprint());
        List<String> outcomes = new ArrayList<>();
        for (UnitResult r : report.results()) outcomes.add(r.unit().id() + ":" + r.status());
        String fingerprint = Fingerprint.builder().add("stage", "report").add("format", FORMAT_VERSION).add("run", run.id())
                .add("inputs", fingerprints).add("results", outcomes).hex();
        Manifest base = Manifest.of(KIND, FORMAT_VERSION)
                .withUnit("report", fingerprint)
                .withInputs(inputs)
                .with("run", run.id())
                .with("startedAt", run.started().toString())
                .with("finishedAt", run.finished().toString())
                .with("page", PAGE)
                .withMetric("published", report.published())
                .withMetric("unchanged", report.unchanged())
                .withMetric("waiting", count(report, UnitResult.Status.BLOCKED))
                .withMetric("failed", report.failures().size());
        return root.versioned(OUTPUT).publish(base, (staging, m) -> {
            Path page = new Path(root.path(OUTPUT), "v=" + m.version());
            String html = new RunPage(root, report, run, outputs, new Links(root, page)).render();
            ReportFiles.writeBytes(new Path(staging, PAGE), root.conf(), html.getBytes(StandardCharsets.UTF_8));
            return m;
        });
    }

    /** The page of a published version. */
    public static Path page(Version version) {
        return new Path(version.path(), PAGE);
    }

    static long count(Pipeline.Report report, UnitResult.Status status) {
        return report.results().stream().filter(r -> r.status() == status).count();
    }

    private static List<InputRef> inputs(PublishedOutputs o) {
        List<InputRef> out = new ArrayList<>();
        if (o.compare() != null) out.add(o.compare().version().asInput(o.compare().id()));
        if (o.project() != null) out.add(o.project().version().asInput(o.project().id()));
        for (PublishedOutputs.Checkpoint c : o.checkpoints()) out.add(c.version().asInput(c.id()));
        return out;
    }
}
