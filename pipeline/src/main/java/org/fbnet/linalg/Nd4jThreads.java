package org.fbnet.linalg;

import org.nd4j.linalg.factory.Nd4j;

/** ND4J's thread pools, which are per process: set them to the cores one worker may use. */
public final class Nd4jThreads {
    private Nd4jThreads() { }

    /** Limits ND4J's op and BLAS threads to {@code threads}; zero or less leaves them as they are. */
    public static void set(int threads) {
        if (threads <= 0) return;
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }
}
