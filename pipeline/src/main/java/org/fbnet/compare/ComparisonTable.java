package org.fbnet.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison table, like the F-BNet paper's: one row per run (variant and seed) with the
 * validation and, where test truth exists, test scores pooled over every vertex of every compared
 * subject; variants run with several seeds get a "mean" row after their runs. Immutable.
 */
public record ComparisonTable(List<Row> rows) {
    /**
     * One run, or the mean over a variant's seeds ({@code seed} "mean").
     * Scores are noise-normalized percent (null without ceilings); r is mean Pearson r; test values
     * are null without test truth.
     */
    public record Row(String variant, String seed, Double valScore, Double valR, Double testScore, Double testR, double fitSeconds) {
        /** The run's directory name under the report's {@code runs/}, or null for a "mean" row. */
        public String runId() {
            if (MEAN.equals(seed)) return null;
            return ComparisonTable.runId(variant, NO_SEED.equals(seed) ? null : Long.valueOf(seed));
        }
    }

    /** The seed column of deterministic variants and of seed means. */
    public static final String NO_SEED = "-", MEAN = "mean";

    /** A run's id: the variant's name, with {@code -seedN} for seeded variants. */
    public static String runId(String variant, Long seed) {
        return seed == null ? variant : variant + "-seed" + seed;
    }

    public ComparisonTable {
        rows = List.copyOf(rows);
    }

    /** This table with a "mean" row after each variant that has more than one run. */
    public ComparisonTable withSeedMeans() {
        Map<String, List<Row>> byVariant = new LinkedHashMap<>();
        for (Row r : rows) byVariant.computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(r);
        List<Row> out = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : byVariant.entrySet()) {
            List<Row> runs = e.getValue();
            out.addAll(runs);
            if (runs.size() > 1) {
                out.add(new Row(e.getKey(), MEAN, mean(runs, Row::valScore), mean(runs, Row::valR), mean(runs, Row::testScore),
                        mean(runs, Row::testR), runs.stream().mapToDouble(Row::fitSeconds).average().orElse(0)));
            }
        }
        return new ComparisonTable(out);
    }

    private static Double mean(List<Row> runs, java.util.function.Function<Row, Double> f) {
        double s = 0;
        for (Row r : runs) {
            Double v = f.apply(r);
            if (v == null) return null;
            s += v;
        }
        return s / runs.size();
    }

    public String toCsv() {
        StringBuilder sb = new StringBuilder("variant,seed,val_score,val_r,test_score,test_r,fit_seconds\n");
        for (Row r : rows) {
            sb.append(r.variant()).append(',').append(r.seed()).append(',').append(num(r.valScore())).append(',').append(num(r.valR()))
                    .append(',').append(num(r.testScore())).append(',').append(num(r.testR())).append(',')
                    .append(String.format(Locale.ROOT, "%.1f", r.fitSeconds())).append('\n');
        }
        return sb.toString();
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("rows", rowsAsMaps()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows as JSON-ready maps (snake_case keys, as in the CSV). */
    public List<Map<String, Object>> rowsAsMaps() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", r.variant());
            m.put("seed", r.seed());
            m.put("val_score", r.valScore());
            m.put("val_r", r.valR());
            m.put("test_score", r.testScore());
            m.put("test_r", r.testR());
            m.put("fit_seconds", r.fitSeconds());
            list.add(m);
        }
        return list;
    }

    /** The table from {@link #rowsAsMaps} (as the compare manifest's {@code metrics.table} holds it). */
    public static ComparisonTable fromMaps(List<Map<String, Object>> maps) {
        List<Row> rows = new ArrayList<>();
        for (Map<String, Object> m : maps) {
            if (!(m.get("variant") instanceof String variant) || !(m.get("seed") instanceof String seed)) {
                throw new IllegalArgumentException("comparison row lacks 'variant' or 'seed': " + m);
            }
            rows.add(new Row(variant, seed, number(m.get("val_score")), number(m.get("val_r")), number(m.get("test_score")),
                    number(m.get("test_r")), m.get("fit_seconds") instanceof Number n ? n.doubleValue() : 0));
        }
        return new ComparisonTable(rows);
    }

    private static Double number(Object o) { return o instanceof Number n ? n.doubleValue() : null; }

    /** A markdown table; missing values are shown as "-". */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("| model | seed | validation score (%) | validation r | test score (%) | test r | fit (s) |\n")
                .append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.variant()).append(" | ").append(r.seed()).append(" | ").append(md(r.valScore(), 2)).append(" | ")
                    .append(md(r.valR(), 4)).append(" | ").append(md(r.testScore(), 2)).append(" | ").append(md(r.testR(), 4))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", r.fitSeconds())).append(" |\n");
        }
        return sb.toString();
    }

    private static String num(Double d) {
        return d == null ? "" : String.format(Locale.ROOT, "%.6g", d);
    }

    private static String md(Double d, int decimals) {
        return d == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", d);
    }
}
