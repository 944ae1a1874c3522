package org.fbnet.nn.layer;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a linear (identity-activation) dense layer {@code x·W + b} as a graph vertex, with
 * LeCun-normal W [nIn, nOut] and zero b, as Flax's Dense.
 * <p>Why not DL4J's DenseLayer: its backward pass recomputes the forward matrix product (BaseLayer
 * calls preOutput again to differentiate the activation), a third of the network's FLOPs wasted on the
 * 6000x6000 layer, and it adds weight decay's 0.5*wd*|W|^2 to the reported score each step (a
 * reduction over every layer parameter). Measured with JFR while building {@code fbnet bench train}.
 */
public class Linear extends HandWrittenVertex<Linear> {
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
        defineProjection(params, nIn, nOut);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) { initializeProjection(params, nIn, nOut); }

    /** Declares the parameters of a projection {@code x·W + b}: {@link #WEIGHT} [nIn, nOut], {@link #BIAS} [1, nOut]. */
    static void defineProjection(SDVertexParams params, long nIn, long nOut) {
        params.addWeightParam(WEIGHT, nIn, nOut);
        params.addBiasParam(BIAS, 1, nOut);
    }

    /** LeCun-normal W and zero b: Flax's Dense defaults. */
    static void initializeProjection(Map<String, INDArray> params, long nIn, long nOut) {
        INDArray w = params.get(WEIGHT);
        WeightInit.LECUN_NORMAL.getWeightInitFunction().init(nIn, nOut, w.shape(), 'c', w);
        params.get(BIAS).assign(0);
    }

    @Override
    protected RuntimeFactory<Linear> runtime() { return LinearVertex::new; }

    @Override
    protected long outputWidth() { return nOut; }

    @Override
    protected Object[] settings() { return new Object[] {nIn, nOut}; }

    public long getNIn() { return nIn; }

    public void setNIn(long nIn) { this.nIn = nIn; }

    public long getNOut() { return nOut; }

    public void setNOut(long nOut) { this.nOut = nOut; }

    @Override
    public Linear clone() { return withBaseSettingsOf(new Linear(nIn, nOut)); }

    @Override
    public String toString() { return "Linear(" + nIn + " -> " + nOut + ")"; }
}
