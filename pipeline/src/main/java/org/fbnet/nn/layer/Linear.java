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
 * Configuration of a linear (identity-activation) dense layer {@code x·W + b} as a graph vertex, with
 * LeCun-normal W [nIn, nOut] and zero b, as Flax's Dense.
 * <p>Why not DL4J's DenseLayer: its backward pass recomputes the forward matrix product (BaseLayer
 * calls preOutput again to differentiate the activation), a third of the network's FLOPs wasted on the
 * 6000x6000 layer, and it adds weight decay's 0.5*wd*|W|^2 to the reported score each step (a
 * reduction over every layer parameter). Measured with JFR while building {@code fbnet bench train}.
 */
public class Linear extends SameDiffVertex {
    public static final String WEIGHT = "W";
    public static final String BIAS = "b";

    private long nIn;
    private long nOut;

    /** For JSON deserialization. */
    public Linear() { }

    public Linear(long nIn, long nOut) {
        if (nIn < 1 || nOut < 1) throw new IllegalArgumentException("sizes must be positive: " + nIn + " -> " + nOut);
        this.nIn = nIn;
        this.nOut = nOut;
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.defineInputs("x");
        params.addWeightParam(WEIGHT, nIn, nOut);
        params.addBiasParam(BIAS, 1, nOut);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        INDArray w = params.get(WEIGHT);
        WeightInit.LECUN_NORMAL.getWeightInitFunction().init(nIn, nOut, w.shape(), 'c', w);
        params.get(BIAS).assign(0);
    }

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType networkDatatype) {
        setName(name);
        return new LinearVertex(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    /** Never called: {@link #instantiate} replaces SameDiff execution with {@link LinearVertex}. */
    @Override
    public SDVariable defineVertex(SameDiff sameDiff, Map<String, SDVariable> layerInput,
                                   Map<String, SDVariable> paramTable, Map<String, SDVariable> maskVars) {
        throw new UnsupportedOperationException("Linear runs as LinearVertex, not through SameDiff");
    }

    @Override
    public int minVertexInputs() { return 1; }

    @Override
    public int maxVertexInputs() { return 1; }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) { return InputType.feedForward(nOut); }

    public long getNIn() { return nIn; }

    public void setNIn(long nIn) { this.nIn = nIn; }

    public long getNOut() { return nOut; }

    public void setNOut(long nOut) { this.nOut = nOut; }

    @Override
    public Linear clone() {
        Linear c = new Linear(nIn, nOut);
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
        return o instanceof Linear l && super.equals(o) && nIn == l.nIn && nOut == l.nOut;
    }

    @Override
    protected boolean canEqual(Object other) { return other instanceof Linear; }

    @Override
    public int hashCode() { return Objects.hash(super.hashCode(), nIn, nOut); }

    @Override
    public String toString() { return "Linear(" + nIn + " -> " + nOut + ")"; }
}
