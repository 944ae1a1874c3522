package org.fbnet.nn.layer;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.params.SameDiffParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime of {@link Linear}: out = x·W + b; backward dW = x^T·eps, db = column sums of eps,
 * dx = eps·W^T, three GEMMs written straight into their destinations.
 */
public class LinearVertex extends BaseGraphVertex {
    private final Linear config;
    private final INDArray params;
    private final Map<String, INDArray> paramTable;
    private INDArray gradients;
    private Map<String, INDArray> gradientTable;

    public LinearVertex(Linear config, ComputationGraph graph, String name, int vertexIndex,
                        INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.config = config;
        SDVertexParams vp = config.getVertexParams();
        this.paramTable = SameDiffParamInitializer.getInstance().subsetAndReshape(
                vp.getParameterKeys(), vp.getParamShapes(), paramsView, null, config);
        if (initializeParams) config.initializeParameters(paramTable);
        this.params = paramsView;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) throw new IllegalStateException("linear " + vertexName + ": input not set");
        INDArray x = inputs[0];
        if (x.rank() != 2 || x.size(1) != config.getNIn()) {
            throw new IllegalArgumentException("linear " + vertexName + ": expected input [mb," + config.getNIn() + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        INDArray w = paramTable.get(Linear.WEIGHT);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), new long[] {x.size(0), config.getNOut()}, 'c');
        Nd4j.gemm(x.castTo(w.dataType()), w, out, false, false, 1.0, 0.0);
        out.addiRowVector(paramTable.get(Linear.BIAS));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) throw new IllegalStateException("linear " + vertexName + ": epsilon not set");
        INDArray x = inputs[0].castTo(epsilon.dataType());
        INDArray w = paramTable.get(Linear.WEIGHT);
        INDArray gW = gradientTable.get(Linear.WEIGHT), gB = gradientTable.get(Linear.BIAS);
        Nd4j.gemm(x, epsilon, gW, true, false, 1.0, 0.0);
        epsilon.sum(gB, 0);
        INDArray dX = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape(), 'c');
        Nd4j.gemm(epsilon, w, dX, false, true, 1.0, 0.0);
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(Linear.WEIGHT, gW);
        g.gradientForVariable().put(Linear.BIAS, gB);
        return new Pair<>(g, new INDArray[] {dX});
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray view) {
        this.gradients = view;
        SDVertexParams vp = config.getVertexParams();
        this.gradientTable = SameDiffParamInitializer.getInstance().subsetAndReshape(
                vp.getParameterKeys(), vp.getParamShapes(), view, null, config);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(maskArrays == null || maskArrays.length == 0 ? null : maskArrays[0], currentMaskState);
    }

    @Override public boolean hasLayer() { return false; }

    @Override public Layer getLayer() { return null; }

    @Override public Map<String, INDArray> paramTable(boolean backpropOnly) { return paramTable; }

    @Override public TrainingConfig getConfig() { return config; }

    @Override public INDArray params() { return params; }

    @Override public long numParams() { return params == null ? 0 : params.length(); }

    @Override public INDArray getGradientsViewArray() { return gradients; }

    @Override public String toString() { return "LinearVertex(" + vertexName + ", " + config + ")"; }
}
