package org.fbnet.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.InputDataException;
import org.fbnet.data.MissingInputException;

/**
 * A loaded Hugging Face CLIP folder ({@code config.json}, {@code preprocessor_config.json},
 * {@code model.safetensors}): the image processor and the vision tower, ready to embed encoded images.
 * <p>Immutable and thread-safe: an executor loads one (see {@link ClipModels#cached}) and all its tasks share it.
 */
public final class ClipModel {
    public static final String CONFIG = "config.json";
    public static final String PREPROCESSOR = "preprocessor_config.json";
    public static final String WEIGHTS = "model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String id;
    private final ClipImageProcessor processor;
    private final ClipVisionModel vision;

    ClipModel(Path dir, String id, ClipImageProcessor processor, ClipVisionModel vision) {
        this.dir = dir;
        this.id = id;
        this.processor = processor;
        this.vision = vision;
    }

    /** Loads a model folder from any Hadoop FileSystem URI. */
    public static ClipModel load(Path dir, Configuration conf) throws IOException {
        ClipVisionConfig config = readVisionConfig(dir, conf);
        ClipImageProcessor processor = readProcessor(dir, config, conf);
        SafeTensors weights = SafeTensors.open(new Path(dir, WEIGHTS), conf);
        return new ClipModel(dir, ClipModels.id(dir, conf), processor, ClipVisionModel.load(weights, config));
    }

    /**
     * Checks a model folder as {@link #load} would, reading only the two JSON files and the weights'
     * header: a driver calls this before any task loads the model, so that a folder whose config.json
     * disagrees with its weights fails once, naming the tensor, rather than in every task.
     * @throws InputDataException naming the file and what is wrong
     * @throws org.fbnet.data.MissingInputException when the folder does not exist
     */
    public static void validate(Path dir, Configuration conf) throws IOException {
        if (!dir.getFileSystem(conf).exists(dir)) throw new MissingInputException(dir + ": CLIP model folder not found");
        ClipVisionConfig config = readVisionConfig(dir, conf);
        readProcessor(dir, config, conf);
        ClipVisionModel.checkTensors(SafeTensors.open(new Path(dir, WEIGHTS), conf), config);
    }

    private static ClipImageProcessor readProcessor(Path dir, ClipVisionConfig config, Configuration conf) throws IOException {
        Path p = new Path(dir, PREPROCESSOR);
        ClipImageProcessor processor = new ClipImageProcessor(ClipProcessorConfig.fromJson(readJson(p, conf), p.toString()));
        if (processor.outputHeight() != config.imageSize() || processor.outputWidth() != config.imageSize()) {
            throw new InputDataException(p + ": produces " + processor.outputHeight() + "x" + processor.outputWidth()
                    + " images but config.json's image_size is " + config.imageSize());
        }
        return processor;
    }

    static ClipVisionConfig readVisionConfig(Path dir, Configuration conf) throws IOException {
        Path p = new Path(dir, CONFIG);
        return ClipVisionConfig.fromJson(readJson(p, conf), p.toString());
    }

    static JsonNode readJson(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new InputDataException(p + ": missing; a CLIP model folder needs " + CONFIG + ", " + PREPROCESSOR + " and " + WEIGHTS
                    + " (see docs/clip.md)");
        }
        try (InputStream in = fs.open(p)) {
            return JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputDataException(p + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    public Path dir() { return dir; }

    /** The fingerprint of config, processor and weights ({@link ClipModels#id}). */
    public String id() { return id; }

    public ClipImageProcessor processor() { return processor; }

    public ClipVisionModel vision() { return vision; }

    /** Decodes, preprocesses and embeds a batch of encoded images; {@code sources} name them in errors. */
    public float[][] embed(List<byte[]> encoded, List<String> sources, ClipFeature feature) {
        int n = encoded.size();
        if (n == 0) return new float[0][];
        int per = 3 * processor.outputHeight() * processor.outputWidth();
        float[] pixels = new float[n * per];
        for (int i = 0; i < n; i++) processor.process(encoded.get(i), sources.get(i), pixels, i * per);
        return vision.features(pixels, n, feature);
    }
}
