package org.fbnet.stage;

import java.util.List;

/**
 * Some units failed (the others ran): thrown after a pipeline finished what it could. The message lists
 * each failed unit with its error; the cause is the first failure's, so callers can tell bad input from
 * an internal error.
 */
public final class UnitsFailedException extends RuntimeException {
    private final List<UnitResult> failures;

    public UnitsFailedException(List<UnitResult> failures) {
        super(message(failures), failures.get(0).error());
        this.failures = List.copyOf(failures);
    }

    public List<UnitResult> failures() { return failures; }

    private static String message(List<UnitResult> failures) {
        if (failures.size() == 1) return failures.get(0).unit().id() + ": " + failures.get(0).summary();
        StringBuilder sb = new StringBuilder(failures.size() + " units failed; the others finished:");
        for (UnitResult r : failures) sb.append("\n  ").append(r.unit().id()).append(": ").append(r.summary());
        return sb.toString();
    }
}
