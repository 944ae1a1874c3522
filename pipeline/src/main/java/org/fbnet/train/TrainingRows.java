package org.fbnet.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.fbnet.data.InputDataException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training rows (validation rows already removed) of one or more subjects, as an {@link EpochRunner}
 * needs them: image latents x, the true brain latents y (lh then rh, the leak and the target) and each
 * subject's structured-noise scale (square roots of its fMRI PCA eigenvalues). Serializable, so a runner
 * can ship it to executors once and build minibatches there.
 * <p>A row is identified by (subject, row); {@link #order} and {@link #batch} are pure functions of the
 * rows and the {@link EpochSpec}: the noise of a row is drawn from a generator seeded by (seed, epoch,
 * subject, row), so it is fresh every epoch yet the same whichever runner, partition or thread draws it.
 */
public final class TrainingRows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> subjects;
    private final float[][][] x;
    private final float[][][] y;
    private final float[][] noiseScale;
    private final int inputSize, brainSize, size;

    /** One subject's rows: x [n][in], y [n][brain] (lh then rh), eigenvalues [brain] (lh then rh). */
    public record Subject(String name, float[][] x, float[][] y, float[] eigenvalues) { }

    public TrainingRows(List<Subject> subjects) {
        if (subjects.isEmpty()) throw new IllegalArgumentException("no subjects to train on");
        int n = subjects.size();
        this.subjects = new ArrayList<>(n);
        this.x = new float[n][][];
        this.y = new float[n][][];
        this.noiseScale = new float[n][];
        int in = -1, brain = -1, total = 0;
        for (int s = 0; s < n; s++) {
            Subject sub = subjects.get(s);
            String name = sub.name();
            if (this.subjects.contains(name)) throw new IllegalArgumentException("subject " + name + " given twice");
            if (sub.x().length == 0) throw new InputDataException(name + ": no training rows");
            if (sub.x().length != sub.y().length) {
                throw new InputDataException(name + ": " + sub.x().length + " image latent rows but " + sub.y().length + " brain latent rows");
            }
            if (in < 0) {
                in = sub.x()[0].length;
                brain = sub.eigenvalues().length;
            }
            for (int i = 0; i < sub.x().length; i++) {
                if (sub.x()[i].length != in) throw new InputDataException(name + ": image latent row " + i + " has " + sub.x()[i].length + " values, expected " + in);
                if (sub.y()[i] == null || sub.y()[i].length != brain) {
                    throw new InputDataException(name + ": brain latent row " + i + " has " + (sub.y()[i] == null ? "no" : sub.y()[i].length)
                            + " values, expected " + brain);
                }
            }
            if (sub.eigenvalues().length != brain) {
                throw new InputDataException(name + ": " + sub.eigenvalues().length + " eigenvalues, the other subjects have " + brain);
            }
            float[] scale = new float[brain];
            for (int j = 0; j < brain; j++) {
                float e = sub.eigenvalues()[j];
                if (!(e >= 0) || Float.isInfinite(e)) throw new InputDataException(name + ": eigenvalue " + j + " is " + e + ", must be finite and >= 0");
                scale[j] = (float) Math.sqrt(e);
            }
            this.subjects.add(name);
            x[s] = sub.x();
            y[s] = sub.y();
            noiseScale[s] = scale;
            total += sub.x().length;
        }
        this.inputSize = in;
        this.brainSize = brain;
        this.size = total;
    }

    public List<String> subjects() { return List.copyOf(subjects); }

    /** Total training rows over all subjects. */
    public int size() { return size; }

    public int rows(int subjectIndex) { return x[subjectIndex].length; }

    public int inputSize() { return inputSize; }

    public int brainSize() { return brainSize; }

    /** Every row as a code (subject index in the high 32 bits, row in the low), shuffled with the epoch's seed. */
    public long[] order(EpochSpec spec) {
        long[] codes = new long[size];
        int k = 0;
        for (int s = 0; s < x.length; s++) for (int r = 0; r < x[s].length; r++) codes[k++] = code(s, r);
        SplittableRandom rng = new SplittableRandom(spec.shuffleSeed());
        for (int i = codes.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = codes[i];
            codes[i] = codes[j];
            codes[j] = t;
        }
        return codes;
    }

    public static long code(int subjectIndex, int row) { return ((long) subjectIndex << 32) | row; }

    public static int subjectOf(long code) { return (int) (code >>> 32); }

    public static int rowOf(long code) { return (int) code; }

    /**
     * The minibatch of rows {@code codes[from, to)}: inputs {x, y, z} and label y, where z is each row's
     * structured noise for this epoch (N(0,1) times the square root of its subject's eigenvalues).
     * {@code codes} must be the epoch's {@link #order} (or a slice of it starting at {@code offset}):
     * the batch's dropout seed comes from its position {@code offset + from} in that order.
     */
    public Batch batch(long[] codes, int from, int to, EpochSpec spec, int offset) {
        int b = to - from;
        if (b <= 0) throw new IllegalArgumentException("empty batch [" + from + ", " + to + ")");
        float[] xs = new float[b * inputSize], ys = new float[b * brainSize], zs = new float[b * brainSize];
        for (int i = 0; i < b; i++) {
            long c = codes[from + i];
            int s = subjectOf(c), r = rowOf(c);
            System.arraycopy(x[s][r], 0, xs, i * inputSize, inputSize);
            System.arraycopy(y[s][r], 0, ys, i * brainSize, brainSize);
            noise(s, r, spec, zs, i * brainSize);
        }
        INDArray yArr = Nd4j.create(ys, new long[] {b, brainSize}, 'c');
        return new Batch(new INDArray[] {Nd4j.create(xs, new long[] {b, inputSize}, 'c'), yArr, Nd4j.create(zs, new long[] {b, brainSize}, 'c')},
                new INDArray[] {yArr}, spec.randomSeed(offset + from));
    }

    /** {@link #batch(long[], int, int, EpochSpec, int)} of the whole epoch's order. */
    public Batch batch(long[] codes, int from, int to, EpochSpec spec) {
        return batch(codes, from, to, spec, 0);
    }

    /**
     * A minibatch that carries the seed of the network's random draws while it is fitted (dropout masks):
     * without it each thread's ND4J generator decides, so two runners fitting the same batches from the same
     * parameters would still drop different units.
     */
    public static final class Batch extends org.nd4j.linalg.dataset.MultiDataSet {
        private static final long serialVersionUID = 1L;
        private final long randomSeed;

        Batch(INDArray[] features, INDArray[] labels, long randomSeed) {
            super(features, labels);
            this.randomSeed = randomSeed;
        }

        /** Seeds this thread's ND4J generator for this batch; call right before fitting it, on the fitting thread. */
        public void seedRandom() {
            Nd4j.getRandom().setSeed(randomSeed);
        }
    }

    /** Writes the structured noise of (subject, row) in this epoch into {@code out[offset ..]}. */
    void noise(int subjectIndex, int row, EpochSpec spec, float[] out, int offset) {
        SplittableRandom rng = new SplittableRandom(spec.noiseSeed(subjects.get(subjectIndex), row));
        float[] scale = noiseScale[subjectIndex];
        for (int j = 0; j < scale.length; j++) out[offset + j] = (float) rng.nextGaussian() * scale[j];
    }

    /** The epoch's minibatches in order, built lazily in this JVM. */
    public java.util.Iterator<MultiDataSet> batches(EpochSpec spec) {
        long[] codes = order(spec);
        return new java.util.Iterator<>() {
            private int next;

            @Override public boolean hasNext() { return next < codes.length; }

            @Override
            public MultiDataSet next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                int to = Math.min(codes.length, next + spec.batchSize());
                Batch b = batch(codes, next, to, spec);
                next = to;
                return b;
            }
        };
    }
}
