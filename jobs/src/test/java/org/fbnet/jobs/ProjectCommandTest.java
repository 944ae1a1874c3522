package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.fbnet.pca.PcaModel;
import org.fbnet.pca.ProjectFixture;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectCommandTest extends SparkTestBase {
    @TempDir java.nio.file.Path tmp;

    @Test
    void projectWritesModelsLatentsAndReportUnderTheDataRoot() throws Exception {
        DataRoot root = DataRoot.of(tmp.toUri().toString(), HadoopConf.create());
        ProjectFixture.subject(spark, root, "subj01", 0, true, 1);
        ProjectFixture.embeddings(spark, root, "clip", "tokens", List.of("subj01"), 200);
        int code = Fbnet.run(new String[] {"project", "--data", tmp.toUri().toString(), "--image-components", "6",
                "--fmri-components", "4", "--set", "pca.power.iterations=2", "--set", "pca.report.components=2"});
        assertEquals(0, code);
        assertEquals(6, PcaModel.load(root.current("pca/image/clip-tokens", "project"), HadoopConf.create()).components());
        assertEquals(4, PcaModel.load(new org.apache.hadoop.fs.Path(root.current(DataRoot.fmriPca("subj01"), "project"), "rh"),
                HadoopConf.create()).components());
        assertTrue(Files.exists(tmp.resolve("latents/subject=subj01/_current")));
        String csv = Files.readString(java.nio.file.Path.of(root.current(DataRoot.report("project"), "project").toUri().getPath(),
                "reconstruction.csv"));
        // default train.validation.fraction 0.05 of 60 training rows: 3 validation rows
        assertTrue(csv.contains("subj01,lh,4,3,") && csv.contains("subj01,rh,2,3,"), csv);
    }

    @Test
    void invalidSettingsExitWithUsageErrorBeforeAnyWork() {
        assertEquals(2, Fbnet.run(new String[] {"project", "--data", tmp.toUri().toString(), "--fmri-components", "0"}));
        assertEquals(2, Fbnet.run(new String[] {"project"}));
        assertTrue(!Files.exists(tmp.resolve("pca")));
    }
}
