package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.fbnet.compare.CompareFixture;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.train.FbnetModel;
import org.fbnet.train.TrainStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest extends SparkTestBase {
    @Test
    void pretrainsOnAllSubjectsAndFineTunesEachUnderModels(@TempDir java.nio.file.Path tmp) throws Exception {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        new CompareFixture(List.of("subj01", "subj02"), 60, 4, 5).write(spark, root, true);
        // The fixture has no group fMRI PCA (fbnet project makes one): pre-train in the subjects' own spaces.
        int rc = Fbnet.run(new String[] {"train", "--data", tmp.toString(), "--name", "run1", "--epochs", "2", "--set", "train.pretrain.targets=subject",
                "--set", "train.batch.size=16", "--set", "network.width.factor=2", "--set", "train.validation.fraction=0.2"});
        assertEquals(0, rc);
        FbnetModel parent = FbnetModel.load(root.current(DataRoot.model("run1", TrainStage.PRETRAINED), "train"), root.conf());
        assertEquals(List.of("subj01", "subj02"), parent.subjects());
        for (String s : List.of("subj01", "subj02")) {
            FbnetModel child = FbnetModel.load(root.current(DataRoot.model("run1", s), "train"), root.conf());
            assertEquals(List.of(s), child.subjects());
            assertEquals(parent.origin(), child.parent(), "the fine-tuned model records its parent's version");
            assertTrue(child.bestEpoch() >= 1 && child.history().size() <= 2);
            assertEquals(CompareFixture.LATENT, child.network().lhSize());
        }
    }

    @Test
    void missingPcaModelsAreReportedAsBadInput(@TempDir java.nio.file.Path tmp) throws Exception {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        new CompareFixture(List.of("subj01"), 30, 2, 6).write(spark, root, true);
        org.apache.hadoop.fs.FileSystem fs = root.root().getFileSystem(root.conf());
        // The PCA version the latents were made with is gone (deleted by hand, or pruned).
        fs.delete(root.current(DataRoot.fmriPca("subj01"), "project"), true);
        FbnetRun run = FbnetRun.of("train", "--data", tmp.toString(), "--epochs", "1").expect(ExitCode.DATA);
        List<String> lines = run.errorLines("train");
        assertEquals(1, lines.size(), run.err());
        assertTrue(run.err().contains("train/subj01: ") && run.err().contains("pca/fmri/subj01") && run.err().contains("no such published version"),
                run.err());
    }
}
