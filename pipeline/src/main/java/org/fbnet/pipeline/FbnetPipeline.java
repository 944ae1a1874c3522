package org.fbnet.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.fbnet.clip.EmbeddingConfig;
import org.fbnet.compare.CompareConfig;
import org.fbnet.compare.Comparison;
import org.fbnet.compare.Variants;
import org.fbnet.config.Settings;
import org.fbnet.embed.ImageEmbedder;
import org.fbnet.ingest.Ingest;
import org.fbnet.ingest.IngestConfig;
import org.fbnet.pca.Project;
import org.fbnet.pca.ProjectConfig;
import org.fbnet.spark.SparkSessions;
import org.fbnet.stage.Pipeline;
import org.fbnet.stage.Stage;
import org.fbnet.stage.StageContext;
import org.fbnet.store.DataRoot;
import org.fbnet.train.TrainStage;

/**
 * fbnet's stages in the order they depend on each other: ingest, embed, project, pretrain, finetune,
 * compare. The one place that order lives: the demo, {@code run} and every stage command build their
 * pipeline here, by stage name.
 */
public final class FbnetPipeline {
    public static final String INGEST = Ingest.NAME, EMBED = ImageEmbedder.NAME, PROJECT = Project.NAME, PRETRAIN = "pretrain",
            FINETUNE = "finetune", COMPARE = Comparison.NAME;
    /** Every stage, in order. */
    public static final List<String> ORDER = List.of(INGEST, EMBED, PROJECT, PRETRAIN, FINETUNE, COMPARE);

    private FbnetPipeline() { }

    /** Where ingest reads the Algonauts folder (and optional truth folder) from. */
    public record Source(Path input, Path truth) { }

    /**
     * The named stages, in pipeline order whatever order they are given in.
     * @param source the input folders, needed only when {@code ingest} is among the stages
     */
    public static Pipeline of(List<String> names, Settings s, Source source, DataRoot root) {
        for (String n : names) {
            if (!ORDER.contains(n)) throw new IllegalArgumentException("no stage named " + n + "; stages: " + ORDER);
        }
        if (names.contains(PRETRAIN) || names.contains(FINETUNE)) TrainStage.checkSettings(s);
        List<Stage> stages = new ArrayList<>();
        for (String n : ORDER) if (names.contains(n)) stages.add(stage(n, s, source, root));
        return new Pipeline(stages);
    }

    /** Every stage, from ingest to compare. */
    public static Pipeline all(Settings s, Source source, DataRoot root) { return of(ORDER, s, source, root); }

    static Stage stage(String name, Settings s, Source source, DataRoot root) {
        return switch (name) {
            case INGEST -> {
                if (source == null || source.input() == null) throw new IllegalArgumentException("the ingest stage needs an input folder");
                yield new Ingest(IngestConfig.from(s), source.input(), source.truth());
            }
            case EMBED -> new ImageEmbedder(EmbeddingConfig.from(s), List.of());
            case PROJECT -> new Project(ProjectConfig.from(s), List.of());
            case PRETRAIN -> TrainStage.pretrain();
            case FINETUNE -> TrainStage.finetune();
            case COMPARE -> {
                CompareConfig c = CompareConfig.from(s);
                yield new Comparison(c, s, Variants.available(s, c, root));
            }
            default -> throw new IllegalArgumentException("no stage named " + name);
        };
    }

    /** A context on the output root; the Spark session is created when a stage first needs one. */
    public static StageContext context(DataRoot root, Settings s, boolean force) {
        return new StageContext(root, s, () -> SparkSessions.getOrCreate("fbnet", s), force);
    }
}
