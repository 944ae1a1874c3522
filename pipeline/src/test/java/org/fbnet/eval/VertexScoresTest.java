package org.fbnet.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VertexScoresTest {
    /** Against numpy.corrcoef per column (golden_refs/vertex_scores.py). */
    private static void pearsonMatchesNumpy(java.nio.file.Path refs) {
        JsonNode e = Golden.json(refs.resolve("expected.json"));
        int v = e.get("vertices").intValue();
        float[][] p = Golden.matrix(Golden.floats(e.get("predictions")), v), m = Golden.matrix(Golden.floats(e.get("measured")), v);
        assertArrayEquals(Golden.doubles(e.get("r")), VertexScores.pearson(p, m), 1e-6);
    }

    @Test
    void pearsonMatchesNumpyCorrcoef() {
        pearsonMatchesNumpy(Golden.dir("vertex-scores"));
    }

    @Test
    @Tag(Python.TAG)
    void pearsonMatchesLiveNumpyCorrcoef(@TempDir java.nio.file.Path dir) throws Exception {
        pearsonMatchesNumpy(Golden.live("vertex-scores", dir));
    }

    @Test
    void noiseNormalizedFollowsTheAlgonautsFormula() {
        assertEquals(100 * 0.25 / 0.5, VertexScores.noiseNormalized(0.5, 0.5), 1e-12);
        assertEquals(0.0, VertexScores.noiseNormalized(-0.3, 0.5));
        assertEquals(100.0, VertexScores.noiseNormalized(0.9, 0.5));
        assertEquals(100.0, VertexScores.noiseNormalized(0.01, 0.0));
        assertEquals(0.0, VertexScores.noiseNormalized(0.0, 0.0));
    }
}
