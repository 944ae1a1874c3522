package org.fbnet.nn.layer;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of F-BNet's residual activation {@code h + PReLU(d)} with one learned slope per unit
 * ({@code alpha}, shape [1, size]): inputs h and d, both [mb, size].
 * <p>DL4J's own {@code PReLULayer} cannot train F-BNet: ND4J M2's native {@code prelu_bp} rejects any
 * input longer than 64 times the slope array ("the length of input array should be no more than
 * SD_MAX_RANK*2 times the alpha array length"), i.e. every minibatch above 64 rows with per-unit
 * slopes, and a shared slope fails at any size. The computation is {@link ResidualPReLUVertex}; this
 * class reuses {@link SameDiffVertex}'s parameter bookkeeping through {@link HandWrittenVertex}, like
 * {@link LeakInjection}.
 */
public class ResidualPReLU extends HandWrittenVertex<ResidualPReLU> {
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
    protected RuntimeFactory<ResidualPReLU> runtime() { return ResidualPReLUVertex::new; }

    @Override
    protected long outputWidth() { return size; }

    @Override
    protected Object[] settings() { return new Object[] {size, initialSlope}; }

    public long getSize() { return size; }

    public void setSize(long size) { this.size = size; }

    public double getInitialSlope() { return initialSlope; }

    public void setInitialSlope(double initialSlope) { this.initialSlope = initialSlope; }

    @Override
    public ResidualPReLU clone() { return withBaseSettingsOf(new ResidualPReLU(size, initialSlope)); }

    @Override
    public String toString() { return "ResidualPReLU(size=" + size + ", initialSlope=" + initialSlope + ")"; }
}
