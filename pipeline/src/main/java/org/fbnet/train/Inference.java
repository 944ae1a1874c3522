package org.fbnet.train;

import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.StructuredNoise;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference-mode predictions of an F-BNet graph: no leak (y = 0, ignored by the inference formula),
 * seeded structured noise, optionally averaged over several draws. Draw k of a call uses a generator
 * seeded from (seed, k) and consumes it row by row, so a prediction depends only on the inputs, their
 * order, the seed and the number of draws.
 */
final class Inference {
    /** Rows per forward pass: bounds memory of the 6000-wide activations. */
    static final int CHUNK = 512;

    private Inference() { }

    /** Returns {lh, rh} latent predictions, one row per row of x. */
    static float[][][] predict(ComputationGraph graph, NetworkConfig net, float[][] x, StructuredNoise noise, int draws, long seed) {
        if (draws < 1) throw new IllegalArgumentException("noise draws must be >= 1, got " + draws);
        int n = x.length, in = net.inputSize(), brain = net.brainSize(), lhSize = net.lhSize();
        if (noise.size() != brain) throw new IllegalArgumentException("noise has " + noise.size() + " components, network expects " + brain);
        float[][] lh = new float[n][lhSize], rh = new float[n][net.rhSize()];
        for (int k = 0; k < draws; k++) {
            Random rng = new Random(seed * 1_000_003L + k);
            for (int from = 0; from < n; from += CHUNK) {
                int b = Math.min(CHUNK, n - from);
                float[] xs = new float[b * in], zs = new float[b * brain];
                for (int i = 0; i < b; i++) {
                    float[] row = x[from + i];
                    if (row.length != in) throw new IllegalArgumentException("image latent row " + (from + i) + " has " + row.length + " values, network expects " + in);
                    System.arraycopy(row, 0, xs, i * in, in);
                    noise.draw(rng, zs, i * brain);
                }
                INDArray out = graph.output(false, Nd4j.create(xs, new long[] {b, in}, 'c'),
                        Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, b, brain), Nd4j.create(zs, new long[] {b, brain}, 'c'))[0];
                float[] o = out.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
                for (int i = 0; i < b; i++) {
                    float[] l = lh[from + i], r = rh[from + i];
                    int base = i * brain;
                    for (int j = 0; j < lhSize; j++) l[j] += o[base + j] / draws;
                    for (int j = 0; j < r.length; j++) r[j] += o[base + lhSize + j] / draws;
                }
            }
        }
        return new float[][][] {lh, rh};
    }
}
