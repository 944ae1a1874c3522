package org.fbnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.data.InputDataException;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Decision;
import org.fbnet.stage.Pipeline;
import org.fbnet.stage.Unit;
import org.fbnet.stage.UnitResult;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.Version;
import org.fbnet.synth.SyntheticDataset;
import org.fbnet.testing.Chromium;
import org.fbnet.testing.SmallPipeline;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The run report of a real small pipeline run, run twice (the second run changes nothing), and of a run
 * whose units failed on an empty root. The page is read as XML (it is polyglot markup) and checked against
 * the files the stages published; the test tagged {@code browser} opens it in headless Chromium.
 */
class RunReportTest extends SparkTestBase {
    @TempDir
    static java.nio.file.Path tmp;
    private static DataRoot root;
    private static Pipeline.Report first, second;
    private static Version firstPage, secondPage, failedPage;
    private static final String CLAIM = "F-BNet's claim <checked> & stated as a plain line";

    @BeforeAll
    static void runThePipelineTwice() throws Exception {
        Configuration conf = HadoopConf.create();
        SyntheticDataset.Result data = SmallPipeline.generate(tmp.resolve("data"), conf);
        root = DataRoot.of(tmp.resolve("out").toUri().toString(), conf);
        Instant t0 = Instant.now();
        first = SmallPipeline.run(root, SmallPipeline.SETTINGS, data, FbnetPipeline.ORDER);
        Instant t1 = Instant.now();
        firstPage = RunReport.publish(root, SmallPipeline.SETTINGS, first, new RunReport.Run("run-1", t0, t1, List.of(CLAIM)));
        second = SmallPipeline.run(root, SmallPipeline.SETTINGS, data, FbnetPipeline.ORDER);
        secondPage = RunReport.publish(root, SmallPipeline.SETTINGS, second, new RunReport.Run("run-2", t1, Instant.now(), List.of()));
        failedPage = failedRunOnAnEmptyRoot(conf);
    }

    /** A run of one subject whose fine-tune failed (with markup in its message) and whose comparison waited. */
    private static Version failedRunOnAnEmptyRoot(Configuration conf) throws Exception {
        DataRoot empty = DataRoot.of(tmp.resolve("empty").toUri().toString(), conf);
        Unit finetune = new Unit("finetune", "finetune/subj03", "subj03", Map.of(), Map.of(), "f", List.of("models/fbnet/subj03"),
                Decision.RUN, "new");
        Unit compare = new Unit("compare", "compare", null, Map.of(), Map.of(), null, List.of("reports/compare"), Decision.BLOCKED,
                "needs models/fbnet/subj03 (not published, not planned)");
        Pipeline.Report r = new Pipeline.Report(List.of(finetune, compare), List.of(
                UnitResult.failed(finetune, new InputDataException("subj03: lh_training_fmri.npy: NaN at row 4 <b>not markup</b>"), 1.5),
                UnitResult.notRun(compare)));
        Instant now = Instant.now();
        return RunReport.publish(empty, SmallPipeline.SETTINGS, r, new RunReport.Run("run-failed", now.minusSeconds(2), now, List.of()));
    }

    private static java.nio.file.Path page(Version v) {
        return java.nio.file.Path.of(v.path().toUri()).resolve(RunReport.PAGE);
    }

    private static Document xml(Version v) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(page(v).toFile());
    }

    private static Element byId(Document d, String id) {
        NodeList all = d.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (id.equals(e.getAttribute("id"))) return e;
        }
        return null;
    }

    private static List<Element> elements(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        NodeList l = parent.getElementsByTagName(tag);
        for (int i = 0; i < l.getLength(); i++) out.add((Element) l.item(i));
        return out;
    }

    /** The body rows of a table, each as its cells' text. */
    private static List<List<String>> rows(Document d, String tableId) {
        Element table = byId(d, tableId);
        assertNotNull(table, "table #" + tableId);
        List<List<String>> out = new ArrayList<>();
        for (Element tr : elements(elements(table, "tbody").get(0), "tr")) {
            List<String> cells = new ArrayList<>();
            NodeList kids = tr.getChildNodes();
            for (int i = 0; i < kids.getLength(); i++) {
                if (kids.item(i) instanceof Element c) cells.add(c.getTextContent().trim());
            }
            out.add(cells);
        }
        return out;
    }

    private static List<String> header(Document d, String tableId) {
        return elements(elements(byId(d, tableId), "thead").get(0), "th").stream().map(e -> e.getTextContent().trim()).toList();
    }

    /** A published CSV of the comparison as maps from header to value. */
    private static List<Map<String, String>> csv(java.nio.file.Path file) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String[] head = lines.get(0).split(",", -1);
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",", -1);
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < head.length; i++) m.put(head[i], v[i]);
            out.add(m);
        }
        return out;
    }

    private static java.nio.file.Path local(org.apache.hadoop.fs.Path p) { return java.nio.file.Path.of(p.toUri()); }

    @Test
    void thePageShowsWhatTheRunDidTheScoresThePlotsAndTheCheckpoints() throws Exception {
        Document d = xml(firstPage);
        for (String id : RunPage.SECTIONS.keySet()) assertNotNull(byId(d, id), "section #" + id);
        assertEquals(CLAIM, elements(byId(d, "claims"), "li").get(0).getTextContent(), "claims are shown as given, escaped");

        // What ran: every unit, with its outcome, and the stage-by-subject overview.
        List<List<String>> units = rows(d, "units");
        assertEquals(first.results().size(), units.size());
        assertEquals(first.published(), units.stream().filter(r -> r.get(2).equals("published")).count());
        assertEquals(List.of("subject", "ingest", "embed", "project", "pretrain", "finetune", "compare"), header(d, "stage-matrix"));
        assertEquals(List.of("subj01", "subj02", "all subjects"), rows(d, "stage-matrix").stream().map(r -> r.get(0)).toList());

        // The comparison table: the rows compare published, the best one marked, the numbers those of comparison.csv.
        org.apache.hadoop.fs.Path compare = root.versioned(DataRoot.report("compare")).current().orElseThrow().path();
        String best = root.versioned(DataRoot.report("compare")).current().orElseThrow().manifest().getString("best");
        List<Map<String, String>> table = csv(local(compare).resolve("comparison.csv"));
        List<List<String>> shown = rows(d, "comparison-table");
        assertEquals(table.size(), shown.size());
        for (int i = 0; i < table.size(); i++) {
            assertEquals(table.get(i).get("variant"), shown.get(i).get(0).replace("best", ""), "row " + i);
            assertEquals(Double.parseDouble(table.get(i).get("val_score")), Double.parseDouble(shown.get(i).get(2)), 0.0051, "row " + i);
            assertEquals(Double.parseDouble(table.get(i).get("test_r")), Double.parseDouble(shown.get(i).get(5)), 0.000051, "row " + i);
        }
        List<Element> bestRows = elements(byId(d, "comparison-table"), "tr").stream().filter(e -> e.getAttribute("class").equals("best")).toList();
        assertEquals(1, bestRows.size());
        assertTrue(bestRows.get(0).getTextContent().startsWith(best), bestRows.get(0).getTextContent());

        // Per subject: pooled, then each subject with its hemispheres, one column per run; values from the run's scores file.
        List<List<String>> perSubject = rows(d, "subjects-validation");
        assertEquals(List.of("all subjects", "subj01", "subj01", "subj01", "subj02", "subj02", "subj02"), perSubject.stream().map(r -> r.get(0)).toList());
        assertEquals(List.of("subject", "hemisphere", "vertices", "fbnet", "ridge"), header(d, "subjects-validation"));
        Map<String, String> subj02Rh = csv(local(compare).resolve("runs/ridge/validation_scores.csv")).stream()
                .filter(r -> r.get("level").equals("hemisphere") && r.get("subject").equals("subj02") && r.get("hemisphere").equals("rh"))
                .findFirst().orElseThrow();
        assertEquals("70", perSubject.get(6).get(2));
        assertEquals(Double.parseDouble(subj02Rh.get("mean_score")), Double.parseDouble(perSubject.get(6).get(4)), 0.0051);
        assertNotNull(byId(d, "subjects-test"), "the synthetic data has test truth");
        assertFalse(rows(d, "reconstruction").isEmpty(), "the project report's reconstruction lines");

        // Per ROI: one row per ROI of the best run's scores file (test truth exists, so test scores).
        Set<String> rois = new LinkedHashSet<>();
        for (Map<String, String> r : csv(local(compare).resolve("runs/" + best + "/test_scores.csv"))) {
            if (r.get("level").equals("roi")) rois.add(r.get("family") + "/" + r.get("roi"));
        }
        assertEquals(rois.size(), rows(d, "roi-table").size());

        // Plots: the comparison's ROI charts and curves embedded byte for byte, the pre-training curve drawn from its manifest.
        Map<String, byte[]> images = new HashMap<>();
        for (Element img : elements(d.getDocumentElement(), "img")) {
            String src = img.getAttribute("src");
            assertTrue(src.startsWith("data:image/png;base64,"), "embedded, not linked: " + src.substring(0, Math.min(40, src.length())));
            byte[] png = Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1));
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertTrue(image != null && image.getWidth() > 0 && image.getHeight() > 0, "a PNG: " + img.getAttribute("alt"));
            images.put(((Element) img.getParentNode()).getAttribute("id"), png);
        }
        assertEquals(Set.of("roi-subj01", "roi-subj02", "curves-models-fbnet-pretrained", "curves-subj01", "curves-subj02"), images.keySet());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(local(compare).resolve("roi_subj01.png")), images.get("roi-subj01")));
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(local(compare).resolve("training_curves_subj02.png")), images.get("curves-subj02")));

        // Checkpoints: the current version of every model, fine-tuned ones naming the current pre-trained version.
        List<List<String>> models = rows(d, "checkpoint-table");
        assertEquals(List.of("models/fbnet/pretrained", "models/fbnet/subj01", "models/fbnet/subj02"), models.stream().map(r -> r.get(0)).toList());
        String pretrained = root.versioned(DataRoot.model("fbnet", "pretrained")).current().orElseThrow().id();
        Element subj01Parent = (Element) elements(elements(byId(d, "checkpoint-table"), "tbody").get(0), "tr").get(1).getElementsByTagName("td").item(7);
        assertEquals("current", subj01Parent.getTextContent());
        assertEquals("pre-trained v=" + pretrained, subj01Parent.getAttribute("title"));
        assertTrue(models.stream().allMatch(r -> r.get(2).equals("new")), "every model was published by this run");
    }

    @Test
    void everyLinkOpensAFileOrFolderOfTheOutputRoot() throws Exception {
        Document d = xml(firstPage);
        URI page = page(firstPage).toUri();
        int files = 0;
        for (Element a : elements(d.getDocumentElement(), "a")) {
            String href = a.getAttribute("href");
            if (href.startsWith("#")) {
                assertNotNull(byId(d, href.substring(1)), "anchor " + href);
                continue;
            }
            java.nio.file.Path target = java.nio.file.Path.of(page.resolve(href));
            assertTrue(Files.exists(target), href + " -> " + target);
            assertTrue(target.startsWith(java.nio.file.Path.of(root.root().toUri())), "inside the root: " + target);
            files++;
        }
        // Three models (folder, manifest), the comparison's and the project's files, this page's manifest.
        assertTrue(files > 20, files + " links");
    }

    @Test
    void aRunThatChangedNothingSaysSoAndStillShowsTheCurrentResults() throws Exception {
        assertEquals(0, second.published());
        Document d = xml(secondPage);
        assertEquals(List.of(), elements(d.getDocumentElement(), "ul").stream().filter(u -> "claims".equals(u.getAttribute("class"))).toList());
        List<List<String>> units = rows(d, "units");
        assertTrue(units.stream().allMatch(r -> r.get(2).equals("unchanged") && r.get(4).equals("up to date")), units.toString());
        assertEquals("Nothing had to run: every output was up to date.", elements(byId(d, "summary"), "p").get(0).getTextContent());
        assertTrue(byId(d, "comparison").getTextContent().contains("Unchanged by this run"));
        assertTrue(rows(d, "checkpoint-table").stream().allMatch(r -> r.get(2).equals("unchanged")));
        assertEquals(5, elements(d.getDocumentElement(), "img").size(), "the plots of the current comparison and models");

        // Each run has its page; the latest is current, and its manifest names what it showed.
        assertEquals(List.of(firstPage.id(), secondPage.id()), root.versioned(RunReport.OUTPUT).list().stream().map(Version::id).toList());
        assertEquals(secondPage.id(), root.versioned(RunReport.OUTPUT).current().orElseThrow().id());
        Manifest m = secondPage.manifest();
        assertEquals(RunReport.KIND, m.kind());
        assertEquals(root.versioned(DataRoot.report("compare")).current().orElseThrow().id(), m.input(DataRoot.report("compare")).version());
        // every unit of the run, the same set the first run published
        assertEquals(first.published(), ((Number) m.metrics().get("unchanged")).intValue());
        assertEquals(second.results().size(), ((Number) m.metrics().get("unchanged")).intValue());
        assertFalse(firstPage.fingerprint().equals(secondPage.fingerprint()), "the runs differ, so do the pages' fingerprints");
    }

    @Test
    void failedUnitsAreNamedWithTheirErrorsAndAnEmptyRootSaysWhatIsMissing() throws Exception {
        Document d = xml(failedPage);
        String failures = byId(d, "failures").getTextContent();
        assertTrue(failures.contains("finetune/subj03") && failures.contains("InputDataException: subj03: lh_training_fmri.npy: NaN at row 4 <b>not markup</b>"),
                failures);
        assertTrue(byId(d, "summary").getTextContent().contains("1 unit failed"));
        assertEquals(List.of("failed", "waiting"), rows(d, "units").stream().map(r -> r.get(2)).toList());
        assertTrue(byId(d, "comparison").getTextContent().contains("no comparison is published yet"));
        assertTrue(byId(d, "checkpoints").getTextContent().contains("No model is published yet"));
        assertEquals(0, elements(d.getDocumentElement(), "img").size());
        assertEquals(1, ((Number) failedPage.manifest().metrics().get("failed")).intValue());
    }

    @Test
    @Tag(Chromium.TAG)
    void chromiumRendersThePageWithEveryImageLoadedAndNoScriptErrors() throws Exception {
        // The screenshot and a copy of the page stay in target/ for people to look at.
        java.nio.file.Path out = java.nio.file.Path.of("target", "run-report");
        Files.createDirectories(out);
        Files.copy(page(firstPage), out.resolve("index.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Chromium browser = Chromium.start(tmp)) {
            browser.open(page(firstPage).toUri());
            JsonNode images = browser.evaluate("Array.from(document.images).map(function (i) { "
                    + "return {alt: i.alt, complete: i.complete, width: i.naturalWidth, shown: i.getBoundingClientRect().width}; })");
            assertEquals(5, images.size(), images.toString());
            for (JsonNode i : images) {
                assertTrue(i.get("complete").asBoolean() && i.get("width").asInt() > 0 && i.get("shown").asDouble() > 0, "loaded and shown: " + i);
            }
            assertEquals(List.copyOf(RunPage.SECTIONS.keySet()), strings(browser.evaluate(
                    "Array.from(document.querySelectorAll('main > section')).filter(function (s) { return s.offsetHeight > 0; })"
                            + ".map(function (s) { return s.id; })")));
            assertEquals(first.results().size(), browser.evaluate("document.querySelectorAll('#units tbody tr').length").asInt());
            assertEquals(List.of(), strings(browser.evaluate("performance.getEntriesByType('resource').map(function (e) { return e.name; })")),
                    "self-contained: the page fetched nothing");

            browser.screenshot(out.resolve("index.png"));

            // The inline script sorts: by time ascending, then descending on a second click.
            String times = "Array.from(document.querySelectorAll('#units tbody tr')).map(function (r) { return parseFloat(r.cells[6].getAttribute('data-v')); })";
            browser.evaluate("document.querySelectorAll('#units thead th')[6].click()");
            List<Double> up = doubles(browser.evaluate(times));
            browser.evaluate("document.querySelectorAll('#units thead th')[6].click()");
            List<Double> down = doubles(browser.evaluate(times));
            List<Double> sorted = new ArrayList<>(up);
            sorted.sort(null);
            assertEquals(sorted, up);
            java.util.Collections.reverse(sorted);
            assertEquals(sorted, down);
            assertEquals(List.of(), browser.scriptErrors());

            browser.open(page(failedPage).toUri());
            assertTrue(browser.evaluate("document.getElementById('failures').innerText").asText().contains("<b>not markup</b>"));
            browser.screenshot(out.resolve("failed.png"));
            assertEquals(List.of(), browser.scriptErrors());
        }
        BufferedImage shot = ImageIO.read(out.resolve("index.png").toFile());
        assertTrue(shot.getWidth() >= 1000 && shot.getHeight() > 2000, shot.getWidth() + " x " + shot.getHeight());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.asText());
        return out;
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.asDouble());
        return out;
    }
}
