package org.fbnet.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fbnet.config.Settings;

/**
 * The variants this build can compare, by name. F-BNet and its ablations (fbnet, no-leak, mse) are
 * registered here once the single-JVM trainer and the fMRI PCA inverse transform are wired in; the
 * ridge baseline is always available.
 */
public final class Variants {
    private Variants() { }

    public static Map<String, Variant> available(Settings s, CompareConfig config) {
        Map<String, Variant> m = new LinkedHashMap<>();
        m.put(RidgeVariant.NAME, new RidgeVariant(config.ridge()));
        return m;
    }
}
