package org.fbnet.jobs;

import java.time.Duration;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.stage.Pipeline;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.RunLock;

/**
 * {@code fbnet run}: the whole pipeline, incrementally, as a scheduler starts it: only units whose inputs
 * changed run (new subjects are ingested, embedded, projected and fine-tuned from the current pre-trained
 * network; the refresh policy of conf/run.properties says when global units are remade), under a lock on
 * the output root so two runs never overlap. A killed run is resumed by running the same command.
 */
public final class RunCommand implements Command {
    @Override public String name() { return "run"; }

    @Override public String summary() { return "run every stage incrementally under a lock: only what changed (for schedulers)"; }

    @Override
    public List<Flag> flags() {
        return List.of(
                Flag.input("--input", "DIR", "dataset folder holding subjNN/ (any Hadoop FileSystem URI)", true),
                Flag.output("--output", "URI", "output root (any Hadoop FileSystem URI)", true),
                Flag.input("--truth", "DIR", "folder with subjNN/{lh,rh}_test_fmri.npy and _noise_ceiling.npy (optional)", false),
                Flag.setting("--refresh-global", "run.refresh.global", "BOOL"),
                Flag.toggle("--break-lock", "remove the output root's lock first (after a run died; otherwise it expires by itself)"),
                StageRuns.DRY_RUN, StageRuns.FORCE);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Settings s = args.settings(HadoopConf.create());
        String output = args.get("--output");
        DataRoot root = DataRoot.of(output, HadoopConf.create());
        FbnetPipeline.Source source = new FbnetPipeline.Source(new Path(args.get("--input")),
                args.get("--truth") == null ? null : new Path(args.get("--truth")));
        if (args.has(StageRuns.DRY_RUN.name())) {
            StageRuns.run(s, output, source, FbnetPipeline.ORDER, args);
            return ExitCode.OK.code;
        }
        if (args.has("--break-lock")) {
            String who = RunLock.breakLock(root);
            System.out.println(who == null ? "run: no lock to break" : "run: removed the lock of " + who);
        }
        long t0 = System.nanoTime();
        java.time.Instant started = java.time.Instant.now();
        try (RunLock lock = RunLock.acquire(root, "fbnet run", Duration.ofMinutes(s.intAtLeast("run.lock.expiry.minutes", 1)))) {
            System.out.println("run " + lock.runId() + " on " + output);
            Pipeline.Report report = StageRuns.runReporting(s, output, source, FbnetPipeline.ORDER, args);
            Path page = StageRuns.publishReport(root, s, report, lock.runId(), started, List.of());
            System.out.printf("run finished in %.0f s: %d units published, %d unchanged, %d failed%n  report: %s%n"
                    + "  fbnet status --output %s shows every subject%n",
                    (System.nanoTime() - t0) / 1e9, report.published(), report.unchanged(), report.failures().size(), page, output);
            StageRuns.throwIfIncomplete(report);
        }
        return ExitCode.OK.code;
    }
}
