package org.fbnet.stage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fbnet.config.Settings;
import org.fbnet.provenance.Fingerprint;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.Version;

/**
 * The one place that decides whether a unit runs: its fingerprint over (stage, unit, format version,
 * inputs' fingerprints, settings) against the fingerprints its outputs' current versions recorded.
 * Every stage plans through it, so skipping means the same everywhere.
 */
public final class Planner {
    private Planner() { }

    /** What a stage knows about a unit before deciding. */
    public record Spec(String stage, String id, String subject, int formatVersion, List<String> inputs,
                       Map<String, String> externalInputs, Map<String, String> settings, List<String> outputs,
                       KeepRule keep, boolean forced) {
        public Spec {
            inputs = List.copyOf(inputs);
            externalInputs = Map.copyOf(externalInputs);
            settings = new TreeMap<>(settings);
            outputs = List.copyOf(outputs);
        }

        /** A unit whose outputs are re-made whenever an input or setting changes. */
        public static Spec of(String stage, String id, String subject, int formatVersion, List<String> inputs,
                              Map<String, String> settings, List<String> outputs) {
            return new Spec(stage, id, subject, formatVersion, inputs, Map.of(), settings, outputs, KeepRule.NEVER, false);
        }

        public Spec withExternal(Map<String, String> external) {
            return new Spec(stage, id, subject, formatVersion, inputs, external, settings, outputs, keep, forced);
        }

        /** Keeps current outputs when only inputs changed and the rule says so (a refresh policy). */
        public Spec keeping(KeepRule rule) {
            return new Spec(stage, id, subject, formatVersion, inputs, externalInputs, settings, outputs, rule, forced);
        }

        /** Runs even when up to date (a stage's own force setting, e.g. ingest.force). */
        public Spec forcing(boolean force) {
            return new Spec(stage, id, subject, formatVersion, inputs, externalInputs, settings, outputs, keep, force);
        }
    }

    /**
     * Whether a unit may keep its current outputs although some inputs differ from those they were made
     * from (settings unchanged): a refresh policy. Returns the reason to keep them, or null to run.
     */
    @FunctionalInterface
    public interface KeepRule {
        KeepRule NEVER = (changed, added, removed) -> null;

        /**
         * @param changed inputs present before with another fingerprint
         * @param added   inputs that are new (e.g. a new subject's)
         * @param removed inputs no longer there
         */
        String keep(java.util.Set<String> changed, java.util.Set<String> added, java.util.Set<String> removed);
    }

    /** Decides a unit and registers its outputs' fingerprints in the context for later stages. */
    public static Unit plan(StageContext ctx, Spec spec) throws IOException {
        Map<String, String> inputs = new TreeMap<>(spec.externalInputs());
        List<String> missing = new ArrayList<>();
        for (String id : spec.inputs()) {
            Optional<String> fp = ctx.fingerprintOf(id);
            if (fp.isPresent()) inputs.put(id, fp.get());
            else missing.add(id);
        }
        if (!missing.isEmpty()) {
            Unit u = new Unit(spec.stage(), spec.id(), spec.subject(), inputs, spec.settings(), null, spec.outputs(), Decision.BLOCKED,
                    "needs " + String.join(", ", missing) + " (not published, not planned)");
            return u;
        }
        String fingerprint = fingerprint(spec, inputs);
        String settingsFp = Fingerprint.builder().add("settings", spec.settings()).hex();
        Decision decision = Decision.SKIP;
        String reason = "up to date";
        String kept = null;
        for (String out : spec.outputs()) {
            Optional<Version> cur = ctx.dir(out).current();
            if (cur.isEmpty()) {
                decision = Decision.RUN;
                reason = "new";
                break;
            }
            Manifest m = cur.get().manifest();
            if (fingerprint.equals(m.fingerprint())) continue;
            Delta d = delta(m, inputs);
            boolean sameSettings = settingsFp.equals(m.getString(SETTINGS_FINGERPRINT)) && m.fingerprint() != null;
            String keepReason = sameSettings ? spec.keep().keep(d.changed, d.added, d.removed) : null;
            if (keepReason != null) {
                kept = cur.get().fingerprint();
                reason = keepReason;
                continue;
            }
            decision = Decision.RUN;
            reason = d.describe(m.fingerprint() != null, sameSettings);
            break;
        }
        if ((ctx.force() || spec.forced()) && decision == Decision.SKIP) {
            decision = Decision.RUN;
            reason = "forced";
            kept = null;
        }
        String registered = decision == Decision.SKIP && kept != null ? kept : fingerprint;
        for (String out : spec.outputs()) ctx.register(out, registered);
        return new Unit(spec.stage(), spec.id(), spec.subject(), inputs, spec.settings(), fingerprint, spec.outputs(), decision, reason);
    }

    /** The manifest field holding the fingerprint of the unit's settings, to tell setting changes from input changes. */
    public static final String SETTINGS_FINGERPRINT = "settingsFingerprint";

    static String fingerprint(Spec spec, Map<String, String> inputs) {
        return Fingerprint.builder()
                .add("stage", spec.stage())
                .add("unit", spec.id())
                .add("format", spec.formatVersion())
                .add("inputs", inputs)
                .add("settings", spec.settings())
                .hex();
    }

    /** How a unit's inputs differ from those its current output recorded. */
    private record Delta(java.util.Set<String> changed, java.util.Set<String> added, java.util.Set<String> removed) {
        String describe(boolean hadFingerprint, boolean sameSettings) {
            if (!hadFingerprint) return "published by an older fbnet without fingerprints";
            List<String> parts = new ArrayList<>();
            List<String> what = new ArrayList<>(changed);
            added.forEach(a -> what.add(a + " (new input)"));
            removed.forEach(r -> what.add(r + " (no longer an input)"));
            if (!what.isEmpty()) parts.add("changed: " + String.join(", ", what));
            if (!sameSettings) parts.add("settings changed");
            return parts.isEmpty() ? "stage format changed" : String.join("; ", parts);
        }
    }

    private static Delta delta(Manifest m, Map<String, String> inputs) {
        Map<String, String> before = new LinkedHashMap<>();
        for (InputRef r : m.inputs()) before.put(r.id(), r.fingerprint());
        java.util.Set<String> changed = new java.util.TreeSet<>(), added = new java.util.TreeSet<>(), removed = new java.util.TreeSet<>();
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            String old = before.get(e.getKey());
            if (old == null) added.add(e.getKey());
            else if (!old.equals(e.getValue())) changed.add(e.getKey());
        }
        for (String old : before.keySet()) if (!inputs.containsKey(old)) removed.add(old);
        return new Delta(changed, added, removed);
    }

    /**
     * The manifest every unit publishes: its id, fingerprint, inputs (versions read), settings that differ
     * from the defaults, the settings' fingerprint and the given seed.
     */
    public static Manifest manifest(Unit unit, String kind, int kindVersion, List<InputRef> inputs, Settings settings) {
        Map<String, String> explicit = new TreeMap<>();
        Map<String, String> defaults = settings.explicit();
        for (String k : unit.settings().keySet()) if (defaults.containsKey(k)) explicit.put(k, defaults.get(k));
        return Manifest.of(kind, kindVersion)
                .withUnit(unit.id(), unit.fingerprint())
                .withInputs(inputs)
                .withSettings(explicit)
                .with(SETTINGS_FINGERPRINT, Fingerprint.builder().add("settings", unit.settings()).hex());
    }
}
