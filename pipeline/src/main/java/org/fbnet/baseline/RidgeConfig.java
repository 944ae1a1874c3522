package org.fbnet.baseline;

import java.util.Arrays;
import java.util.List;
import org.fbnet.config.Settings;

/**
 * Configuration of the ridge baseline: the alpha grid and the number of cross-validation folds.
 *
 * @param alphas regularisation strengths tried, each &gt; 0, in the order given
 * @param folds  contiguous folds over the training rows (as scikit-learn's unshuffled {@code KFold}), &gt;= 2
 */
public record RidgeConfig(double[] alphas, int folds) {
    public static final String ALPHAS = "eval.ridge.alphas";
    public static final String FOLDS = "eval.ridge.folds";

    public RidgeConfig {
        if (alphas.length == 0) throw new IllegalArgumentException(ALPHAS + " must name at least one alpha");
        for (double a : alphas) {
            if (!(a > 0) || Double.isInfinite(a)) throw new IllegalArgumentException(ALPHAS + ": alpha " + a + " must be a finite number > 0");
        }
        if (folds < 2) throw new IllegalArgumentException(FOLDS + "=" + folds + " must be >= 2");
        alphas = alphas.clone();
    }

    public static RidgeConfig from(Settings s) {
        List<String> list = s.getList(ALPHAS);
        s.check(!list.isEmpty(), ALPHAS, "must list at least one alpha");
        double[] alphas = new double[list.size()];
        for (int i = 0; i < alphas.length; i++) {
            try {
                alphas[i] = Double.parseDouble(list.get(i));
            } catch (NumberFormatException e) {
                throw s.fail(ALPHAS, "must be comma-separated numbers; '" + list.get(i) + "' is not one");
            }
            s.check(alphas[i] > 0 && !Double.isInfinite(alphas[i]), ALPHAS, "must all be finite and > 0");
        }
        int folds = s.getInt(FOLDS);
        s.check(folds >= 2, FOLDS, "must be >= 2");
        return new RidgeConfig(alphas, folds);
    }

    @Override
    public double[] alphas() { return alphas.clone(); }

    @Override
    public String toString() { return "RidgeConfig[alphas=" + Arrays.toString(alphas) + ", folds=" + folds + "]"; }
}
