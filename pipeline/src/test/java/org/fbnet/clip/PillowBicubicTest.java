package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.fbnet.testing.SplitMix64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against Pillow's BICUBIC resize: golden_refs/pillow_bicubic.py (1, 3 and 4 channels; shrinking, growing, to one pixel). */
class PillowBicubicTest {
    /** As golden_refs/pillow_bicubic.py's blocks_with_noise: random 5x5 blocks plus noise in [-30, 30], HWC bytes. */
    static byte[] blocksWithNoise(long seed, int w, int h, int ch) {
        SplitMix64 g = new SplitMix64(seed);
        int bh = Math.max(1, h / 5), bw = Math.max(1, w / 5);
        int[] blocks = new int[bh * bw * ch];
        for (int i = 0; i < blocks.length; i++) blocks[i] = g.nextByte();
        byte[] out = new byte[h * w * ch];
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int block = (Math.min(y / 5, bh - 1) * bw + Math.min(x / 5, bw - 1)) * ch;
                for (int c = 0; c < ch; c++, i++) out[i] = (byte) Math.max(0, Math.min(255, blocks[block + c] + g.nextInt(61) - 30));
            }
        }
        return out;
    }

    private static void bitExactWithPillow(Path refs) throws Exception {
        int checked = 0;
        for (JsonNode c : Golden.json(refs.resolve("cases.json")).get("cases")) {
            String name = c.get("name").textValue();
            int w = c.get("width").intValue(), h = c.get("height").intValue(), ch = c.get("channels").intValue();
            byte[] in = blocksWithNoise(c.get("seed").longValue(), w, h, ch);
            assertEquals(c.get("input_sha256").textValue(), Golden.sha256(in), name + ": the input differs from the script's (SplitMix64 drifted?)");
            byte[] got = PillowBicubic.resize(in, w, h, ch, c.get("new_width").intValue(), c.get("new_height").intValue());
            Path full = refs.resolve(name + ".out");
            if (Files.exists(full)) assertArrayEquals(Files.readAllBytes(full), got, name);
            assertEquals(c.get("output_sha256").textValue(), Golden.sha256(got), name + ": differs from Pillow's resize");
            checked++;
        }
        assertEquals(30, checked);
    }

    @Test
    void resizeIsBitExactWithPillowForOneThreeAndFourChannels() throws Exception {
        bitExactWithPillow(Golden.dir("pillow-bicubic"));
    }

    @Test
    @Tag(Python.TAG)
    void resizeIsBitExactWithLivePillow(@TempDir Path dir) throws Exception {
        bitExactWithPillow(Golden.live("pillow-bicubic", dir));
    }

    @Test
    void unchangedSizeGivesACopy() {
        byte[] px = {1, 2, 3, 4, 5, 6};
        byte[] out = PillowBicubic.resize(px, 2, 1, 3, 2, 1);
        assertArrayEquals(px, out);
        out[0] = 9;
        assertEquals(1, px[0]);
    }
}
