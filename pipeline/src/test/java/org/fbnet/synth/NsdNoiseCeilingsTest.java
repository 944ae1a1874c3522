package org.fbnet.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Arrays;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.store.HadoopConf;
import org.junit.jupiter.api.Test;

/**
 * Generated noise ceilings follow the real NSD ceilings of each subject: compared with the files in
 * shared/data/nsd-noise-ceiling (beside the repository; found by walking up from the working directory).
 */
class NsdNoiseCeilingsTest {
    static java.nio.file.Path realCeilings() {
        java.nio.file.Path d = java.nio.file.Path.of("").toAbsolutePath();
        for (; d != null; d = d.getParent()) {
            java.nio.file.Path c = d.resolve("shared/data/nsd-noise-ceiling");
            if (Files.isDirectory(c)) return c;
        }
        throw new AssertionError("shared/data/nsd-noise-ceiling not found above " + java.nio.file.Path.of("").toAbsolutePath()
                + "; CI keeps shared/ beside the repository clone");
    }

    @Test
    void generatedCeilingsMatchTheRealNsdCeilingsPerSubject() throws Exception {
        java.nio.file.Path real = realCeilings();
        PlantedTruth t = PlantedTruth.of(SynthConfig.of(SynthPreset.NSD, 8));
        StringBuilder report = new StringBuilder();
        for (int s = 1; s <= 8; s++) {
            for (Hemisphere h : Hemisphere.values()) {
                double[] measured;
                try (NpyReader r = NpyReader.open(new Path(real.resolve(SynthConfig.subjectId(s) + "/" + h.code() + ".npy").toString()),
                        HadoopConf.create())) {
                    measured = r.readAllDoubles();
                }
                for (int i = 0; i < measured.length; i++) measured[i] /= 100; // the files are in percent
                double[] generated = toDouble(t.brain(s, h).ceilings());
                String what = SynthConfig.subjectId(s) + " " + h.code();
                assertEquals(measured.length, generated.length, what + ": the nsd preset has the real vertex count");
                double realMean = Arrays.stream(measured).average().orElseThrow();
                double genMean = Arrays.stream(generated).average().orElseThrow();
                double ks = kolmogorovSmirnov(measured, generated);
                long realZeros = Arrays.stream(measured).filter(x -> x == 0).count();
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

    /** The largest gap between the two empirical distribution functions. */
    static double kolmogorovSmirnov(double[] a, double[] b) {
        double[] x = a.clone(), y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0, j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            double v = Math.min(x[i], y[j]);
            while (i < x.length && x[i] <= v) i++;
            while (j < y.length && y[j] <= v) j++;
            d = Math.max(d, Math.abs(i / (double) x.length - j / (double) y.length));
        }
        return d;
    }
}
