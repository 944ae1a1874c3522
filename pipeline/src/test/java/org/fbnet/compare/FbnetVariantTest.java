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
import org.fbnet.train.EpochRecord;
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
        SubjectData data = SubjectData.load(spark, root, "subj01", 0.1);
        Settings s = small().with("train.epochs", "8");
        Variant.Result r = FbnetVariant.fbnet(s).fit(data, 3);
        EpochRecord best = r.curve().stream().max(java.util.Comparator.comparingDouble(EpochRecord::validationR)).orElseThrow();
        org.fbnet.eval.EvaluationReport rep = org.fbnet.eval.EvaluationReport.of("fbnet", List.of(
                org.fbnet.eval.VertexAccuracy.of("subj01", "lh", r.validationLh(), data.validation().lh(), data.lhCeiling()),
                org.fbnet.eval.VertexAccuracy.of("subj01", "rh", r.validationRh(), data.validation().rh(), data.rhCeiling())),
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
        Settings s = small().with(CompareConfig.SEEDS, "1");
        CompareConfig config = CompareConfig.from(s);
        Comparison.Outcome out = new Comparison(config, Variants.available(s, config)).run(spark, root);
        List<ComparisonTable.Row> rows = out.table().rows();
        assertEquals(List.of("fbnet", "no-leak", "mse", "ridge"), rows.stream().map(ComparisonTable.Row::variant).toList());
        assertNotEquals(rows.get(0).valR(), rows.get(1).valR(), "alpha = 0 trains a different model");
        assertNotEquals(rows.get(0).valR(), rows.get(2).valR(), "the MSE loss trains a different model");
        for (ComparisonTable.Row row : rows) assertTrue(row.testR() != null && Double.isFinite(row.testR()), row.toString());
        assertTrue(out.report().getFileSystem(root.conf()).exists(new org.apache.hadoop.fs.Path(out.report(), "training_curves_subj02.png")));
    }
}
