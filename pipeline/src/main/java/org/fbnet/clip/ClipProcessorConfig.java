package org.fbnet.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import org.fbnet.data.InputDataException;

/**
 * The settings of Hugging Face's {@code CLIPImageProcessor} ({@code preprocessor_config.json}).
 * <p>Defaults are the class defaults (CLIP-SPEC.md section 5). {@code shortestEdge > 0} resizes the short
 * side to it; otherwise the image is resized to exactly {@code resizeHeight x resizeWidth}. Only
 * bicubic resampling (PIL code 3) is implemented, because it is what every CLIP checkpoint uses.
 */
public record ClipProcessorConfig(boolean doConvertRgb, boolean doResize, int shortestEdge, int resizeHeight, int resizeWidth,
                                  boolean doCenterCrop, int cropHeight, int cropWidth, boolean doRescale, double rescaleFactor,
                                  boolean doNormalize, float[] imageMean, float[] imageStd) implements Serializable {
    public static final int PIL_BICUBIC = 3;
    static final float[] OPENAI_CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    static final float[] OPENAI_CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    public ClipProcessorConfig {
        if (doResize && shortestEdge <= 0 && (resizeHeight <= 0 || resizeWidth <= 0)) {
            throw new IllegalArgumentException("size must give shortest_edge or height and width > 0");
        }
        if (doCenterCrop && (cropHeight <= 0 || cropWidth <= 0)) throw new IllegalArgumentException("crop_size must be > 0");
        if (imageMean.length != 3 || imageStd.length != 3) throw new IllegalArgumentException("image_mean and image_std need 3 values (R, G, B)");
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    /** The processor of a model whose images are {@code size} pixels square (224 for openai's). */
    public static ClipProcessorConfig forImageSize(int size) {
        return new ClipProcessorConfig(true, true, size, 0, 0, true, size, size, true, 1.0 / 255, true, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD);
    }

    @Override public float[] imageMean() { return imageMean.clone(); }

    @Override public float[] imageStd() { return imageStd.clone(); }

    /** Reads a {@code preprocessor_config.json}; legacy integer {@code size}/{@code crop_size} are accepted. */
    public static ClipProcessorConfig fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) throw new InputDataException(source + ": not a JSON object");
        int resample = root.path("resample").asInt(PIL_BICUBIC);
        if (resample != PIL_BICUBIC) {
            throw new InputDataException(source + ": resample=" + resample + " is not supported; fbnet implements PIL bicubic (3) as CLIP uses");
        }
        int shortest = 224, h = 0, w = 0;
        JsonNode size = root.get("size");
        if (size != null && size.isNumber()) {
            shortest = size.asInt();
        } else if (size != null && size.isObject()) {
            if (size.has("shortest_edge")) {
                shortest = size.get("shortest_edge").asInt();
            } else if (size.has("height") && size.has("width")) {
                shortest = 0;
                h = size.get("height").asInt();
                w = size.get("width").asInt();
            } else {
                throw new InputDataException(source + ": size " + size + " has neither shortest_edge nor height and width");
            }
        }
        int ch = 224, cw = 224;
        JsonNode crop = root.get("crop_size");
        if (crop != null && crop.isNumber()) {
            ch = cw = crop.asInt();
        } else if (crop != null && crop.isObject()) {
            ch = crop.path("height").asInt(0);
            cw = crop.path("width").asInt(0);
        }
        try {
            return new ClipProcessorConfig(root.path("do_convert_rgb").asBoolean(true), root.path("do_resize").asBoolean(true),
                    shortest, h, w, root.path("do_center_crop").asBoolean(true), ch, cw,
                    root.path("do_rescale").asBoolean(true), root.path("rescale_factor").asDouble(1.0 / 255),
                    root.path("do_normalize").asBoolean(true),
                    triple(root.get("image_mean"), OPENAI_CLIP_MEAN, source, "image_mean"),
                    triple(root.get("image_std"), OPENAI_CLIP_STD, source, "image_std"));
        } catch (IllegalArgumentException e) {
            throw new InputDataException(source + ": " + e.getMessage(), e);
        }
    }

    private static float[] triple(JsonNode n, float[] dflt, String source, String key) {
        if (n == null || n.isNull()) return dflt;
        if (!n.isArray() || n.size() != 3) throw new InputDataException(source + ": " + key + " must be a list of 3 numbers, found " + n);
        // transformers casts mean/std to float32 before normalising (CLIP-SPEC.md section 5, step 7).
        return new float[] {(float) n.get(0).asDouble(), (float) n.get(1).asDouble(), (float) n.get(2).asDouble()};
    }

    /** The JSON form, in the modern dict layout transformers writes. */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode r = json.createObjectNode();
        r.put("image_processor_type", "CLIPImageProcessor");
        r.put("do_convert_rgb", doConvertRgb);
        r.put("do_resize", doResize);
        ObjectNode size = r.putObject("size");
        if (shortestEdge > 0) {
            size.put("shortest_edge", shortestEdge);
        } else {
            size.put("height", resizeHeight);
            size.put("width", resizeWidth);
        }
        r.put("resample", PIL_BICUBIC);
        r.put("do_center_crop", doCenterCrop);
        r.putObject("crop_size").put("height", cropHeight).put("width", cropWidth);
        r.put("do_rescale", doRescale);
        r.put("rescale_factor", rescaleFactor);
        r.put("do_normalize", doNormalize);
        var mean = r.putArray("image_mean");
        var std = r.putArray("image_std");
        for (int c = 0; c < 3; c++) {
            mean.add(imageMean[c]);
            std.add(imageStd[c]);
        }
        return r;
    }
}
