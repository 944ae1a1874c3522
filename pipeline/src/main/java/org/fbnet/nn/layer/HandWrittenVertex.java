package org.fbnet.nn.layer;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration base of a graph vertex whose forward and backward passes are written by hand in a
 * {@link HandWrittenGraphVertex} instead of running through SameDiff.
 * <p>It extends {@link SameDiffVertex} only for DL4J's parameter bookkeeping (parameter views,
 * regularization, updater, {@code applyGlobalConfig}, JSON) and overrides {@link #instantiate}, the
 * extension point STACK.md ("Custom network pieces") describes: SameDiff vertices never receive the
 * training flag, and each subclass's javadoc says why DL4J's own layer or SameDiff does not serve.
 * Subclasses declare their inputs in {@code defineParametersAndInputs} (their number is the
 * vertex's input count), and keep their settings in fields with getters and setters and a no-arg
 * constructor, because DL4J serialises the configuration with Jackson; this class adds no fields, so
 * the JSON of existing models is unchanged.
 */
public abstract class HandWrittenVertex<C extends HandWrittenVertex<C>> extends SameDiffVertex {

    /** The constructor of a runtime vertex: config, graph, name, index, parameter view, initialise?, data type. */
    @FunctionalInterface
    protected interface RuntimeFactory<C extends HandWrittenVertex<C>> {
        GraphVertex create(C config, ComputationGraph graph, String name, int idx, INDArray paramsView,
                           boolean initializeParams, DataType networkDatatype);
    }

    /** The runtime vertex class doing the computation, e.g. {@code LinearVertex::new}. */
    protected abstract RuntimeFactory<C> runtime();

    /** Width of the vertex's [mb, width] output. */
    protected abstract long outputWidth();

    /**
     * The subclass's own settings, compared by {@link #equals} (element by element with
     * {@code Object.equals}, so 0.0 and -0.0 differ, as in {@link #hashCode}) and hashed by {@link #hashCode}.
     */
    protected abstract Object[] settings();

    @Override
    public GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   boolean initializeParams, DataType networkDatatype) {
        setName(name);
        @SuppressWarnings("unchecked") C self = (C) this; // every subclass is declared X extends HandWrittenVertex<X>
        return runtime().create(self, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    /** Never called: {@link #instantiate} replaces SameDiff execution with the hand-written runtime vertex. */
    @Override
    public SDVariable defineVertex(SameDiff sameDiff, Map<String, SDVariable> layerInput,
                                   Map<String, SDVariable> paramTable, Map<String, SDVariable> maskVars) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " runs as its hand-written runtime vertex, not through SameDiff");
    }

    @Override
    public int minVertexInputs() { return getVertexParams().getInputs().size(); }

    @Override
    public int maxVertexInputs() { return getVertexParams().getInputs().size(); }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) { return InputType.feedForward(outputWidth()); }

    /**
     * Copies the settings held by {@link SameDiffVertex} (name, regularization, updaters, gradient
     * normalization, data type) onto a fresh copy made by a subclass's {@code clone}.
     */
    protected C withBaseSettingsOf(C copy) {
        copy.setName(getName());
        copy.setRegularization(getRegularization());
        copy.setRegularizationBias(getRegularizationBias());
        copy.setUpdater(getUpdater() == null ? null : getUpdater().clone());
        copy.setBiasUpdater(getBiasUpdater() == null ? null : getBiasUpdater().clone());
        copy.setGradientNormalization(getGradientNormalization());
        copy.setGradientNormalizationThreshold(getGradientNormalizationThreshold());
        copy.setDataType(getDataType());
        return copy;
    }

    @Override
    public abstract C clone();

    @Override
    public boolean equals(Object o) {
        return o instanceof HandWrittenVertex<?> v && v.getClass() == getClass() && super.equals(o)
                && Arrays.equals(settings(), v.settings());
    }

    @Override
    protected boolean canEqual(Object other) { return other != null && other.getClass() == getClass(); }

    @Override
    public int hashCode() {
        Object[] settings = settings();
        Object[] all = new Object[settings.length + 1];
        all[0] = super.hashCode();
        System.arraycopy(settings, 0, all, 1, settings.length);
        return Arrays.hashCode(all); // the value Objects.hash(super.hashCode(), settings...) gave before
    }
}
