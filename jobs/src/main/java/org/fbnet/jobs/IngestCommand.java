package org.fbnet.jobs;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.fbnet.config.Settings;
import org.fbnet.ingest.Ingest;
import org.fbnet.ingest.IngestConfig;
import org.fbnet.ingest.IngestReport;
import org.fbnet.spark.SparkSessions;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;

/** {@code fbnet ingest}: an Algonauts/NSD folder to Parquet datasets under an output root. */
public final class IngestCommand implements Command {
    @Override public String name() { return "ingest"; }

    @Override public String summary() { return "validate an Algonauts/NSD folder and write it as Parquet datasets"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--input", "DIR", "dataset folder holding subjNN/ (any Hadoop FileSystem URI)", true),
                Flag.output("--output", "URI", "output root (any Hadoop FileSystem URI)", true),
                Flag.input("--truth", "DIR", "folder with subjNN/{lh,rh}_test_fmri.npy and _noise_ceiling.npy (optional)", false),
                Flag.setting("--subjects", "ingest.subjects", "LIST"),
                Flag.setting("--image-bytes", "ingest.image.bytes", "BOOL"),
                Flag.setting("--force", "ingest.force", "BOOL"));
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Configuration conf = HadoopConf.create();
        Settings s = args.settings(conf);
        IngestReport report = run(s, args.get("--input"), args.get("--truth"), args.get("--output"));
        System.out.println(describe(report, args.get("--output")));
        return 0;
    }

    /** Runs ingest with resolved settings; shared by the demo. */
    static IngestReport run(Settings s, String input, String truth, String output) throws Exception {
        Configuration conf = HadoopConf.create();
        IngestConfig cfg = IngestConfig.from(s);
        SparkSession spark = SparkSessions.getOrCreate("ingest", s);
        return new Ingest(spark, cfg, conf).run(new Path(input), truth == null ? null : new Path(truth), DataRoot.of(output, conf));
    }

    static String describe(IngestReport report, String output) {
        StringBuilder sb = new StringBuilder();
        for (IngestReport.SubjectResult r : report.subjects()) {
            sb.append(r.skipped() ? String.format("  %s: unchanged, skipped%n", r.subject())
                    : String.format("  %s: %d fMRI rows in %.1f s (%.0f rows/s, %.1f MB/s)%n", r.subject(), r.fmriRows(),
                    r.seconds(), r.rowsPerSecond(), r.megabytesPerSecond()));
        }
        sb.append("ingest: datasets fmri/, images/, rois/, vertices/ under ").append(output);
        return sb.toString();
    }
}
