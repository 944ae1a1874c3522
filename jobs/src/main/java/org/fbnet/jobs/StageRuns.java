package org.fbnet.jobs;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.config.Settings;
import org.fbnet.pipeline.FbnetPipeline;
import org.fbnet.stage.Pipeline;
import org.fbnet.stage.StageContext;
import org.fbnet.stage.Unit;
import org.fbnet.stage.UnitResult;
import org.fbnet.stage.UnitsFailedException;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;

/** Runs named stages of the pipeline on an output root for a command: plan, results and failures on the console. */
final class StageRuns {
    /** The flags every stage command takes. */
    static final Flag DRY_RUN = Flag.toggle("--dry-run", "print the plan (what would run, what is up to date, and why) and exit");
    static final Flag FORCE = Flag.toggle("--force", "re-run every unit even when its outputs are up to date");

    private StageRuns() { }

    /**
     * Plans (and unless {@code --dry-run}, runs) the stages; prints the plan and each unit's outcome.
     * @return the report, or null for a dry run
     */
    static Pipeline.Report runReporting(Settings s, String output, FbnetPipeline.Source source, List<String> stages, CliArgs args)
            throws Exception {
        Configuration conf = HadoopConf.create();
        DataRoot root = DataRoot.of(output, conf);
        Pipeline pipeline = FbnetPipeline.of(stages, s, source, root);
        boolean force = args != null && args.has(FORCE.name());
        if (args != null && args.has(DRY_RUN.name())) {
            System.out.println("plan for " + output + " (dry run: nothing is written):");
            for (Unit u : pipeline.plan(FbnetPipeline.context(root, s, force))) System.out.println(u.describe());
            return null;
        }
        Pipeline.Report report = pipeline.run(() -> FbnetPipeline.context(root, s, force), System.out::println);
        System.out.printf("%d published, %d unchanged, %d failed under %s%n", report.published(), report.unchanged(),
                report.failures().size(), output);
        return report;
    }

    /** As {@link #runReporting}, then fails when units failed or waited. */
    static Pipeline.Report run(Settings s, String output, FbnetPipeline.Source source, List<String> stages, CliArgs args) throws Exception {
        Pipeline.Report report = runReporting(s, output, source, stages, args);
        if (report != null) throwIfIncomplete(report);
        return report;
    }

    /** The run's page ({@code reports/index}): what ran and what the output root holds now. Returns its path. */
    static org.apache.hadoop.fs.Path publishReport(DataRoot root, Settings s, Pipeline.Report report, String runId,
                                                   java.time.Instant started, List<String> claims) throws java.io.IOException {
        return org.fbnet.report.RunReport.page(org.fbnet.report.RunReport.publish(root, s, report,
                new org.fbnet.report.RunReport.Run(runId, started, java.time.Instant.now(), claims)));
    }

    /** A local file as a plain path (to paste into a viewer or shell), anything else as its URI. */
    static String show(org.apache.hadoop.fs.Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }

    /** Units that failed or waited for a missing input make the command fail, after everything else finished. */
    static void throwIfIncomplete(Pipeline.Report report) {
        if (!report.failures().isEmpty()) throw new UnitsFailedException(report.failures());
        if (!report.waiting().isEmpty()) {
            UnitResult w = report.waiting().get(0);
            throw new org.fbnet.data.MissingInputException(report.waiting().size() + " unit(s) could not run; " + w.unit().id() + " "
                    + w.summary() + ": run the stage that publishes it first (or fbnet run for every stage)");
        }
    }
}
