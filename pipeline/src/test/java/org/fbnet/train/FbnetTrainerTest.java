package org.fbnet.train;

import org.fbnet.eval.EpochRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.InputDataException;
import org.fbnet.eval.VertexScores;
import org.fbnet.nn.NetworkConfig;
import org.fbnet.nn.optim.LionConfig;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.HadoopConf;
import org.fbnet.subject.Subject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FbnetTrainerTest {
    static final NetworkConfig NET = new NetworkConfig(PlantedSubject.INPUT, PlantedSubject.LH, PlantedSubject.RH, 2,
            0.02, 0.002, 0.2, 0.01, NetworkConfig.Loss.RACING);
    static final LionConfig LION = new LionConfig(1e-3, 0.9, 0.99, 1e-3);

    static TrainerConfig config(int epochs, int patience) {
        return new TrainerConfig(epochs, 32, patience, 0.1, 7, 1, LION);
    }

    static Subject subj01, subj02;
    static FbnetModel trained;

    @BeforeAll
    static void trainOnce() {
        subj01 = PlantedSubject.generate("subj01", 1, 800, 1.0);
        subj02 = PlantedSubject.generate("subj02", 2, 600, 1.0);
        trained = new FbnetTrainer(NET, config(25, 4)).fit(List.of(subj01));
    }

    /** Mean validation r of a model on one subject, recomputed from its predictions and the measured vertices. */
    static double validationR(FbnetModel m, Subject s) {
        FbnetModel.Prediction p = m.predict(s.validation().x(), s.name());
        double[] rl = VertexScores.pearson(s.decoders().lh().inverseTransform(p.lh()), s.validation().vertices().lh());
        double[] rr = VertexScores.pearson(s.decoders().rh().inverseTransform(p.rh()), s.validation().vertices().rh());
        return (VertexScores.mean(rl) * rl.length + VertexScores.mean(rr) * rr.length) / (rl.length + rr.length);
    }

    @Test
    void learnsPlantedLatentsWellAboveChance() {
        List<EpochRecord> h = trained.history();
        // Chance: r of 80 validation rows is about 0 +- 0.11.
        assertTrue(trained.best().validationR() > 0.6, "best validation r " + trained.best().validationR());
        assertTrue(h.get(0).validationR() < trained.best().validationR(), "validation r must rise: " + h);
        assertTrue(trained.best().validationScore() > 0, "noise-normalized score with ceilings: " + trained.best());
        assertTrue(h.stream().allMatch(r -> Double.isFinite(r.trainLoss()) && r.examplesPerSecond() > 0));
    }

    @Test
    void keepsTheParametersOfTheBestValidationEpoch() {
        EpochRecord best = trained.history().stream().max(Comparator.comparingDouble(EpochRecord::validationR)).orElseThrow();
        assertEquals(best.epoch(), trained.bestEpoch());
        // The returned parameters are that epoch's: recomputing validation r from predictions gives its r.
        assertEquals(best.validationR(), validationR(trained, subj01), 1e-5);
    }

    @Test
    void stopsEarlyWhenValidationStopsImproving() {
        Subject noise = PlantedSubject.generate("subj03", 3, 400, 0.0);
        FbnetModel m = new FbnetTrainer(NET, config(40, 2)).fit(List.of(noise));
        assertTrue(m.history().size() < 40, "no early stop: " + m.history().size() + " epochs");
        assertEquals(m.bestEpoch() + 2, m.history().size());
    }

    @Test
    void fineTuningStartsFromTheParentAndRecordsIt() {
        TrainerConfig oneEpoch = config(1, 1);
        FbnetModel parent = new FbnetTrainer(NET, oneEpoch).fit(List.of(subj01, subj02));
        float[] before = parent.parameters().toFloatVector();
        FbnetModel child = new FbnetTrainer(NET, oneEpoch).fit(List.of(subj02), parent);
        float[] after = child.parameters().toFloatVector();
        assertArrayEquals(before, parent.parameters().toFloatVector(), 0f, "the parent must be untouched");
        // Lion moves each parameter by at most lr * (1 + wd*|p|) per step: one epoch of 540 rows is 17 steps.
        int steps = (int) Math.ceil((600 - 60) / 32.0);
        double maxStep = 0;
        boolean moved = false;
        for (int i = 0; i < before.length; i++) {
            double d = Math.abs(after[i] - before[i]);
            maxStep = Math.max(maxStep, d / (steps * LION.learningRate() * (1 + LION.weightDecay() * Math.abs(before[i]) * 2)));
            moved |= d > 0;
        }
        assertTrue(moved);
        assertTrue(maxStep <= 1.0 + 1e-3, "moved further than Lion can in " + steps + " steps from the parent: " + maxStep);
        assertEquals(parent.describe(), child.parent());
        assertNull(parent.parent());
        assertEquals(List.of("subj02"), child.subjects());
    }

    @Test
    void predictionsAreDeterministicForASeedAndCanAverageNoiseDraws() {
        float[][] x = Arrays.copyOf(subj01.train().x(), 50);
        FbnetModel.Prediction a = trained.predict(x, "subj01", 1, 5), b = trained.predict(x, "subj01", 1, 5);
        FbnetModel.Prediction c = trained.predict(x, "subj01", 1, 6), avg = trained.predict(x, "subj01", 8, 5);
        assertTrue(Arrays.deepEquals(a.lh(), b.lh()) && Arrays.deepEquals(a.rh(), b.rh()));
        assertFalse(Arrays.deepEquals(a.lh(), c.lh()), "a different seed draws different noise");
        assertFalse(Arrays.deepEquals(a.lh(), avg.lh()));
        assertThrows(IllegalArgumentException.class, () -> trained.predict(x, "subj09"));
    }

    @Test
    void savedModelLoadsWithItsProvenanceAndPredictsIdentically(@TempDir java.nio.file.Path tmp) throws Exception {
        Path dir = new Path(tmp.resolve("models/fbnet").toUri());
        trained.save(dir, HadoopConf.create());
        assertTrue(Files.exists(tmp.resolve("models/fbnet/" + FbnetModel.GRAPH_FILE)));
        FbnetModel back = FbnetModel.load(dir, HadoopConf.create());
        float[][] x = Arrays.copyOf(subj01.train().x(), 40);
        assertTrue(Arrays.deepEquals(trained.predict(x, "subj01").lh(), back.predict(x, "subj01").lh()));
        assertTrue(Arrays.deepEquals(trained.predict(x, "subj01").rh(), back.predict(x, "subj01").rh()));
        assertEquals(trained.history(), back.history());
        assertEquals(trained.bestEpoch(), back.bestEpoch());
        assertEquals(trained.network(), back.network());
        assertEquals(trained.training(), back.training());
        Manifest m = Manifest.read(dir, HadoopConf.create());
        assertEquals(FbnetModel.KIND, m.kind());
        assertEquals(7, ((Number) m.get("seed")).intValue());
        assertEquals(trained.bestEpoch(), ((Number) m.get("bestEpoch")).intValue());
        assertTrue(back.origin().endsWith("models/fbnet"), back.origin());
    }

    @Test
    void rejectsSubjectsWhoseRowsDoNotLineUp() {
        Subject.Rows t = subj01.train();
        Subject.Rows shortLh = new Subject.Rows(t.rowIndex(), t.nsdId(), t.x(),
                new org.fbnet.data.PerHemisphere<>(Arrays.copyOf(t.latents().lh(), 10), t.latents().rh()), null);
        InputDataException e = assertThrows(InputDataException.class, () -> new Subject("subj07", shortLh, subj01.validation(),
                subj01.test(), subj01.decoders(), subj01.eigenvalues(), subj01.ceilings(), subj01.rois()));
        assertTrue(e.getMessage().contains("subj07") && e.getMessage().contains("lh"), e.getMessage());
        Subject wide = PlantedSubject.generate("subj08", 8, 100, 1.0);
        NetworkConfig other = new NetworkConfig(PlantedSubject.INPUT + 1, PlantedSubject.LH, PlantedSubject.RH, 2, 0.02, 0.002, 0.2, 0.01, NetworkConfig.Loss.RACING);
        InputDataException e2 = assertThrows(InputDataException.class, () -> new FbnetTrainer(other, config(1, 1)).fit(List.of(wide)));
        assertTrue(e2.getMessage().contains("subj08"), e2.getMessage());
    }
}
