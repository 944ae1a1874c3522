package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PillowBicubicTest {
    /**
     * Pillow resizes noisy images with sharp blocks (modes L, RGB and RGBX: 1, 3 and 4 channels, RGBX
     * being the 4-channel mode Pillow resizes without premultiplying alpha) with BICUBIC and no
     * reducing gap: shrinking a lot, a little, growing, one axis only, down to one pixel.
     * Prints "name width height channels newWidth newHeight".
     */
    private static final String REFERENCE = """
            import sys, numpy as np
            from PIL import Image
            out = sys.argv[1]
            rng = np.random.default_rng(5)
            cases = [(425, 425, 224, 224), (300, 200, 336, 224), (50, 70, 224, 313), (1000, 20, 7, 3), (31, 17, 31, 40),
                     (31, 17, 60, 17), (9, 9, 1, 1), (1, 5, 3, 2), (224, 298, 224, 224), (257, 131, 128, 300)]
            for i, (w, h, nw, nh) in enumerate(cases):
                for mode, ch in [("L", 1), ("RGB", 3), ("RGBX", 4)]:
                    blocks = rng.integers(0, 256, (max(1, h // 5), max(1, w // 5), ch), dtype=np.uint8)
                    big = np.repeat(np.repeat(blocks, 5, 0), 5, 1)[:h, :w]
                    big = np.pad(big, ((0, h - big.shape[0]), (0, w - big.shape[1]), (0, 0)), mode="edge")
                    arr = np.clip(big.astype(int) + rng.integers(-30, 31, big.shape), 0, 255).astype(np.uint8)
                    im = Image.frombytes(mode, (w, h), arr.tobytes())
                    r = im.resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None)
                    name = f"{i}_{mode}"
                    open(f"{out}/{name}.in", "wb").write(arr.tobytes())
                    open(f"{out}/{name}.out", "wb").write(r.tobytes())
                    print(name, w, h, ch, nw, nh)
            """;

    @Test
    void resizeIsBitExactWithPillowForOneThreeAndFourChannels(@TempDir Path dir) throws Exception {
        int checked = 0;
        for (String line : Python.run(REFERENCE, dir.toString()).strip().split("\n")) {
            String[] f = line.split(" ");
            int w = Integer.parseInt(f[1]), h = Integer.parseInt(f[2]), ch = Integer.parseInt(f[3]);
            int nw = Integer.parseInt(f[4]), nh = Integer.parseInt(f[5]);
            byte[] in = Files.readAllBytes(dir.resolve(f[0] + ".in"));
            byte[] want = Files.readAllBytes(dir.resolve(f[0] + ".out"));
            assertArrayEquals(want, PillowBicubic.resize(in, w, h, ch, nw, nh), line);
            checked++;
        }
        assertEquals(30, checked);
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
