package org.fbnet.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training epoch achieved: mean training loss, validation mean Pearson r over all vertices of
 * all subjects and hemispheres (vertex space), the mean noise-normalized score where ceilings exist
 * (NaN otherwise), and training throughput.
 */
public record EpochRecord(int epoch, double trainLoss, double validationR, double validationScore,
                          double examplesPerSecond, double seconds) {
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("trainLoss", finiteOrNull(trainLoss));
        m.put("validationR", finiteOrNull(validationR));
        m.put("validationScore", finiteOrNull(validationScore));
        m.put("examplesPerSecond", finiteOrNull(examplesPerSecond));
        m.put("seconds", finiteOrNull(seconds));
        return m;
    }

    public static EpochRecord fromMap(Map<String, Object> m) {
        return new EpochRecord(((Number) m.get("epoch")).intValue(), d(m.get("trainLoss")), d(m.get("validationR")),
                d(m.get("validationScore")), d(m.get("examplesPerSecond")), d(m.get("seconds")));
    }

    private static Object finiteOrNull(double v) { return Double.isFinite(v) ? v : null; }

    private static double d(Object o) { return o instanceof Number n ? n.doubleValue() : Double.NaN; }

    @Override
    public String toString() {
        return String.format("epoch %d: loss %.5f, validation r %.4f%s, %.0f examples/s", epoch, trainLoss, validationR,
                Double.isNaN(validationScore) ? "" : String.format(", noise-normalized %.2f%%", validationScore), examplesPerSecond);
    }
}
