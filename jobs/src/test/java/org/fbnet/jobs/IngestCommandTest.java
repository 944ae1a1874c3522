package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.fbnet.testing.AlgonautsFixture;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestCommandTest extends SparkTestBase {
    @TempDir Path tmp;

    static String[] captureRun(int expectedExit, String... argv) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Fbnet.run(argv);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String so = o.toString(StandardCharsets.UTF_8), se = e.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, code, "exit code; stdout:\n" + so + "\nstderr:\n" + se);
        return new String[] {so, se};
    }

    @Test
    void ingestsAFolderAndSaysWhereTheOutputsWent() throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 1, 3, 2, 4, 5);
        String out = tmp.resolve("out").toString();
        String[] r = captureRun(0, "ingest", "--input", f.data.toString(), "--truth", f.truth.toString(), "--output", out,
                "--set", "ingest.rows.per.task=1");
        assertTrue(r[0].matches("(?s).*published +ingest/subj01/fmri +5 rows -> v=.*"), r[0]);
        assertTrue(r[0].contains("4 published, 0 unchanged, 0 failed under " + out), r[0]);
        assertEquals(5, spark.read().parquet(org.fbnet.store.DataRoot.of(out, org.fbnet.store.HadoopConf.create())
                .current("fmri/subject=subj01", "ingest").toString()).count());
        String[] again = captureRun(0, "ingest", "--input", f.data.toString(), "--truth", f.truth.toString(), "--output", out);
        assertTrue(again[0].matches("(?s).*unchanged +ingest/subj01/fmri +up to date.*"), again[0]);
        assertTrue(again[0].contains("0 published, 4 unchanged"), again[0]);
    }

    @Test
    void badArgumentsAndBadSettingsExitWithAClearMessage() {
        assertTrue(captureRun(2, "ingest", "--output", "x")[1].contains("missing required option --input"));
        assertTrue(captureRun(2, "ingest", "--input", "a", "--output", "b", "--set", "ingest.rows.per.tsk=3")[1]
                .contains("unknown key 'ingest.rows.per.tsk'"));
        assertTrue(captureRun(2, "ingest", "--input", "a", "--output", "b", "--set", "ingest.image.verify=maybe")[1]
                .contains("ingest.image.verify=maybe must be decode, header or none"));
        assertTrue(captureRun(2, "ingest", "--input", tmp.resolve("nothing").toString(), "--output", "b")[1]
                .contains("dataset folder not found"));
        assertTrue(captureRun(2, "frobnicate")[1].contains("unknown command 'frobnicate'"));
    }

    @Test
    void helpListsFlagsWithTheirDefaultsFromConf() {
        String help = captureRun(0, "ingest", "--help")[0];
        assertTrue(help.contains("--subjects LIST"), help);
        assertTrue(help.contains("ingest.subjects, default: unset"), help);
        assertTrue(help.contains("--input DIR"), help);
        String all = captureRun(0, "--help")[0];
        assertTrue(all.contains("ingest") && all.contains("demo"), all);
    }
}
