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
        assertEquals(List.of("fbnet project: --fmri-components 0 [pca.fmri.components] must be >= 1; set it to the number of principal components to keep"),
                FbnetRun.of("project", "--data", tmp.toUri().toString(), "--fmri-components", "0").expect(ExitCode.USAGE).errorLines("project"));
        assertEquals(List.of("fbnet project: missing required option --data URI; see fbnet project --help"),
                FbnetRun.of("project").expect(ExitCode.USAGE).errorLines("project"));
        assertTrue(!Files.exists(tmp.resolve("pca")));
    }

    @Test
    void severalEmbeddingsAreOneDataErrorPrintedOnce() throws Exception {
        DataRoot root = DataRoot.of(tmp.toUri().toString(), HadoopConf.create());
        ProjectFixture.subject(spark, root, "subj01", 0, true, 1);
        ProjectFixture.embeddings(spark, root, "clip", "tokens", List.of("subj01"), 20);
        ProjectFixture.embeddings(spark, root, "clip", "pooled", List.of("subj01"), 8);
        FbnetRun r = FbnetRun.of("project", "--data", tmp.toUri().toString()).expect(ExitCode.DATA);
        assertEquals(1, r.err().lines().filter(l -> l.contains("several embeddings")).count(), r.err());
        assertTrue(r.err().contains("several embeddings (clip/pooled, clip/tokens); choose one with pca.image.embeddings=MODEL/FEATURE"), r.err());
    }

    @Test
    void withItsDefaultsOnASmallDatasetProjectNamesTheFlagAndTheLargestValueThatWorks() throws Exception {
        // A new user's first dataset, through the real stages: 120 training images, fewer than the 300 default components.
        String data = tmp.resolve("data").toString(), out = tmp.resolve("out").toString();
        FbnetRun.of("synth", "--out", data, "--preset", "small", "--subjects", "1").expect(ExitCode.OK);
        FbnetRun.of("ingest", "--input", data, "--output", out).expect(ExitCode.OK);
        FbnetRun.of("embed", "--data", out).expect(ExitCode.OK);
        List<String> lines = FbnetRun.of("project", "--data", out).expect(ExitCode.DATA).errorLines("project");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith(": 300 components requested but the data has only 120 rows x 1088 columns; "
                + "set --image-components N (pca.image.components) to at most min(rows, columns) = 120"), lines.get(0));
        assertTrue(!Files.exists(tmp.resolve("out/pca/image")), "nothing fitted");
        // The advice works as given.
        FbnetRun.of("project", "--data", out, "--image-components", "120").expect(ExitCode.OK);
        DataRoot root = DataRoot.of(out, HadoopConf.create());
        try (var models = Files.list(tmp.resolve("out/pca/image"))) {
            String id = "pca/image/" + models.findFirst().orElseThrow().getFileName();
            assertEquals(120, PcaModel.load(root.current(id, "project"), root.conf()).components());
        }
    }
}
