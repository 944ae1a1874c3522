package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.fbnet.compare.CompareFixture;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest extends SparkTestBase {
    @Test
    void compareWritesTheTableAndTheSubmissionUnderTheOutputRoot(@TempDir java.nio.file.Path tmp) throws Exception {
        DataRoot root = DataRoot.of(tmp.toString(), HadoopConf.create());
        new CompareFixture(List.of("subj01"), 40, 4, 3).write(spark, root, true);
        int rc = Fbnet.run(new String[] {"compare", "--data", tmp.toString(), "--variants", "ridge", "--report", "cmp",
                "--set", "eval.ridge.folds=3"});
        assertEquals(0, rc);
        java.nio.file.Path report = java.nio.file.Path.of(root.current(DataRoot.report("cmp"), "compare").toUri().getPath());
        for (String f : List.of("comparison.csv", "comparison.md", "comparison.json", "roi_subj01.png", "submission.zip",
                "submission/subj01/lh_pred_test.npy", "_manifest.json")) {
            assertTrue(Files.exists(report.resolve(f)), f);
        }
        String csv = Files.readString(report.resolve("comparison.csv"));
        assertTrue(csv.startsWith("variant,seed,val_score,val_r,test_score,test_r") && csv.contains("\nridge,-,"), csv);
    }

    @Test
    void anUnknownVariantExitsWithAUsageErrorListingTheAvailableOnes(@TempDir java.nio.file.Path tmp) {
        List<String> lines = FbnetRun.of("compare", "--data", tmp.toString(), "--variants", "ridge,nonsense")
                .expect(ExitCode.USAGE).errorLines("compare");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("variant 'nonsense' is not available") && lines.get(0).contains("ridge"), lines.get(0));
    }
}
