package org.fbnet.stage;

/** What running a unit did: published (with a summary), skipped, or failed (with the error). */
public record UnitResult(Unit unit, Status status, String summary, double seconds, Throwable error) {
    public enum Status { PUBLISHED, SKIPPED, BLOCKED, FAILED }

    public static UnitResult done(Unit u, String summary, double seconds) {
        return new UnitResult(u, Status.PUBLISHED, summary, seconds, null);
    }

    public static UnitResult failed(Unit u, Throwable error, double seconds) {
        return new UnitResult(u, Status.FAILED, String.valueOf(error.getMessage()), seconds, error);
    }

    /** Runs a unit's work, timing it; an exception becomes a failed result (logged with its stack trace). */
    public static UnitResult time(Unit u, java.util.concurrent.Callable<String> work) {
        long t0 = System.nanoTime();
        try {
            String summary = work.call();
            return done(u, summary, (System.nanoTime() - t0) / 1e9);
        } catch (Exception | Error e) {
            org.slf4j.LoggerFactory.getLogger(UnitResult.class).error("{} failed", u.id(), e);
            return failed(u, e, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** A unit that did not run because an input it needs failed earlier in the same run. */
    public static UnitResult waiting(Unit u, String reason) {
        return new UnitResult(u, Status.BLOCKED, reason, 0, null);
    }

    public static UnitResult notRun(Unit u) {
        return new UnitResult(u, u.decision() == Decision.BLOCKED ? Status.BLOCKED : Status.SKIPPED, u.reason(), 0, null);
    }

    public String describe() {
        return switch (status) {
            case PUBLISHED -> String.format("  published  %-26s %s (%.1f s)", unit.id(), summary, seconds);
            case SKIPPED -> String.format("  unchanged  %-26s %s", unit.id(), summary);
            case BLOCKED -> String.format("  waiting    %-26s %s", unit.id(), summary);
            case FAILED -> String.format("  FAILED     %-26s %s", unit.id(), summary);
        };
    }
}
