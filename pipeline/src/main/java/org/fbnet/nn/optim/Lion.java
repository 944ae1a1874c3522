package org.fbnet.nn.optim;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The Lion optimizer (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms") as a DL4J
 * updater, matching optax's {@code lion}: {@code update = lr * sign(b1*m + (1-b1)*g)}, then
 * {@code m = b2*m + (1-b2)*g}.
 * <p>optax's decoupled weight decay ({@code lr * wd * param}, 1e-3 by default) is not here: a DL4J
 * updater never sees the parameters. It is DL4J's {@code WeightDecay(wd, applyLR=true)}, which adds
 * exactly that term after the updater; {@link org.fbnet.nn.FbnetNetwork} sets it on every layer and
 * the leak vertex (never globally: DL4J then applies it twice, STACK.md).
 */
public class Lion implements IUpdater {
    private static final long serialVersionUID = 1L;
    public static final double DEFAULT_LEARNING_RATE = 1e-4;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.99;

    private double learningRate = DEFAULT_LEARNING_RATE;
    private ISchedule learningRateSchedule;
    private double beta1 = DEFAULT_BETA1;
    private double beta2 = DEFAULT_BETA2;

    /** optax's defaults. */
    public Lion() { }

    public Lion(double learningRate, double beta1, double beta2) {
        if (!(learningRate > 0)) throw new IllegalArgumentException("Lion learning rate must be > 0, got " + learningRate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Lion betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
    }

    @Override
    public long stateSize(long numParams) { return numParams; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        LionUpdater u = new LionUpdater(this);
        u.setStateViewArray(viewArray, viewArray.shape().clone(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        LionUpdater u = new LionUpdater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule == null ? learningRate : learningRateSchedule.valueAt(iteration, epoch);
    }

    @Override
    public boolean hasLearningRate() { return true; }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    public double getLearningRate() { return learningRate; }

    public void setLearningRate(double learningRate) { this.learningRate = learningRate; }

    public ISchedule getLearningRateSchedule() { return learningRateSchedule; }

    public void setLearningRateSchedule(ISchedule s) { this.learningRateSchedule = s; }

    public double getBeta1() { return beta1; }

    public void setBeta1(double beta1) { this.beta1 = beta1; }

    public double getBeta2() { return beta2; }

    public void setBeta2(double beta2) { this.beta2 = beta2; }

    @Override
    public Lion clone() {
        Lion c = new Lion(learningRate, beta1, beta2);
        c.learningRateSchedule = learningRateSchedule == null ? null : learningRateSchedule.clone();
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lion l && l.learningRate == learningRate && l.beta1 == beta1 && l.beta2 == beta2
                && Objects.equals(l.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() { return Objects.hash(learningRate, beta1, beta2, learningRateSchedule); }

    @Override
    public String toString() { return "Lion(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ")"; }
}
