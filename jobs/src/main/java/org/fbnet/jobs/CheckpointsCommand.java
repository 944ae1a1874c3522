package org.fbnet.jobs;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.train.Checkpoints;
import org.fbnet.train.TrainStage;

/**
 * {@code fbnet checkpoints}: the published versions of each model directory (the pre-trained model and
 * each subject's): id, time, whether current, validation and test scores, and the pre-trained version
 * a fine-tuned one started from.
 */
public final class CheckpointsCommand implements Command {
    static final Flag CHECKPOINTS_IN = Flag.inputSetting("--checkpoints", FbnetPipeline.CHECKPOINT_ROOT, "URI");

    @Override public String name() { return "checkpoints"; }

    @Override public String summary() { return "list the published model versions per subject (current, scores, parent)"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root (or checkpoint root) holding models/ (any Hadoop FileSystem URI)", true),
                Flag.setting("--name", "train.model.name", "NAME"),
                Flag.argument("--subject", "S", "only this subject's model (or 'pretrained')", false),
                CHECKPOINTS_IN);
    }

    /** The root whose models the commands read: --data, with its models under train.checkpoint.root when that is set. */
    static DataRoot root(CliArgs args, Settings s, Configuration conf) {
        return FbnetPipeline.root(DataRoot.of(args.get("--data"), conf), s);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Configuration conf = HadoopConf.create();
        Settings s = args.settings(conf);
        DataRoot root = root(args, s, conf);
        String name = TrainStage.Config.from(s).name();
        List<Checkpoints.Entry> entries = Checkpoints.list(root, name, args.get("--subject"));
        System.out.print(table(new org.apache.hadoop.fs.Path(root.models(), name).toString(), entries));
        return 0;
    }

    static String table(String where, List<Checkpoints.Entry> entries) {
        StringBuilder sb = new StringBuilder("checkpoints under ").append(where).append(" (* = current; scores: mean noise-normalized accuracy %)\n");
        String format = "  %1s %-32s %-20s %9s %8s %10s  %s%n";
        String model = null;
        for (Checkpoints.Entry e : entries) {
            if (!e.model().equals(model)) {
                model = e.model();
                sb.append(model).append('\n');
                sb.append(String.format(format, "", "version", "created", "val score", "val r", "test score", "parent (pretrained version)"));
            }
            sb.append(String.format(format, e.current() ? "*" : "", e.id(), time(e.createdAt()), number(e.validationScore(), "%.2f"),
                    number(e.validationR(), "%.4f"), number(e.testScore(), "%.2f"), e.parentVersion() == null ? "-" : e.parentVersion()));
        }
        return sb.toString();
    }

    /** A manifest's creation time to the second, in UTC. */
    private static String time(String createdAt) {
        try {
            return TIME.format(java.time.Instant.parse(createdAt));
        } catch (RuntimeException e) {
            return String.valueOf(createdAt);
        }
    }

    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private static String number(Double v, String format) { return v == null ? "-" : String.format(format, v); }
}
