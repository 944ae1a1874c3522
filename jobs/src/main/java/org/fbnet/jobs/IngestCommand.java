package org.fbnet.jobs;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.stage.Pipeline;
import org.fbnet.store.HadoopConf;

/** {@code fbnet ingest}: an Algonauts/NSD folder to versioned Parquet datasets under an output root. */
public final class IngestCommand implements Command {
    /** The input, output and truth flags, shared with {@code run}. */
    static final Flag INPUT = Flag.input("--input", "DIR", "dataset folder holding subjNN/ (any Hadoop FileSystem URI)", true),
            OUTPUT = Flag.output("--output", "URI", "output root (any Hadoop FileSystem URI)", true),
            TRUTH = Flag.input("--truth", "DIR", "folder with subjNN/{lh,rh}_test_fmri.npy and _noise_ceiling.npy (optional)", false);

    @Override public String name() { return "ingest"; }

    @Override public String summary() { return "validate an Algonauts/NSD folder and publish it as Parquet datasets (per subject)"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                INPUT, OUTPUT, TRUTH,
                Flag.setting("--subjects", "ingest.subjects", "LIST"),
                Flag.setting("--image-bytes", "ingest.image.bytes", "BOOL"),
                Flag.setting("--force", "ingest.force", "BOOL"),
                StageRuns.DRY_RUN);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Settings s = args.settings(HadoopConf.create());
        run(s, args.get("--input"), args.get("--truth"), args.get("--output"), args);
        return 0;
    }

    /** Runs ingest with resolved settings; shared by the demo. */
    static Pipeline.Report run(Settings s, String input, String truth, String output, CliArgs args) throws Exception {
        FbnetPipeline.Source source = new FbnetPipeline.Source(new Path(input), truth == null ? null : new Path(truth));
        return StageRuns.run(s, output, source, List.of(FbnetPipeline.INGEST), args);
    }
}
