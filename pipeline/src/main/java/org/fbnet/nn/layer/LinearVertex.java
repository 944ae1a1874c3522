package org.fbnet.nn.layer;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
public class LinearVertex extends HandWrittenGraphVertex<Linear> {
    public LinearVertex(Linear config, ComputationGraph graph, String name, int vertexIndex,
                        INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(config, graph, name, vertexIndex, paramsView, initializeParams, dataType);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) throw new IllegalStateException("linear " + vertexName + ": input not set");
        INDArray x = inputs[0];
        if (x.rank() != 2 || x.size(1) != config.getNIn()) {
            throw new IllegalArgumentException("linear " + vertexName + ": expected input [mb," + config.getNIn() + "], got "
                    + java.util.Arrays.toString(x.shape()));
        }
        INDArray w = param(Linear.WEIGHT);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), new long[] {x.size(0), config.getNOut()}, 'c');
        Nd4j.gemm(x.castTo(w.dataType()), w, out, false, false, 1.0, 0.0);
        out.addiRowVector(param(Linear.BIAS));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) throw new IllegalStateException("linear " + vertexName + ": epsilon not set");
        INDArray x = inputs[0].castTo(epsilon.dataType());
        INDArray w = param(Linear.WEIGHT);
        INDArray gW = gradient(Linear.WEIGHT), gB = gradient(Linear.BIAS);
        Nd4j.gemm(x, epsilon, gW, true, false, 1.0, 0.0);
        epsilon.sum(gB, 0);
        INDArray dX = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), x.shape(), 'c');
        Nd4j.gemm(epsilon, w, dX, false, true, 1.0, 0.0);
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(Linear.WEIGHT, gW);
        g.gradientForVariable().put(Linear.BIAS, gB);
        return new Pair<>(g, new INDArray[] {dX});
    }
}
