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
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The runtime of {@link ResidualPReLU}: out = h + max(d, 0) + alpha * min(d, 0), per unit.
 * Backward: dL/dh = eps; dL/dd = eps * (d &gt; 0 ? 1 : alpha); dL/dalpha = sum over rows of eps * min(d, 0).
 */
public class ResidualPReLUVertex extends BaseGraphVertex {
    private final ResidualPReLU config;
    private final INDArray params;
    private final Map<String, INDArray> paramTable;
    private INDArray gradients;
    private Map<String, INDArray> gradientTable;

    public ResidualPReLUVertex(ResidualPReLU config, ComputationGraph graph, String name, int vertexIndex,
                               INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
        this.config = config;
        SDVertexParams vp = config.getVertexParams();
        this.paramTable = SameDiffParamInitializer.getInstance().subsetAndReshape(
                vp.getParameterKeys(), vp.getParamShapes(), paramsView, null, config);
        if (initializeParams) config.initializeParameters(paramTable);
        this.params = paramsView;
    }

    private void checkShapes(INDArray h, INDArray d) {
        if (h.rank() != 2 || !java.util.Arrays.equals(h.shape(), d.shape()) || h.size(1) != config.getSize()) {
            throw new IllegalArgumentException("residual PReLU " + vertexName + ": expected h and d [mb," + config.getSize()
                    + "], got " + java.util.Arrays.toString(h.shape()) + " and " + java.util.Arrays.toString(d.shape()));
        }
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) throw new IllegalStateException("residual PReLU " + vertexName + ": inputs not set");
        INDArray h = inputs[0], d = inputs[1];
        checkShapes(h, d);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, h.dataType(), h.shape(), 'c');
        out.assign(d);
        Transforms.min(out, 0.0, false).muliRowVector(paramTable.get(ResidualPReLU.ALPHA));
        out.addi(Transforms.relu(d, true)).addi(h);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) throw new IllegalStateException("residual PReLU " + vertexName + ": epsilon not set");
        INDArray h = inputs[0], d = inputs[1];
        INDArray alpha = paramTable.get(ResidualPReLU.ALPHA);
        INDArray dH = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon, 'c');
        // slope = alpha + (1 - alpha) * [d > 0]
        INDArray positive = d.gt(0.0).castTo(d.dataType());
        INDArray dD = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, d.dataType(), d.shape(), 'c');
        dD.assign(positive.muliRowVector(alpha.rsub(1.0)).addiRowVector(alpha)).muli(epsilon);
        INDArray gAlpha = gradientTable.get(ResidualPReLU.ALPHA);
        gAlpha.assign(Transforms.min(d, 0.0, true).muli(epsilon).sum(true, 0));
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(ResidualPReLU.ALPHA, gAlpha);
        return new Pair<>(g, new INDArray[] {dH, dD});
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

    @Override public String toString() { return "ResidualPReLUVertex(" + vertexName + ", " + config + ")"; }
}
