package org.fbnet.compare;

import java.util.List;
import org.fbnet.baseline.RidgeConfig;
import org.fbnet.config.Settings;

/**
 * What {@code fbnet compare} runs: variants in table order, seeds of the trained variants, subjects
 * (empty = all), the report's name, the validation fraction and the ridge baseline's grid.
 */
public record CompareConfig(List<String> variants, List<Long> seeds, List<String> subjects, String reportName,
                            double validationFraction, RidgeConfig ridge) {
    public static final String VARIANTS = "eval.compare.variants";
    public static final String SEEDS = "eval.compare.seeds";
    public static final String SUBJECTS = "eval.compare.subjects";
    public static final String REPORT = "eval.compare.report";
    public static final String VALIDATION_FRACTION = "train.validation.fraction";

    public CompareConfig {
        if (variants.isEmpty()) throw new IllegalArgumentException(VARIANTS + " must name at least one variant");
        if (seeds.isEmpty()) throw new IllegalArgumentException(SEEDS + " must list at least one seed");
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(VALIDATION_FRACTION + "=" + validationFraction + " must be in (0, 1): the comparison ranks on validation rows");
        }
        variants = List.copyOf(variants);
        seeds = List.copyOf(seeds);
        subjects = List.copyOf(subjects);
    }

    public static CompareConfig from(Settings s) {
        List<String> variants = s.getList(VARIANTS);
        s.check(!variants.isEmpty(), VARIANTS, "must name at least one variant");
        s.check(variants.stream().distinct().count() == variants.size(), VARIANTS, "must not repeat a variant");
        List<String> seedList = s.getList(SEEDS);
        s.check(!seedList.isEmpty(), SEEDS, "must list at least one seed");
        List<Long> seeds;
        try {
            seeds = seedList.stream().map(Long::parseLong).toList();
        } catch (NumberFormatException e) {
            throw s.fail(SEEDS, "must be comma-separated integers");
        }
        List<String> subjects = s.getList(SUBJECTS);
        for (String subj : subjects) s.check(subj.matches("subj\\d{2}"), SUBJECTS, "must list subjects as subjXX");
        String report = s.get(REPORT);
        s.check(report.matches("[A-Za-z0-9][A-Za-z0-9._-]*"), REPORT, "must be a plain directory name (letters, digits, . _ -)");
        s.check(!List.of("index", "project").contains(report), REPORT, "must not be 'index' or 'project': reports/index holds the run "
                + "reports and reports/project the project stage's report");
        double fraction = s.getDouble(VALIDATION_FRACTION);
        s.check(fraction > 0 && fraction < 1, VALIDATION_FRACTION, "must be in (0, 1) for fbnet compare, which ranks models on validation rows");
        return new CompareConfig(variants, seeds, subjects, report, fraction, RidgeConfig.from(s));
    }
}
