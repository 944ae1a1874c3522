package org.fbnet.train.spark;

import java.io.Serializable;
import org.fbnet.train.EpochSpec;

/**
 * One worker's share of an averaging round: consecutive rows of the epoch's shuffled order (their codes),
 * starting at position {@code offset} of that order, cut into minibatches of {@code batchSize}. The worker
 * builds the minibatches itself from the broadcast rows, with the epoch's fresh noise.
 */
record WorkerSlice(EpochSpec spec, int batchSize, int offset, long[] codes) implements Serializable {
    int batches() {
        return (codes.length + batchSize - 1) / batchSize;
    }
}
