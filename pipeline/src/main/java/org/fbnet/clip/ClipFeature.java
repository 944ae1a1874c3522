package org.fbnet.clip;

import java.util.Arrays;
import java.util.Locale;

/** Which output of the vision tower is stored as an image's feature vector. */
public enum ClipFeature {
    /** {@code last_hidden_state}, tokens x hidden flattened token by token (50 x 768 = 38,400 for ViT-B/32); F-BNet's input. */
    LAST_HIDDEN_STATE,
    /** {@code pooler_output}: the class token after {@code post_layernorm} (768). */
    POOLED,
    /** {@code image_embeds}: the pooled output through {@code visual_projection}, unnormalised (512). */
    IMAGE_EMBEDS;

    /** The name used on the command line, in settings and in the output path. */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    public static ClipFeature parse(String s) {
        for (ClipFeature f : values()) if (f.id().equals(s)) return f;
        throw new IllegalArgumentException("unknown CLIP feature '" + s + "'; one of "
                + Arrays.stream(values()).map(ClipFeature::id).toList());
    }

    /** Floats per image of this feature. */
    public int size(ClipVisionConfig c) {
        return switch (this) {
            case LAST_HIDDEN_STATE -> c.tokens() * c.hiddenSize();
            case POOLED -> c.hiddenSize();
            case IMAGE_EMBEDS -> c.projectionDim();
        };
    }
}
