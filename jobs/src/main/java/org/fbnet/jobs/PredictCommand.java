package org.fbnet.jobs;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.data.Hemisphere;
import org.fbnet.store.HadoopConf;
import org.fbnet.train.SubjectCheckpoint;
import org.fbnet.train.TrainStage;

/**
 * {@code fbnet predict}: a subject's checkpoint (the current one or a given version) predicts the
 * vertex responses to the images of a feature file, written in the Algonauts submission layout.
 */
public final class PredictCommand implements Command {
    @Override public String name() { return "predict"; }

    @Override public String summary() { return "predict a subject's vertex responses to image features with its checkpoint (Algonauts layout)"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root (or checkpoint root) holding models/ (any Hadoop FileSystem URI)", true),
                Flag.argument("--subject", "S", "the subject whose checkpoint predicts (subjXX)", true),
                Flag.argument("--version", "V", "the checkpoint version (see fbnet checkpoints; default: the current one)", false),
                Flag.input("--features", "FILE.npy", "image features, float32 images x D (D: the features the image PCA was fitted on)", true),
                Flag.output("--out", "DIR", "where SUBJ/lh_pred_test.npy and SUBJ/rh_pred_test.npy go (replacing an earlier prediction)", true),
                Flag.setting("--name", "train.model.name", "NAME"),
                CheckpointsCommand.CHECKPOINTS_IN);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Configuration conf = HadoopConf.create();
        Settings s = args.settings(conf);
        SubjectCheckpoint c = SubjectCheckpoint.load(CheckpointsCommand.root(args, s, conf), TrainStage.Config.from(s).name(),
                args.get("--subject"), args.get("--version"));
        Path dir = c.writePredictions(new Path(args.get("--features")), new Path(args.get("--out")), conf);
        System.out.printf("%s v=%s: lh %d and rh %d vertices -> %s%n", c.subject(), c.version(), c.vertices(Hemisphere.LH),
                c.vertices(Hemisphere.RH), dir);
        return 0;
    }
}
