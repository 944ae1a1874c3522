package org.fbnet.jobs;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.fbnet.compare.CompareConfig;
import org.fbnet.compare.Comparison;
import org.fbnet.compare.Variants;
import org.fbnet.config.Settings;
import org.fbnet.spark.SparkSessions;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;

/** {@code fbnet compare}: trains F-BNet, its ablations and the ridge baseline on an output root and tabulates their scores. */
public final class CompareCommand implements Command {
    @Override public String name() { return "compare"; }

    @Override public String summary() { return "train F-BNet, its ablations and the ridge baseline; write the comparison table, plots and best submission"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root holding latents/, fmri/, vertices/, rois/ (any Hadoop FileSystem URI)", true),
                Flag.setting("--variants", CompareConfig.VARIANTS, "LIST"),
                Flag.setting("--seeds", CompareConfig.SEEDS, "LIST"),
                Flag.setting("--subjects", CompareConfig.SUBJECTS, "LIST"),
                Flag.setting("--report", CompareConfig.REPORT, "NAME"));
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Configuration conf = HadoopConf.create();
        Comparison.Outcome out = run(args.settings(conf), args.get("--data"));
        System.out.print(out.table().toMarkdown());
        System.out.println("compare: best " + out.bestRun() + "; report, plots and submission.zip in " + out.report());
        return 0;
    }

    /** Runs the comparison with resolved settings. */
    static Comparison.Outcome run(Settings s, String data) throws Exception {
        CompareConfig config = CompareConfig.from(s);
        Comparison comparison = new Comparison(config, Variants.available(s, config));
        SparkSession spark = SparkSessions.getOrCreate("compare", s);
        return comparison.run(spark, DataRoot.of(data, HadoopConf.create()));
    }
}
