package org.fbnet.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code notebooks-export/export.sh --size tiny} (the documented export command, on a tiny subject) and
 * checks what the executed notebook shows: every cell ran without an error, the stimulus and the three plots
 * are real PNG images, and the printed sizes and scores parse and are what the tiny settings imply.
 * <p>Needs Debian's Jupyter (jupyter-nbconvert, jupyter-client); tagged "notebook", run with {@code -Pnotebook}.
 * Maven has built the kernel and its class path before the tests, so the script skips its own build.
 */
@Tag("notebook")
class NotebookExportTest {
    static final Path MODULE = Path.of(System.getProperty("user.dir"));
    static final Path OUT = MODULE.resolve("target/notebook-test");

    static JsonNode notebook;
    static String html, text;

    @BeforeAll
    static void export() throws Exception {
        Path log = MODULE.resolve("target/notebook-test.log");
        Files.createDirectories(OUT);
        ProcessBuilder pb = new ProcessBuilder("bash", MODULE.resolve("export.sh").toString(), "--size", "tiny", "--out", OUT.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("FBNET_NOTEBOOK_SKIP_BUILD", "1");
        pb.environment().put("FBNET_HEAP", "2g");
        int exit = pb.start().waitFor();
        String output = Files.readString(log);
        assertEquals(0, exit, "export.sh failed; its output:\n" + output.substring(Math.max(0, output.length() - 6000)));
        notebook = new ObjectMapper().readTree(OUT.resolve("fbnet-walkthrough.executed.ipynb").toFile());
        html = Files.readString(OUT.resolve("fbnet-walkthrough.html"), StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder();
        for (JsonNode o : outputs()) {
            if (o.path("output_type").asText().equals("stream") && o.path("name").asText().equals("stdout")) sb.append(joined(o.path("text")));
        }
        text = sb.toString();
    }

    @Test
    void everyCodeCellRanWithoutAnError() {
        int code = 0;
        for (JsonNode cell : notebook.path("cells")) {
            if (!cell.path("cell_type").asText().equals("code")) continue;
            code++;
            assertFalse(cell.path("execution_count").isNull(), "a cell was not executed: " + joined(cell.path("source")));
            for (JsonNode o : cell.path("outputs")) {
                assertFalse(o.path("output_type").asText().equals("error"), "cell error: " + o);
            }
        }
        assertTrue(code >= 8, "code cells: " + code);
    }

    @Test
    void theStimulusAndThePlotsArePngImagesInTheNotebookAndItsHtml() throws Exception {
        List<BufferedImage> images = new ArrayList<>();
        for (JsonNode o : outputs()) {
            JsonNode png = o.path("data").path("image/png");
            if (png.isMissingNode()) continue;
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getMimeDecoder().decode(joined(png))));
            assertNotNull(img, "an image/png output that is no PNG");
            images.add(img);
        }
        assertEquals(4, images.size(), "stimulus, ROI correlations, ROI accuracy, training curves");
        assertEquals(32, images.get(0).getWidth(), "the tiny stimulus is synth.image.size=32 pixels wide");
        for (BufferedImage plot : images.subList(1, 4)) assertTrue(plot.getWidth() > 300 && plot.getHeight() > 200, "plots are chart-sized");
        assertEquals(4, count(html, "<img src=\"data:image/png;base64,"), "the HTML embeds the four images");
    }

    @Test
    void theSubjectHasTheTinySizes() {
        // Tiny: 60 training images, 10% validation rows, 8 test images, 60 + 70 vertices, 20 + 8 + 8 PCA components.
        assertTrue(text.contains("subj01: 54 training, 6 validation and 8 test rows; image latent 20; brain latents lh 8, rh 8; "
                + "vertices lh 60, rh 70;"), text);
    }

    @Test
    void trainingAndTestScoresParseAndAreInRange() {
        Matcher epoch = Pattern.compile("epoch (\\d+): loss (\\S+), validation r (\\S+), noise-normalized (\\S+)%").matcher(text);
        int epochs = 0;
        while (epoch.find()) {
            epochs++;
            assertEquals(epochs, Integer.parseInt(epoch.group(1)));
            assertTrue(Double.isFinite(Double.parseDouble(epoch.group(2))), epoch.group());
            assertInRange(Double.parseDouble(epoch.group(3)), -1, 1, epoch.group());
            assertInRange(Double.parseDouble(epoch.group(4)), 0, 100, epoch.group());
        }
        assertEquals(2, epochs, "train.epochs=2 in the tiny size (2 epochs never trigger early stopping at patience 3)");

        Matcher test = Pattern.compile("test: mean r = (\\S+), noise-normalized accuracy = (\\S+) % over (\\d+) vertices").matcher(text);
        assertTrue(test.find(), text);
        assertInRange(Double.parseDouble(test.group(1)), -1, 1, test.group());
        assertInRange(Double.parseDouble(test.group(2)), 0, 100, test.group());
        assertEquals(130, Integer.parseInt(test.group(3)), "all lh and rh vertices are scored");

        int rois = 0;
        Matcher roi = Pattern.compile("(?m)^(\\S+)\\s+(lh|rh)\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)$").matcher(text);
        while (roi.find()) {
            rois++;
            assertTrue(Integer.parseInt(roi.group(3)) > 0, roi.group());
            assertInRange(Double.parseDouble(roi.group(4)), -1, 1, roi.group());
            assertInRange(Double.parseDouble(roi.group(5)), 0, 100, roi.group());
        }
        assertTrue(rois > 0, "no ROI rows printed:\n" + text);
    }

    private static void assertInRange(double v, double lo, double hi, String what) {
        assertTrue(v >= lo && v <= hi, what + ": " + v + " outside [" + lo + ", " + hi + "]");
    }

    private static List<JsonNode> outputs() {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode cell : notebook.path("cells")) cell.path("outputs").forEach(all::add);
        return all;
    }

    /** nbformat stores multi-line strings either as one string or as a list of lines. */
    private static String joined(JsonNode n) {
        if (!n.isArray()) return n.asText();
        StringBuilder sb = new StringBuilder();
        n.forEach(l -> sb.append(l.asText()));
        return sb.toString();
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) n++;
        return n;
    }
}
