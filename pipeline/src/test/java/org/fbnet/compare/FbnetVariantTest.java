package org.fbnet.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fbnet.config.Settings;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.eval.EpochRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FbnetVariantTest extends SparkTestBase {
    private static Settings small() {
        return Settings.defaults().with("network.width.factor", "2").with("train.epochs", "4").with("train.batch.size", "16")
                .with("train.lion.learning.rate", "3e-3").with("train.validation.fraction", "0.1").with("eval.ridge.folds", "3");
    }

    /**
     * The comparison's own validation scoring (rows loaded from Parquet, split, decoded with the saved
     * fMRI PCA) must reproduce the trainer's best-epoch validation r and score, computed inside the
     * trainer from the rows it was handed: a check that rows, hemispheres, decoders and ceilings line up.
     */
    @Test
    void validationScoresAgreeWithTheTrainersOwnBestEpoch(@TempDir java.nio.file.Path tmp) throws Exception {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        new CompareFixture(List.of("subj01"), 80, 5, 21).write(spark, root, true);
        org.fbnet.subject.SubjectLoader loader = new org.fbnet.subject.SubjectLoader(spark, root, 0.1);
        org.fbnet.subject.Subject data = loader.load("subj01");
        Settings s = small().with("train.epochs", "8");
        Variant.Result r = FbnetVariant.noPretrain(s).fit(data, h -> loader.trainingVertices("subj01", h), 3);
        EpochRecord best = r.curve().stream().max(java.util.Comparator.comparingDouble(EpochRecord::validationR)).orElseThrow();
        org.fbnet.eval.EvaluationReport rep = org.fbnet.eval.EvaluationReport.of("fbnet", List.of(
                org.fbnet.eval.VertexAccuracy.of("subj01", "lh", r.validationLh(), data.validation().vertices().lh(), data.ceilings().lh()),
                org.fbnet.eval.VertexAccuracy.of("subj01", "rh", r.validationRh(), data.validation().vertices().rh(), data.ceilings().rh())),
                org.fbnet.eval.RoiAtlas.empty());
        assertEquals(best.validationR(), rep.overall().meanR(), 1e-5);
        assertEquals(best.validationScore(), rep.overall().meanScore(), 1e-3);
        assertEquals(5, r.testLh().length);
        assertEquals(CompareFixture.RH, r.testRh()[0].length);
        assertTrue(best.validationR() > 0.2, "a planted linear map is learnable in 8 epochs: r " + best.validationR());
    }

    @Test
    void theAblationsChangeTheModelAndAllVariantsRunInOneComparison(@TempDir java.nio.file.Path tmp) throws Exception {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        new CompareFixture(List.of("subj02"), 60, 4, 8).write(spark, root, true);
        Settings s = small().with(CompareConfig.SEEDS, "1").with(CompareConfig.VARIANTS, "no-pretrain,no-leak,mse,ridge");
        CompareConfig config = CompareConfig.from(s);
        Comparison.Outcome out = ComparisonTest.compare(root, config, Variants.available(s, config, root));
        List<ComparisonTable.Row> rows = out.table().rows();
        assertEquals(List.of("no-pretrain", "no-leak", "mse", "ridge"), rows.stream().map(ComparisonTable.Row::variant).toList());
        assertNotEquals(rows.get(0).valR(), rows.get(1).valR(), "alpha = 0 trains a different model");
        assertNotEquals(rows.get(0).valR(), rows.get(2).valR(), "the MSE loss trains a different model");
        for (ComparisonTable.Row row : rows) assertTrue(row.testR() != null && Double.isFinite(row.testR()), row.toString());
        assertTrue(out.report().getFileSystem(root.conf()).exists(new org.apache.hadoop.fs.Path(out.report(), "training_curves_subj02.png")));
    }

    /** compare scores the models train published: its fbnet row is exactly the published fine-tuned models' validation. */
    @Test
    void theFbnetVariantScoresThePublishedFineTunedModels(@TempDir java.nio.file.Path tmp) throws Exception {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        new CompareFixture(List.of("subj01", "subj02"), 60, 4, 3).write(spark, root, true);
        // The fixture has no group fMRI PCA (fbnet project would make one): pre-train in the subjects' own spaces.
        Settings s = small().with(CompareConfig.VARIANTS, "fbnet,ridge").with("train.pretrain.targets", "subject");
        org.fbnet.testing.StageRunner.run(root, s, org.fbnet.train.TrainStage.pretrain(), org.fbnet.train.TrainStage.finetune());
        CompareConfig config = CompareConfig.from(s);
        Comparison c = new Comparison(config, s, Variants.available(s, config, root));
        org.fbnet.testing.StageRunner.run(root, s, c);
        ComparisonTable.Row fbnet = c.lastOutcome().table().rows().get(0);
        assertEquals("fbnet", fbnet.variant());
        double rSum = 0;
        long n = 0;
        for (String subj : List.of("subj01", "subj02")) {
            org.fbnet.store.Version v = root.versioned(DataRoot.model("fbnet", subj)).current().orElseThrow();
            org.fbnet.train.FbnetModel m = org.fbnet.train.FbnetModel.load(v.path(), root.conf());
            assertTrue(m.parent() != null && m.parent().contains("pretrained/v="), "fine-tuned from a pre-trained version: " + m.parent());
            int vertices = CompareFixture.LH + CompareFixture.RH;
            rSum += m.best().validationR() * vertices;
            n += vertices;
        }
        assertEquals(rSum / n, fbnet.valR(), 1e-5, "pooled over both subjects' vertices");
        // The comparison names the model versions it scored among its inputs.
        org.fbnet.provenance.Manifest m = root.versioned(DataRoot.report("compare")).current().orElseThrow().manifest();
        assertTrue(m.input(DataRoot.model("fbnet", "subj01")) != null, m.inputs().toString());
    }
}
