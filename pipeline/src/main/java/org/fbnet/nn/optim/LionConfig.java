package org.fbnet.nn.optim;

import org.fbnet.config.Settings;

/**
 * Lion's hyperparameters as optax names them: learning rate, b1, b2 and the decoupled weight decay
 * applied to every parameter. Defaults in {@code conf/train.properties} are optax's (lr as in F-BNet).
 */
public record LionConfig(double learningRate, double beta1, double beta2, double weightDecay) implements java.io.Serializable {
    public LionConfig {
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }

    public static LionConfig from(Settings s) {
        double lr = s.getDouble("train.lion.learning.rate");
        s.check(lr > 0, "train.lion.learning.rate", "must be > 0");
        double b1 = s.getDouble("train.lion.beta1");
        s.check(b1 >= 0 && b1 < 1, "train.lion.beta1", "must be in [0, 1)");
        double b2 = s.getDouble("train.lion.beta2");
        s.check(b2 >= 0 && b2 < 1, "train.lion.beta2", "must be in [0, 1)");
        double wd = s.doubleAtLeast("train.lion.weight.decay", 0);
        return new LionConfig(lr, b1, b2, wd);
    }

    /** The DL4J updater (weight decay is set per layer by the network builder). */
    public Lion updater() { return new Lion(learningRate, beta1, beta2); }
}
