package org.fbnet.nn.layer;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The runtime of {@link LeakInjection}: out = (h + u·W + s·b) / (1+alpha+beta), with
 * u = alpha·y + beta·z and s = alpha+beta in training, and u = -(alpha+beta)·z, s = -(alpha+beta) at
 * inference (the leak y is ignored then).
 * <p>Folding both P applications into one product u·W is exact because P is linear, and halves the
 * matrix work. The backward pass uses the mode of the last forward pass, since DL4J does not pass the
 * training flag to {@code doBackward}.
 */
public class LeakInjectionVertex extends HandWrittenGraphVertex<LeakInjection> {
    private boolean lastForwardTraining = true;

    public LeakInjectionVertex(LeakInjection config, ComputationGraph graph, String name, int vertexIndex,
                               INDArray paramsView, boolean initializeParams, DataType dataType) {
        super(config, graph, name, vertexIndex, paramsView, initializeParams, dataType);
    }

    private double scale() { return 1.0 / (1.0 + config.getAlpha() + config.getBeta()); }

    /** Coefficients of y and z in u, for the given mode. */
    private double leakCoefficient(boolean training) { return training ? config.getAlpha() : 0.0; }

    private double noiseCoefficient(boolean training) {
        return training ? config.getBeta() : -(config.getAlpha() + config.getBeta());
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) throw new IllegalStateException("leak injection " + vertexName + ": inputs not set");
        lastForwardTraining = training;
        INDArray h = inputs[0], y = inputs[1], z = inputs[2];
        checkShapes(h, y, z);
        double cy = leakCoefficient(training), cz = noiseCoefficient(training);
        INDArray u = cy == 0 ? z.mul(cz) : y.mul(cy).addi(z.mul(cz));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, h.dataType(), h.shape(), 'c');
        u.mmuli(param(LeakInjection.WEIGHT), out);
        out.addi(h);
        out.addiRowVector(param(LeakInjection.BIAS).mul(cy + cz));
        out.muli(scale());
        return out;
    }

    private void checkShapes(INDArray h, INDArray y, INDArray z) {
        long mb = h.size(0);
        if (h.rank() != 2 || h.size(1) != config.getHiddenSize() || y.rank() != 2 || z.rank() != 2
                || y.size(1) != config.getLeakSize() || z.size(1) != config.getLeakSize()
                || y.size(0) != mb || z.size(0) != mb) {
            throw new IllegalArgumentException("leak injection " + vertexName + ": expected h [mb," + config.getHiddenSize()
                    + "], y and z [mb," + config.getLeakSize() + "], got " + java.util.Arrays.toString(h.shape())
                    + ", " + java.util.Arrays.toString(y.shape()) + ", " + java.util.Arrays.toString(z.shape()));
        }
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) throw new IllegalStateException("leak injection " + vertexName + ": epsilon not set");
        INDArray h = inputs[0], y = inputs[1], z = inputs[2];
        double c = scale();
        double cy = leakCoefficient(lastForwardTraining), cz = noiseCoefficient(lastForwardTraining);
        INDArray w = param(LeakInjection.WEIGHT);

        // dL/du = eps·W^T / (1+a+b); dL/dy = cy·dL/du; dL/dz = cz·dL/du.
        INDArray dU = epsilon.mmul(w.transpose()).muli(c);
        INDArray dH = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, h.dataType(), h.shape(), 'c');
        dH.assign(epsilon).muli(c);
        INDArray dY = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, y.dataType(), y.shape(), 'c');
        if (cy != 0) dY.assign(dU).muli(cy);
        INDArray dZ = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, z.dataType(), z.shape(), 'c');
        dZ.assign(dU).muli(cz);

        INDArray u = cy == 0 ? z.mul(cz) : y.mul(cy).addi(z.mul(cz));
        INDArray gW = gradient(LeakInjection.WEIGHT);
        u.transpose().mmuli(epsilon, gW);
        gW.muli(c);
        INDArray gB = gradient(LeakInjection.BIAS);
        gB.assign(epsilon.sum(true, 0).muli((cy + cz) * c));

        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(LeakInjection.WEIGHT, gW);
        g.gradientForVariable().put(LeakInjection.BIAS, gB);
        return new Pair<>(g, new INDArray[] {dH, dY, dZ});
    }
}
