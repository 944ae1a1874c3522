package org.fbnet.testing;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.stage.Pipeline;
import org.fbnet.stage.Stage;
import org.fbnet.store.DataRoot;
import org.fbnet.synth.SynthConfig;
import org.fbnet.synth.SyntheticDataset;

/**
 * The whole pipeline at the smallest sizes that still exercise every stage: two generated subjects with
 * PNG images, a one-layer random CLIP, a few PCA components, two training epochs, and a comparison of
 * F-BNet against ridge.
 */
public final class SmallPipeline {
    public static final Settings SETTINGS = Settings.defaults()
            .with("synth.train", "60").with("synth.test", "8").with("synth.lh", "60").with("synth.rh", "70").with("synth.image.size", "32")
            .with("clip.random.hidden.size", "32").with("clip.random.layers", "1").with("clip.random.heads", "2")
            .with("clip.random.image.size", "32").with("clip.random.patch.size", "16")
            .with("pca.image.components", "20").with("pca.fmri.components", "8").with("pca.power.iterations", "2")
            .with("train.epochs", "2").with("train.batch.size", "16").with("train.validation.fraction", "0.1")
            .with("network.width.factor", "1").with("eval.compare.variants", "fbnet,ridge").with("eval.ridge.folds", "3");

    private SmallPipeline() { }

    /** Generates the dataset (subjects and the truth folder) under {@code dir}. */
    public static SyntheticDataset.Result generate(java.nio.file.Path dir, Configuration conf) throws java.io.IOException {
        return new SyntheticDataset(SynthConfig.from(SETTINGS)).generate(new Path(dir.toUri()), conf);
    }

    /** Runs the named stages (in pipeline order) on the shared test Spark session; a failed unit's error is rethrown. */
    public static Pipeline.Report run(DataRoot root, Settings s, SyntheticDataset.Result data, List<String> stages) throws Exception {
        FbnetPipeline.Source source = new FbnetPipeline.Source(new Path(data.subjects().get(0).getParent().toString()), data.truth());
        Pipeline p = FbnetPipeline.of(stages, s, source, root);
        return StageRunner.run(root, s, p.stages().toArray(Stage[]::new));
    }
}
