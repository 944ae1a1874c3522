package org.fbnet.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Stages in the order they depend on each other; the one place that order lives ({@code demo},
 * {@code run} and every single-stage command go through it).
 * <p>{@link #plan} plans every stage against the outputs earlier stages plan to publish, without
 * running anything (what {@code --dry-run} prints). {@link #run} prints that plan, then runs stage by
 * stage, each re-planned against what is published at that moment, so a unit whose input failed to
 * publish is skipped (its old outputs stay current) or waits, and the others go on.
 */
public final class Pipeline {
    private final List<Stage> stages;

    public Pipeline(List<Stage> stages) {
        if (stages.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one stage");
        this.stages = List.copyOf(stages);
    }

    public List<Stage> stages() { return stages; }

    /** The whole plan, without running anything. */
    public List<Unit> plan(StageContext ctx) throws Exception {
        List<Unit> all = new ArrayList<>();
        for (Stage s : stages) all.addAll(s.plan(ctx));
        return all;
    }

    /** What a run did: the plan it started from and every unit's result. */
    public record Report(List<Unit> plan, List<UnitResult> results) {
        public List<UnitResult> failures() {
            return results.stream().filter(r -> r.status() == UnitResult.Status.FAILED).toList();
        }

        /** Units that could not run: an input was neither published nor made by this run. */
        public List<UnitResult> waiting() {
            return results.stream().filter(r -> r.status() == UnitResult.Status.BLOCKED).toList();
        }

        public long published() { return results.stream().filter(r -> r.status() == UnitResult.Status.PUBLISHED).count(); }

        public long unchanged() { return results.stream().filter(r -> r.status() == UnitResult.Status.SKIPPED).count(); }
    }

    /**
     * Plans, prints the plan, then runs every stage.
     * @param contexts a fresh context per call, sharing one Spark session
     * @param out      where the plan and per-stage results are printed
     */
    public Report run(Supplier<StageContext> contexts, Consumer<String> out) throws Exception {
        List<Unit> plan = plan(contexts.get());
        out.accept("plan:");
        for (Unit u : plan) out.accept(u.describe());
        List<UnitResult> results = new ArrayList<>();
        long planned = plan.stream().filter(Unit::runs).count(), t0 = System.nanoTime();
        for (Stage stage : stages) {
            StageContext ctx = contexts.get();
            List<Unit> units = stage.plan(ctx);
            List<Unit> toRun = units.stream().filter(Unit::runs).toList();
            out.accept("== " + stage.name() + ": " + toRun.size() + " to run, " + (units.size() - toRun.size()) + " unchanged or waiting");
            List<UnitResult> ran = toRun.isEmpty() ? List.of() : stage.run(toRun, ctx);
            int next = 0;
            for (Unit u : units) {
                UnitResult r = u.runs() ? ran.get(next++) : UnitResult.notRun(u);
                results.add(r);
                out.accept(r.describe());
            }
            long done = results.stream().filter(r -> r.status() == UnitResult.Status.PUBLISHED || r.status() == UnitResult.Status.FAILED).count();
            if (done > 0 && planned > done) {
                double secs = (System.nanoTime() - t0) / 1e9;
                out.accept(String.format("   %d of about %d units run in %.0f s; about %.0f s to go if the rest take as long", done, planned, secs,
                        secs / done * (planned - done)));
            }
        }
        return new Report(plan, results);
    }
}
