package org.fbnet.compare;

import java.io.IOException;
import java.util.List;
import org.fbnet.data.Hemisphere;
import org.fbnet.eval.EpochRecord;
import org.fbnet.subject.Subject;

/**
 * One model the comparison scores on a subject: F-BNet as published by training, an ablation trained
 * here, or a baseline.
 * <p>This is the extension point for trainers: an implementation fits on the subject's training rows
 * (validation rows are already removed) and returns vertex-space predictions of its validation and test rows.
 */
public interface Variant {
    /** The name in the table and in {@code eval.compare.variants}. */
    String name();

    /** Whether the result depends on the seed; a deterministic variant runs once, whatever the seeds. */
    boolean seeded();

    /** The output ids (beyond the subject's data) this variant reads for a subject, e.g. a published model. */
    default List<String> inputs(String subject) { return List.of(); }

    /** Fits (or loads) and predicts the subject's validation and test rows in vertex space. */
    Result fit(Subject subject, TrainingVertices vertices, long seed) throws Exception;

    /** The measured responses of a subject's training rows, one hemisphere at a time (read on demand: they are large). */
    @FunctionalInterface
    interface TrainingVertices {
        float[][] of(Hemisphere h) throws IOException;
    }

    /**
     * Vertex-space predictions (rows as in {@link Subject}'s validation and test rows) and, for trained
     * variants, the per-epoch curve (empty otherwise).
     */
    record Result(float[][] validationLh, float[][] validationRh, float[][] testLh, float[][] testRh, List<EpochRecord> curve) {
        float[][] validation(Hemisphere h) { return h == Hemisphere.LH ? validationLh : validationRh; }

        float[][] test(Hemisphere h) { return h == Hemisphere.LH ? testLh : testRh; }
    }
}
