package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbnet.testing.AlgonautsFixture;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestCommandTest extends SparkTestBase {
    @TempDir Path tmp;

    /** Runs the launcher, asserts its exit code, returns {stdout, stderr}. */
    static String[] captureRun(int expectedExit, String... argv) {
        FbnetRun r = FbnetRun.of(argv);
        assertEquals(expectedExit, r.code(), "exit code; stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        return new String[] {r.out(), r.err()};
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
    void badArgumentsAndBadSettingsAreUsageErrorsNamingWhatWasTyped() throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 1, 3, 2, 4, 5);
        String in = f.data.toString(), out = tmp.resolve("out").toString();
        assertEquals(List.of("fbnet ingest: missing required option --input DIR; see fbnet ingest --help"),
                FbnetRun.of("ingest", "--output", out).expect(ExitCode.USAGE).errorLines("ingest"));
        assertTrue(FbnetRun.of("ingest", "--input", in, "--output", out, "--set", "ingest.rows.per.tsk=3").expect(ExitCode.USAGE)
                .err().contains("--set ingest.rows.per.tsk: unknown key 'ingest.rows.per.tsk'"));
        assertTrue(FbnetRun.of("ingest", "--input", in, "--output", out, "--set", "ingest.image.verify=maybe").expect(ExitCode.USAGE)
                .err().contains("ingest.image.verify=maybe must be decode, header or none"));
        assertTrue(FbnetRun.of("ingest", "--input", in, "--output", out, "--subjects", "7").expect(ExitCode.USAGE)
                .err().contains("fbnet ingest: --subjects 7 [ingest.subjects] must list subject folder names like subj01"));
        assertTrue(FbnetRun.of("frobnicate").expect(ExitCode.USAGE).err().contains("unknown command 'frobnicate'"));
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void aTruthOrInputFolderThatDoesNotExistIsMissingInputNamingFlagAndPath() throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 1, 3, 2, 4, 5);
        String out = tmp.resolve("out").toString(), nowhere = tmp.resolve("no-truth-here").toString();
        // Before: the ingest succeeded and wrote a dataset without test fMRI or noise ceilings.
        assertEquals(List.of("fbnet ingest: --truth " + nowhere + ": no such file or directory"),
                FbnetRun.of("ingest", "--input", f.data.toString(), "--truth", nowhere, "--output", out)
                        .expect(ExitCode.NO_INPUT).errorLines("ingest"));
        assertEquals(List.of("fbnet ingest: --input " + nowhere + ": no such file or directory"),
                FbnetRun.of("ingest", "--input", nowhere, "--output", out).expect(ExitCode.NO_INPUT).errorLines("ingest"));
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void theLibraryRejectsAMissingTruthFolderToo() throws Exception {
        // The demo and other callers reach Ingest without the launcher's checks.
        AlgonautsFixture f = new AlgonautsFixture(tmp, 1, 3, 2, 4, 5);
        org.fbnet.data.MissingInputException e = org.junit.jupiter.api.Assertions.assertThrows(org.fbnet.data.MissingInputException.class,
                () -> IngestCommand.run(org.fbnet.config.Settings.defaults(), f.data.toString(), tmp.resolve("gone").toString(),
                        tmp.resolve("out").toString(), null));
        assertTrue(e.getMessage().contains("gone: truth folder not found"), e.getMessage());
    }

    @Test
    void anUnknownUriSchemeIsAUsageErrorListingTheSchemes() throws Exception {
        AlgonautsFixture f = new AlgonautsFixture(tmp, 1, 3, 2, 4, 5);
        List<String> lines = FbnetRun.of("ingest", "--input", f.data.toString(), "--output", "foo://x/out")
                .expect(ExitCode.USAGE).errorLines("ingest");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("fbnet ingest: --output foo://x/out: no FileSystem for scheme 'foo'; available schemes: "),
                lines.get(0));
        assertTrue(lines.get(0).contains(" file,") && lines.get(0).contains(" hdfs,"), lines.get(0));
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
