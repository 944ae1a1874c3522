package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's exit codes and one-line failure reports, each produced by a real command line. */
class FbnetTest extends SparkTestBase {
    @TempDir Path tmp;

    @Test
    void theOverviewDocumentsEveryExitCode() {
        String help = FbnetRun.of("--help").expect(ExitCode.OK).out();
        for (ExitCode c : ExitCode.values()) assertTrue(help.contains(String.format("  %-3d %s", c.code, c.meaning)), help);
        assertTrue(FbnetRun.of().expect(ExitCode.USAGE).err().contains("exit codes"));
        assertEquals(List.of(0, 64, 65, 66, 70, 74, 75), java.util.Arrays.stream(ExitCode.values()).map(c -> c.code).toList(),
                "sysexits.h: EX_OK, EX_USAGE, EX_DATAERR, EX_NOINPUT, EX_SOFTWARE, EX_IOERR, EX_TEMPFAIL");
    }

    @Test
    void anUnknownOptionIsOneUsageLineWithTheCommandNamedOnce() {
        FbnetRun r = FbnetRun.of("train", "--data", tmp.toString(), "--bogus", "x").expect(ExitCode.USAGE);
        assertEquals("fbnet train: unknown option '--bogus'; see fbnet train --help", r.err().strip());
        assertTrue(FbnetRun.of("train", "--data").expect(ExitCode.USAGE).err().contains("fbnet train: --data needs a value"));
        assertTrue(FbnetRun.of("train", "--data", tmp.toString(), "--set", "epochs").expect(ExitCode.USAGE).err()
                .contains("fbnet train: --set epochs: expected --set key=value"));
        // The benchmarks are a module of their own, not on this class path (nor in the spark-submit jar).
        assertTrue(FbnetRun.of("bench", "nonsense").expect(ExitCode.USAGE).err().contains("the benchmarks are not in this build"));
    }

    @Test
    void aBadFlagValueNamesTheFlagAsTypedAndTheKeyItSets() {
        // Before: "--set train.epochs: train.epochs=-3 must be >= 1" for a user who typed --epochs.
        assertEquals(List.of("fbnet train: --epochs -3 [train.epochs] must be >= 1"),
                FbnetRun.of("train", "--data", tmp.toString(), "--epochs", "-3").expect(ExitCode.USAGE).errorLines("train"));
        assertEquals(List.of("fbnet train: --epochs many [train.epochs] must be an integer"),
                FbnetRun.of("train", "--data", tmp.toString(), "--epochs=many").expect(ExitCode.USAGE).errorLines("train"));
        // A later --set of the same key is what counts, and is named as such.
        assertEquals(List.of("fbnet train: --set train.epochs: train.epochs=0 must be >= 1"),
                FbnetRun.of("train", "--data", tmp.toString(), "--epochs", "3", "--set", "train.epochs=0").expect(ExitCode.USAGE)
                        .errorLines("train"));
    }

    @Test
    void aMissingConfFileIsMissingInputAndABadOneAUsageError() throws Exception {
        String absent = tmp.resolve("absent.properties").toString();
        assertEquals(List.of("fbnet train: --conf " + absent + ": no such file or directory"),
                FbnetRun.of("train", "--data", tmp.toString(), "--conf", absent).expect(ExitCode.NO_INPUT).errorLines("train"));
        Path bad = Files.writeString(tmp.resolve("bad.properties"), "train.epohcs=3\n");
        assertTrue(FbnetRun.of("train", "--data", tmp.toString(), "--conf", bad.toString()).expect(ExitCode.USAGE).err()
                .contains(bad + ":1: unknown key 'train.epohcs'"));
    }

    @Test
    void anUnknownUriSchemeIsAUsageErrorNamingTheFlag() {
        for (String command : List.of("embed", "project", "train", "compare")) {
            List<String> lines = FbnetRun.of(command, "--data", "foo://x").expect(ExitCode.USAGE).errorLines(command);
            assertEquals(1, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("fbnet " + command + ": --data foo://x: no FileSystem for scheme 'foo'; available schemes: file,"),
                    lines.get(0));
        }
        // Known to Hadoop's defaults, but its jar (hadoop-aws) is not on this class path.
        assertTrue(FbnetRun.of("synth", "--out", "s3a://bucket/data").expect(ExitCode.USAGE).err()
                .contains("fbnet synth: --out s3a://bucket/data: the FileSystem for scheme 's3a' is not on the class path"));
    }

    @Test
    void aDataRootThatDoesNotExistIsMissingInput() {
        String absent = tmp.resolve("never-ingested").toString();
        assertEquals(List.of("fbnet project: --data " + absent + ": no such file or directory"),
                FbnetRun.of("project", "--data", absent).expect(ExitCode.NO_INPUT).errorLines("project"));
    }

    @Test
    void storageThatCannotBeWrittenIsAnIoError() throws Exception {
        // A regular file where the output's parent folder should be: a real storage failure, no permissions needed.
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        FbnetRun r = FbnetRun.of("synth", "--out", file.resolve("data").toString(), "--preset", "small", "--subjects", "1")
                .expect(ExitCode.IO);
        List<String> lines = r.errorLines("synth");
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("fbnet synth: I/O error: ") && lines.get(0).contains(file.toString()), lines.get(0));
        assertStackTraceFileNamedIn(lines.get(0));
    }

    @Test
    void anInternalErrorIsOneLineWithTheCauseItsPlaceAndTheStackTraceFile() throws Exception {
        // A bug cannot be provoked on purpose through the real commands, so one command here has one.
        Command buggy = new Command() {
            @Override public String name() { return "buggy"; }
            @Override public String summary() { return "fails with a bug"; }
            @Override public List<Flag> flags() { return List.of(); }
            @Override public int run(CliArgs args) {
                throw new IllegalStateException("wrapped", new NullPointerException("the cause\nsecond line"));
            }
        };
        List<Command> commands = new ArrayList<>(Fbnet.commands());
        commands.add(buggy);
        FbnetRun r = FbnetRun.of(commands, "buggy").expect(ExitCode.INTERNAL);
        assertEquals(1, r.err().lines().count(), r.err());
        String line = r.err().strip();
        assertTrue(line.startsWith("fbnet buggy: internal error: java.lang.NullPointerException: the cause at org.fbnet.jobs.FbnetTest$1.run(FbnetTest.java:"),
                line);
        assertFalse(line.contains("second line"), line);
        String trace = assertStackTraceFileNamedIn(line);
        assertTrue(trace.contains("java.lang.IllegalStateException: wrapped") && trace.contains("Caused by: java.lang.NullPointerException"), trace);
    }

    @Test
    void dataErrorsFoundInsideAWrappingExceptionKeepTheirCodeAndMessage() {
        // What a Spark job's failure looks like on the driver: the task's exception as the cause.
        Exception sparkLike = new RuntimeException("Job aborted due to stage failure: ...\n\tat ...",
                new org.fbnet.data.InputDataException("subj01: lh_training_fmri.npy: 3 NaN values"));
        ExitCode.Classified k = ExitCode.of(sparkLike);
        assertEquals(ExitCode.DATA, k.code());
        assertEquals("subj01: lh_training_fmri.npy: 3 NaN values", k.cause().getMessage());
        assertEquals(ExitCode.NO_INPUT, ExitCode.of(new java.io.UncheckedIOException(new java.io.IOException(
                new org.fbnet.data.MissingInputException("x")))).code());
        assertEquals(ExitCode.IO, ExitCode.of(new java.io.UncheckedIOException(new java.io.IOException("disk full"))).code());
    }

    /** The file the report line names exists and holds the stack trace; returns its text. */
    private static String assertStackTraceFileNamedIn(String line) throws Exception {
        Matcher m = Pattern.compile("stack trace in (\\S+) \\(FBNET_DEBUG=1 prints it here\\)").matcher(line);
        assertTrue(m.find(), line);
        Path file = Path.of(m.group(1));
        String trace = Files.readString(file);
        Files.delete(file);
        assertTrue(trace.contains("\tat "), trace);
        return trace;
    }
}
