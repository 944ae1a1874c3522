package org.fbnet.jobs;

import java.time.Duration;
import java.time.Instant;
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
                IngestCommand.INPUT, IngestCommand.OUTPUT, IngestCommand.TRUTH,
                Flag.setting("--refresh-global", "run.refresh.global", "BOOL"),
                Flag.toggle("--break-lock", "remove the output root's lock first (after a run died; otherwise it expires by itself)"),
                StageRuns.DRY_RUN, StageRuns.FORCE);
    }

    @Override
    public int run(CliArgs args) throws Exception {
        Settings s = args.settings(HadoopConf.create());
        String output = args.get("--output");
        FbnetPipeline.Source source = new FbnetPipeline.Source(new Path(args.get("--input")),
                args.get("--truth") == null ? null : new Path(args.get("--truth")));
        if (args.has(StageRuns.DRY_RUN.name())) {
            StageRuns.run(s, output, source, FbnetPipeline.ORDER, args);
            return ExitCode.OK.code;
        }
        if (args.has("--break-lock")) {
            String who = RunLock.breakLock(DataRoot.of(output, HadoopConf.create()));
            System.out.println(who == null ? "run: no lock to break" : "run: removed the lock of " + who);
        }
        Finished done = runLocked(s, output, source, "fbnet run", args);
        StageRuns.throwIfIncomplete(done.report());
        return ExitCode.OK.code;
    }

    /** What one locked run did and the page it published. */
    record Finished(Pipeline.Report report, Path page, double seconds) { }

    /**
     * One incremental run of every stage under the output root's lock, as {@code fbnet run} does it: the
     * stages, the run's page ({@code reports/index}, with what the comparison says of the paper's claims)
     * and the final summary. Failed or waiting units are left to the caller ({@link StageRuns#throwIfIncomplete}),
     * so the page is published either way.
     * @param holder who holds the lock meanwhile (shown to a run that is refused)
     */
    static Finished runLocked(Settings s, String output, FbnetPipeline.Source source, String holder, CliArgs args) throws Exception {
        DataRoot root = DataRoot.of(output, HadoopConf.create());
        long t0 = System.nanoTime();
        Instant started = Instant.now();
        try (RunLock lock = RunLock.acquire(root, holder, Duration.ofMinutes(s.intAtLeast("run.lock.expiry.minutes", 1)))) {
            System.out.println("run " + lock.runId() + " on " + output);
            Pipeline.Report report = StageRuns.runReporting(s, output, source, FbnetPipeline.ORDER, args);
            Path page = StageRuns.publishReport(root, s, report, lock.runId(), started, CompareCommand.claimLines(s, root));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("run finished in %.0f s: %d units published, %d unchanged, %d failed%n  report: %s%n"
                    + "  fbnet status --output %s shows every subject%n",
                    seconds, report.published(), report.unchanged(), report.failures().size(), StageRuns.show(page), output);
            return new Finished(report, page, seconds);
        }
    }
}
