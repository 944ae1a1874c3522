package org.fbnet.data;

/**
 * The held-out validation rows of a subject's training split: the first {@code fraction} of rows in
 * file order, as in F-BNet. One definition shared by the fMRI PCA (which must not see them) and the
 * trainer (which selects epochs on them). The fraction's home is {@code train.validation.fraction}.
 */
public final class ValidationSplit {
    private ValidationSplit() { }

    /** Number of validation rows: round(n * fraction), at least 1 when fraction &gt; 0 and n &gt; 1. */
    public static int validationRows(int trainingRows, double fraction) {
        if (fraction < 0 || fraction >= 1) throw new IllegalArgumentException("validation fraction " + fraction + " must be in [0, 1)");
        if (fraction == 0 || trainingRows < 2) return 0;
        return (int) Math.max(1, Math.min(trainingRows - 1, Math.round(trainingRows * fraction)));
    }

    /** Whether training row {@code rowIndex} is a validation row. */
    public static boolean isValidation(int rowIndex, int trainingRows, double fraction) {
        return rowIndex < validationRows(trainingRows, fraction);
    }
}
