package org.fbnet.synth;

import org.fbnet.data.Hemisphere;

/**
 * Everything planted in a synthetic dataset, recomputable from its {@link SynthConfig} alone: which
 * NSD ids each subject sees, each image's latent, the shared channel function, each subject's
 * vertices, ceilings and response map. Tests use it to check the generated files against the truth.
 */
public final class PlantedTruth {
    private final SynthConfig config;
    private final ChannelModel channels;
    private final VertexSpace vertexSpace;
    private final NsdIds ids;

    private PlantedTruth(SynthConfig config) {
        this.config = config;
        this.channels = new ChannelModel(config.seed());
        this.vertexSpace = new VertexSpace(config);
        this.ids = new NsdIds(config);
    }

    public static PlantedTruth of(SynthConfig config) { return new PlantedTruth(config); }

    public SynthConfig config() { return config; }

    public NsdIds ids() { return ids; }

    public VertexSpace vertexSpace() { return vertexSpace; }

    /** The latent and nuisance of an NSD id. */
    public ImageDraw draw(int nsdId) { return ImageDraw.of(config.seed(), nsdId); }

    /** The shared channels an image drives: the same for every subject. */
    public double[] channels(ImageDraw draw) { return channels.channels(draw.latent()); }

    /** A subject's hemisphere: vertices, ceilings and response map. */
    public SubjectBrain brain(int subject, Hemisphere h) {
        return new SubjectBrain(config.seed(), subject, h, vertexSpace.subject(subject, h), channels);
    }

    public ImageRenderer renderer() { return new ImageRenderer(config.seed(), config.imageSize()); }

    private FeatureModel featureModel;

    synchronized FeatureModel featureModel() {
        if (featureModel == null) featureModel = new FeatureModel(config.seed(), config.featureDim());
        return featureModel;
    }

    /** Image features of a draw as features-only mode writes them. */
    public float[] features(ImageDraw draw) {
        float[] out = new float[config.featureDim()];
        featureModel().features(draw, out);
        return out;
    }
}
