package org.fbnet.nn.layer;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of F-BNet's leak injection: one linear projection P (weights {@code W} of shape
 * [leak, hidden] and bias {@code b}) shared by the leak y and the structured noise z, mixed into the
 * bottleneck h as {@code (h + alpha*P(y) + beta*P(z)) / (1+alpha+beta)} in training and
 * {@code (h - (alpha+beta)*P(z)) / (1+alpha+beta)} at inference.
 * <p>Inputs, in order: h [mb, hidden], y [mb, leak], z [mb, leak]. It extends {@link SameDiffVertex} (through
 * {@link HandWrittenVertex}) only for DL4J's parameter bookkeeping (views, regularization, updater,
 * JSON); the computation is {@link LeakInjectionVertex}, because SameDiff vertices never receive the
 * training flag (STACK.md).
 */
public class LeakInjection extends HandWrittenVertex<LeakInjection> {
    /** P's parameters, named and initialised as {@link Linear}'s. */
    public static final String WEIGHT = Linear.WEIGHT;
    public static final String BIAS = Linear.BIAS;

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
        Linear.defineProjection(params, leakSize, hiddenSize);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) { Linear.initializeProjection(params, leakSize, hiddenSize); }

    @Override
    protected RuntimeFactory<LeakInjection> runtime() { return LeakInjectionVertex::new; }

    @Override
    protected long outputWidth() { return hiddenSize; }

    @Override
    protected Object[] settings() { return new Object[] {leakSize, hiddenSize, alpha, beta}; }

    public long getLeakSize() { return leakSize; }

    public void setLeakSize(long leakSize) { this.leakSize = leakSize; }

    public long getHiddenSize() { return hiddenSize; }

    public void setHiddenSize(long hiddenSize) { this.hiddenSize = hiddenSize; }

    public double getAlpha() { return alpha; }

    public void setAlpha(double alpha) { this.alpha = alpha; }

    public double getBeta() { return beta; }

    public void setBeta(double beta) { this.beta = beta; }

    @Override
    public LeakInjection clone() { return withBaseSettingsOf(new LeakInjection(leakSize, hiddenSize, alpha, beta)); }

    @Override
    public String toString() {
        return "LeakInjection(leak=" + leakSize + ", hidden=" + hiddenSize + ", alpha=" + alpha + ", beta=" + beta + ")";
    }
}
