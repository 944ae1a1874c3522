package org.fbnet.nn.layer;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.params.SameDiffParamInitializer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runtime base of a {@link HandWrittenVertex}: holds the vertex's parameters and gradients as named
 * views into the network's flat parameter and gradient arrays, laid out by the configuration's
 * {@code SDVertexParams}; subclasses write {@code doForward} and {@code doBackward}.
 * <p>Subclasses write parameter gradients into the {@link #gradient} views and return those views in
 * the {@code Gradient} of {@code doBackward}.
 */
public abstract class HandWrittenGraphVertex<C extends HandWrittenVertex<C>> extends BaseGraphVertex {
    protected final C config;
    private final INDArray params;
    private final Map<String, INDArray> paramTable;
    private INDArray gradients;
    private Map<String, INDArray> gradientTable;

    protected HandWrittenGraphVertex(C config, ComputationGraph graph, String name, int vertexIndex,
                                     INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.config = config;
        this.paramTable = views(paramsView);
        if (initializeParams) config.initializeParameters(paramTable);
        this.params = paramsView;
    }

    private Map<String, INDArray> views(INDArray flat) {
        SDVertexParams vp = config.getVertexParams();
        return SameDiffParamInitializer.getInstance().subsetAndReshape(
                vp.getParameterKeys(), vp.getParamShapes(), flat, null, config);
    }

    /** The parameter named {@code key}, a view into the network's parameters. */
    protected INDArray param(String key) { return paramTable.get(key); }

    /** The gradient of parameter {@code key}, a view into the network's gradient array. */
    protected INDArray gradient(String key) { return gradientTable.get(key); }

    @Override
    public void setBackpropGradientsViewArray(INDArray view) {
        this.gradients = view;
        this.gradientTable = views(view);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        // Per-example masks pass through unchanged: these vertices mix features, never examples.
        return new Pair<>(maskArrays == null || maskArrays.length == 0 ? null : maskArrays[0], currentMaskState);
    }

    @Override public boolean hasLayer() { return false; }

    @Override public Layer getLayer() { return null; }

    @Override public Map<String, INDArray> paramTable(boolean backpropOnly) { return paramTable; }

    @Override public TrainingConfig getConfig() { return config; }

    @Override public INDArray params() { return params; }

    @Override public long numParams() { return params == null ? 0 : params.length(); }

    @Override public INDArray getGradientsViewArray() { return gradients; }

    @Override public String toString() { return getClass().getSimpleName() + "(" + vertexName + ", " + config + ")"; }
}
