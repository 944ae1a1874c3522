package org.fbnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fbnet.compare.CompareFixture;
import org.fbnet.config.Settings;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.testing.StageRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pre-training stage runs on the engine pretrain.engine names, and its checkpoint says which and on what rows. */
class PretrainEngineTest extends SparkTestBase {
    private static final Settings S = Settings.defaults().with("network.width.factor", "1").with("train.epochs", "2")
            .with("train.batch.size", "16").with("train.validation.fraction", "0.1").with("train.pretrain.targets", "subject")
            .with("pretrain.averaging.frequency", "2");

    private static Manifest pretrain(java.nio.file.Path dir, Settings s) throws Exception {
        DataRoot root = DataRoot.of(dir.toString(), HadoopConf.create());
        new CompareFixture(List.of("subj01", "subj02"), 60, 4, 11).write(spark, root, true);
        StageRunner.run(root, s, TrainStage.pretrain());
        return root.versioned(DataRoot.model("fbnet", "pretrained")).current().orElseThrow().manifest();
    }

    @Test
    void sparkAveragesAcrossTheLocalCoresAndTheCheckpointRecordsHowAndOnWhat(@TempDir java.nio.file.Path tmp) throws Exception {
        Manifest m = pretrain(tmp, S.with("pretrain.engine", "spark"));
        String runner = (String) m.get("runner");
        assertTrue(runner.startsWith("dl4j-spark parameter averaging") && runner.contains("every 2 minibatches"), runner);
        // The averaging settings are part of what the unit was made with.
        assertEquals("2", m.settings().get("pretrain.averaging.frequency"), m.settings().toString());
        // 60 rows per subject, the first 10% (6) held out for validation.
        assertEquals(Map.of("training", 54, "validation", 6), ((Map<?, ?>) m.get("rows")).get("subj02"));
        assertEquals(2, ((Number) m.get("epochsRun")).intValue());
    }

    @Test
    void autoStepsInTheDriverOnTheEmbeddedLocalSpark(@TempDir java.nio.file.Path tmp) throws Exception {
        Manifest m = pretrain(tmp, S);
        assertEquals("local", m.get("runner"));
        assertEquals(2, ((Number) m.get("epochsRun")).intValue());
    }
}
