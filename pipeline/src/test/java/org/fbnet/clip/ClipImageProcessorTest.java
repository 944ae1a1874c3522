package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fbnet.data.InputDataException;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipImageProcessorTest {
    /**
     * Pillow writes PNGs of every mode CLIP meets (RGB, grey, grey+alpha, RGBA, palette) with sharp edges,
     * and computes pixel_values the way transformers' CLIPImageProcessor (PIL backend) does:
     * convert("RGB"), shortest-edge size with int() truncation, Image.resize(BICUBIC), center_crop with
     * its zero padding, float64 rescale then float32, float32 normalise, HWC to CHW.
     */
    private static final String REFERENCE = """
            import sys, math, numpy as np
            from PIL import Image
            out = sys.argv[1]
            rng = np.random.default_rng(7)
            specs = [("a",80,60,"RGB"),("b",100,130,"RGB"),("c",64,64,"RGB"),("d",50,70,"L"),("e",320,240,"RGBA"),
                     ("f",33,47,"LA"),("g",70,41,"P"),("h",17,12,"RGB"),("i",425,425,"RGB")]
            sizes = [(224,224,224),(37,32,32),(20,24,26)]   # (shortest_edge, crop_h, crop_w)
            mean = np.array([0.48145466,0.4578275,0.40821073], dtype=np.float32)
            std = np.array([0.26862954,0.26130258,0.27577711], dtype=np.float32)
            def center_crop(a, ch, cw):   # transformers.image_transforms.center_crop, channels last
                h, w = a.shape[:2]
                top = (h - ch) // 2; left = (w - cw) // 2
                if top >= 0 and left >= 0 and top + ch <= h and left + cw <= w:
                    return a[top:top+ch, left:left+cw]
                nh, nw = max(ch, h), max(cw, w)
                n = np.zeros((nh, nw, a.shape[2]), dtype=a.dtype)
                tp = math.ceil((nh - h) / 2); lp = math.ceil((nw - w) / 2)
                n[tp:tp+h, lp:lp+w] = a
                top += tp; left += lp
                return n[max(0, top):min(nh, top+ch), max(0, left):min(nw, left+cw)]
            for name, w, h, mode in specs:
                small = rng.integers(0, 256, (max(2, h // 7), max(2, w // 7), 4), dtype=np.uint8)
                blocks = np.array(Image.fromarray(small, "RGBA").resize((w, h), Image.NEAREST))
                noise = rng.integers(-40, 41, blocks.shape)
                arr = np.clip(blocks.astype(int) + noise, 0, 255).astype(np.uint8)
                img = Image.fromarray(arr, "RGBA")
                img = img.convert("RGB").quantize(50) if mode == "P" else img.convert(mode)
                img.save(f"{out}/{name}.png")
                im = Image.open(f"{out}/{name}.png")
                assert im.mode == mode, (im.mode, mode)
                im = im.convert("RGB")
                for se, ch, cw in sizes:
                    W, H = im.size
                    short, long = (W, H) if W <= H else (H, W)
                    nl = int(se * long / short)
                    nh, nw = (nl, se) if W <= H else (se, nl)
                    r = np.array(im.resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None))
                    c = center_crop(r, ch, cw)
                    x = (c.astype(np.float64) * (1 / 255)).astype(np.float32)
                    x = (x - mean) / std
                    np.save(f"{out}/{name}_{se}_{ch}_{cw}.npy", np.ascontiguousarray(x.transpose(2, 0, 1)).astype("<f4"))
            """;

    @Test
    void pixelValuesAreBitExactWithPillowForEveryModeAndSize(@TempDir Path dir) throws Exception {
        Python.run(REFERENCE, dir.toString());
        int checked = 0;
        for (String name : List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")) {
            byte[] png = Files.readAllBytes(dir.resolve(name + ".png"));
            for (int[] s : new int[][] {{224, 224, 224}, {37, 32, 32}, {20, 24, 26}}) {
                ClipProcessorConfig cfg = new ClipProcessorConfig(true, true, s[0], 0, 0, true, s[1], s[2], true, 1.0 / 255, true,
                        ClipProcessorConfig.OPENAI_CLIP_MEAN, ClipProcessorConfig.OPENAI_CLIP_STD);
                ClipImageProcessor p = new ClipImageProcessor(cfg);
                float[] got = new float[3 * s[1] * s[2]];
                p.process(png, name, got, 0);
                String ref = name + "_" + s[0] + "_" + s[1] + "_" + s[2] + ".npy";
                float[] want = NpyReader.readAllFloats(new org.apache.hadoop.fs.Path(dir.resolve(ref).toString()), HadoopConf.create());
                assertEquals(want.length, got.length, ref);
                for (int i = 0; i < want.length; i++) {
                    if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                        throw new AssertionError(ref + ": element " + i + " (channel " + i / (s[1] * s[2]) + ") is " + got[i]
                                + ", Pillow pipeline gives " + want[i]);
                    }
                }
                checked++;
            }
        }
        assertEquals(27, checked);
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
