package org.fbnet.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fbnet.config.Settings;
import org.fbnet.nn.optim.LionConfig;

/**
 * How to train: epochs, minibatch size, early-stopping patience, validation fraction, seed, number of
 * noise draws averaged per validation prediction, and the Lion optimizer. Defaults in
 * {@code conf/train.properties}.
 */
public record TrainerConfig(int epochs, int batchSize, int patience, double validationFraction, long seed,
                            int noiseDraws, LionConfig lion) implements java.io.Serializable {
    public TrainerConfig {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (patience < 1) throw new IllegalArgumentException("patience must be >= 1, got " + patience);
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1): the best epoch is chosen on it; got " + validationFraction);
        }
        if (noiseDraws < 1) throw new IllegalArgumentException("noise draws must be >= 1, got " + noiseDraws);
        if (lion == null) throw new IllegalArgumentException("optimizer config is required");
    }

    public static TrainerConfig from(Settings s) {
        int epochs = s.intAtLeast("train.epochs", 1);
        int batch = s.intAtLeast("train.batch.size", 1);
        int patience = s.intAtLeast("train.early.stopping.patience", 1);
        double fraction = s.getDouble("train.validation.fraction");
        s.check(fraction > 0 && fraction < 1, "train.validation.fraction", "must be in (0, 1): the trainer selects the best epoch on these rows");
        int draws = s.intAtLeast("train.noise.draws", 1);
        return new TrainerConfig(epochs, batch, patience, fraction, s.getLong("train.seed"), draws, LionConfig.from(s));
    }

    public TrainerConfig withEpochs(int e) { return new TrainerConfig(e, batchSize, patience, validationFraction, seed, noiseDraws, lion); }

    public TrainerConfig withSeed(long s) { return new TrainerConfig(epochs, batchSize, patience, validationFraction, s, noiseDraws, lion); }

    /** For manifests. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("batchSize", batchSize);
        m.put("patience", patience);
        m.put("validationFraction", validationFraction);
        m.put("seed", seed);
        m.put("noiseDraws", noiseDraws);
        m.put("learningRate", lion.learningRate());
        m.put("beta1", lion.beta1());
        m.put("beta2", lion.beta2());
        m.put("weightDecay", lion.weightDecay());
        return m;
    }

    public static TrainerConfig fromMap(Map<String, Object> m) {
        return new TrainerConfig(num(m, "epochs").intValue(), num(m, "batchSize").intValue(), num(m, "patience").intValue(),
                num(m, "validationFraction").doubleValue(), num(m, "seed").longValue(), num(m, "noiseDraws").intValue(),
                new LionConfig(num(m, "learningRate").doubleValue(), num(m, "beta1").doubleValue(),
                        num(m, "beta2").doubleValue(), num(m, "weightDecay").doubleValue()));
    }

    static Number num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("model manifest: '" + key + "' missing or not a number: " + v);
        return n;
    }
}
