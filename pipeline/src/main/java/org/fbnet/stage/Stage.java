package org.fbnet.stage;

import java.util.List;

/**
 * One step of the pipeline (ingest, embed, project, pretrain, finetune, compare): plans its units from
 * what is published (or planned by earlier stages) under the output root and runs those that must run.
 * <p>A stage instance lives for one pipeline run: it may keep what planning learned (e.g. validated
 * input scans) for its units' runs.
 */
public interface Stage {
    /** The command name ("ingest"). */
    String name();

    /**
     * Plans every unit: per subject where the work is per subject, global otherwise. Each unit's
     * fingerprint is computed from its inputs' fingerprints (planned by earlier stages in this context, or
     * published) and its settings; {@link Planner#plan} decides and registers it.
     */
    List<Unit> plan(StageContext ctx) throws Exception;

    /**
     * Runs the units the plan decided to run, publishing each one's outputs as new versions. A unit that
     * fails publishes nothing and fails only itself: the default runs the units one after another and
     * goes on after a failure. Stages whose units run better together (one Spark job, a fan-out) override it.
     * @return what each unit did, in the order given
     */
    default List<UnitResult> run(List<Unit> units, StageContext ctx) {
        List<UnitResult> out = new java.util.ArrayList<>();
        java.util.Set<String> failed = new java.util.HashSet<>();
        for (Unit u : units) {
            // A unit reading what an earlier unit of this run failed to publish waits rather than fails too.
            String missing = u.inputs().keySet().stream().filter(failed::contains).findFirst().orElse(null);
            UnitResult r = missing != null ? UnitResult.waiting(u, "its input " + missing + " failed in this run")
                    : UnitResult.time(u, () -> runUnit(u, ctx));
            if (r.status() == UnitResult.Status.FAILED || r.status() == UnitResult.Status.BLOCKED) failed.addAll(u.outputs());
            out.add(r);
        }
        return out;
    }

    /** Runs one unit; returns a one-line summary of what it published. */
    String runUnit(Unit unit, StageContext ctx) throws Exception;
}
