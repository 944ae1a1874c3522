package org.fbnet.nn.loss;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * F-BNet's racing loss over the two hemispheres, {@code -(min(cosL, cosR) + (cosL + cosR) / 2)}, where
 * cosL and cosR are batch means of the per-example cosine similarity between predicted and true latents
 * of the left and right hemisphere.
 * <p>The output is one array of {@code leftSize + rightSize} columns (left first): DL4J computes a loss
 * per output layer, so two coupled heads must meet in one loss. Per example i the score is
 * {@code -(cosM_i + (cosL_i + cosR_i)/2)} with M the hemisphere whose batch mean is lower; its mean over
 * the batch is exactly the racing loss, and its gradient is the exact gradient of the batch loss (the
 * min's subgradient at a tie picks the left side). Norms are clamped at {@value #EPS} as in
 * {@code torch.nn.functional.cosine_similarity}.
 */
public class RacingLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;
    public static final double EPS = 1e-8;

    private final int leftSize;

    @JsonCreator
    public RacingLoss(@JsonProperty("leftSize") int leftSize) {
        if (leftSize < 1) throw new IllegalArgumentException("leftSize must be >= 1, got " + leftSize);
        this.leftSize = leftSize;
    }

    public int getLeftSize() { return leftSize; }

    /** Per-example cosine similarity of the column range [from, to) of p and t; also returns norms. */
    private static INDArray[] cosine(INDArray p, INDArray t, int from, int to) {
        INDArray ps = p.get(all(), interval(from, to));
        INDArray ts = t.get(all(), interval(from, to));
        INDArray dot = ps.mul(ts).sum(true, 1);
        INDArray pn = ps.norm2(true, 1);
        INDArray tn = ts.norm2(true, 1);
        Transforms.max(pn, EPS, false);
        Transforms.max(tn, EPS, false);
        INDArray cos = dot.div(pn.mul(tn));
        return new INDArray[] {cos, pn, tn, ps, ts};
    }

    private void checkShapes(INDArray labels, INDArray output, INDArray mask) {
        if (mask != null) throw new UnsupportedOperationException("RacingLoss does not support masks");
        if (output.rank() != 2 || output.size(1) <= leftSize || !java.util.Arrays.equals(labels.shape(), output.shape())) {
            throw new IllegalArgumentException("RacingLoss(leftSize=" + leftSize + "): expected labels and output [mb, >"
                    + leftSize + "], got " + java.util.Arrays.toString(labels.shape()) + " and " + java.util.Arrays.toString(output.shape()));
        }
    }

    /** Per-example scores [mb, 1]. */
    private INDArray scores(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        checkShapes(labels, out, mask);
        int n = (int) out.size(1);
        INDArray cl = cosine(out, labels, 0, leftSize)[0];
        INDArray cr = cosine(out, labels, leftSize, n)[0];
        boolean leftIsMin = cl.meanNumber().doubleValue() <= cr.meanNumber().doubleValue();
        INDArray min = leftIsMin ? cl : cr;
        return min.add(cl.add(cr).muli(0.5)).negi();
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        INDArray s = scores(labels, preOutput, activationFn, mask);
        double sum = s.sumNumber().doubleValue();
        return average ? sum / s.size(0) : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return scores(labels, preOutput, activationFn, mask);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        checkShapes(labels, out, mask);
        int n = (int) out.size(1);
        INDArray[] l = cosine(out, labels, 0, leftSize);
        INDArray[] r = cosine(out, labels, leftSize, n);
        boolean leftIsMin = l[0].meanNumber().doubleValue() <= r[0].meanNumber().doubleValue();
        INDArray dLda = out.ulike();
        // d cos(p,t)/dp = t/(|p||t|) - cos * p/|p|^2; weights 1.5 for the min side, 0.5 for the other.
        cosineGradient(l, leftIsMin ? -1.5 : -0.5, dLda, 0, leftSize);
        cosineGradient(r, leftIsMin ? -0.5 : -1.5, dLda, leftSize, n);
        return activationFn.backprop(preOutput.dup(), dLda).getFirst();
    }

    private static void cosineGradient(INDArray[] c, double weight, INDArray target, int from, int to) {
        INDArray cos = c[0], pn = c[1], tn = c[2], ps = c[3], ts = c[4];
        INDArray g = ts.divColumnVector(pn.mul(tn)).subi(ps.mulColumnVector(cos.div(pn.mul(pn))));
        target.get(all(), interval(from, to))
                .assign(g.muli(weight));
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() { return toString(); }

    @Override
    public boolean equals(Object o) { return o instanceof RacingLoss r && r.leftSize == leftSize; }

    @Override
    public int hashCode() { return Integer.hashCode(leftSize); }

    @Override
    public String toString() { return "RacingLoss(leftSize=" + leftSize + ")"; }
}
