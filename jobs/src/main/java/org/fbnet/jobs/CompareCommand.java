package org.fbnet.jobs;

import java.util.List;
import org.fbnet.compare.CompareConfig;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.store.HadoopConf;

/** {@code fbnet compare}: scores F-BNet as trained, its ablations and the ridge baseline, and tabulates them. */
public final class CompareCommand implements Command {
    @Override public String name() { return "compare"; }

    @Override public String summary() { return "score F-BNet (as trained), its ablations and the ridge baseline; table, plots and best submission"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root holding latents/, fmri/, vertices/, rois/ and models/ (any Hadoop FileSystem URI)", true),
                Flag.setting("--variants", CompareConfig.VARIANTS, "LIST"),
                Flag.setting("--seeds", CompareConfig.SEEDS, "LIST"),
                Flag.setting("--subjects", CompareConfig.SUBJECTS, "LIST"),
                Flag.setting("--report", CompareConfig.REPORT, "NAME"),
                CheckpointsCommand.CHECKPOINTS_IN,
                StageRuns.DRY_RUN, StageRuns.FORCE);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        org.fbnet.config.Settings s = args.settings(HadoopConf.create());
        if (StageRuns.run(s, args.get("--data"), null, List.of(FbnetPipeline.COMPARE), args) != null) {
            System.out.print(table(s, args.get("--data")));
        }
        return 0;
    }

    /** The current comparison table of an output root (markdown) and where its report is. */
    static String table(org.fbnet.config.Settings s, String data) throws java.io.IOException {
        org.fbnet.store.DataRoot root = org.fbnet.store.DataRoot.of(data, HadoopConf.create());
        org.fbnet.store.Version v = root.versioned(org.fbnet.store.DataRoot.report(CompareConfig.from(s).reportName())).requireCurrent("fbnet compare");
        org.apache.hadoop.fs.Path md = new org.apache.hadoop.fs.Path(v.path(), "comparison.md");
        try (java.io.InputStream in = md.getFileSystem(root.conf()).open(md)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    + "best: " + v.manifest().getString("best") + "; report, plots and submission.zip in " + v.path() + "\n";
        }
    }
}
