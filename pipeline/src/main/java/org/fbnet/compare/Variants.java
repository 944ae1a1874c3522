package org.fbnet.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fbnet.config.Settings;

/** The variants this build can compare, by name: F-BNet, its two ablations (no leak, MSE loss) and the ridge baseline. */
public final class Variants {
    private Variants() { }

    public static Map<String, Variant> available(Settings s, CompareConfig config) {
        Map<String, Variant> m = new LinkedHashMap<>();
        m.put(FbnetVariant.FBNET, FbnetVariant.fbnet(s));
        m.put(FbnetVariant.NO_LEAK, FbnetVariant.noLeak(s));
        m.put(FbnetVariant.MSE, FbnetVariant.mse(s));
        m.put(RidgeVariant.NAME, new RidgeVariant(config.ridge()));
        return m;
    }
}
