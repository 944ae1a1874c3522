package org.fbnet.train;

import java.io.Serializable;

/**
 * What one epoch is, independent of where it runs: its number, the training seed and the minibatch size.
 * The row order, every row's structured noise and every batch's dropout masks are functions of these (and
 * the row's identity or the batch's position), so a local runner, a dl4j-spark runner and one executor per
 * subject all draw the same batches, noise and masks.
 */
public record EpochSpec(int epoch, long seed, int batchSize) implements Serializable {
    public EpochSpec {
        if (epoch < 1) throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }

    /** The seed of this epoch's row shuffle. */
    long shuffleSeed() {
        return mix(mix(seed ^ 0x5EED0F5B0FL) + epoch);
    }

    /** The seed of one training row's noise in this epoch: fresh per epoch, identical wherever the row is drawn. */
    long noiseSeed(String subject, int row) {
        return mix(mix(mix(seed ^ 0x2B992DDFA23249D6L) + epoch) + subject.hashCode()) + row;
    }

    /**
     * The seed of the network's own random draws (dropout masks) for the minibatch that starts at
     * {@code position} in this epoch's order: which runner, worker or thread fits the batch does not matter.
     */
    long randomSeed(int position) {
        return mix(mix(mix(seed ^ 0x3C6EF372FE94F82BL) + epoch) + position);
    }

    /** SplitMix64's finaliser: consecutive inputs give unrelated outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
