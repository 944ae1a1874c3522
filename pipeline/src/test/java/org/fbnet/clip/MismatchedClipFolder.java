package org.fbnet.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Test fixture: a CLIP model folder whose config.json disagrees with its weights, as when config.json
 * comes from another variant of a model. The weights are a random model of {@link #WEIGHTS}; config.json
 * describes {@link #CONFIG}, whose MLP is wider.
 */
public final class MismatchedClipFolder {
    public static final ClipVisionConfig WEIGHTS = new ClipVisionConfig(16, 32, 2, 2, 3, 16, 8, 1e-5, "quick_gelu", 8);
    public static final ClipVisionConfig CONFIG = new ClipVisionConfig(16, 48, 2, 2, 3, 16, 8, 1e-5, "quick_gelu", 8);
    /** The first tensor whose shape disagrees: [32, 16] in the weights, [48, 16] by config.json. */
    public static final String TENSOR = "vision_model.encoder.layers.0.mlp.fc1.weight";

    private MismatchedClipFolder() { }

    public static Path write(Path dir, Configuration conf) throws IOException {
        ClipModels.writeRandom(dir, WEIGHTS, 1, conf);
        ObjectMapper json = new ObjectMapper();
        Path config = new Path(dir, ClipModel.CONFIG);
        try (OutputStream out = config.getFileSystem(conf).create(config, true)) {
            out.write(json.writeValueAsBytes(CONFIG.toClipConfigJson(json)));
        }
        return dir;
    }
}
