package org.fbnet.nn;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fbnet.nn.layer.LeakInjection;
import org.fbnet.nn.layer.Linear;
import org.fbnet.nn.layer.ResidualPReLU;
import org.fbnet.nn.loss.RacingLoss;
import org.fbnet.nn.optim.LionConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Builds the F-BNet network (Modelling the brain's response to natural scenes in the bottleneck space)
 * as a DL4J {@link ComputationGraph}:
 * <pre>
 *   x [input] -> embed = Dense(input -> input*f)
 *             -> residual = embed + PReLU(Dense(embed))   (ResidualPReLU, one slope per unit)
 *   (residual, y, z) -> leak (LeakInjection, one projection P shared by leak y and noise z)
 *             -> dropout -> lh = Dense(-> lhSize), rh = Dense(-> rhSize)
 *             -> heads = [lh, rh] -> out (racing or MSE loss over both hemispheres)
 * </pre>
 * Inputs in order: {@value #INPUT_X}, {@value #INPUT_LEAK}, {@value #INPUT_NOISE}; one output, lh then rh.
 * <p>All dense layers are linear with LeCun-normal kernels and zero biases, as Flax's Dense. The trunk
 * uses {@link Linear} vertices rather than DL4J DenseLayers, whose backward pass repeats the forward
 * product; the heads stay DenseLayers (see {@link #head}). The PReLU is our own vertex too: DL4J's
 * PReLULayer fails on minibatches above 64 rows (see {@link ResidualPReLU}). The heads meet in one
 * loss layer because the racing loss couples them (see {@link RacingLoss}). Lion's decoupled weight
 * decay is set on every layer and vertex, never globally: a global weightDecay is applied twice by
 * DL4J M2 (STACK.md); {@code LionTest} checks that each parameter decays exactly once.
 */
public final class FbnetNetwork {
    public static final String INPUT_X = "x";
    public static final String INPUT_LEAK = "y";
    public static final String INPUT_NOISE = "z";
    public static final String EMBED = "embed";
    public static final String RESIDUAL_DENSE = "res_dense";
    public static final String RESIDUAL = "residual";
    public static final String LEAK = "leak";
    public static final String DROPOUT = "dropout";
    public static final String HEAD_LH = "lh";
    public static final String HEAD_RH = "rh";
    public static final String HEADS = "heads";
    public static final String OUTPUT = "out";

    private FbnetNetwork() { }

    /** The graph configuration; {@code dataType} is FLOAT for training, DOUBLE for gradient checks. */
    public static ComputationGraphConfiguration configuration(NetworkConfig net, IUpdater updater, double weightDecay,
                                                              long seed, DataType dataType) {
        List<Regularization> decay = weightDecay > 0 ? List.of(new WeightDecay(weightDecay, true)) : List.of();
        int in = net.inputSize(), hidden = net.hiddenSize(), brain = net.brainSize();
        LeakInjection leak = new LeakInjection(brain, hidden, net.alpha(), net.beta());
        leak.setRegularization(decay);
        leak.setRegularizationBias(decay);
        ResidualPReLU residual = new ResidualPReLU(hidden, net.preluInit());
        residual.setRegularization(decay);
        residual.setRegularizationBias(decay);
        DropoutLayer.Builder dropout = new DropoutLayer.Builder();
        if (net.dropout() > 0) dropout.dropOut(new Dropout(1.0 - net.dropout())); // DL4J takes a retain probability
        ILossFunction loss = net.loss() == NetworkConfig.Loss.RACING ? new RacingLoss(net.lhSize()) : new LossMSE();

        return new NeuralNetConfiguration.Builder()
                .seed(dl4jSeed(seed))
                .dataType(dataType)
                .updater(updater)
                .weightInit(WeightInit.LECUN_NORMAL)
                .biasInit(0)
                .graphBuilder()
                .addInputs(INPUT_X, INPUT_LEAK, INPUT_NOISE)
                .setInputTypes(InputType.feedForward(in), InputType.feedForward(brain), InputType.feedForward(brain))
                .addVertex(EMBED, linear(in, hidden, decay), INPUT_X)
                .addVertex(RESIDUAL_DENSE, linear(hidden, hidden, decay), EMBED)
                .addVertex(RESIDUAL, residual, EMBED, RESIDUAL_DENSE)
                .addVertex(LEAK, leak, RESIDUAL, INPUT_LEAK, INPUT_NOISE)
                .addLayer(DROPOUT, dropout.build(), LEAK)
                .addLayer(HEAD_LH, head(hidden, net.lhSize(), decay), DROPOUT)
                .addLayer(HEAD_RH, head(hidden, net.rhSize(), decay), DROPOUT)
                .addVertex(HEADS, new MergeVertex(), HEAD_LH, HEAD_RH)
                .addLayer(OUTPUT, new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(), HEADS)
                .setOutputs(OUTPUT)
                .build();
    }

    /** A freshly initialised network trained with Lion. */
    public static ComputationGraph build(NetworkConfig net, LionConfig lion, long seed) {
        ComputationGraph g = new ComputationGraph(configuration(net, lion.updater(), lion.weightDecay(), seed, DataType.FLOAT));
        g.init();
        return g;
    }

    /**
     * The heads stay DL4J DenseLayers on purpose: ComputationGraph.fit() silently does nothing when
     * numParams() is 0, and numParams() counts layers only, never vertices (dl4j-spark's workers call the
     * same fit). Their backward pass repeats their small forward product (about 1% of the FLOPs).
     */
    private static DenseLayer head(int nIn, int nOut, List<Regularization> decay) {
        DenseLayer.Builder b = new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(Activation.IDENTITY);
        b.regularization(decay);
        b.regularizationBias(decay);
        return b.build();
    }

    private static Linear linear(int nIn, int nOut, List<Regularization> decay) {
        Linear l = new Linear(nIn, nOut);
        l.setRegularization(decay);
        l.setRegularizationBias(decay);
        return l;
    }

    /** Number of parameters, vertices included (DL4J's numParams() counts layers only). */
    public static long parameterCount(ComputationGraph g) {
        return g.params().length();
    }

    /**
     * The seed handed to DL4J: measured on M2, a configuration seed of 0 gave different initial
     * parameters on every run (compare's default seed 0 was not reproducible), so 0 maps to a fixed
     * non-zero value; every other seed is passed through.
     */
    static long dl4jSeed(long seed) {
        return seed == 0 ? 0x5DEECE66DL : seed;
    }
}
