package org.fbnet.synth;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which NSD ids each subject sees, as in NSD: a pool of shared images seen by several subjects plus
 * images unique to each subject; and, as in the challenge split, no subject's test image is a
 * training image of any subject.
 * <p>Ids come from a seeded permutation of 1..73000 (NSD's image count), continued by 73001..99999
 * when many subjects need more. The first {@link #SHARED_TEST_POOL} ids are the shared test pool,
 * the next {@link #SHARED_TRAIN_POOL} the shared training pool; each subject takes a prefix of each
 * pool ({@link #SHARED_TRAIN_FRACTION} of its training and {@link #SHARED_TEST_FRACTION} of its test
 * images, capped by the pool) and then its own block. Blocks are laid out in subject order, so a
 * subject's ids do not depend on how many subjects follow it. Ids are sorted within each split: row
 * order = file-name order = ascending NSD id, as in the Algonauts files.
 */
public final class NsdIds {
    public static final int NSD_IMAGES = 73_000;
    /** File names carry a 5-digit id. */
    public static final int MAX_ID = 99_999;
    static final int SHARED_TEST_POOL = 250;
    static final int SHARED_TRAIN_POOL = 750;
    static final double SHARED_TRAIN_FRACTION = 0.1;
    static final double SHARED_TEST_FRACTION = 0.5;

    private final int[][] train;
    private final int[][] test;

    NsdIds(SynthConfig config) {
        int[] order = permutation(config.seed());
        train = new int[config.subjects() + 1][];
        test = new int[config.subjects() + 1][];
        int next = SHARED_TEST_POOL + SHARED_TRAIN_POOL;
        for (int s = 1; s <= config.subjects(); s++) {
            int nTrain = config.trainImages(s);
            int nTest = config.testImages(s);
            int sharedTrain = Math.min(SHARED_TRAIN_POOL, (int) Math.round(nTrain * SHARED_TRAIN_FRACTION));
            int sharedTest = Math.min(SHARED_TEST_POOL, (int) Math.round(nTest * SHARED_TEST_FRACTION));
            int own = nTrain - sharedTrain + nTest - sharedTest;
            if (next + own > order.length) {
                throw new IllegalArgumentException("the 5-digit NSD id space (1.." + MAX_ID + ") has no room for the images of "
                        + SynthConfig.subjectId(s) + "; generate fewer subjects or fewer images per subject");
            }
            int[] tr = new int[nTrain];
            System.arraycopy(order, SHARED_TEST_POOL, tr, 0, sharedTrain);
            System.arraycopy(order, next, tr, sharedTrain, nTrain - sharedTrain);
            next += nTrain - sharedTrain;
            int[] te = new int[nTest];
            System.arraycopy(order, 0, te, 0, sharedTest);
            System.arraycopy(order, next, te, sharedTest, nTest - sharedTest);
            next += nTest - sharedTest;
            Arrays.sort(tr);
            Arrays.sort(te);
            train[s] = tr;
            test[s] = te;
        }
    }

    private static int[] permutation(long seed) {
        int[] ids = new int[MAX_ID];
        for (int i = 0; i < MAX_ID; i++) ids[i] = i + 1;
        SplittableRandom r = Rng.of(seed, Rng.IDS);
        shuffle(ids, 0, NSD_IMAGES, r);
        shuffle(ids, NSD_IMAGES, MAX_ID, r);
        return ids;
    }

    private static void shuffle(int[] a, int from, int to, SplittableRandom r) {
        for (int i = to - 1; i > from; i--) {
            int j = from + r.nextInt(i - from + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A subject's training NSD ids in row order (ascending). */
    public int[] train(int subject) { return train[subject].clone(); }

    /** A subject's test NSD ids in row order (ascending). */
    public int[] test(int subject) { return test[subject].clone(); }
}
