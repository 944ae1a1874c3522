package org.fbnet.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fbnet.data.InputDataException;

/**
 * Mean encoding accuracy of one set of predictions at every level the Algonauts 2023 challenge and
 * the F-BNet paper report: all vertices of all subjects and hemispheres pooled, each subject (both
 * hemispheres pooled), each subject's hemisphere, and each ROI of the atlas. Immutable.
 * <p>Means are over vertices, so a larger hemisphere weighs more in the pooled mean, as in the
 * challenge's scorer. Scores (noise-normalized, percent) exist only where every vertex of the level
 * has a ceiling; mean r always exists. An empty ROI is a row with no vertices and no means.
 */
public final class EvaluationReport {
    public static final String ALL = "all";
    public static final String LEVEL_ALL = "all", LEVEL_SUBJECT = "subject", LEVEL_HEMISPHERE = "hemisphere", LEVEL_ROI = "roi";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One line of the scores table.
     * @param meanR     mean Pearson r over the vertices, null for an empty ROI
     * @param meanScore mean noise-normalized accuracy in percent, null for an empty ROI or without ceilings
     */
    public record ScoreRow(String level, String subject, String hemisphere, String family, String roi, int vertices,
                           Double meanR, Double meanScore) {
        public boolean missing() { return vertices == 0; }
    }

    private final String name;
    private final List<ScoreRow> rows;

    private EvaluationReport(String name, List<ScoreRow> rows) {
        this.name = name;
        this.rows = Collections.unmodifiableList(rows);
    }

    /**
     * Aggregates per-vertex accuracies of distinct (subject, hemisphere) pairs.
     * @param name  what was evaluated (variant and split), carried into the outputs
     * @param atlas ROIs; those of subjects or hemispheres not in {@code parts} are ignored
     * @throws InputDataException when an ROI lists a vertex the hemisphere does not have
     */
    public static EvaluationReport of(String name, List<VertexAccuracy> parts, RoiAtlas atlas) {
        if (parts.isEmpty()) throw new IllegalArgumentException(name + ": nothing to evaluate");
        List<VertexAccuracy> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparing(VertexAccuracy::subject).thenComparing(VertexAccuracy::hemisphere));
        Set<String> seen = new HashSet<>();
        for (VertexAccuracy p : sorted) {
            if (!seen.add(p.subject() + "/" + p.hemisphere())) throw new IllegalArgumentException(name + ": " + p.subject() + " " + p.hemisphere() + " given twice");
        }
        List<ScoreRow> rows = new ArrayList<>();
        rows.add(pooled(LEVEL_ALL, ALL, ALL, sorted));
        Map<String, List<VertexAccuracy>> bySubject = new LinkedHashMap<>();
        for (VertexAccuracy p : sorted) bySubject.computeIfAbsent(p.subject(), s -> new ArrayList<>()).add(p);
        for (Map.Entry<String, List<VertexAccuracy>> e : bySubject.entrySet()) {
            rows.add(pooled(LEVEL_SUBJECT, e.getKey(), ALL, e.getValue()));
            for (VertexAccuracy p : e.getValue()) rows.add(pooled(LEVEL_HEMISPHERE, p.subject(), p.hemisphere(), List.of(p)));
        }
        for (VertexAccuracy p : sorted) {
            for (RoiAtlas.Roi roi : atlas.of(p.subject(), p.hemisphere())) rows.add(roiRow(p, roi));
        }
        return new EvaluationReport(name, rows);
    }

    private static ScoreRow pooled(String level, String subject, String hemisphere, List<VertexAccuracy> parts) {
        double sr = 0, ss = 0;
        int n = 0;
        boolean scores = true;
        for (VertexAccuracy p : parts) {
            for (double r : p.r()) sr += r;
            n += p.vertices();
            if (p.hasScores()) {
                for (double s : p.score()) ss += s;
            } else {
                scores = false;
            }
        }
        return new ScoreRow(level, subject, hemisphere, "", "", n, n == 0 ? null : sr / n, scores && n > 0 ? ss / n : null);
    }

    private static ScoreRow roiRow(VertexAccuracy p, RoiAtlas.Roi roi) {
        int[] v = roi.vertices();
        double sr = 0, ss = 0;
        for (int i : v) {
            if (i < 0 || i >= p.vertices()) {
                throw new InputDataException("ROI atlas: " + p.subject() + " " + p.hemisphere() + " " + roi.family() + "/" + roi.name()
                        + " lists vertex " + i + ", but the hemisphere has " + p.vertices() + " challenge vertices");
            }
            sr += p.r()[i];
            if (p.hasScores()) ss += p.score()[i];
        }
        int n = v.length;
        return new ScoreRow(LEVEL_ROI, p.subject(), p.hemisphere(), roi.family(), roi.name(), n,
                n == 0 ? null : sr / n, n == 0 || !p.hasScores() ? null : ss / n);
    }

    public String name() { return name; }

    /** Every row: the pooled one first, then per subject with its hemispheres, then the ROIs. */
    public List<ScoreRow> rows() { return rows; }

    /** The row pooling all vertices of all subjects and hemispheres. */
    public ScoreRow overall() { return rows.get(0); }

    /** The subjects evaluated, in order. */
    public List<String> subjects() {
        return rows.stream().filter(r -> r.level().equals(LEVEL_SUBJECT)).map(ScoreRow::subject).toList();
    }

    /** A subject's ROI rows of one hemisphere, in atlas order. */
    public List<ScoreRow> roiRows(String subject, String hemisphere) {
        return rows.stream().filter(r -> r.level().equals(LEVEL_ROI) && r.subject().equals(subject) && r.hemisphere().equals(hemisphere)).toList();
    }

    /** The row of one level, subject and hemisphere (use {@link #ALL} for pooled ones), or null. */
    public ScoreRow row(String level, String subject, String hemisphere) {
        return rows.stream().filter(r -> r.level().equals(level) && r.subject().equals(subject) && r.hemisphere().equals(hemisphere))
                .findFirst().orElse(null);
    }

    /** The table as CSV with a header line; missing values are empty fields. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("level,subject,hemisphere,family,roi,vertices,mean_r,mean_score\n");
        for (ScoreRow r : rows) {
            sb.append(r.level()).append(',').append(r.subject()).append(',').append(r.hemisphere()).append(',')
                    .append(csvField(r.family())).append(',').append(csvField(r.roi())).append(',').append(r.vertices()).append(',')
                    .append(number(r.meanR())).append(',').append(number(r.meanScore())).append('\n');
        }
        return sb.toString();
    }

    /** The report as JSON: name, the pooled row as "overall", and every row; missing values are null. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("overall", rowMap(overall()));
        List<Map<String, Object>> list = new ArrayList<>();
        for (ScoreRow r : rows) list.add(rowMap(r));
        m.put("rows", list);
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads back what {@link #toJson} wrote (a published {@code *_scores.json}).
     * @param source names the file in errors
     * @throws IOException when the JSON is not a scores report
     */
    public static EvaluationReport fromJson(java.io.InputStream in, String source) throws IOException {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.path("name").isTextual() || !root.path("rows").isArray() || root.path("rows").isEmpty()) {
            throw new IOException(source + ": not a scores report (needs 'name' and a non-empty 'rows' list)");
        }
        List<ScoreRow> rows = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode r : root.get("rows")) {
            if (!r.path("level").isTextual() || !r.path("vertices").isInt()) throw new IOException(source + ": row lacks 'level' or 'vertices': " + r);
            rows.add(new ScoreRow(r.get("level").asText(), r.path("subject").asText(), r.path("hemisphere").asText(), r.path("family").asText(),
                    r.path("roi").asText(), r.get("vertices").asInt(), nullable(r.get("mean_r")), nullable(r.get("mean_score"))));
        }
        if (!rows.get(0).level().equals(LEVEL_ALL)) throw new IOException(source + ": the first row must be the pooled one, found " + rows.get(0).level());
        return new EvaluationReport(root.get("name").asText(), rows);
    }

    private static Double nullable(com.fasterxml.jackson.databind.JsonNode n) {
        return n == null || !n.isNumber() ? null : n.asDouble();
    }

    private static Map<String, Object> rowMap(ScoreRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("level", r.level());
        m.put("subject", r.subject());
        m.put("hemisphere", r.hemisphere());
        m.put("family", r.family());
        m.put("roi", r.roi());
        m.put("vertices", r.vertices());
        m.put("mean_r", r.meanR());
        m.put("mean_score", r.meanScore());
        return m;
    }

    static String number(Double d) {
        return d == null ? "" : String.format(Locale.ROOT, "%.6g", d);
    }

    static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
