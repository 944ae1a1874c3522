package org.fbnet.report;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.fbnet.compare.ComparisonTable;
import org.fbnet.eval.Charts;
import org.fbnet.eval.EpochRecord;
import org.fbnet.eval.EvaluationReport;
import org.fbnet.pca.ProjectReport;
import org.fbnet.provenance.Environment;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Pipeline;
import org.fbnet.stage.Unit;
import org.fbnet.stage.UnitResult;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Version;

/** Renders one run report page (see {@link RunReport}) from the run's results and what the output root holds. */
final class RunPage {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    /** Section ids and titles, in page order; the navigation bar lists them. */
    static final Map<String, String> SECTIONS = sections();

    private final DataRoot root;
    private final Pipeline.Report report;
    private final RunReport.Run run;
    private final PublishedOutputs outputs;
    private final Links links;
    /** Output ids this run published. */
    private final Set<String> publishedNow = new LinkedHashSet<>();
    private final Html h = new Html();

    RunPage(DataRoot root, Pipeline.Report report, RunReport.Run run, PublishedOutputs outputs, Links links) {
        this.root = root;
        this.report = report;
        this.run = run;
        this.outputs = outputs;
        this.links = links;
        for (UnitResult r : report.results()) if (r.status() == UnitResult.Status.PUBLISHED) publishedNow.addAll(r.unit().outputs());
    }

    private static Map<String, String> sections() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("summary", "Summary");
        m.put("run", "What ran");
        m.put("comparison", "Comparison");
        m.put("subjects", "Per subject");
        m.put("rois", "Per ROI");
        m.put("curves", "Training curves");
        m.put("checkpoints", "Checkpoints");
        m.put("files", "Files");
        return m;
    }

    String render() throws IOException {
        h.raw("<!DOCTYPE html>\n").open("html", "xmlns", "http://www.w3.org/1999/xhtml", "lang", "en").open("head")
                .empty("meta", "charset", "utf-8").empty("meta", "name", "viewport", "content", "width=device-width, initial-scale=1")
                .element("title", "fbnet run " + run.id()).open("style").raw(CSS).close("style").close("head");
        h.open("body");
        header();
        h.open("main");
        summary();
        whatRan();
        comparison();
        subjects();
        rois();
        curves();
        checkpoints();
        files();
        h.close("main");
        h.open("footer").text("Written by fbnet " + Environment.fbnetVersion() + " (commit " + Environment.gitCommit() + ") at "
                + TIME.format(Instant.now()) + ". Every figure and table shows the current version of its output; "
                + "the manifests linked under Files say what each was made from.").close("footer");
        h.script(SCRIPT);
        h.close("body").close("html");
        return h.toString();
    }

    private void header() {
        Duration took = Duration.between(run.started(), run.finished());
        h.open("header").element("h1", "fbnet run report").open("p", "class", "meta")
                .text("Run ").element("b", run.id()).text(" \u00b7 started " + TIME.format(run.started()) + " \u00b7 took "
                        + Html.seconds(took.toMillis() / 1000.0) + " \u00b7 output root ").element("code", root.root().toString())
                .close("p").open("nav");
        for (Map.Entry<String, String> s : SECTIONS.entrySet()) h.link("#" + s.getKey(), s.getValue());
        h.close("nav").close("header");
    }

    private void section(String id) {
        h.open("section", "id", id).element("h2", SECTIONS.get(id));
    }

    // ---- summary -------------------------------------------------------------------------------------------------

    private void summary() {
        section("summary");
        List<UnitResult> failed = report.failures();
        long waiting = RunReport.count(report, UnitResult.Status.BLOCKED);
        h.element("p", verdict(failed.size(), waiting), "class", "verdict " + (failed.isEmpty() ? "ok" : "fail"));
        h.open("div", "class", "tiles");
        tile("published", report.published(), "published: ran and published a new version");
        tile("unchanged", report.unchanged(), "unchanged: inputs and settings as before (or kept by policy)");
        tile("waiting", waiting, "waiting: an input is neither published nor planned");
        tile("failed", failed.size(), "failed: published nothing");
        h.close("div");
        if (outputs.compare() != null) {
            PublishedOutputs.Compare c = outputs.compare();
            ComparisonTable.Row best = bestRow(c);
            h.open("p", "class", "headline").text("Best model on the validation rows: ").element("b", c.best());
            if (best != null) {
                h.text(": validation " + scoreAndR(best.valScore(), best.valR()));
                if (best.testR() != null) h.text("; test " + scoreAndR(best.testScore(), best.testR()));
            }
            h.text(". " + origin(c.id(), c.version())).close("p");
        } else {
            h.element("p", "No comparison is published under this root yet: the compare stage has not run.", "class", "note");
        }
        if (!run.claims().isEmpty()) {
            h.open("ul", "class", "claims", "id", "claims");
            for (String claim : run.claims()) h.element("li", claim);
            h.close("ul");
        }
        if (!failed.isEmpty()) {
            h.open("div", "class", "box fail", "id", "failures").element("h3", "Failed units").open("ul");
            for (UnitResult r : failed) {
                h.open("li").element("b", r.unit().id()).text(": " + (r.error() == null ? r.summary() : r.error().getClass().getSimpleName()
                        + ": " + r.summary())).close("li");
            }
            h.close("ul").close("div");
        }
        if (outputs.compare() != null && !outputs.compare().stale().isEmpty()) {
            h.open("div", "class", "box warn", "id", "stale").element("h3", "The comparison is older than the models").open("ul");
            for (String s : outputs.compare().stale()) h.element("li", s);
            h.close("ul").close("div");
        }
        h.close("section");
    }

    private String verdict(int failed, long waiting) {
        if (failed > 0) {
            return failed + " unit" + (failed == 1 ? "" : "s") + " failed; the other units finished, and what failed left its outputs "
                    + "on their previous versions.";
        }
        if (waiting > 0) return "Every unit that had to run finished; " + waiting + " wait for inputs that are not published.";
        if (report.published() == 0) return "Nothing had to run: every output was up to date.";
        return "Every unit that had to run finished.";
    }

    private void tile(String status, long n, String title) {
        h.open("div", "class", "tile " + status, "title", title).element("b", Long.toString(n)).text(status).close("div");
    }

    private static String scoreAndR(Double score, Double r) {
        return (score == null ? "" : Html.number(score, 2) + " % noise-normalized, ") + "mean r " + Html.number(r, 4);
    }

    /** Whether an output's current version came from this run, in words. */
    private String origin(String outputId, Version v) {
        if (publishedNow.contains(outputId)) return "Published by this run (v=" + v.id() + ").";
        return "Unchanged by this run: v=" + v.id() + ", published " + time(v.manifest().createdAt()) + ".";
    }

    private static String time(String iso) {
        try {
            return TIME.format(Instant.parse(iso));
        } catch (RuntimeException e) {
            return String.valueOf(iso);
        }
    }

    private static ComparisonTable.Row bestRow(PublishedOutputs.Compare c) {
        return c.table().rows().stream().filter(r -> c.best() != null && c.best().equals(r.runId())).findFirst().orElse(null);
    }

    // ---- what ran ------------------------------------------------------------------------------------------------

    private void whatRan() {
        section("run");
        h.element("p", "Each stage planned its units against what was published when it started; a unit runs when its inputs or "
                + "settings changed. Hover a badge for the reason.", "class", "note");
        List<String> stages = new ArrayList<>();
        Set<String> subjects = new TreeSet<>();
        boolean global = false;
        for (UnitResult r : report.results()) {
            if (!stages.contains(r.unit().stage())) stages.add(r.unit().stage());
            if (r.unit().subject() != null) subjects.add(r.unit().subject());
            else global = true;
        }
        List<String> rows = new ArrayList<>(subjects);
        if (global) rows.add(null);
        h.open("div", "class", "scroll").open("table", "id", "stage-matrix").open("thead").open("tr").element("th", "subject");
        for (String s : stages) h.element("th", s);
        h.close("tr").close("thead").open("tbody");
        for (String subject : rows) {
            h.open("tr").element("th", subject == null ? "all subjects" : subject);
            for (String stage : stages) {
                h.open("td");
                for (UnitResult r : report.results()) {
                    Unit u = r.unit();
                    if (u.stage().equals(stage) && java.util.Objects.equals(u.subject(), subject)) badge(r);
                }
                h.close("td");
            }
            h.close("tr");
        }
        h.close("tbody").close("table").close("div");

        Map<String, Unit> planned = new LinkedHashMap<>();
        for (Unit u : report.plan()) planned.put(u.id(), u);
        h.element("h3", "Every unit");
        h.open("div", "class", "scroll").open("table", "id", "units", "class", "sortable").open("thead").open("tr");
        for (String c : List.of("stage", "unit", "outcome", "planned", "why", "result")) h.element("th", c);
        h.element("th", "time", "class", "num").close("tr").close("thead").open("tbody");
        for (UnitResult r : report.results()) {
            Unit u = r.unit();
            Unit p = planned.get(u.id());
            h.open("tr", "class", outcome(r)).element("td", u.stage()).open("td").element("code", u.id()).close("td")
                    .open("td").element("span", outcome(r), "class", "badge " + outcome(r)).close("td")
                    .element("td", p == null ? "\u2013" : planned(p))
                    .element("td", u.reason())
                    .element("td", r.status() == UnitResult.Status.PUBLISHED || r.status() == UnitResult.Status.FAILED ? r.summary() : "")
                    .element("td", r.seconds() > 0 ? Html.seconds(r.seconds()) : "\u2013", "class", "num", "data-v", Double.toString(r.seconds()))
                    .close("tr");
        }
        h.close("tbody").close("table").close("div").close("section");
    }

    private void badge(UnitResult r) {
        Unit u = r.unit();
        // The badge names what the unit does within its cell: "fmri", "pca-fmri", or the stage itself.
        String label = u.id();
        if (label.startsWith(u.stage() + "/")) label = label.substring(u.stage().length() + 1);
        if (u.subject() != null) label = label.replace(u.subject(), "").replaceAll("^/+|/+$", "").replace("//", "/");
        if (label.isEmpty() || label.equals(u.stage())) label = outcome(r);
        String why = outcome(r) + ": " + u.reason() + (r.status() == UnitResult.Status.PUBLISHED || r.status() == UnitResult.Status.FAILED
                ? " \u2192 " + r.summary() : "") + (r.seconds() > 0 ? " (" + Html.seconds(r.seconds()) + ")" : "");
        h.element("span", label, "class", "badge " + outcome(r), "title", why);
    }

    /** The plan's word for a decision, as {@code --dry-run} prints it. */
    private static String planned(Unit u) {
        return switch (u.decision()) {
            case RUN -> "run";
            case SKIP -> "skip";
            case BLOCKED -> "wait";
        };
    }

    private static String outcome(UnitResult r) {
        return switch (r.status()) {
            case PUBLISHED -> "published";
            case SKIPPED -> "unchanged";
            case BLOCKED -> "waiting";
            case FAILED -> "failed";
        };
    }

    // ---- comparison ----------------------------------------------------------------------------------------------

    private void comparison() throws IOException {
        section("comparison");
        PublishedOutputs.Compare c = outputs.compare();
        if (c == null) {
            h.element("p", "Nothing to show: no comparison is published yet.", "class", "note").close("section");
            return;
        }
        h.open("p", "class", "note").text("Every model scored on the same validation rows (held out from training) and, where test "
                + "fMRI exists, on the test images. Scores are the Algonauts noise-normalized accuracy in percent, means over every "
                + "vertex of every subject; r is the mean Pearson correlation. The best run is chosen on validation only. "
                + origin(c.id(), c.version()) + " ").link(links.href(new Path(c.version().path(), "comparison.csv"), false), "comparison.csv")
                .close("p");
        h.open("div", "class", "scroll").open("table", "id", "comparison-table", "class", "sortable").open("thead").open("tr")
                .element("th", "model").element("th", "seed");
        for (String col : List.of("validation score (%)", "validation r", "test score (%)", "test r", "fit time")) h.element("th", col, "class", "num");
        h.close("tr").close("thead").open("tbody");
        for (ComparisonTable.Row r : c.table().rows()) {
            boolean best = c.best() != null && c.best().equals(r.runId());
            h.open("tr", "class", best ? "best" : ComparisonTable.MEAN.equals(r.seed()) ? "mean" : null)
                    .open("td").text(r.variant());
            if (best) h.element("span", "best", "class", "badge published");
            h.close("td").element("td", r.seed());
            num(r.valScore(), 2);
            num(r.valR(), 4);
            num(r.testScore(), 2);
            num(r.testR(), 4);
            h.element("td", Html.seconds(r.fitSeconds()), "class", "num", "data-v", Double.toString(r.fitSeconds())).close("tr");
        }
        h.close("tbody").close("table").close("div").close("section");
    }

    private void num(Double v, int decimals) {
        h.element("td", Html.number(v, decimals), "class", "num", "data-v", v == null ? "" : Double.toString(v));
    }

    // ---- per subject ---------------------------------------------------------------------------------------------

    private void subjects() throws IOException {
        section("subjects");
        PublishedOutputs.Compare c = outputs.compare();
        if (c == null || c.validation().isEmpty()) {
            h.element("p", "No per-subject scores: no comparison is published yet.", "class", "note");
        } else {
            h.element("p", "Each run of the comparison per subject, both hemispheres pooled and each alone; the highest value of "
                    + "each row is in bold, the best run's column in green.", "class", "note");
            subjectTable("validation", c.validation(), c.best());
            if (!c.test().isEmpty()) subjectTable("test", c.test(), c.best());
        }
        PublishedOutputs.Project p = outputs.project();
        if (p != null && !p.reconstruction().isEmpty()) {
            h.element("h3", "fMRI PCA: reconstruction of the validation rows");
            h.open("p", "class", "note").text("Mean r between each validation row's fMRI and its reconstruction from the first k "
                    + "components of the subject's PCA. " + origin(p.id(), p.version())).close("p");
            h.open("table", "id", "reconstruction", "class", "sortable").open("thead").open("tr")
                    .element("th", "subject").element("th", "hemisphere");
            for (String col : List.of("k", "validation rows", "mean r", "explained variance")) h.element("th", col, "class", "num");
            h.element("th", "held out").close("tr").close("thead").open("tbody");
            for (ProjectReport.Reconstruction r : p.reconstruction()) {
                h.open("tr").element("td", r.subject()).element("td", r.hemisphere());
                h.element("td", Integer.toString(r.components()), "class", "num", "data-v", Integer.toString(r.components()));
                h.element("td", Integer.toString(r.rows()), "class", "num", "data-v", Integer.toString(r.rows()));
                num(r.meanR(), 4);
                num(r.explainedVariance(), 4);
                h.element("td", r.heldOut() ? "yes" : "no (in the fit)").close("tr");
            }
            h.close("tbody").close("table");
        }
        h.close("section");
    }

    /** One row per subject (both hemispheres pooled, then each), one column per run: score where ceilings exist, else r. */
    private void subjectTable(String split, Map<String, EvaluationReport> reports, String best) {
        boolean scores = reports.values().stream().allMatch(e -> e.overall().meanScore() != null);
        String metric = scores ? "noise-normalized score (%)" : "mean r";
        h.element("h3", split.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + split.substring(1) + ": " + metric);
        h.open("div", "class", "scroll").open("table", "id", "subjects-" + split, "class", "sortable").open("thead").open("tr")
                .element("th", "subject").element("th", "hemisphere").element("th", "vertices", "class", "num");
        for (String runId : reports.keySet()) h.element("th", runId, "class", runId.equals(best) ? "num best" : "num");
        h.close("tr").close("thead").open("tbody");
        EvaluationReport first = reports.values().iterator().next();
        List<EvaluationReport.ScoreRow> levels = new ArrayList<>();
        levels.add(first.overall());
        for (String s : first.subjects()) {
            levels.add(first.row(EvaluationReport.LEVEL_SUBJECT, s, EvaluationReport.ALL));
            for (String hemi : List.of("lh", "rh")) {
                EvaluationReport.ScoreRow r = first.row(EvaluationReport.LEVEL_HEMISPHERE, s, hemi);
                if (r != null) levels.add(r);
            }
        }
        for (EvaluationReport.ScoreRow level : levels) {
            boolean pooled = level.level().equals(EvaluationReport.LEVEL_ALL);
            h.open("tr", "class", pooled ? "pooled" : null).element("td", pooled ? "all subjects" : level.subject())
                    .element("td", level.hemisphere().equals(EvaluationReport.ALL) ? "both" : level.hemisphere())
                    .element("td", Integer.toString(level.vertices()), "class", "num", "data-v", Integer.toString(level.vertices()));
            Double top = null;
            Map<String, Double> values = new LinkedHashMap<>();
            for (Map.Entry<String, EvaluationReport> e : reports.entrySet()) {
                EvaluationReport.ScoreRow r = e.getValue().row(level.level(), level.subject(), level.hemisphere());
                Double v = r == null ? null : scores ? r.meanScore() : r.meanR();
                values.put(e.getKey(), v);
                if (v != null && (top == null || v > top)) top = v;
            }
            for (Double v : values.values()) {
                h.element("td", Html.number(v, scores ? 2 : 4), "class", v != null && v.equals(top) ? "num top" : "num",
                        "data-v", v == null ? "" : Double.toString(v));
            }
            h.close("tr");
        }
        h.close("tbody").close("table").close("div");
    }

    // ---- per ROI -------------------------------------------------------------------------------------------------

    private void rois() {
        section("rois");
        PublishedOutputs.Compare c = outputs.compare();
        EvaluationReport r = c == null ? null : c.roiReport();
        if (r == null) {
            h.element("p", "No ROI scores: no comparison is published yet.", "class", "note").close("section");
            return;
        }
        boolean test = c.test().containsKey(c.best());
        boolean scores = r.overall().meanScore() != null;
        h.element("p", "The best run (" + c.best() + ") per region of interest, on the " + (test ? "test images" : "validation rows (no test "
                + "fMRI here)") + ": " + (scores ? "noise-normalized score (%)" : "mean r") + ". A dash marks an ROI with no vertices "
                + "in that hemisphere.", "class", "note");
        for (Map.Entry<String, byte[]> e : c.roiPlots().entrySet()) {
            figure(e.getValue(), "roi-" + e.getKey(), e.getKey() + ": " + c.best() + " per ROI, left and right hemisphere");
        }
        List<String> columns = new ArrayList<>();
        Map<String, Map<String, EvaluationReport.ScoreRow>> byRoi = new LinkedHashMap<>();
        for (String s : r.subjects()) {
            for (String hemi : List.of("lh", "rh")) {
                List<EvaluationReport.ScoreRow> rows = r.roiRows(s, hemi);
                if (rows.isEmpty()) continue;
                columns.add(s + " " + hemi);
                for (EvaluationReport.ScoreRow row : rows) {
                    byRoi.computeIfAbsent(row.family() + "\u0000" + row.roi(), k -> new LinkedHashMap<>()).put(s + " " + hemi, row);
                }
            }
        }
        h.open("div", "class", "scroll").open("table", "id", "roi-table", "class", "sortable").open("thead").open("tr")
                .element("th", "family").element("th", "ROI");
        for (String col : columns) h.element("th", col, "class", "num");
        h.close("tr").close("thead").open("tbody");
        for (Map.Entry<String, Map<String, EvaluationReport.ScoreRow>> e : byRoi.entrySet()) {
            String[] key = e.getKey().split("\u0000", 2);
            h.open("tr").element("td", key[0]).element("td", key[1]);
            for (String col : columns) {
                EvaluationReport.ScoreRow row = e.getValue().get(col);
                Double v = row == null ? null : scores ? row.meanScore() : row.meanR();
                h.element("td", Html.number(v, scores ? 2 : 4), "class", "num", "data-v", v == null ? "" : Double.toString(v),
                        "title", row == null ? "not in this hemisphere's atlas" : row.vertices() + " vertices");
            }
            h.close("tr");
        }
        h.close("tbody").close("table").close("div").close("section");
    }

    private void figure(byte[] png, String id, String caption) {
        h.open("figure", "id", id).empty("img", "src", Html.pngUri(png), "alt", caption).element("figcaption", caption).close("figure");
    }

    // ---- training curves -----------------------------------------------------------------------------------------

    private void curves() {
        section("curves");
        boolean any = false;
        for (PublishedOutputs.Checkpoint m : outputs.checkpoints()) {
            if (!m.pretrained() || m.history().isEmpty()) continue;
            figure(Charts.trainingCurves(m.id() + ": pre-training on every subject", Map.of("pretrained", m.history())),
                    "curves-" + m.id().replace('/', '-'), m.id() + " (v=" + m.version().id() + "): training loss and validation accuracy per epoch");
            any = true;
        }
        PublishedOutputs.Compare c = outputs.compare();
        Set<String> drawn = new LinkedHashSet<>();
        if (c != null) {
            for (Map.Entry<String, byte[]> e : c.curves().entrySet()) {
                figure(e.getValue(), "curves-" + e.getKey(), e.getKey() + ": every trained run of the comparison, per epoch");
                drawn.add(e.getKey());
                any = true;
            }
        }
        // Subjects the comparison has no curves for (not compared yet): their published model's own history.
        Map<String, Map<String, List<EpochRecord>>> bySubject = new LinkedHashMap<>();
        for (PublishedOutputs.Checkpoint m : outputs.checkpoints()) {
            if (m.pretrained() || drawn.contains(m.subject()) || m.history().isEmpty()) continue;
            bySubject.computeIfAbsent(m.subject(), k -> new LinkedHashMap<>()).put(m.id(), m.history());
        }
        for (Map.Entry<String, Map<String, List<EpochRecord>>> e : bySubject.entrySet()) {
            figure(Charts.trainingCurves(e.getKey() + ": training curves", e.getValue()), "curves-" + e.getKey(),
                    e.getKey() + ": the published model's training, per epoch");
            any = true;
        }
        if (!any) h.element("p", "No training curves: no model is published yet.", "class", "note");
        h.close("section");
    }

    // ---- checkpoints ---------------------------------------------------------------------------------------------

    private void checkpoints() throws IOException {
        section("checkpoints");
        if (outputs.checkpoints().isEmpty()) {
            h.element("p", "No model is published yet.", "class", "note").close("section");
            return;
        }
        h.element("p", "The current version of every model, with the epoch it keeps and that epoch's validation scores. A fine-tuned "
                + "model names the pre-trained version it started from (its parent: the current one, or an older one kept); "
                + "up to train.checkpoints.keep versions of each model are kept.", "class", "note");
        h.open("div", "class", "scroll").open("table", "id", "checkpoint-table", "class", "sortable").open("thead").open("tr")
                .element("th", "model").element("th", "version").element("th", "this run");
        for (String col : List.of("epochs", "best", "val. r", "val. score (%)")) h.element("th", col, "class", "num");
        h.element("th", "parent").element("th", "kept", "class", "num").element("th", "files").close("tr").close("thead").open("tbody");
        for (PublishedOutputs.Checkpoint m : outputs.checkpoints()) {
            Manifest man = m.version().manifest();
            h.open("tr").open("td").element("code", m.id()).close("td")
                    .open("td").element("code", m.version().id(), "title", "published " + time(man.createdAt())).close("td")
                    .element("td", publishedNow.contains(m.id()) ? "new" : "unchanged");
            count(man.get("epochsRun"));
            count(man.get("bestEpoch"));
            num(metric(man, "validationR"), 4);
            num(metric(man, "validationScore"), 2);
            if (m.parent() == null) h.element("td", "\u2013");
            else h.element("td", m.parentCurrent() ? "current" : "older, kept", "title", "pre-trained v=" + m.parent().version());
            count(m.versions());
            h.open("td").link(links.href(m.version().path(), true), "folder").text(" \u00b7 ")
                    .link(links.href(new Path(m.version().path(), Manifest.FILE_NAME), false), "manifest").close("td").close("tr");
        }
        h.close("tbody").close("table").close("div").close("section");
    }

    private void count(Object n) {
        h.element("td", n == null ? "\u2013" : n.toString(), "class", "num", "data-v", n == null ? "" : n.toString());
    }

    private static Double metric(Manifest m, String name) {
        return m.metrics().get(name) instanceof Number n ? n.doubleValue() : null;
    }

    // ---- files ---------------------------------------------------------------------------------------------------

    private void files() throws IOException {
        section("files");
        h.element("p", "Links are relative to this page inside the output root: they open when the root is on this machine or "
                + "served over HTTP.", "class", "note");
        PublishedOutputs.Compare c = outputs.compare();
        if (c != null) fileList("Comparison", c.id(), c.version(), c.files());
        PublishedOutputs.Project p = outputs.project();
        if (p != null) fileList("Project", p.id(), p.version(), p.files());
        h.element("h3", "This page").open("ul", "class", "files").open("li").link(Manifest.FILE_NAME, Manifest.FILE_NAME)
                .text(": what this page was made from (the versions above)").close("li").close("ul");
        h.close("section");
    }

    private void fileList(String title, String id, Version v, List<FileStatus> files) throws IOException {
        h.open("h3").text(title + " ").element("code", id + "/v=" + v.id()).close("h3").open("ul", "class", "files");
        h.open("li").link(links.href(new Path(v.path(), Manifest.FILE_NAME), false), Manifest.FILE_NAME).close("li");
        for (FileStatus f : files) {
            String name = links.display(f.getPath());
            name = name.substring(name.indexOf("/v=") + 1);
            name = name.substring(name.indexOf('/') + 1);
            h.open("li").link(links.href(f.getPath(), f.isDirectory()), name + (f.isDirectory() ? "/" : ""));
            if (f.isFile()) h.element("span", " " + size(f.getLen()), "class", "note");
            h.close("li");
        }
        h.close("ul");
    }

    private static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(java.util.Locale.ROOT, "%.1f kB", bytes / 1024.0);
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    // ---- style and script ----------------------------------------------------------------------------------------

    private static final String CSS = """
            :root { --fg: #1d2430; --muted: #5b6575; --line: #d9dee7; --soft: #f4f6f9; --ok: #1e7b34; --skip: #6b7280;
                    --wait: #a15c00; --fail: #b42318; }
            * { box-sizing: border-box; }
            body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); }
            header { background: #14213d; color: #fff; padding: 20px 32px 12px; }
            header h1 { margin: 0 0 4px; font-size: 24px; }
            header .meta { margin: 0 0 10px; color: #c9d3e6; font-size: 14px; }
            header code { color: #fff; }
            nav a { color: #fff; margin-right: 18px; text-decoration: none; font-size: 14px; }
            nav a:hover { text-decoration: underline; }
            main { max-width: 1280px; margin: 0 auto; padding: 4px 32px 40px; }
            section { margin-top: 26px; }
            h2 { font-size: 21px; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-bottom: 10px; }
            h3 { font-size: 16px; margin: 18px 0 6px; }
            .note { color: var(--muted); font-size: 14px; }
            #checkpoint-table code { white-space: nowrap; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; margin: 6px 0 14px; font-size: 14px; }
            th, td { padding: 4px 9px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
            thead th { background: var(--soft); font-weight: 600; white-space: nowrap; }
            tbody th { font-weight: 600; white-space: nowrap; }
            .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            table.sortable thead th { cursor: pointer; }
            table.sortable thead th::after { content: " \\2195"; color: #9aa3b2; font-size: 11px; }
            table.sortable thead th[aria-sort=ascending]::after { content: " \\25B2"; color: var(--fg); }
            table.sortable thead th[aria-sort=descending]::after { content: " \\25BC"; color: var(--fg); }
            tr.best td { background: #eaf6ec; font-weight: 600; }
            tr.mean td { color: var(--muted); font-style: italic; }
            tr.pooled td { font-weight: 600; background: var(--soft); }
            tr.failed td { background: #fdecea; }
            td.top { font-weight: 700; }
            th.best { color: var(--ok); }
            #units td:nth-child(5), #units td:nth-child(6) { max-width: 380px; overflow-wrap: anywhere; }
            .verdict { font-size: 16px; font-weight: 600; }
            .verdict.ok { color: var(--ok); }
            .verdict.fail { color: var(--fail); }
            .tiles { display: flex; gap: 12px; flex-wrap: wrap; margin: 10px 0; }
            .tile { border: 1px solid var(--line); border-radius: 8px; padding: 8px 18px; min-width: 130px; background: var(--soft); }
            .tile b { display: block; font-size: 26px; line-height: 1.2; }
            .tile.published b { color: var(--ok); }
            .tile.unchanged b { color: var(--skip); }
            .tile.waiting b { color: var(--wait); }
            .tile.failed b { color: var(--fail); }
            .headline { font-size: 15px; }
            .claims { background: var(--soft); padding: 10px 14px 10px 34px; border-radius: 8px; }
            .badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; line-height: 20px; margin: 1px 3px 1px 0;
                     color: #fff; white-space: nowrap; font-style: normal; font-weight: 600; }
            .badge.published { background: var(--ok); }
            .badge.unchanged { background: var(--skip); }
            .badge.waiting { background: var(--wait); }
            .badge.failed { background: var(--fail); }
            td .badge { cursor: default; }
            .box { border-left: 4px solid var(--line); padding: 6px 14px; margin: 12px 0; background: var(--soft); }
            .box h3 { margin-top: 4px; }
            .box.fail { border-color: var(--fail); }
            .box.warn { border-color: var(--wait); }
            figure { margin: 14px 0 26px; }
            figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
            figcaption { color: var(--muted); font-size: 13px; }
            ul.files { columns: 2; font-size: 14px; }
            code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
            footer { max-width: 1280px; margin: 0 auto; padding: 12px 32px 32px; color: var(--muted); font-size: 13px;
                     border-top: 1px solid var(--line); }
            """;

    /** Sorts a table by the clicked column: numbers by their data-v value (missing ones last), the rest as text. */
    private static final String SCRIPT = """
            (function () {
              function key(cell) {
                if (!cell) return { n: NaN, s: '' };
                var v = cell.getAttribute('data-v');
                return { n: v === null || v === '' ? NaN : parseFloat(v), s: cell.textContent.trim().toLowerCase() };
              }
              function order(a, b, direction) {
                var an = !isNaN(a.n), bn = !isNaN(b.n);
                if (an && bn) return direction * (a.n - b.n);
                if (an !== bn) return an ? -1 : 1;
                return direction * a.s.localeCompare(b.s);
              }
              Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
                var head = table.tHead ? table.tHead.rows[0] : null;
                if (!head) return;
                Array.prototype.forEach.call(head.cells, function (th, column) {
                  th.title = 'sort by ' + th.textContent;
                  th.addEventListener('click', function () {
                    var body = table.tBodies[0];
                    var direction = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
                    var rows = Array.prototype.slice.call(body.rows);
                    rows.sort(function (r1, r2) { return order(key(r1.cells[column]), key(r2.cells[column]), direction); });
                    Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute('aria-sort'); });
                    th.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
                    rows.forEach(function (r) { body.appendChild(r); });
                  });
                });
              });
            })();""";
}
