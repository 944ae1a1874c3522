package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.RunLock;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fbnet run} as a scheduler uses it: incremental when a subject arrives, one run at a time, status. */
class RunCommandTest extends SparkTestBase {
    private static final String[] SMALL = {
        "--set", "synth.train=60", "--set", "synth.test=8", "--set", "synth.lh=60", "--set", "synth.rh=70", "--set", "synth.image.size=32",
        "--set", "clip.random.hidden.size=32", "--set", "clip.random.layers=1", "--set", "clip.random.heads=2",
        "--set", "clip.random.image.size=32", "--set", "clip.random.patch.size=16",
        "--set", "pca.image.components=20", "--set", "pca.fmri.components=8", "--set", "pca.power.iterations=2",
        "--set", "train.epochs=2", "--set", "train.batch.size=16", "--set", "train.validation.fraction=0.1",
        "--set", "network.width.factor=1", "--set", "eval.compare.variants=fbnet,ridge", "--set", "eval.ridge.folds=3"};

    private static String[] args(String... head) {
        List<String> a = new ArrayList<>(List.of(head));
        a.addAll(List.of(SMALL));
        return a.toArray(String[]::new);
    }

    /** The unit ids a run's output says it published. */
    private static Set<String> published(FbnetRun r) {
        Set<String> out = new TreeSet<>();
        r.out().lines().filter(l -> l.startsWith("  published  ")).forEach(l -> out.add(l.substring(13).trim().split("\\s+")[0]));
        return out;
    }

    @Test
    void aNewSubjectIsProcessedAloneAndGlobalUnitsAreKeptByPolicy(@TempDir Path dir) throws Exception {
        String data = dir.resolve("data").toString(), out = dir.resolve("out").toString();
        FbnetRun.of(args("synth", "--out", data, "--subjects", "2")).expect(ExitCode.OK);
        FbnetRun first = FbnetRun.of(args("run", "--input", data, "--truth", data + "/truth", "--output", out)).expect(ExitCode.OK);
        assertEquals(21, published(first).size(), first.out());

        // A third subject's scans arrive (synth keeps the first two as they are: same settings, same files).
        FbnetRun.of(args("synth", "--out", data, "--subjects", "3")).expect(ExitCode.OK);
        FbnetRun second = FbnetRun.of(args("run", "--input", data, "--truth", data + "/truth", "--output", out)).expect(ExitCode.OK);
        assertEquals(Set.of("ingest/subj03/images", "ingest/subj03/fmri", "ingest/subj03/rois", "ingest/subj03/vertices", "embed/subj03",
                "project/pca-fmri/subj03", "project/latents/subj03", "project/report", "finetune/subj03", "compare"), published(second), second.out());
        // The image PCA, the group PCA and pre-training are kept (conf/run.properties): subj03 is seen through them.
        for (String kept : List.of("project/pca-image", "project/pca-fmri/group", "pretrain")) {
            assertTrue(second.out().matches("(?s).*unchanged +" + kept + " +kept: 1 new subject\\(s\\).*"), kept + "\n" + second.out());
        }
        // The new subject was fine-tuned from the pre-trained network the others were.
        DataRoot root = DataRoot.of(out, HadoopConf.create());
        String parent = root.versioned("models/fbnet/pretrained").current().orElseThrow().id();
        for (String s : List.of("subj01", "subj02", "subj03")) {
            assertEquals(parent, root.versioned("models/fbnet/" + s).current().orElseThrow().manifest().input("models/fbnet/pretrained").version(), s);
        }

        // Nothing new: nothing runs. status shows every subject's model.
        FbnetRun third = FbnetRun.of(args("run", "--input", data, "--truth", data + "/truth", "--output", out)).expect(ExitCode.OK);
        assertEquals(Set.of(), published(third), third.out());
        FbnetRun status = FbnetRun.of("status", "--output", out, "--json").expect(ExitCode.OK);
        for (String s : List.of("subj01", "subj02", "subj03")) assertTrue(status.out().contains("\"output\" : \"models/fbnet/" + s + "\""), status.out());
        assertTrue(status.out().contains("\"lock\" : null"), "the run released its lock: " + status.out());
        assertFalse(Files.exists(dir.resolve("out/_lock")));
    }

    @Test
    void aSecondRunIsRefusedNamingTheHolderAndAStaleLockIsBroken(@TempDir Path dir) throws Exception {
        String data = dir.resolve("data").toString(), out = dir.resolve("out").toString();
        DataRoot root = DataRoot.of(out, HadoopConf.create());
        FbnetRun.of(args("synth", "--out", data, "--subjects", "1")).expect(ExitCode.OK);
        try (RunLock held = RunLock.acquire(root, "fbnet run (another scheduler)", Duration.ofMinutes(30))) {
            FbnetRun refused = FbnetRun.of(args("run", "--input", data, "--output", out, "--dry-run"));
            // A dry run writes nothing and takes no lock.
            refused.expect(ExitCode.OK);
            FbnetRun locked = FbnetRun.of(args("run", "--input", data, "--output", out)).expect(ExitCode.LOCKED);
            List<String> lines = locked.errorLines("run");
            assertEquals(1, lines.size(), locked.err());
            assertTrue(lines.get(0).contains("locked by another run") && lines.get(0).contains(held.runId())
                    && lines.get(0).contains("--break-lock"), lines.get(0));
        }
        // A lock whose holder stopped refreshing it long ago (a killed run) is taken over.
        Path lock = dir.resolve("out/_lock");
        Files.writeString(lock, "{\"run\":\"dead-run\"}");
        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - Duration.ofHours(2).toMillis()));
        FbnetRun takeover = FbnetRun.of(args("run", "--input", data, "--output", out, "--set", "eval.compare.variants=ridge"));
        takeover.expect(ExitCode.OK);
        assertFalse(Files.exists(lock), "released after the run");
        // A fresh lock of a run that died is removed by --break-lock.
        Files.writeString(lock, "{\"run\":\"crashed-just-now\"}");
        FbnetRun broken = FbnetRun.of(args("run", "--input", data, "--output", out, "--break-lock", "--set", "eval.compare.variants=ridge"))
                .expect(ExitCode.OK);
        assertTrue(broken.out().contains("removed the lock of {\"run\":\"crashed-just-now\"}"), broken.out());
    }
}
