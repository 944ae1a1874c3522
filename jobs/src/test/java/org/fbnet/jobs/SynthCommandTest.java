package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
    @TempDir
    Path dir;

    @Test
    void synthWritesTheSmallPresetWithImages() throws Exception {
        Path out = dir.resolve("data");
        assertEquals(0, Fbnet.run(new String[] {"synth", "--out", out.toString(), "--subjects", "2", "--preset", "small", "--seed", "3"}));
        for (String s : new String[] {"subj01", "subj02"}) {
            assertTrue(Files.isRegularFile(out.resolve(s + "/training_split/training_fmri/lh_training_fmri.npy")));
            assertTrue(Files.isRegularFile(out.resolve(s + "/roi_masks/mapping_floc-faces.npy")));
            assertTrue(Files.isRegularFile(out.resolve("truth/" + s + "/rh_noise_ceiling.npy")));
            try (var pngs = Files.list(out.resolve(s + "/training_split/training_images"))) {
                assertEquals(120, pngs.count(), "the small preset's 120 training images");
            }
            try (var pngs = Files.list(out.resolve(s + "/test_split/test_images"))) {
                assertEquals(20, pngs.count());
            }
        }
        assertTrue(Files.readString(out.resolve("truth/planted.json")).contains("\"seed\" : 3"));
    }

    @Test
    void synthFeaturesOnlyTakesExplicitDimensions() throws Exception {
        Path out = dir.resolve("features");
        assertEquals(0, Fbnet.run(new String[] {"synth", "--out", out.toString(), "--subjects", "1", "--features-only",
                "--train", "25", "--test", "5", "--lh", "40", "--rh", "50", "--feature-dim", "12"}));
        // header + 25 x 12 float32
        assertEquals(128 + 25 * 12 * 4, Files.size(out.resolve("subj01/training_split/training_features.npy")));
        assertEquals(128 + 25 * 40 * 4, Files.size(out.resolve("subj01/training_split/training_fmri/lh_training_fmri.npy")));
        assertEquals(128 + 5 * 50 * 4, Files.size(out.resolve("truth/subj01/rh_test_fmri.npy")));
        assertTrue(Files.isRegularFile(out.resolve("subj01/test_split/test_nsd_ids.npy")));
        assertFalse(Files.exists(out.resolve("subj01/training_split/training_images")));
    }

    @Test
    void badSettingsFailWithTheFlagAndKeyNamedAndWriteNothing() {
        Path out = dir.resolve("bad");
        assertEquals(List.of("fbnet synth: --preset huge [synth.preset] must be nsd or small"),
                FbnetRun.of("synth", "--out", out.toString(), "--preset", "huge").expect(ExitCode.USAGE).errorLines("synth"));
        assertEquals(List.of("fbnet synth: --train 10000 [synth.train] must be in 1..9999 (file names carry a 4-digit image index)"),
                FbnetRun.of("synth", "--out", out.toString(), "--train", "10000").expect(ExitCode.USAGE).errorLines("synth"));
        String msg = FbnetRun.of("synth", "--out", out.toString(), "--preset", "nsd", "--subjects", "12").expect(ExitCode.USAGE).err();
        assertTrue(msg.contains("--subjects 12 [synth.subjects] is too many") && msg.contains("subj12"), msg);
        assertTrue(FbnetRun.of("synth", "--out", out.toString(), "--set", "synth.train=0").expect(ExitCode.USAGE).err()
                .contains("fbnet synth: --set synth.train: synth.train=0 must be in 1..9999"));
        assertFalse(Files.exists(out));
    }
}
