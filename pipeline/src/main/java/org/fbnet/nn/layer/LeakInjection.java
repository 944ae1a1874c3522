package org.fbnet.nn.layer;

import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of F-BNet's leak injection: one linear projection P (weights {@code W} of shape
 * [leak, hidden] and bias {@code b}) shared by the leak y and the structured noise z, mixed into the
 * bottleneck h as {@code (h + alpha*P(y) + beta*P(z)) / (1+alpha+beta)} in training and
 * {@code (h - (alpha+beta)*P(z)) / (1+alpha+beta)} at inference.
 * <p>Inputs, in order: h [mb, hidden], y [mb, leak], z [mb, leak]. It extends {@link SameDiffVertex}
 * only for DL4J's parameter bookkeeping (views, regularization, updater, JSON); the computation is
 * {@link LeakInjectionVertex}, because SameDiff vertices never receive the training flag (STACK.md).
 */
public class LeakInjection extends SameDiffVertex {
    public static final String WEIGHT = "W";
    public static final String BIAS = "b";

    private long leakSize;
    private long hiddenSize;
    private double alpha;
    private double beta;

    /** For JSON deserialization. */
    public LeakInjection() { }

    public LeakInjection(long leakSize, long hiddenSize, double alpha, double beta) {
        if (leakSize < 1 || hiddenSize < 1) throw new IllegalArgumentException("leak and hidden sizes must be positive: " + leakSize + ", " + hiddenSize);
        if (!(alpha >= 0) || !(beta >= 0)) throw new IllegalArgumentException("alpha and beta must be >= 0: " + alpha + ", " + beta);
        this.leakSize = leakSize;
        this.hiddenSize = hiddenSize;
        this.alpha = alpha;
        this.beta = beta;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.defineInputs("h", "y", "z");
        params.addWeightParam(WEIGHT, leakSize, hiddenSize);
        params.addBiasParam(BIAS, 1, hiddenSize);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // LeCun normal kernel and zero bias: Flax's Dense defaults.
        INDArray w = params.get(WEIGHT);
        WeightInit.LECUN_NORMAL.getWeightInitFunction().init(leakSize, hiddenSize, w.shape(), 'c', w);
        params.get(BIAS).assign(0);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType networkDatatype) {
        setName(name);
        return new LeakInjectionVertex(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    /** Never called: {@link #instantiate} replaces SameDiff execution with {@link LeakInjectionVertex}. */
    @Override
    public SDVariable defineVertex(SameDiff sameDiff, Map<String, SDVariable> layerInput,
                                   Map<String, SDVariable> paramTable, Map<String, SDVariable> maskVars) {
        throw new UnsupportedOperationException("LeakInjection runs as LeakInjectionVertex, not through SameDiff");
    }

    @Override
    public int minVertexInputs() { return 3; }

    @Override
    public int maxVertexInputs() { return 3; }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return InputType.feedForward(hiddenSize);
    }

    public long getLeakSize() { return leakSize; }

    public void setLeakSize(long leakSize) { this.leakSize = leakSize; }

    public long getHiddenSize() { return hiddenSize; }

    public void setHiddenSize(long hiddenSize) { this.hiddenSize = hiddenSize; }

    public double getAlpha() { return alpha; }

    public void setAlpha(double alpha) { this.alpha = alpha; }

    public double getBeta() { return beta; }

    public void setBeta(double beta) { this.beta = beta; }

    @Override
    public LeakInjection clone() {
        LeakInjection c = new LeakInjection(leakSize, hiddenSize, alpha, beta);
        c.setName(getName());
        c.setRegularization(getRegularization());
        c.setRegularizationBias(getRegularizationBias());
        c.setUpdater(getUpdater() == null ? null : getUpdater().clone());
        c.setBiasUpdater(getBiasUpdater() == null ? null : getBiasUpdater().clone());
        c.setGradientNormalization(getGradientNormalization());
        c.setGradientNormalizationThreshold(getGradientNormalizationThreshold());
        c.setDataType(getDataType());
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LeakInjection l)) return false;
        return super.equals(o) && leakSize == l.leakSize && hiddenSize == l.hiddenSize
                && alpha == l.alpha && beta == l.beta;
    }

    @Override
    protected boolean canEqual(Object other) { return other instanceof LeakInjection; }

    @Override
    public int hashCode() { return Objects.hash(super.hashCode(), leakSize, hiddenSize, alpha, beta); }

    @Override
    public String toString() {
        return "LeakInjection(leak=" + leakSize + ", hidden=" + hiddenSize + ", alpha=" + alpha + ", beta=" + beta + ")";
    }
}
