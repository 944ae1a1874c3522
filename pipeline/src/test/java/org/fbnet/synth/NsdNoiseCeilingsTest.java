package org.fbnet.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.fbnet.data.Hemisphere;
import org.fbnet.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * Generated noise ceilings follow the real NSD ceilings of each subject. The real ceilings (1.3 MB, outside
 * the repository) are summarised in golden/refs/nsd-ceilings/summary.json by golden_refs/nsd_ceilings.py:
 * per subject and hemisphere the vertex count, mean, zero count and distribution function on a 0.001 grid.
 */
class NsdNoiseCeilingsTest {
    @Test
    void generatedCeilingsMatchTheRealNsdCeilingsPerSubject() {
        JsonNode summary = Golden.json(Golden.dir("nsd-ceilings").resolve("summary.json"));
        JsonNode grid = summary.get("grid");
        int points = grid.get("points").intValue();
        double from = grid.get("from").doubleValue(), step = (grid.get("to").doubleValue() - from) / (points - 1);
        PlantedTruth t = PlantedTruth.of(SynthConfig.of(SynthPreset.NSD, 8));
        StringBuilder report = new StringBuilder();
        for (int s = 1; s <= 8; s++) {
            for (Hemisphere h : Hemisphere.values()) {
                String what = SynthConfig.subjectId(s) + " " + h.code();
                JsonNode real = summary.get("ceilings").get(what);
                double[] generated = toDouble(t.brain(s, h).ceilings());
                assertEquals(real.get("vertices").intValue(), generated.length, what + ": the nsd preset has the real vertex count");
                double realMean = real.get("mean").doubleValue();
                double genMean = Arrays.stream(generated).average().orElseThrow();
                double[] realCdf = new double[points];
                for (int i = 0; i < points; i++) realCdf[i] = real.get("at_most").get(i).doubleValue() / generated.length;
                double ks = kolmogorovSmirnovOnGrid(generated, from, step, realCdf);
                long realZeros = real.get("zeros").longValue();
                long genZeros = Arrays.stream(generated).filter(x -> x == 0).count();
                report.append(String.format("%s mean %.4f vs %.4f, KS %.4f, zeros %d vs %d%n", what, genMean, realMean, ks, genZeros, realZeros));
                assertEquals(realMean, genMean, 0.01, what + " mean ceiling");
                assertTrue(ks < 0.03, what + " KS distance " + ks);
                assertTrue(Math.abs(realZeros - genZeros) <= Math.max(2, realZeros / 10), what + " zeros " + genZeros + " vs " + realZeros);
                assertTrue(Arrays.stream(generated).allMatch(x -> x >= 0 && x < 1));
            }
        }
        System.out.print(report);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /**
     * The largest gap between the sample's distribution function and a reference one known at grid points
     * {@code from + i * step}: the Kolmogorov-Smirnov distance seen at the grid (at most the true one, and
     * short of it by no more than the probability inside one grid cell).
     */
    static double kolmogorovSmirnovOnGrid(double[] sample, double from, double step, double[] referenceCdf) {
        double[] x = sample.clone();
        Arrays.sort(x);
        int below = 0;
        double d = 0;
        for (int i = 0; i < referenceCdf.length; i++) {
            double at = from + i * step;
            while (below < x.length && x[below] <= at) below++;
            d = Math.max(d, Math.abs(below / (double) x.length - referenceCdf[i]));
        }
        return d;
    }
}
