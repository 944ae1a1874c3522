package org.fbnet.pca;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fbnet.config.Settings;

/**
 * How one randomized PCA is fitted: number of components, Halko et al.'s oversampling and power
 * iterations, the seed of the random test matrix, and how the data is blocked.
 *
 * @param components       principal components kept (k)
 * @param oversampling     extra random directions (p); the range finder works with k + p columns
 * @param powerIterations  power iterations (q), each re-orthonormalised
 * @param seed             seed of the Gaussian test matrix
 * @param blockRows        rows per block in a distributed pass
 * @param localMaxValues   inputs with at most this many values are fitted in one JVM (0 = never)
 * @param sparkPartitions  partitions of the cached blocks (0 = Spark's default parallelism)
 */
public record PcaConfig(int components, int oversampling, int powerIterations, long seed, int blockRows,
                        long localMaxValues, int sparkPartitions) implements Serializable {

    public PcaConfig {
        if (components < 1) throw new IllegalArgumentException("components=" + components + " must be >= 1");
        if (oversampling < 0) throw new IllegalArgumentException("oversampling=" + oversampling + " must be >= 0");
        if (powerIterations < 0) throw new IllegalArgumentException("powerIterations=" + powerIterations + " must be >= 0");
        if (blockRows < 1) throw new IllegalArgumentException("blockRows=" + blockRows + " must be >= 1");
        if (localMaxValues < 0) throw new IllegalArgumentException("localMaxValues=" + localMaxValues + " must be >= 0");
        if (sparkPartitions < 0) throw new IllegalArgumentException("sparkPartitions=" + sparkPartitions + " must be >= 0");
    }

    /** A config with defaults for everything but the number of components (tests, benchmarks). */
    public static PcaConfig of(int components) {
        return new PcaConfig(components, 10, 7, 0L, 512, 50_000_000L, 0);
    }

    /** The image PCA's config: {@code pca.image.components} plus the shared {@code pca.*} knobs. */
    public static PcaConfig image(Settings s) {
        return from(s, "pca.image.components");
    }

    /** The fMRI PCA's config: {@code pca.fmri.components} plus the shared {@code pca.*} knobs. */
    public static PcaConfig fmri(Settings s) {
        return from(s, "pca.fmri.components");
    }

    private static PcaConfig from(Settings s, String componentsKey) {
        int k = s.getInt(componentsKey);
        s.check(k >= 1, componentsKey, "must be >= 1; set it to the number of principal components to keep");
        int p = s.intAtLeast("pca.oversampling", 0);
        int q = s.intAtLeast("pca.power.iterations", 0);
        int block = s.intAtLeast("pca.block.rows", 1);
        long local = s.getLong("pca.local.max.values");
        s.check(local >= 0, "pca.local.max.values", "must be >= 0 (0 = always distributed)");
        int parts = s.getInt("pca.spark.partitions");
        s.check(parts >= 0, "pca.spark.partitions", "must be >= 0 (0 = Spark's default parallelism)");
        return new PcaConfig(k, p, q, s.getLong("pca.seed"), block, local, parts);
    }

    public PcaConfig withComponents(int k) {
        return new PcaConfig(k, oversampling, powerIterations, seed, blockRows, localMaxValues, sparkPartitions);
    }

    public PcaConfig withSeed(long s) {
        return new PcaConfig(components, oversampling, powerIterations, s, blockRows, localMaxValues, sparkPartitions);
    }

    public PcaConfig withLocalMaxValues(long v) {
        return new PcaConfig(components, oversampling, powerIterations, seed, blockRows, v, sparkPartitions);
    }

    /** The fields that determine the fitted model, for its manifest. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("components", components);
        m.put("oversampling", oversampling);
        m.put("powerIterations", powerIterations);
        m.put("seed", seed);
        return m;
    }
}
