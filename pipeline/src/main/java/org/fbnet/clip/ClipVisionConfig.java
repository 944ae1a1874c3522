package org.fbnet.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import org.fbnet.data.InputDataException;

/**
 * The architecture of a CLIP vision tower: Hugging Face's {@code CLIPVisionConfig}.
 * <p>Defaults are those of {@code CLIPVisionConfig}, which are exactly openai/clip-vit-base-patch32's
 * values, so a key missing from a {@code config.json} means the default, as in transformers.
 */
public record ClipVisionConfig(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                               int numChannels, int imageSize, int patchSize, double layerNormEps,
                               String hiddenAct, int projectionDim) implements Serializable {
    /** openai/clip-vit-base-patch32. */
    public static final ClipVisionConfig VIT_B_32 = new ClipVisionConfig(768, 3072, 12, 12, 3, 224, 32, 1e-5, "quick_gelu", 512);

    public ClipVisionConfig {
        positive(hiddenSize, "hidden_size");
        positive(intermediateSize, "intermediate_size");
        positive(numHiddenLayers, "num_hidden_layers");
        positive(numAttentionHeads, "num_attention_heads");
        positive(numChannels, "num_channels");
        positive(patchSize, "patch_size");
        positive(projectionDim, "projection_dim");
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " must be divisible by num_attention_heads " + numAttentionHeads);
        }
        if (imageSize < patchSize) throw new IllegalArgumentException("image_size " + imageSize + " must be >= patch_size " + patchSize);
        if (!(layerNormEps > 0)) throw new IllegalArgumentException("layer_norm_eps must be > 0, got " + layerNormEps);
        if (!hiddenAct.equals("quick_gelu")) {
            throw new IllegalArgumentException("hidden_act '" + hiddenAct + "' is not supported (CLIP ViT uses quick_gelu)");
        }
    }

    private static void positive(int v, String name) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }

    public int headDim() { return hiddenSize / numAttentionHeads; }

    /** Patches per side: the stride-{@code patch} convolution drops any remainder, as torch's Conv2d does. */
    public int gridSize() { return imageSize / patchSize; }

    /** Tokens per image: the patches plus the class token (50 for ViT-B/32). */
    public int tokens() { return gridSize() * gridSize() + 1; }

    /**
     * Reads a {@code config.json}: a {@code CLIPConfig} (vision keys under {@code vision_config}) or a bare
     * {@code CLIPVisionConfig}. {@code source} names the file in errors.
     */
    public static ClipVisionConfig fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) throw new InputDataException(source + ": not a JSON object");
        JsonNode v = root.has("vision_config") && root.get("vision_config").isObject() ? root.get("vision_config") : root;
        String type = root.path("model_type").asText("");
        if (!type.isEmpty() && !type.equals("clip") && !type.equals("clip_vision_model")) {
            throw new InputDataException(source + ": model_type '" + type + "' is not a CLIP model (expected clip or clip_vision_model)");
        }
        ClipVisionConfig d = VIT_B_32;
        // projection_dim lives at the top of a CLIPConfig and inside a CLIPVisionConfig.
        int projection = root.has("projection_dim") ? root.get("projection_dim").asInt() : v.path("projection_dim").asInt(d.projectionDim);
        try {
            return new ClipVisionConfig(
                    v.path("hidden_size").asInt(d.hiddenSize), v.path("intermediate_size").asInt(d.intermediateSize),
                    v.path("num_hidden_layers").asInt(d.numHiddenLayers), v.path("num_attention_heads").asInt(d.numAttentionHeads),
                    v.path("num_channels").asInt(d.numChannels), v.path("image_size").asInt(d.imageSize),
                    v.path("patch_size").asInt(d.patchSize), v.path("layer_norm_eps").asDouble(d.layerNormEps),
                    v.path("hidden_act").asText(d.hiddenAct), projection);
        } catch (IllegalArgumentException e) {
            throw new InputDataException(source + ": " + e.getMessage(), e);
        }
    }

    /** A {@code CLIPConfig} JSON holding this vision config, as the hub's {@code config.json} does. */
    public ObjectNode toClipConfigJson(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        root.putArray("architectures").add("CLIPModel");
        root.put("model_type", "clip");
        root.put("projection_dim", projectionDim);
        ObjectNode v = root.putObject("vision_config");
        v.put("model_type", "clip_vision_model");
        v.put("hidden_size", hiddenSize);
        v.put("intermediate_size", intermediateSize);
        v.put("num_hidden_layers", numHiddenLayers);
        v.put("num_attention_heads", numAttentionHeads);
        v.put("num_channels", numChannels);
        v.put("image_size", imageSize);
        v.put("patch_size", patchSize);
        v.put("layer_norm_eps", layerNormEps);
        v.put("hidden_act", hiddenAct);
        v.put("projection_dim", projectionDim);
        return root;
    }
}
