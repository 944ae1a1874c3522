package org.fbnet.nn.layer;

import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of F-BNet's residual activation {@code h + PReLU(d)} with one learned slope per unit
 * ({@code alpha}, shape [1, size]): inputs h and d, both [mb, size].
 * <p>DL4J's own {@code PReLULayer} cannot train F-BNet: ND4J M2's native {@code prelu_bp} rejects any
 * input longer than 64 times the slope array ("the length of input array should be no more than
 * SD_MAX_RANK*2 times the alpha array length"), i.e. every minibatch above 64 rows with per-unit
 * slopes, and a shared slope fails at any size. The computation is {@link ResidualPReLUVertex}; this
 * class reuses {@link SameDiffVertex}'s parameter bookkeeping, like {@link LeakInjection}.
 */
public class ResidualPReLU extends SameDiffVertex {
    public static final String ALPHA = "alpha";

    private long size;
    private double initialSlope;

    /** For JSON deserialization. */
    public ResidualPReLU() { }

    public ResidualPReLU(long size, double initialSlope) {
        if (size < 1) throw new IllegalArgumentException("size must be positive, got " + size);
        if (!Double.isFinite(initialSlope)) throw new IllegalArgumentException("initial slope must be finite");
        this.size = size;
        this.initialSlope = initialSlope;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.defineInputs("h", "d");
        params.addWeightParam(ALPHA, 1, size);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(ALPHA).assign(initialSlope);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType networkDatatype) {
        setName(name);
        return new ResidualPReLUVertex(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    /** Never called: {@link #instantiate} replaces SameDiff execution with {@link ResidualPReLUVertex}. */
    @Override
    public SDVariable defineVertex(SameDiff sameDiff, Map<String, SDVariable> layerInput,
                                   Map<String, SDVariable> paramTable, Map<String, SDVariable> maskVars) {
        throw new UnsupportedOperationException("ResidualPReLU runs as ResidualPReLUVertex, not through SameDiff");
    }

    @Override
    public int minVertexInputs() { return 2; }

    @Override
    public int maxVertexInputs() { return 2; }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) { return InputType.feedForward(size); }

    public long getSize() { return size; }

    public void setSize(long size) { this.size = size; }

    public double getInitialSlope() { return initialSlope; }

    public void setInitialSlope(double initialSlope) { this.initialSlope = initialSlope; }

    @Override
    public ResidualPReLU clone() {
        ResidualPReLU c = new ResidualPReLU(size, initialSlope);
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
        return o instanceof ResidualPReLU r && super.equals(o) && size == r.size && initialSlope == r.initialSlope;
    }

    @Override
    protected boolean canEqual(Object other) { return other instanceof ResidualPReLU; }

    @Override
    public int hashCode() { return Objects.hash(super.hashCode(), size, initialSlope); }

    @Override
    public String toString() { return "ResidualPReLU(size=" + size + ", initialSlope=" + initialSlope + ")"; }
}
