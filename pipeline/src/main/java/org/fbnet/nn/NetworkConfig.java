package org.fbnet.nn;

import org.fbnet.config.Settings;

/**
 * The shape and regularization of the F-BNet network: image latent size, per-hemisphere brain latent
 * sizes, hidden width factor f (hidden = input * f), leak and noise weights alpha and beta, dropout
 * (a drop probability), the PReLU slope at initialization and the loss.
 * <p>Sizes come from the data (the PCA stages' component counts), everything else from
 * {@code conf/network.properties}; {@link #from} validates both.
 */
public record NetworkConfig(int inputSize, int lhSize, int rhSize, int widthFactor, double alpha, double beta,
                            double dropout, double preluInit, Loss loss) implements java.io.Serializable {

    /** The training objective: F-BNet's racing loss or, as the paper's ablation, mean squared error. */
    public enum Loss { RACING, MSE }

    public NetworkConfig {
        if (inputSize < 1 || lhSize < 1 || rhSize < 1) {
            throw new IllegalArgumentException("network sizes must be positive: input " + inputSize + ", lh " + lhSize + ", rh " + rhSize);
        }
        if (widthFactor < 1) throw new IllegalArgumentException("width factor must be >= 1, got " + widthFactor);
        if (!(alpha >= 0) || !(beta >= 0)) throw new IllegalArgumentException("alpha and beta must be >= 0, got " + alpha + ", " + beta);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        if (!Double.isFinite(preluInit)) throw new IllegalArgumentException("PReLU initial slope must be finite");
        if (loss == null) throw new IllegalArgumentException("loss must be set");
    }

    /** The settings of {@code network.*} for data of the given sizes. */
    public static NetworkConfig from(Settings s, int inputSize, int lhSize, int rhSize) {
        int f = s.intAtLeast("network.width.factor", 1);
        double alpha = s.getDouble("network.leak.alpha");
        s.check(alpha >= 0, "network.leak.alpha", "must be >= 0 (0 disables the leak: the paper's no-leak ablation)");
        double beta = s.doubleAtLeast("network.noise.beta", 0);
        double dropout = s.getDouble("network.dropout");
        s.check(dropout >= 0 && dropout < 1, "network.dropout", "must be a drop probability in [0, 1)");
        double prelu = s.getDouble("network.prelu.init");
        s.check(Double.isFinite(prelu), "network.prelu.init", "must be a finite number");
        String lossName = s.get("network.loss").toUpperCase(java.util.Locale.ROOT);
        s.check(lossName.equals("RACING") || lossName.equals("MSE"), "network.loss", "must be racing or mse");
        return new NetworkConfig(inputSize, lhSize, rhSize, f, alpha, beta, dropout, prelu, Loss.valueOf(lossName));
    }

    /** Width of the bottleneck: input size times the width factor. */
    public int hiddenSize() { return inputSize * widthFactor; }

    /** Width of the leak and noise inputs, and of the output: lh then rh. */
    public int brainSize() { return lhSize + rhSize; }

    /** For manifests. */
    public java.util.Map<String, Object> asMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("inputSize", inputSize);
        m.put("lhSize", lhSize);
        m.put("rhSize", rhSize);
        m.put("widthFactor", widthFactor);
        m.put("alpha", alpha);
        m.put("beta", beta);
        m.put("dropout", dropout);
        m.put("preluInit", preluInit);
        m.put("loss", loss.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    /** Reads {@link #asMap()} back. */
    public static NetworkConfig fromMap(java.util.Map<String, Object> m) {
        return new NetworkConfig(num(m, "inputSize").intValue(), num(m, "lhSize").intValue(), num(m, "rhSize").intValue(),
                num(m, "widthFactor").intValue(), num(m, "alpha").doubleValue(), num(m, "beta").doubleValue(),
                num(m, "dropout").doubleValue(), num(m, "preluInit").doubleValue(),
                Loss.valueOf(String.valueOf(m.get("loss")).toUpperCase(java.util.Locale.ROOT)));
    }

    private static Number num(java.util.Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("network config: '" + key + "' missing or not a number: " + v);
        return n;
    }

    public NetworkConfig withLoss(Loss l) {
        return new NetworkConfig(inputSize, lhSize, rhSize, widthFactor, alpha, beta, dropout, preluInit, l);
    }

    public NetworkConfig withAlpha(double a) {
        return new NetworkConfig(inputSize, lhSize, rhSize, widthFactor, a, beta, dropout, preluInit, loss);
    }

    public NetworkConfig withDropout(double d) {
        return new NetworkConfig(inputSize, lhSize, rhSize, widthFactor, alpha, beta, d, preluInit, loss);
    }
}
