package org.fbnet.compare;

import java.util.List;
import org.fbnet.train.EpochRecord;

/**
 * One model the comparison trains on a subject and scores: F-BNet, an ablation, or a baseline.
 * <p>This is the extension point for trainers: an implementation fits on {@link SubjectData#train()}
 * (the validation rows are already removed) and returns vertex-space predictions.
 */
public interface Variant {
    /** The name in the table and in {@code eval.compare.variants}. */
    String name();

    /** Whether the result depends on the seed; a deterministic variant runs once, whatever the seeds. */
    boolean seeded();

    /** Fits on the subject's training rows and predicts its validation and test rows in vertex space. */
    Result fit(SubjectData data, long seed) throws Exception;

    /**
     * Vertex-space predictions (rows as in {@link SubjectData}'s validation and test rows) and, for
     * trained variants, the per-epoch curve (empty for closed-form ones).
     */
    record Result(float[][] validationLh, float[][] validationRh, float[][] testLh, float[][] testRh, List<EpochRecord> curve) { }
}
