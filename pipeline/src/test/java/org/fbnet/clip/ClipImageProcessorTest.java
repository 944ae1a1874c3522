package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbnet.data.InputDataException;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipImageProcessorTest {
    /** float32 values as the little-endian bytes numpy hashes. */
    private static byte[] littleEndian(float[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    /**
     * Against transformers' CLIPImageProcessor (PIL backend) on Pillow-written PNGs of every mode CLIP meets:
     * golden_refs/clip_preprocess.py. Bit for bit: the digest of each float32 array, and every element when
     * the live run wrote the arrays too.
     */
    private static void bitExactWithPillow(Path refs) throws Exception {
        int checked = 0;
        for (JsonNode c : Golden.json(refs.resolve("cases.json")).get("cases")) {
            String ref = c.get("name").textValue();
            int se = c.get("shortest_edge").intValue(), ch = c.get("crop_height").intValue(), cw = c.get("crop_width").intValue();
            byte[] png = Files.readAllBytes(refs.resolve(c.get("image").textValue()));
            ClipProcessorConfig cfg = new ClipProcessorConfig(true, true, se, 0, 0, true, ch, cw, true, 1.0 / 255, true,
                    ClipProcessorConfig.OPENAI_CLIP_MEAN, ClipProcessorConfig.OPENAI_CLIP_STD);
            float[] got = new float[3 * ch * cw];
            new ClipImageProcessor(cfg).process(png, ref, got, 0);
            Path full = refs.resolve(ref + ".npy");
            if (Files.exists(full)) {
                float[] want = NpyReader.readAllFloats(new org.apache.hadoop.fs.Path(full.toString()), HadoopConf.create());
                assertEquals(want.length, got.length, ref);
                for (int i = 0; i < want.length; i++) {
                    if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                        throw new AssertionError(ref + ": element " + i + " (channel " + i / (ch * cw) + ") is " + got[i]
                                + ", Pillow pipeline gives " + want[i]);
                    }
                }
            }
            assertEquals(c.get("sha256").textValue(), Golden.sha256(littleEndian(got)), ref + ": differs from the Pillow pipeline");
            checked++;
        }
        assertEquals(27, checked);
    }

    @Test
    void pixelValuesAreBitExactWithPillowForEveryModeAndSize() throws Exception {
        bitExactWithPillow(Golden.dir("clip-preprocess"));
    }

    @Test
    @Tag(Python.TAG)
    void pixelValuesAreBitExactWithLivePillow(@TempDir Path dir) throws Exception {
        bitExactWithPillow(Golden.live("clip-preprocess", dir));
    }

    @Test
    void resizedSizeTruncatesTheLongSideLikePython() {
        ClipImageProcessor p = new ClipImageProcessor(ClipProcessorConfig.forImageSize(224));
        // CLIP-SPEC.md section 5, step 3 (w x h -> h' x w').
        assertEquals(List.of(224, 298), List.of(p.resizedSize(80, 60)[0], p.resizedSize(80, 60)[1]));
        assertEquals(List.of(291, 224), List.of(p.resizedSize(100, 130)[0], p.resizedSize(100, 130)[1]));
        assertEquals(List.of(224, 298), List.of(p.resizedSize(320, 240)[0], p.resizedSize(320, 240)[1]));
    }

    @Test
    void decodeRejectsBytesThatAreNoImageNamingTheSource() {
        InputDataException e = assertThrows(InputDataException.class,
                () -> ClipImageProcessor.decode("not a png".getBytes(), "images/subj01/x.png"));
        assertTrue(e.getMessage().contains("images/subj01/x.png"), e.getMessage());
    }
}
