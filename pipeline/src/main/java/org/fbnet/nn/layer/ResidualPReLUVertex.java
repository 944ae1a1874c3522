package org.fbnet.nn.layer;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
public class ResidualPReLUVertex extends HandWrittenGraphVertex<ResidualPReLU> {
    public ResidualPReLUVertex(ResidualPReLU config, ComputationGraph graph, String name, int vertexIndex,
                               INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(config, graph, name, vertexIndex, paramsView, initializeParams, dataType);
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
        Transforms.min(out, 0.0, false).muliRowVector(param(ResidualPReLU.ALPHA));
        out.addi(Transforms.relu(d, true)).addi(h);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) throw new IllegalStateException("residual PReLU " + vertexName + ": epsilon not set");
        INDArray h = inputs[0], d = inputs[1];
        INDArray alpha = param(ResidualPReLU.ALPHA);
        INDArray dH = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon, 'c');
        // slope = alpha + (1 - alpha) * [d > 0]
        INDArray positive = d.gt(0.0).castTo(d.dataType());
        INDArray dD = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, d.dataType(), d.shape(), 'c');
        dD.assign(positive.muliRowVector(alpha.rsub(1.0)).addiRowVector(alpha)).muli(epsilon);
        INDArray gAlpha = gradient(ResidualPReLU.ALPHA);
        gAlpha.assign(Transforms.min(d, 0.0, true).muli(epsilon).sum(true, 0));
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(ResidualPReLU.ALPHA, gAlpha);
        return new Pair<>(g, new INDArray[] {dH, dD});
    }
}
