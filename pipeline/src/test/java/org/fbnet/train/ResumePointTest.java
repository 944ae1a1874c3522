package org.fbnet.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.lang3.SerializationUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.eval.EpochRecord;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.SerializableHadoopConf;
import org.fbnet.store.Version;
import org.fbnet.store.VersionedDir;
import org.fbnet.subject.Subject;
import org.fbnet.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pre-training unit killed midway resumes after its last completed epoch and ends exactly where an
 * uninterrupted run of the unit ends; a resume point of other settings is not used.
 * <p>The kill is real: {@link #main} runs the serialized unit in a child JVM, which announces the end of
 * epoch {@value #KILLED_IN}'s training steps (before that epoch is saved) and waits there; this JVM then
 * kills it with SIGKILL (no finally block, no shutdown hook), so epoch {@value #KILLED_IN}'s work is lost
 * and the resume point holds epoch {@value #KILLED_IN} - 1.
 */
class ResumePointTest {
    static final int EPOCHS = 6, KILLED_IN = 4;
    static final String TRAINED = "TRAINED-EPOCH ";
    private final Configuration conf = HadoopConf.create();

    /** A pre-training unit on two planted subjects, published under {@code root/models/fbnet/pretrained}. */
    static TrainJob pretrainUnit(java.nio.file.Path root, String fingerprint, long seed, int epochs) {
        List<Subject> data = List.of(PlantedSubject.generate("subj01", 1, 400, 1.0), PlantedSubject.generate("subj02", 2, 300, 1.0));
        // Patience beyond the epochs: every epoch runs, whichever is best.
        TrainerConfig trainer = new TrainerConfig(epochs, 32, epochs, 0.1, seed, 1, FbnetTrainerTest.LION);
        byte[] manifest = Manifest.of(FbnetModel.KIND, FbnetModel.FORMAT_VERSION).withUnit("pretrain", fingerprint).toJson();
        return new TrainJob("pretrain", data, FbnetTrainerTest.NET, trainer, null, null, root.resolve("models/fbnet/pretrained").toUri().toString(),
                VersionedDir.newId(), manifest, 2, new SerializableHadoopConf(HadoopConf.create()), root.toUri().toString(), null, null);
    }

    /** Child JVM: runs the serialized unit in {@code args[0]}, stopping for good once epoch {@value #KILLED_IN} has trained. */
    public static void main(String[] args) throws Exception {
        TrainJob job = SerializationUtils.deserialize(Files.readAllBytes(java.nio.file.Path.of(args[0])));
        job.run(new LocalEpochRunner(), r -> {
            System.out.println(TRAINED + r.epoch());
            System.out.flush();
            if (r.epoch() == KILLED_IN) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        System.out.println("published: the unit was not killed");
    }

    /** Runs {@code job} in a child JVM and kills it with SIGKILL once epoch {@value #KILLED_IN} has trained. */
    private static void killDuringEpoch(TrainJob job, java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path blob = tmp.resolve("unit.ser");
        Files.write(blob, SerializationUtils.serialize(job));
        Process p = new ProcessBuilder(ChildJvm.command(ResumePointTest.class, blob.toString())).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.equals(TRAINED + KILLED_IN)) {
                    p.destroyForcibly();
                    p.waitFor(60, TimeUnit.SECONDS);
                    return;
                }
            }
        } finally {
            p.destroyForcibly();
        }
        throw new IllegalStateException("the unit ended before epoch " + KILLED_IN + " (exit " + p.waitFor() + "):\n" + output);
    }

    private FbnetModel published(java.nio.file.Path root) throws Exception {
        Version v = VersionedDir.at(new Path(root.resolve("models/fbnet/pretrained").toUri()), conf).requireCurrent("the test");
        return FbnetModel.load(v.path(), conf);
    }

    private static float[] floats(org.nd4j.linalg.api.ndarray.INDArray a) {
        return a.dup().reshape(a.length()).toFloatVector();
    }

    @Test
    void aKilledPretrainingResumesAfterItsLastCompletedEpochAndEndsAsAnUninterruptedRun(@TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        String fp = "a".repeat(64);
        pretrainUnit(whole, fp, 7, EPOCHS).run(new LocalEpochRunner(), r -> { });

        TrainJob job = pretrainUnit(killed, fp, 7, EPOCHS);
        killDuringEpoch(job, tmp);
        java.nio.file.Path point = killed.resolve("models/fbnet/pretrained").resolve(ResumePoint.DIR).resolve(fp);
        assertTrue(Files.isDirectory(point.resolve("epoch=0000" + (KILLED_IN - 1))), "epoch " + (KILLED_IN - 1) + " saved: " + names(point));
        assertFalse(Files.exists(point.resolve("epoch=0000" + KILLED_IN)), "the killed epoch was not saved");
        assertTrue(VersionedDir.at(new Path(killed.resolve("models/fbnet/pretrained").toUri()), conf).current().isEmpty());

        List<Integer> rerun = new ArrayList<>();
        job.run(new LocalEpochRunner(), r -> rerun.add(r.epoch()));
        assertEquals(List.of(KILLED_IN, 5, 6), rerun, "the rerun trains the epochs after the last completed one");
        assertFalse(Files.exists(killed.resolve("models/fbnet/pretrained").resolve(ResumePoint.DIR)), "removed once published");
        assertFalse(Files.exists(whole.resolve("models/fbnet/pretrained").resolve(ResumePoint.DIR)), "removed once published");

        FbnetModel a = published(whole), b = published(killed);
        // Bit-exact: epochs 1-3 ran in another JVM, their parameters and Lion state came back from storage.
        assertArrayEquals(floats(a.parameters()), floats(b.parameters()));
        assertEquals(a.bestEpoch(), b.bestEpoch());
        assertEquals(EPOCHS, b.history().size());
        for (int i = 0; i < EPOCHS; i++) {
            EpochRecord x = a.history().get(i), y = b.history().get(i);
            assertEquals(x.trainLoss(), y.trainLoss(), 0, "epoch " + (i + 1) + " loss");
            assertEquals(x.validationR(), y.validationR(), 0, "epoch " + (i + 1) + " validation r");
        }
        Subject s = PlantedSubject.generate("subj02", 2, 300, 1.0);
        assertTrue(java.util.Arrays.deepEquals(a.predict(s.validation().x(), "subj02").lh(), b.predict(s.validation().x(), "subj02").lh()));

        // The pre-trained checkpoint holds Lion's state of its best epoch: the same in both, and not the zeros it starts from.
        float[] lion = floats(a.optimizerState());
        assertEquals(a.parameters().length(), lion.length, "one momentum per parameter");
        assertArrayEquals(lion, floats(b.optimizerState()));
        assertTrue(org.nd4j.linalg.factory.Nd4j.create(lion).norm2Number().doubleValue() > 0, "momentum after training");
        assertEquals(Boolean.TRUE, Manifest.read(new Path(a.origin()), conf).get("optimizerState"));
        // Builds before this one loaded graph.zip without the updater: the extra zip entry does not stop them.
        try (java.io.InputStream in = Files.newInputStream(java.nio.file.Path.of(java.net.URI.create(a.origin())).resolve(FbnetModel.GRAPH_FILE))) {
            assertArrayEquals(floats(a.parameters()), floats(org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(in, false).params()));
        }
    }

    @Test
    void aResumePointOfOtherSettingsIsRemovedNotUsed(@TempDir java.nio.file.Path tmp) throws Exception {
        String before = "b".repeat(64), after = "c".repeat(64);
        java.nio.file.Path points = tmp.resolve("models/fbnet/pretrained").resolve(ResumePoint.DIR);
        // Failed in epoch 3 (an exception in-process here: what matters is the resume point it leaves).
        assertThrows(IllegalStateException.class, () -> pretrainUnit(tmp, before, 7, 3).run(new LocalEpochRunner(), r -> {
            if (r.epoch() == 3) throw new IllegalStateException("stopped in epoch 3");
        }));
        assertTrue(Files.isDirectory(points.resolve(before).resolve("epoch=00002")), names(points.resolve(before)).toString());

        List<Integer> epochs = new ArrayList<>();
        List<Boolean> oldPointSeen = new ArrayList<>();
        pretrainUnit(tmp, after, 8, 3).run(new LocalEpochRunner(), r -> {
            epochs.add(r.epoch());
            oldPointSeen.add(Files.exists(points.resolve(before)));
        });
        assertEquals(List.of(1, 2, 3), epochs, "another fingerprint starts from epoch 1");
        assertEquals(List.of(false, false, false), oldPointSeen, "the other settings' resume point is removed when the unit starts");
        assertFalse(Files.exists(points), "nothing left once published");
        assertNull(published(tmp).parent());
    }

    @Test
    void aRunThatStoppedEarlyResumesToItsBestEpochWithoutTrainingFurther(@TempDir java.nio.file.Path tmp) throws Exception {
        Subject noise = PlantedSubject.generate("subj03", 3, 300, 0.0);
        ResumePoint point = ResumePoint.at(new Path(tmp.toUri()), "train/subj03", "d".repeat(64), conf);
        TrainerConfig config = new TrainerConfig(40, 32, 2, 0.1, 7, 1, FbnetTrainerTest.LION);
        FbnetModel first = new FbnetTrainer(FbnetTrainerTest.NET, config).resumingFrom(point).fit(List.of(noise));
        assertTrue(first.history().size() < 40, "stopped early: " + first.history().size());
        // The trainer leaves its resume point (TrainJob removes it once published): as after a kill during the publish.
        List<Integer> trained = new ArrayList<>();
        FbnetModel again = new FbnetTrainer(FbnetTrainerTest.NET, config).resumingFrom(point).onEpoch(r -> trained.add(r.epoch()))
                .fit(List.of(noise));
        assertEquals(List.of(), trained, "early stopping was reached: no more epochs");
        assertEquals(first.bestEpoch(), again.bestEpoch());
        assertEquals(first.history(), again.history());
        assertArrayEquals(floats(first.parameters()), floats(again.parameters()), "the best epoch's parameters, kept in the resume point");
        assertArrayEquals(floats(first.optimizerState()), floats(again.optimizerState()));
        java.nio.file.Path saved = tmp.resolve(ResumePoint.DIR).resolve("d".repeat(64));
        assertEquals(first.bestEpoch() == first.history().size() ? List.of(String.format("epoch=%05d", first.bestEpoch()))
                : List.of(String.format("epoch=%05d", first.bestEpoch()), String.format("epoch=%05d", first.history().size())),
                names(saved), "only the best and the latest epoch are kept");
    }

    @Test
    void resumesFromAPointOnHdfs() throws Exception {
        Path dir = org.fbnet.testing.MiniHdfs.newDir("resume");
        Configuration hdfs = org.fbnet.testing.MiniHdfs.conf();
        Subject s = PlantedSubject.generate("subj01", 1, 300, 1.0);
        TrainerConfig config = new TrainerConfig(4, 32, 4, 0.1, 7, 1, FbnetTrainerTest.LION);
        FbnetModel whole = new FbnetTrainer(FbnetTrainerTest.NET, config).fit(List.of(s));
        ResumePoint point = ResumePoint.at(dir, "train/subj01", "f".repeat(64), hdfs);
        assertThrows(IllegalStateException.class, () -> new FbnetTrainer(FbnetTrainerTest.NET, config).resumingFrom(point).onEpoch(r -> {
            if (r.epoch() == 3) throw new IllegalStateException("stopped in epoch 3");
        }).fit(List.of(s)));
        assertTrue(dir.getFileSystem(hdfs).exists(new Path(point.path(), "epoch=00002")));
        List<Integer> trained = new ArrayList<>();
        FbnetModel resumed = new FbnetTrainer(FbnetTrainerTest.NET, config).resumingFrom(point).onEpoch(r -> trained.add(r.epoch()))
                .fit(List.of(s));
        assertEquals(List.of(3, 4), trained);
        assertArrayEquals(floats(whole.parameters()), floats(resumed.parameters()));
        assertArrayEquals(floats(whole.optimizerState()), floats(resumed.optimizerState()));
        point.remove();
        assertFalse(dir.getFileSystem(hdfs).exists(new Path(dir, ResumePoint.DIR)));
    }

    private static List<String> names(java.nio.file.Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
