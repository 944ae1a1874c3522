package org.fbnet.jobs;

import java.util.List;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.store.HadoopConf;

/**
 * {@code fbnet train}, {@code fbnet pretrain} and {@code fbnet finetune}: F-BNet on an output root's
 * latents: pre-training on all subjects, then a fine-tuned copy per subject ({@code train} does both).
 */
public final class TrainCommand implements Command {
    private final String name;
    private final List<String> stages;
    private final String summary;

    private TrainCommand(String name, List<String> stages, String summary) {
        this.name = name;
        this.stages = stages;
        this.summary = summary;
    }

    static TrainCommand train() {
        return new TrainCommand("train", List.of(FbnetPipeline.PRETRAIN, FbnetPipeline.FINETUNE),
                "pre-train F-BNet on all subjects, then fine-tune a copy per subject, into models/NAME/");
    }

    static TrainCommand pretrain() {
        return new TrainCommand("pretrain", List.of(FbnetPipeline.PRETRAIN), "pre-train F-BNet on all subjects into models/NAME/pretrained/");
    }

    static TrainCommand finetune() {
        return new TrainCommand("finetune", List.of(FbnetPipeline.FINETUNE),
                "fine-tune the pre-trained network per subject into models/NAME/subjXX/ (or train each from scratch)");
    }

    @Override public String name() { return name; }

    @Override public String summary() { return summary; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root holding latents/, fmri/, vertices/ and pca/fmri/ (any Hadoop FileSystem URI)", true),
                Flag.setting("--subjects", "train.subjects", "LIST"),
                Flag.setting("--name", "train.model.name", "NAME"),
                Flag.setting("--epochs", "train.epochs", "N"),
                Flag.setting("--seed", "train.seed", "N"),
                Flag.setting("--finetune", "train.finetune", "BOOL"),
                Flag.outputSetting("--checkpoints", FbnetPipeline.CHECKPOINT_ROOT, "URI"),
                StageRuns.DRY_RUN, StageRuns.FORCE);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        StageRuns.run(args.settings(HadoopConf.create()), args.get("--data"), null, stages, args);
        return 0;
    }
}
