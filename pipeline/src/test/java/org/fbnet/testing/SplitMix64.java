package org.fbnet.testing;

/**
 * splitmix64 (Steele, Lea, Flood 2014), bit for bit as golden_refs/common.py's: inputs too large to commit
 * are rebuilt from a seed by the golden script and by the test alike.
 */
public final class SplitMix64 {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    public long next() {
        state += GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 0..255: the top 8 bits. */
    public int nextByte() {
        return (int) (next() >>> 56);
    }

    /** 0..bound-1: bits 33..63 modulo bound. */
    public int nextInt(int bound) {
        return (int) ((next() >>> 33) % bound);
    }
}
