package org.fbnet.jobs;

import java.util.List;
import org.fbnet.config.Settings;
import org.fbnet.spark.SparkSessions;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.train.TrainStage;

/** {@code fbnet train}: F-BNet on an output root's latents (pre-train on all subjects, fine-tune per subject). */
public final class TrainCommand implements Command {
    @Override public String name() { return "train"; }

    @Override public String summary() { return "train F-BNet on the latents (pre-train on all subjects, fine-tune each) into models/NAME/"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root holding latents/, fmri/, vertices/ and pca/fmri/ (any Hadoop FileSystem URI)", true),
                Flag.setting("--subjects", "train.subjects", "LIST"),
                Flag.setting("--name", "train.model.name", "NAME"),
                Flag.setting("--epochs", "train.epochs", "N"),
                Flag.setting("--seed", "train.seed", "N"),
                Flag.setting("--finetune", "train.finetune", "BOOL"));
    }

    @Override
    public int run(CliArgs args) throws Exception {
        List<TrainStage.Trained> trained = run(args.settings(HadoopConf.create()), args.get("--data"));
        for (TrainStage.Trained t : trained) System.out.println("train: " + t.name() + " " + t.best() + " -> " + t.path());
        return 0;
    }

    static List<TrainStage.Trained> run(Settings s, String data) throws Exception {
        return TrainStage.run(SparkSessions.getOrCreate("train", s), DataRoot.of(data, HadoopConf.create()), s);
    }
}
