package org.fbnet.stage;

import java.util.List;
import java.util.Map;

/**
 * One unit of work in a plan: a stage's work for one subject ({@code subject} set) or a global piece
 * (the image PCA, pre-training: {@code subject} null).
 *
 * @param stage       the stage's name
 * @param id          unique in the pipeline: {@code ingest/subj01}, {@code project/pca-image}, {@code pretrain}
 * @param inputs      output id of each input (e.g. {@code fmri/subject=subj01}) -> its fingerprint (planned or published)
 * @param settings    the effective values of the settings the unit depends on
 * @param fingerprint of the stage format, the inputs and the settings: what its outputs will record
 * @param outputs     the output ids (versioned directories under the root) it publishes
 * @param reason      why it runs, is skipped or is blocked, in words
 */
public record Unit(String stage, String id, String subject, Map<String, String> inputs, Map<String, String> settings,
                   String fingerprint, List<String> outputs, Decision decision, String reason) {
    public Unit {
        inputs = Map.copyOf(inputs);
        settings = Map.copyOf(settings);
        outputs = List.copyOf(outputs);
    }

    public boolean runs() { return decision == Decision.RUN; }

    /** One line of a printed plan. */
    public String describe() {
        String what = switch (decision) {
            case RUN -> "run ";
            case SKIP -> "skip";
            case BLOCKED -> "wait";
        };
        return String.format("  %s  %-26s %s", what, id, reason);
    }
}
