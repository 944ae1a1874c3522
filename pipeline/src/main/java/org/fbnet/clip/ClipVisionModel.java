package org.fbnet.clip;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.GELU;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hugging Face's {@code CLIPVisionModel} (plus the optional {@code visual_projection}) in ND4J, for
 * inference: patch embedding, class and position embeddings, {@code pre_layrnorm}, pre-LN encoder layers
 * with quick_gelu, {@code last_hidden_state} (no post LN) and {@code pooler_output} (CLIP-SPEC.md section 3).
 * <p>Plain ND4J ops on 2-D token matrices rather than SameDiff: every FLOP of ViT-B/32 except attention
 * is one of six GEMMs per layer, which ND4J hands to BLAS, and q/k/v are fused into one GEMM. The patch
 * convolution (stride = kernel, no bias) is an im2col in Java plus one GEMM. Weights are immutable after
 * loading, so one instance serves every thread of an executor.
 */
public final class ClipVisionModel {
    private static final String P = "vision_model.";
    private static final WorkspaceConfiguration LAYER_WORKSPACE = WorkspaceConfiguration.builder()
            .policyLearning(LearningPolicy.FIRST_LOOP).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.2).policySpill(SpillPolicy.REALLOCATE).build();

    private final ClipVisionConfig config;
    // Linear weights stay [out, in] as stored (torch's F.linear layout) and enter the matmul op transposed,
    // writing into a preallocated c-order result: INDArray.mmul GEMMs into an f-order temporary and then
    // copies it, which cost 10-30% of each GEMM (measured single-threaded at 50 and 400 rows).
    private final INDArray patchWeight;     // [D, C*p*p]
    private final INDArray classEmbedding;  // [1, D]
    private final INDArray positionEmbedding; // [T, D]
    private final INDArray preLnGamma, preLnBeta, postLnGamma, postLnBeta;
    private final List<Layer> layers;
    private final INDArray projection;      // [P, D] or null
    private final BlasVisionForward blas;   // the CPU backend's encoder; null on other backends

    private record Layer(INDArray ln1Gamma, INDArray ln1Beta, INDArray qkvWeight, INDArray qkvBias,
                         INDArray outWeight, INDArray outBias, INDArray ln2Gamma, INDArray ln2Beta,
                         INDArray fc1Weight, INDArray fc1Bias, INDArray fc2Weight, INDArray fc2Bias) { }

    /** The outputs of one batch. */
    public record Output(INDArray lastHiddenState, INDArray pooled, INDArray imageEmbeds) { }

    private ClipVisionModel(ClipVisionConfig config, Map<String, INDArray> w, boolean hasProjection) {
        this.config = config;
        int d = config.hiddenSize();
        this.patchWeight = w.get(P + "embeddings.patch_embedding.weight").reshape(d, -1);
        this.classEmbedding = w.get(P + "embeddings.class_embedding").reshape(1, d);
        this.positionEmbedding = w.get(P + "embeddings.position_embedding.weight");
        this.preLnGamma = w.get(P + "pre_layrnorm.weight");
        this.preLnBeta = w.get(P + "pre_layrnorm.bias");
        this.postLnGamma = w.get(P + "post_layernorm.weight");
        this.postLnBeta = w.get(P + "post_layernorm.bias");
        List<Layer> ls = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String l = P + "encoder.layers." + i + ".";
            INDArray qkvW = Nd4j.vstack(w.get(l + "self_attn.q_proj.weight"), w.get(l + "self_attn.k_proj.weight"),
                    w.get(l + "self_attn.v_proj.weight"));
            INDArray qkvB = Nd4j.concat(0, w.get(l + "self_attn.q_proj.bias"), w.get(l + "self_attn.k_proj.bias"),
                    w.get(l + "self_attn.v_proj.bias"));
            ls.add(new Layer(w.get(l + "layer_norm1.weight"), w.get(l + "layer_norm1.bias"), qkvW, qkvB,
                    w.get(l + "self_attn.out_proj.weight"), w.get(l + "self_attn.out_proj.bias"),
                    w.get(l + "layer_norm2.weight"), w.get(l + "layer_norm2.bias"),
                    w.get(l + "mlp.fc1.weight"), w.get(l + "mlp.fc1.bias"),
                    w.get(l + "mlp.fc2.weight"), w.get(l + "mlp.fc2.bias")));
        }
        this.layers = List.copyOf(ls);
        this.projection = hasProjection ? w.get("visual_projection.weight") : null;
        this.blas = Nd4j.getEnvironment().isCPU() ? new BlasVisionForward(config, patchWeight, classEmbedding, positionEmbedding,
                preLnGamma, preLnBeta, layers.stream().map(ClipVisionModel::blasWeights).toList()) : null;
    }

    private static BlasVisionForward.LayerWeights blasWeights(Layer l) {
        return new BlasVisionForward.LayerWeights(l.ln1Gamma().toFloatVector(), l.ln1Beta().toFloatVector(),
                l.qkvWeight(), l.qkvBias().toFloatVector(),
                l.outWeight(), l.outBias().toFloatVector(),
                l.ln2Gamma().toFloatVector(), l.ln2Beta().toFloatVector(),
                l.fc1Weight(), l.fc1Bias().toFloatVector(),
                l.fc2Weight(), l.fc2Bias().toFloatVector());
    }

    /** Every tensor a vision tower of this architecture must hold, with its shape; visual_projection last. */
    public static Map<String, long[]> expectedTensors(ClipVisionConfig c) {
        long d = c.hiddenSize(), m = c.intermediateSize(), p = c.patchSize();
        Map<String, long[]> e = new LinkedHashMap<>();
        e.put(P + "embeddings.class_embedding", new long[] {d});
        e.put(P + "embeddings.patch_embedding.weight", new long[] {d, c.numChannels(), p, p});
        e.put(P + "embeddings.position_embedding.weight", new long[] {c.tokens(), d});
        e.put(P + "pre_layrnorm.weight", new long[] {d});
        e.put(P + "pre_layrnorm.bias", new long[] {d});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String l = P + "encoder.layers." + i + ".";
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                e.put(l + "self_attn." + proj + ".weight", new long[] {d, d});
                e.put(l + "self_attn." + proj + ".bias", new long[] {d});
            }
            e.put(l + "layer_norm1.weight", new long[] {d});
            e.put(l + "layer_norm1.bias", new long[] {d});
            e.put(l + "mlp.fc1.weight", new long[] {m, d});
            e.put(l + "mlp.fc1.bias", new long[] {m});
            e.put(l + "mlp.fc2.weight", new long[] {d, m});
            e.put(l + "mlp.fc2.bias", new long[] {d});
            e.put(l + "layer_norm2.weight", new long[] {d});
            e.put(l + "layer_norm2.bias", new long[] {d});
        }
        e.put(P + "post_layernorm.weight", new long[] {d});
        e.put(P + "post_layernorm.bias", new long[] {d});
        e.put(PROJECTION, new long[] {c.projectionDim(), d});
        return e;
    }

    static final String PROJECTION = "visual_projection.weight";

    /**
     * Loads the vision tower from a safetensors file, checking every tensor against the config first
     * ({@link #checkTensors}); text-tower tensors, {@code logit_scale} and the legacy {@code position_ids}
     * buffers are skipped.
     * @throws SafeTensorsException naming the file and the missing, misshapen or unexpected tensor
     */
    public static ClipVisionModel load(SafeTensors file, ClipVisionConfig config) throws IOException {
        Map<String, long[]> expected = checkTensors(file, config);
        Map<String, INDArray> w = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            if (!file.tensors().containsKey(e.getKey())) continue;
            w.put(e.getKey(), Nd4j.create(file.readFloats(e.getKey()), e.getValue(), 'c'));
        }
        return new ClipVisionModel(config, w, w.containsKey(PROJECTION));
    }

    /**
     * Checks the header of a safetensors file against the architecture in config.json, reading no
     * weights: every tensor the vision tower needs is present with the implied shape, and no
     * vision tensor is left over. Returns the expected tensors.
     * @throws SafeTensorsException naming the file and the missing, misshapen or unexpected tensor
     */
    public static Map<String, long[]> checkTensors(SafeTensors file, ClipVisionConfig config) {
        Map<String, long[]> expected = expectedTensors(config);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            SafeTensors.Tensor t = file.tensors().get(e.getKey());
            if (t == null) {
                if (e.getKey().equals(PROJECTION)) continue;
                throw new SafeTensorsException(file.path(), "has no tensor '" + e.getKey() + "' " + Arrays.toString(e.getValue())
                        + (file.tensors().keySet().stream().noneMatch(k -> k.startsWith(P))
                        ? ": it holds no vision_model.* tensors at all; is this a CLIP model's model.safetensors?"
                        : ": the weights do not match config.json"));
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new SafeTensorsException(file.path(), "tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + " but config.json implies " + Arrays.toString(e.getValue()) + ": the weights do not match config.json");
            }
        }
        for (String name : file.tensors().keySet()) {
            if (name.startsWith(P) && !expected.containsKey(name) && !name.endsWith("position_ids")) {
                throw new SafeTensorsException(file.path(), "holds tensor '" + name + "' that config.json's architecture has no place for"
                        + " (more layers than num_hidden_layers?): the weights do not match config.json");
            }
        }
        return expected;
    }

    public ClipVisionConfig config() { return config; }

    public boolean hasProjection() { return projection != null; }

    /**
     * Runs the model on {@code batch} images of channels-first float32 pixel values
     * ({@code [batch, C, image, image]} flattened, as {@link ClipImageProcessor} writes them).
     */
    public Output forward(float[] pixelValues, int batch, boolean withProjection) {
        return forward(pixelValues, batch, withProjection, blas != null);
    }

    /** The forward through {@link BlasVisionForward} ({@code directBlas}, CPU backend only) or through ND4J ops. */
    Output forward(float[] pixelValues, int batch, boolean withProjection, boolean directBlas) {
        if (directBlas && blas == null) throw new IllegalStateException("direct BLAS needs ND4J's CPU backend");
        if (withProjection && projection == null) {
            throw new IllegalStateException("this model has no visual_projection.weight, so image_embeds cannot be computed");
        }
        ClipVisionConfig c = config;
        int d = c.hiddenSize(), t = c.tokens(), g = c.gridSize(), p = c.patchSize(), s = c.imageSize(), ch = c.numChannels();
        if (pixelValues.length != (long) batch * ch * s * s) {
            throw new IllegalArgumentException("pixel_values hold " + pixelValues.length + " floats, not " + batch + "x" + ch + "x" + s + "x" + s);
        }
        INDArray patches = Nd4j.createUninitialized(DataType.FLOAT, (long) batch * g * g, (long) ch * p * p);
        im2col(pixelValues, batch, patches.data().asNioFloat());
        INDArray h = directBlas ? blas.lastHiddenState(patches, batch) : nd4jLastHiddenState(patches, batch);
        patches.close();
        INDArray last = h.reshape(batch, t, d);
        INDArray pooled = layerNorm(last.get(all(), point(0), all()).dup('c'), postLnGamma, postLnBeta);
        INDArray embeds = withProjection ? linear(pooled, projection, null) : null;
        return new Output(last, pooled, embeds);
    }

    /** The encoder in ND4J ops (any backend): [batch * tokens, D]. */
    private INDArray nd4jLastHiddenState(INDArray patches, int batch) {
        ClipVisionConfig c = config;
        int d = c.hiddenSize(), t = c.tokens(), g = c.gridSize();
        INDArray embedded = linear(patches, patchWeight, null);              // [B*G*G, D]
        INDArray x = Nd4j.create(DataType.FLOAT, batch, t, d);
        x.get(all(), interval(1, t), all()).assign(embedded.reshape(batch, (long) g * g, d));
        x.get(all(), point(0), all()).assign(classEmbedding.broadcast(batch, d));
        x.addi(positionEmbedding.reshape(1, t, d).broadcast(batch, t, d));
        INDArray h = layerNorm(x.reshape(batch * t, d), preLnGamma, preLnBeta);
        for (Layer l : layers) {
            // A layer's temporaries (~10 arrays of up to [B*T, 4D]) live in a per-thread workspace reused
            // by every layer and call; only the layer output leaves it. Fresh off-heap allocations cost more
            // than the elementwise ops that use them.
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(LAYER_WORKSPACE, "fbnet-clip-layer")) {
                h = encoderLayer(h, l, batch).detach();
            }
        }
        return h;
    }

    /** The feature of each image in a batch, one float[] per image. */
    public float[][] features(float[] pixelValues, int batch, ClipFeature feature) {
        return features(pixelValues, batch, feature, blas != null);
    }

    float[][] features(float[] pixelValues, int batch, ClipFeature feature, boolean directBlas) {
        Output o = forward(pixelValues, batch, feature == ClipFeature.IMAGE_EMBEDS, directBlas);
        INDArray a = switch (feature) {
            case LAST_HIDDEN_STATE -> o.lastHiddenState();
            case POOLED -> o.pooled();
            case IMAGE_EMBEDS -> o.imageEmbeds();
        };
        float[] all = a.dup('c').data().asFloat();
        int n = feature.size(config);
        float[][] out = new float[batch][];
        for (int b = 0; b < batch; b++) out[b] = Arrays.copyOfRange(all, b * n, (b + 1) * n);
        return out;
    }

    /**
     * Patches as rows (image-major, then row-major over the grid), each flattened channel, ky, kx like the
     * conv kernel, written in bulk into off-heap memory ({@code Nd4j.create(float[])} copies element by element).
     */
    private void im2col(float[] px, int batch, FloatBuffer out) {
        ClipVisionConfig c = config;
        int g = c.gridSize(), p = c.patchSize(), s = c.imageSize(), ch = c.numChannels();
        int o = 0;
        for (int b = 0; b < batch; b++) {
            for (int gy = 0; gy < g; gy++) {
                for (int gx = 0; gx < g; gx++) {
                    for (int cc = 0; cc < ch; cc++) {
                        for (int ky = 0; ky < p; ky++) {
                            int src = ((b * ch + cc) * s + gy * p + ky) * s + gx * p;
                            out.put(o, px, src, p);
                            o += p;
                        }
                    }
                }
            }
        }
    }

    private INDArray encoderLayer(INDArray x, Layer l, int batch) {
        ClipVisionConfig c = config;
        int d = c.hiddenSize(), t = c.tokens(), heads = c.numAttentionHeads(), hd = c.headDim();
        INDArray qkv = linear(layerNorm(x, l.ln1Gamma(), l.ln1Beta()), l.qkvWeight(), l.qkvBias());
        INDArray split = qkv.reshape('c', batch, t, 3, heads, hd).permute(2, 0, 3, 1, 4).dup('c'); // [3, B, H, T, hd]
        INDArray q = split.get(point(0), all(), all(), all(), all());
        INDArray k = split.get(point(1), all(), all(), all(), all());
        INDArray v = split.get(point(2), all(), all(), all(), all());
        INDArray scores = Nd4j.matmul(q, k, false, true, false).muli(1.0 / Math.sqrt(hd)); // [B, H, T, T]
        Nd4j.exec(new SoftMax(scores, scores, 3));
        INDArray o = Nd4j.matmul(scores, v).permute(0, 2, 1, 3).dup('c').reshape(batch * t, d);
        INDArray r = linear(o, l.outWeight(), l.outBias()).addi(x);
        INDArray m = linear(layerNorm(r, l.ln2Gamma(), l.ln2Beta()), l.fc1Weight(), l.fc1Bias());
        // ND4J's (non-precise) GELU is the sigmoid approximation x*sigmoid(1.702x), i.e. exactly quick_gelu,
        // in one in-place pass instead of three passes and a temporary.
        Nd4j.exec(new GELU(m, m));
        return r.addi(linear(m, l.fc2Weight(), l.fc2Bias()));
    }

    /** {@code x W^T + bias} for a weight stored [out, in]; bias may be null. */
    private static INDArray linear(INDArray x, INDArray weight, INDArray bias) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.size(0), weight.size(0));
        Nd4j.matmul(x, weight, out, false, true, false);
        return bias == null ? out : out.addiRowVector(bias);
    }

    /**
     * LayerNorm over the rows of a 2-D array: biased variance, eps inside the square root.
     * <p>One Java pass per row over a copy of it rather than nine ND4J ops (two reductions, seven broadcasts
     * or transforms, each a full pass with its own call overhead): ~3x faster single-threaded.
     */
    private INDArray layerNorm(INDArray x, INDArray gamma, INDArray beta) {
        if (x.ordering() != 'c' || !Shape.hasDefaultStridesForShape(x)) x = x.dup('c');
        int n = (int) x.size(0), d = (int) x.size(1);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, n, d);
        FloatBuffer in = x.data().asNioFloat(), dst = out.data().asNioFloat();
        int inOffset = (int) x.offset(), outOffset = (int) out.offset();
        float[] g = gamma.toFloatVector(), b = beta.toFloatVector(), row = new float[d];
        for (int i = 0; i < n; i++) {
            in.get(inOffset + i * d, row);
            BlasVisionForward.layerNorm(row, g, b, config.layerNormEps());
            dst.put(outOffset + i * d, row);
        }
        return out;
    }
}
