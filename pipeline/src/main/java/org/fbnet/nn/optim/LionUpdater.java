package org.fbnet.nn.optim;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The state and step of {@link Lion}: one momentum array m, a view of DL4J's flattened updater state.
 * Replaces the gradient in place by {@code lr * sign(b1*m + (1-b1)*g)} and moves m to
 * {@code b2*m + (1-b2)*g}.
 */
public class LionUpdater implements GradientUpdater<Lion> {
    public static final String MOMENTUM = "M";

    private final Lion config;
    private INDArray m;

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

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (m == null) throw new IllegalStateException("Lion updater has no state view");
        double lr = config.getLearningRate(iteration, epoch);
        double b1 = config.getBeta1(), b2 = config.getBeta2();
        INDArray c = m.mul(b1).addi(gradient.mul(1 - b1));
        m.muli(b2).addi(gradient.mul(1 - b2));
        Transforms.sign(c, false).muli(lr);
        gradient.assign(c);
    }
}
