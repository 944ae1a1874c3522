package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fbnet.clip.MismatchedClipFolder;
import org.fbnet.embed.ImageIndexFixture;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedCommandTest extends SparkTestBase {
    private static final String[] TINY = {"--set", "clip.random.hidden.size=16", "--set", "clip.random.layers=1",
            "--set", "clip.random.heads=2", "--set", "clip.random.image.size=16", "--set", "clip.random.patch.size=8",
            "--set", "spark.local.master=local[2]"};

    private static String[] args(String... head) {
        return Stream.concat(Stream.of(head), Stream.of(TINY)).toArray(String[]::new);
    }

    @Test
    void embedPublishesEachSubjectWithTheBuiltInRandomModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        ImageIndexFixture.write(spark, dir, DataRoot.of(out.toUri().toString(), HadoopConf.create()),
                Map.of("subj01", new int[] {1, 2}, "subj02", new int[] {2, 3}));
        assertEquals(0, Fbnet.run(args("embed", "--data", out.toString(), "--feature", "pooled")));
        try (Stream<Path> files = Files.walk(out.resolve("embeddings"))) {
            long manifests = files.filter(p -> p.getFileName().toString().equals("_manifest.json")
                    && p.getParent().getFileName().toString().startsWith("v=")
                    && p.getParent().getParent().getParent().getFileName().toString().equals("pooled")).count();
            assertEquals(2, manifests, "one published version per subject");
        }
        try (Stream<Path> models = Files.list(out.resolve("models"))) {
            assertTrue(models.anyMatch(p -> p.getFileName().toString().startsWith("clip-random-")
                    && Files.exists(p.resolve("model.safetensors"))));
        }
    }

    @Test
    void aClipFolderWithoutConfigIsADataErrorNamingTheFile(@TempDir Path dir) throws Exception {
        // The model folder is checked before the image index is read, so no index is needed here.
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(dir.resolve("clip"));
        List<String> lines = FbnetRun.of(args("embed", "--data", out.toString(), "--clip", dir.resolve("clip").toString()))
                .expect(ExitCode.DATA).errorLines("embed");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("config.json: missing"), lines.get(0));
    }

    @Test
    void aClipFolderThatDoesNotExistIsMissingInputNamingTheFlag(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        String absent = dir.resolve("no-clip").toString();
        assertEquals(List.of("fbnet embed: --clip " + absent + ": no such file or directory"),
                FbnetRun.of(args("embed", "--data", out.toString(), "--clip", absent)).expect(ExitCode.NO_INPUT).errorLines("embed"));
    }

    @Test
    void aClipConfigThatDisagreesWithTheWeightsIsOneLineNamingTheTensorNotATraceFromEveryTask(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        DataRoot root = DataRoot.of(out.toUri().toString(), HadoopConf.create());
        ImageIndexFixture.write(spark, dir, root, Map.of("subj01", new int[] {1, 2, 3, 4}, "subj02", new int[] {4, 5, 6}));
        Path clip = dir.resolve("clip");
        MismatchedClipFolder.write(new org.apache.hadoop.fs.Path(clip.toUri()), root.conf());
        // Before: rc 1 and the same stack trace from every task (hundreds of lines).
        FbnetRun r = FbnetRun.of(args("embed", "--data", out.toString(), "--clip", clip.toString())).expect(ExitCode.DATA);
        assertEquals(List.of("fbnet embed: " + new org.apache.hadoop.fs.Path(clip.toString(), "model.safetensors") + ": tensor '"
                        + MismatchedClipFolder.TENSOR + "' has shape [32, 16] but config.json implies [48, 16]: the weights do not match config.json"),
                r.errorLines("embed"));
        assertEquals(1, r.err().lines().filter(l -> l.contains(MismatchedClipFolder.TENSOR)).count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}
