package org.fbnet.compare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;

/**
 * The F-BNet paper's three claims checked against a published comparison: F-BNet ahead of the ridge
 * baseline, the racing loss ahead of MSE, and pre-training ahead of none. Each claim compares two rows of
 * the table, on the test split when both rows have test scores (test truth was ingested), else on the
 * validation split; by the noise-normalized score when the data has noise ceilings, else by mean r.
 * <p>A claim that does not hold is said so with the margin and the data it was measured on: the paper's
 * margins were measured on NSD's {@value #PAPER_MIN_TRAINING_IMAGES}-{@value #PAPER_MAX_TRAINING_IMAGES}
 * training images per subject and 8 subjects, far more than a demo can afford. Variants run with several
 * seeds are compared by their seed mean. Immutable results; no I/O except in {@link #data}.
 */
public final class Claims {
    /** NSD's training images per subject in Algonauts 2023 (subj04/08 have the fewest, subj01/02/05/07 the most). */
    static final int PAPER_MIN_TRAINING_IMAGES = 8779, PAPER_MAX_TRAINING_IMAGES = 9841;
    /** Subjects the paper pre-trained on. */
    static final int PAPER_SUBJECTS = 8;

    private Claims() { }

    /** One claim: the row that should win and the row it should beat. */
    public enum Claim {
        FBNET_VS_RIDGE("F-BNet ahead of ridge", FbnetVariant.FBNET, "F-BNet", RidgeVariant.NAME, "ridge", ""),
        RACING_VS_MSE("racing loss ahead of MSE", FbnetVariant.NO_PRETRAIN, "racing loss", FbnetVariant.MSE, "MSE",
                "both trained per subject from scratch, the loss is the only difference"),
        PRETRAINING_VS_NONE("pre-training ahead of none", FbnetVariant.FBNET, "pre-training", FbnetVariant.NO_PRETRAIN,
                "no pre-training", "the published model, pre-trained on every subject then fine-tuned, against the same network trained on the subject alone");

        final String statement, row, label, otherRow, otherLabel, rowsNote;

        Claim(String statement, String row, String label, String otherRow, String otherLabel, String rowsNote) {
            this.statement = statement;
            this.row = row;
            this.label = label;
            this.otherRow = otherRow;
            this.otherLabel = otherLabel;
            this.rowsNote = rowsNote;
        }

        public String statement() { return statement; }
    }

    public enum Status { HOLDS, DOES_NOT_HOLD, NOT_TESTED }

    /**
     * What a comparison was computed on, beyond its table.
     * @param trainingRows training rows per subject (validation rows excluded)
     * @param testRows     test rows per subject
     * @param pretrained   whether the published fbnet models were fine-tuned from a pre-trained model
     * @param chance       per split ("validation", "test"), the score predictions unrelated to the responses reach
     *                     on average ({@link Comparison#CHANCE}); empty without noise ceilings
     */
    public record Data(Map<String, Integer> trainingRows, Map<String, Integer> testRows, boolean pretrained, Map<String, Double> chance) {
        public Data {
            trainingRows = Map.copyOf(trainingRows);
            testRows = Map.copyOf(testRows);
            chance = Map.copyOf(chance);
        }

        int subjects() { return trainingRows.size(); }

        /** "1425" or "1380-1425": the range over subjects. */
        String trainingImages() { return range(trainingRows); }

        private static String range(Map<String, Integer> m) {
            int lo = m.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            int hi = m.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            return lo == hi ? String.valueOf(lo) : lo + "-" + hi;
        }
    }

    /**
     * What the table says about a claim.
     * @param split   "test" or "validation" (null when not tested)
     * @param measure "score" (noise-normalized, percent) or "r" (null when not tested)
     * @param value   the claimed winner's value; {@code other} the row it should beat (NaN when not tested)
     * @param text    one line saying which rows, which split, and whether the claim holds and by how much
     */
    public record Verdict(Claim claim, Status status, String split, String measure, double value, double other, String text) {
        /** The claimed winner's margin over the other row (negative when the claim does not hold). */
        public double margin() { return value - other; }
    }

    /** Checks every claim against a comparison table. */
    public static List<Verdict> check(ComparisonTable table, Data data) {
        List<Verdict> out = new ArrayList<>();
        for (Claim c : Claim.values()) out.add(check(c, table, data));
        return out;
    }

    private static Verdict check(Claim c, ComparisonTable table, Data data) {
        String rows = "(" + c.row + " vs " + c.otherRow + (c.rowsNote.isEmpty() ? "" : "; " + c.rowsNote) + ")";
        ComparisonTable.Row a = row(table, c.row), b = row(table, c.otherRow);
        if (a == null || b == null) {
            String missing = a == null ? c.row : c.otherRow;
            return notTested(c, c.statement + ": not tested, the comparison has no " + missing + " row (" + CompareConfig.VARIANTS + ")");
        }
        if (c == Claim.PRETRAINING_VS_NONE && !data.pretrained()) {
            return notTested(c, c.statement + ": not tested, the published fbnet models were trained without pre-training"
                    + " (one subject, or train.finetune=false)");
        }
        boolean test = a.testR() != null && b.testR() != null;
        Double va = test ? a.testScore() : a.valScore(), vb = test ? b.testScore() : b.valScore();
        boolean score = va != null && vb != null;
        if (!score) {
            va = test ? a.testR() : a.valR();
            vb = test ? b.testR() : b.valR();
        }
        String split = test ? "test" : "validation";
        String measure = score ? "score" : "r";
        Double chance = score ? data.chance().get(split) : null;
        if (chance != null && va <= chance && vb <= chance) {
            // Two models that learned nothing differ by noise alone: their order says nothing about the claim.
            return notTested(c, String.format(Locale.ROOT, "%s %s, %s score: not tested, neither learned the responses (%.2f and %.2f,"
                    + " no more than chance, %.2f)", c.statement, rows, split, va, vb, chance));
        }
        double margin = va - vb;
        String amount = score ? String.format(Locale.ROOT, "%.2f points (%.2f vs %.2f)", Math.abs(margin), va, vb)
                : String.format(Locale.ROOT, "%.4f in r (%.4f vs %.4f)", Math.abs(margin), va, vb);
        StringBuilder text = new StringBuilder(c.statement).append(' ').append(rows).append(", ").append(split).append(' ')
                .append(measure).append(": ");
        Status status = margin > 0 ? Status.HOLDS : Status.DOES_NOT_HOLD;
        if (margin == 0) {
            text.append("does not hold, tied at ").append(amount.substring(amount.indexOf('(') + 1, amount.indexOf(" vs ")));
        } else if (status == Status.HOLDS) {
            text.append("holds, ").append(c.label).append(" ahead by ").append(amount);
        } else {
            text.append("does not hold, ").append(c.otherLabel).append(" ahead by ").append(amount).append(": ").append(why(c, data));
        }
        return new Verdict(c, status, split, measure, va, vb, text.toString());
    }

    /** Why a claim may fail here: what it was measured on, against what the paper had. */
    private static String why(Claim c, Data data) {
        String images = data.trainingImages() + " training images per subject";
        String paper = PAPER_MIN_TRAINING_IMAGES + "-" + PAPER_MAX_TRAINING_IMAGES;
        return switch (c) {
            case FBNET_VS_RIDGE -> "on " + images + " the linear baseline wins; the paper's margin was measured on " + paper
                    + " per subject (NSD)";
            case RACING_VS_MSE -> "on " + images + " the racing loss does not beat MSE; the paper measured it on " + paper + " per subject";
            case PRETRAINING_VS_NONE -> "pre-training on " + data.subjects() + " subject(s) of " + images + " does not help the fine-tuned"
                    + " model; the paper pre-trained on " + PAPER_SUBJECTS + " subjects of " + paper;
        };
    }

    private static Verdict notTested(Claim c, String text) {
        return new Verdict(c, Status.NOT_TESTED, null, null, Double.NaN, Double.NaN, text);
    }

    /** A variant's row: its seed mean when it ran with several seeds, else its only row; null if absent. */
    private static ComparisonTable.Row row(ComparisonTable table, String variant) {
        ComparisonTable.Row only = null;
        for (ComparisonTable.Row r : table.rows()) {
            if (!r.variant().equals(variant)) continue;
            if (r.seed().equals("mean")) return r;
            only = r;
        }
        return only;
    }

    /** The summary: a heading naming the split and data, then one line per claim. */
    public static String summary(List<Verdict> verdicts, Data data) {
        StringBuilder sb = new StringBuilder("The paper's claims on this comparison (")
                .append(data.subjects()).append(" subject(s), ").append(data.trainingImages()).append(" training images per subject");
        boolean test = verdicts.stream().anyMatch(v -> "test".equals(v.split()));
        if (test) sb.append(", scored on ").append(Data.range(data.testRows())).append(" test images per subject");
        else sb.append(", scored on the validation rows: no test truth");
        sb.append("; score = noise-normalized accuracy in %");
        Double chance = data.chance().get(test ? "test" : "validation");
        if (chance != null) {
            // On few images r is noisy and the score divides r^2 by small ceilings: chance is well above 0.
            sb.append(String.format(Locale.ROOT, ", which predictions unrelated to the responses reach %.2f on average on these images", chance));
        }
        sb.append("):\n");
        for (Verdict v : verdicts) sb.append("  ").append(v.text()).append('\n');
        if (verdicts.stream().anyMatch(v -> v.status() != Status.NOT_TESTED)) {
            // Margins seen between seeds on the demo's data were about a point: say so next to margins of that size.
            sb.append("  (the published fbnet model is one training seed, train.seed; the ablations are one row per seed of ")
                    .append(CompareConfig.SEEDS).append(", compared by their mean when there are several: a margin of a point or so can move with the seed)\n");
        }
        return sb.toString();
    }

    /** {@link #summary(List, Data)} of a published comparison (its manifest). */
    public static String summary(Manifest comparison, Configuration conf) throws IOException {
        Data data = data(comparison, conf);
        return summary(check(table(comparison), data), data);
    }

    /**
     * The claims of a published comparison: its table and row counts from the manifest, and whether each
     * fbnet model it scored names a pre-trained parent (read from those models' manifests).
     */
    public static Data data(Manifest comparison, Configuration conf) throws IOException {
        Map<String, Integer> train = new LinkedHashMap<>(), test = new LinkedHashMap<>();
        Map<String, Object> rows = comparison.getMap(Comparison.ROWS);
        if (rows.isEmpty()) throw new IOException("comparison " + comparison.version() + " records no row counts (made by an older fbnet): re-run fbnet compare");
        for (Map.Entry<String, Object> e : rows.entrySet()) {
            Map<?, ?> m = (Map<?, ?>) e.getValue();
            train.put(e.getKey(), ((Number) m.get("train")).intValue());
            test.put(e.getKey(), ((Number) m.get("test")).intValue());
        }
        Map<String, Double> chance = new LinkedHashMap<>();
        comparison.getMap(Comparison.CHANCE).forEach((split, x) -> chance.put(split, ((Number) x).doubleValue()));
        boolean pretrained = false;
        boolean anyModel = false;
        String prefix = DataRoot.MODELS + "/";
        for (InputRef in : comparison.inputs()) {
            if (!in.id().startsWith(prefix)) continue;
            Manifest model = Manifest.read(new Path(in.path()), conf);
            boolean hasParent = model.getString("parent") != null;
            pretrained = anyModel ? pretrained && hasParent : hasParent;
            anyModel = true;
        }
        return new Data(train, test, pretrained, chance);
    }

    /** The table a comparison's manifest records (its "table" metric). */
    @SuppressWarnings("unchecked")
    public static ComparisonTable table(Manifest comparison) {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) comparison.metrics().get(Comparison.TABLE_METRIC);
        return ComparisonTable.fromMaps(rows);
    }
}
