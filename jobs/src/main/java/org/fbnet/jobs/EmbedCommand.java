package org.fbnet.jobs;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.fbnet.clip.EmbeddingConfig;
import org.fbnet.config.Settings;
import org.fbnet.embed.ImageEmbedder;
import org.fbnet.spark.SparkSessions;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;

/** {@code fbnet embed}: CLIP features of every NSD image in an output root's image index. */
public final class EmbedCommand implements Command {
    @Override public String name() { return "embed"; }

    @Override public String summary() { return "CLIP image features of every NSD image in the image index (once per id, incremental)"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root holding ingest's images/ (any Hadoop FileSystem URI)", true),
                Flag.inputSetting("--clip", "clip.model", "DIR_OR_URI"),
                Flag.setting("--feature", "clip.feature", "NAME"),
                Flag.setting("--batch-size", "clip.batch.size", "N"));
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Settings s = args.settings(HadoopConf.create());
        System.out.println(describe(run(s, args.get("--data"))));
        return 0;
    }

    /** Runs the embedding stage with resolved settings; for the demo too. */
    static ImageEmbedder.Result run(Settings s, String data) throws Exception {
        Configuration conf = HadoopConf.create();
        EmbeddingConfig cfg = EmbeddingConfig.from(s);
        SparkSession spark = SparkSessions.getOrCreate("embed", s);
        return new ImageEmbedder(cfg).run(spark, DataRoot.of(data, conf));
    }

    static String describe(ImageEmbedder.Result r) {
        return String.format("embed: %d distinct NSD images, %d already embedded, %d embedded now%n  model %s (%s)%n  dataset %s%s",
                r.images(), r.alreadyEmbedded(), r.embedded(), r.modelId(), r.modelDir(), r.dataset(),
                r.part() == null ? "" : "\n  new part " + r.part());
    }
}
