package org.fbnet.nn.optim;

import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The state and step of {@link Lion}: one momentum array m, a view of DL4J's flattened updater state.
 * Replaces the gradient in place by {@code lr * sign(b1*m + (1-b1)*g)} and moves m to
 * {@code b2*m + (1-b2)*g}.
 */
public class LionUpdater implements GradientUpdater<Lion> {
    public static final String MOMENTUM = "M";

    private final Lion config;
    private INDArray m;
    private INDArray scratch;

    public LionUpdater(Lion config) { this.config = config; }

    @Override
    public Lion getConfig() { return config; }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
        INDArray state = stateMap.get(MOMENTUM);
        if (state == null || stateMap.size() != 1) {
            throw new IllegalStateException("Lion state must hold exactly the key " + MOMENTUM + ", got " + stateMap.keySet());
        }
        m = state;
        if (initialize) m.assign(0);
    }

    @Override
    public Map<String, INDArray> getState() { return Map.of(MOMENTUM, m); }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        if (!viewArray.isRowVectorOrScalar()) throw new IllegalArgumentException("Lion state view must be a row vector, got " + viewArray.shapeInfoToString());
        if (initialize) viewArray.assign(0);
        this.m = viewArray.reshape(gradientOrder, gradientShape);
    }

    /**
     * Six in-place passes and one scratch array kept across steps: allocating temporaries of the full
     * network's size (160 MB each) every step cost more than the arithmetic, and a Java loop over the
     * native buffers was slower still (measured in fbnet bench train's development).
     */
    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (m == null) throw new IllegalStateException("Lion updater has no state view");
        double lr = config.getLearningRate(iteration, epoch);
        double b1 = config.getBeta1(), b2 = config.getBeta2();
        INDArray g = gradient;
        if (!java.util.Arrays.equals(g.shape(), m.shape())) {
            throw new IllegalStateException("Lion: gradient shape " + java.util.Arrays.toString(g.shape())
                    + " differs from its state's " + java.util.Arrays.toString(m.shape()));
        }
        if (scratch == null || scratch.length() != g.length() || scratch.dataType() != g.dataType()) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                scratch = Nd4j.createUninitialized(g.dataType(), g.shape(), g.ordering());
            }
        }
        m.mul(b1, scratch);                                       // c = b1*m
        Nd4j.exec(new Axpy(g, scratch, scratch, 1 - b1));         // c += (1-b1)*g
        m.muli(b2);                                               // m = b2*m
        Nd4j.exec(new Axpy(g, m, m, 1 - b2));                     // m += (1-b2)*g
        Nd4j.exec(new Sign(scratch, g));                          // g = sign(c)
        g.muli(lr);
    }
}
