package org.fbnet.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fbnet.config.Settings;
import org.fbnet.store.DataRoot;

/**
 * The variants this build can compare, by name: F-BNet as published by training, its ablations trained
 * here (no pre-training, no leak, MSE loss) and the ridge baseline.
 */
public final class Variants {
    private Variants() { }

    public static Map<String, Variant> available(Settings s, CompareConfig config, DataRoot root) {
        Map<String, Variant> m = new LinkedHashMap<>();
        m.put(FbnetVariant.FBNET, FbnetVariant.fbnet(s, root));
        m.put(FbnetVariant.NO_PRETRAIN, FbnetVariant.noPretrain(s));
        m.put(FbnetVariant.NO_LEAK, FbnetVariant.noLeak(s));
        m.put(FbnetVariant.MSE, FbnetVariant.mse(s));
        m.put(RidgeVariant.NAME, new RidgeVariant(config.ridge()));
        return m;
    }
}
