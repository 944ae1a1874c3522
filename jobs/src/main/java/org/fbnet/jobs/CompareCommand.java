package org.fbnet.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.compare.Claims;
import org.fbnet.compare.CompareConfig;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.Version;

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
        Settings s = args.settings(HadoopConf.create());
        if (StageRuns.run(s, args.get("--data"), null, List.of(FbnetPipeline.COMPARE), args) != null) {
            System.out.print(table(s, args.get("--data")));
        }
        return 0;
    }

    /** The current comparison report of an output root. */
    static Version report(Settings s, String data) throws IOException {
        DataRoot root = DataRoot.of(data, HadoopConf.create());
        return root.versioned(DataRoot.report(CompareConfig.from(s).reportName())).requireCurrent("fbnet compare");
    }

    /** What the current comparison says of the paper's claims, one line each after a heading; empty when nothing was compared yet. */
    static List<String> claimLines(Settings s, DataRoot root) throws IOException {
        Optional<Version> v = root.versioned(DataRoot.report(CompareConfig.from(s).reportName())).current();
        if (v.isEmpty()) return List.of();
        try {
            return Claims.summary(v.get().manifest(), root.conf()).lines().toList();
        } catch (IOException e) {
            // The run itself succeeded: its page says why the claims are missing rather than failing it.
            return List.of("The paper's claims were not checked: " + e.getMessage());
        }
    }

    /**
     * The current comparison table of an output root (markdown), which run its submission holds and why,
     * and what it says of the paper's claims.
     */
    static String table(Settings s, String data) throws IOException {
        Version v = report(s, data);
        Path md = new Path(v.path(), "comparison.md");
        Configuration conf = HadoopConf.create();
        String table;
        try (InputStream in = md.getFileSystem(conf).open(md)) {
            table = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // Test truth never picks the model (Comparison), so the submission's run can differ from the test winner.
        return table + "submission.zip holds the predictions of " + v.manifest().getString("best")
                + ", the run with the highest validation score (the claims below are read on the test split when it has truth)\n\n"
                + Claims.summary(v.manifest(), conf);
    }
}
