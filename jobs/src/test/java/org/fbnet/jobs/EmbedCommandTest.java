package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
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
    void aClipFolderWithoutConfigIsAUsageErrorNamingTheFile(@TempDir Path dir) throws Exception {
        // The model folder is checked before the image index is read, so no index is needed here.
        Path out = dir.resolve("out");
        Files.createDirectories(dir.resolve("clip"));
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        int code;
        try {
            code = Fbnet.run(args("embed", "--data", out.toString(), "--clip", dir.resolve("clip").toString()));
        } finally {
            System.setErr(err);
        }
        assertEquals(2, code);
        assertTrue(buf.toString().contains("config.json: missing"), buf.toString());
    }
}
