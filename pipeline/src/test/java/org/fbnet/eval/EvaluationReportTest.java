package org.fbnet.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.fbnet.data.InputDataException;
import org.junit.jupiter.api.Test;

class EvaluationReportTest {
    private static VertexAccuracy part(String subject, String hemi, double[] r, boolean ceilings) {
        double[] s = null;
        if (ceilings) {
            s = new double[r.length];
            for (int i = 0; i < r.length; i++) s[i] = VertexScores.noiseNormalized(r[i], 0.5);
        }
        return new VertexAccuracy(subject, hemi, r, s);
    }

    @Test
    void pooledMeanWeighsEveryVertexEquallyAcrossSubjectsAndHemispheres() {
        double[] a = {0.1, 0.2, 0.3}, b = {0.5}, c = {-0.2, 0.4};
        EvaluationReport rep = EvaluationReport.of("t", List.of(part("subj02", "lh", c, true), part("subj01", "lh", a, true),
                part("subj01", "rh", b, true)), RoiAtlas.empty());
        // six vertices pooled, not the mean of three hemisphere means
        assertEquals((0.1 + 0.2 + 0.3 + 0.5 - 0.2 + 0.4) / 6, rep.overall().meanR(), 1e-12);
        assertEquals(6, rep.overall().vertices());
        double expectScore = (2 + 8 + 18 + 50 + 0 + 32) / 6.0; // 100 r^2 / 0.5, negatives -> 0
        assertEquals(expectScore, rep.overall().meanScore(), 1e-9);
        assertEquals((0.1 + 0.2 + 0.3 + 0.5) / 4, rep.row(EvaluationReport.LEVEL_SUBJECT, "subj01", EvaluationReport.ALL).meanR(), 1e-12);
        assertEquals(0.5, rep.row(EvaluationReport.LEVEL_HEMISPHERE, "subj01", "rh").meanR(), 1e-12);
        assertEquals(List.of("subj01", "subj02"), rep.subjects());
    }

    @Test
    void roiMeansUseTheAtlasVerticesAndEmptyRoisAreMissingRows() {
        double[] r = {0.1, 0.2, 0.3, 0.4};
        RoiAtlas atlas = new RoiAtlas(List.of(
                new RoiAtlas.Roi("subj01", "lh", "floc-faces", "FFA-1", new int[] {1, 3}),
                new RoiAtlas.Roi("subj01", "lh", "floc-faces", "OFA", new int[0]),
                new RoiAtlas.Roi("subj09", "lh", "floc-faces", "FFA-1", new int[] {99})));
        EvaluationReport rep = EvaluationReport.of("t", List.of(part("subj01", "lh", r, true)), atlas);
        List<EvaluationReport.ScoreRow> rois = rep.roiRows("subj01", "lh");
        assertEquals(2, rois.size(), "subj09 is not evaluated: its ROIs are ignored");
        assertEquals(0.3, rois.get(0).meanR(), 1e-12);
        assertEquals((8 + 32) / 2.0, rois.get(0).meanScore(), 1e-9);
        assertTrue(rois.get(1).missing());
        assertNull(rois.get(1).meanR());
        assertNull(rois.get(1).meanScore());
        assertTrue(rep.toCsv().contains("roi,subj01,lh,floc-faces,OFA,0,,\n"), rep.toCsv());
    }

    @Test
    void withoutCeilingsOnlyMeanRIsReported() {
        EvaluationReport rep = EvaluationReport.of("t", List.of(part("subj01", "lh", new double[] {0.3}, true),
                part("subj01", "rh", new double[] {0.1}, false)), RoiAtlas.empty());
        assertNull(rep.overall().meanScore(), "one hemisphere lacks ceilings, so the pooled score is undefined");
        assertEquals(0.2, rep.overall().meanR(), 1e-12);
        assertEquals(18.0, rep.row(EvaluationReport.LEVEL_HEMISPHERE, "subj01", "lh").meanScore(), 1e-9);
        assertTrue(rep.toJson().contains("\"mean_score\" : null"));
    }

    @Test
    void roiVertexOutsideTheHemisphereIsAnInputErrorNamingTheRoi() {
        RoiAtlas atlas = new RoiAtlas(List.of(new RoiAtlas.Roi("subj01", "rh", "streams", "ventral", new int[] {0, 7})));
        InputDataException e = assertThrows(InputDataException.class,
                () -> EvaluationReport.of("t", List.of(part("subj01", "rh", new double[] {0.1, 0.2}, false)), atlas));
        assertTrue(e.getMessage().contains("subj01 rh streams/ventral lists vertex 7"), e.getMessage());
    }

    @Test
    void theSameHemisphereTwiceIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> EvaluationReport.of("t",
                List.of(part("subj01", "lh", new double[] {0.1}, false), part("subj01", "lh", new double[] {0.2}, false)), RoiAtlas.empty()));
    }

    @Test
    void theJsonReadsBackAsTheSameRows() throws Exception {
        RoiAtlas atlas = new RoiAtlas(List.of(new RoiAtlas.Roi("subj01", "lh", "floc-faces", "FFA-1", new int[] {0, 2}),
                new RoiAtlas.Roi("subj01", "rh", "floc-faces", "FFA-1", new int[0])));
        EvaluationReport rep = EvaluationReport.of("fbnet/test", List.of(part("subj01", "lh", new double[] {0.1, -0.25, 1.0 / 3}, true),
                part("subj01", "rh", new double[] {0.7}, false)), atlas);
        EvaluationReport back = EvaluationReport.fromJson(new ByteArrayInputStream(rep.toJson().getBytes(StandardCharsets.UTF_8)), "scores.json");
        assertEquals("fbnet/test", back.name());
        assertEquals(rep.rows(), back.rows());
        IOException e = assertThrows(IOException.class, () -> EvaluationReport.fromJson(
                new ByteArrayInputStream("{\"name\": \"x\", \"rows\": []}".getBytes(StandardCharsets.UTF_8)), "runs/x/scores.json"));
        assertTrue(e.getMessage().startsWith("runs/x/scores.json: not a scores report"), e.getMessage());
    }
}
