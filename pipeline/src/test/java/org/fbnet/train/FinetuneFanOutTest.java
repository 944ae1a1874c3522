package org.fbnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.fbnet.compare.CompareFixture;
import org.fbnet.config.Settings;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Pipeline;
import org.fbnet.stage.StageContext;
import org.fbnet.stage.UnitResult;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.Version;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.testing.StageRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tunes run at once, one Spark job per subject; one subject's failure fails only itself. */
class FinetuneFanOutTest extends SparkTestBase {
    private static final Settings S = Settings.defaults().with("network.width.factor", "1").with("train.epochs", "2")
            .with("train.batch.size", "16").with("train.validation.fraction", "0.1").with("train.pretrain.targets", "subject");

    @Test
    void aSubjectThatFailsFailsOnlyItselfAndTheOthersPublish(@TempDir java.nio.file.Path tmp) throws Exception {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        List<String> subjects = List.of("subj01", "subj02", "subj03");
        new CompareFixture(subjects, 60, 4, 11).write(spark, root, true);
        StageRunner.run(root, S, TrainStage.pretrain());
        // subj02's latents become NaN (a corrupted projection): its training diverges.
        Version lat = root.versioned("latents/subject=subj02").current().orElseThrow();
        List<Row> rows = new ArrayList<>();
        for (Row r : spark.read().parquet(lat.path().toString()).collectAsList()) {
            List<Float> x = new ArrayList<>();
            for (int i = 0; i < r.getList(r.fieldIndex("x")).size(); i++) x.add(Float.NaN);
            rows.add(RowFactory.create(r.getAs("split"), r.getAs("row_index"), r.getAs("nsd_id"), x,
                    r.getList(r.fieldIndex("lh")), r.getList(r.fieldIndex("rh"))));
        }
        Manifest m = lat.manifest();
        root.versioned("latents/subject=subj02").publish(Manifest.of("latents", 1).withUnit("test/corrupt", "nan").withInputs(m.inputs()),
                (dir, man) -> {
                    spark.createDataFrame(rows, org.fbnet.testing.Published.withoutSubject(Datasets.LATENTS)).coalesce(1).write().mode("overwrite").parquet(dir.toString());
                    return man;
                });

        Pipeline.Report r = new Pipeline(List.of(TrainStage.finetune()))
                .run(() -> new StageContext(root, S, () -> spark, true), line -> { });
        Map<String, UnitResult.Status> status = new java.util.TreeMap<>();
        for (UnitResult u : r.results()) status.put(u.unit().id(), u.status());
        assertEquals(Map.of("finetune/subj01", UnitResult.Status.PUBLISHED, "finetune/subj02", UnitResult.Status.FAILED,
                "finetune/subj03", UnitResult.Status.PUBLISHED), status, r.results().toString());
        UnitResult failed = r.failures().get(0);
        assertTrue(failed.summary().contains("diverged") || failed.summary().contains("finite validation r"), failed.summary());
        for (String s : List.of("subj01", "subj03")) {
            assertTrue(root.versioned(DataRoot.model("fbnet", s)).current().isPresent(), s);
        }
        assertTrue(root.versioned(DataRoot.model("fbnet", "subj02")).current().isEmpty(), "nothing published for the failed subject");
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("models/fbnet/subj01/_progress")), "progress files are removed");
    }
}
