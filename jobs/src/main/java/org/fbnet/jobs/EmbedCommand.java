package org.fbnet.jobs;

import java.util.List;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.store.HadoopConf;

/** {@code fbnet embed}: CLIP features of every ingested subject's images. */
public final class EmbedCommand implements Command {
    @Override public String name() { return "embed"; }

    @Override public String summary() { return "compute CLIP image features per subject into embeddings/MODEL/FEATURE/"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--data", "URI", "output root holding ingest's images/ (any Hadoop FileSystem URI)", true),
                Flag.inputSetting("--clip", "clip.model", "DIR_OR_URI"),
                Flag.setting("--feature", "clip.feature", "NAME"),
                Flag.setting("--batch-size", "clip.batch.size", "N"),
                StageRuns.DRY_RUN, StageRuns.FORCE);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        StageRuns.run(args.settings(HadoopConf.create()), args.get("--data"), null, List.of(FbnetPipeline.EMBED), args);
        return 0;
    }
}
