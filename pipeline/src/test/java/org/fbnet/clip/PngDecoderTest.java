package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.fbnet.clip.ClipImageProcessor.RgbImage;
import org.fbnet.data.InputDataException;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngDecoderTest {
    /**
     * Writes PNGs with numpy's own PNG encoder, one file per colour type and row filter (None, Sub, Up,
     * Average, Paeth, and all five in turn), IDAT split into 97-byte chunks, a tEXt chunk before the data,
     * tRNS chunks, palette indices past PLTE, Pillow-encoded files (adaptive filters) and an interlaced
     * file; Pillow's {@code convert("RGB")} of each is the reference. Prints "name width height handled".
     */
    private static final String REFERENCE = """
            import sys, zlib, struct, warnings, numpy as np
            from PIL import Image
            warnings.simplefilter("ignore")
            out = sys.argv[1]
            rng = np.random.default_rng(11)
            def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
            def paeth(a, b, c):
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
            def filtered(rows, bpp, ftype):   # PNG filters on raw bytes; the first row's previous row is zeros
                res, prev = [], np.zeros_like(rows[0])
                for y, x in enumerate(rows):
                    f = ftype if ftype >= 0 else y % 5
                    a = np.concatenate([np.zeros(bpp, int), x[:-bpp]]); c = np.concatenate([np.zeros(bpp, int), prev[:-bpp]])
                    pred = [0, a, prev, (a + prev) // 2, paeth(a, prev, c)][f]
                    res.append(bytes([f]) + ((x - pred) % 256).astype(np.uint8).tobytes()); prev = x
                return b"".join(res)
            def adam7(arr):   # interlaced scanlines, filter 0
                data = b""
                for xs, ys, dx, dy in [(0,0,8,8),(4,0,8,8),(0,4,4,8),(2,0,4,4),(0,2,2,4),(1,0,2,2),(0,1,1,2)]:
                    sub = arr[ys::dy, xs::dx]
                    if sub.size: data += b"".join(b"\\0" + r.tobytes() for r in sub)
                return data
            def write(name, arr, colour, ftype=0, plte=None, extra=b"", interlace=0):
                h, w = arr.shape[:2]; ch = 1 if arr.ndim == 2 else arr.shape[2]
                raw = adam7(arr) if interlace else filtered([r.reshape(-1).astype(int) for r in arr], ch, ftype)
                z = zlib.compress(raw, 6)
                png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, interlace))
                png += chunk(b"tEXt", b"Comment\\0made by the fbnet test")
                if plte is not None: png += chunk(b"PLTE", plte.astype(np.uint8).tobytes())
                png += extra
                png += b"".join(chunk(b"IDAT", z[i:i + 97]) for i in range(0, len(z), 97))
                png += chunk(b"IEND", b"")
                open(f"{out}/{name}.png", "wb").write(png)
            def reference(name, handled):
                im = Image.open(f"{out}/{name}.png")
                open(f"{out}/{name}.rgb", "wb").write(np.asarray(im.convert("RGB")).tobytes())
                print(name, im.size[0], im.size[1], handled)
            w, h = 301, 230   # tall enough that every colour type spans more than one of the decoder's 64 KB inflate blocks
            yy, xx = np.mgrid[0:h, 0:w]
            smooth = np.stack([(120 + 90 * np.sin(xx / (15 + k)) * np.cos(yy / (14 + k))) for k in range(4)], -1)
            rgba = np.clip(smooth + rng.integers(-25, 26, smooth.shape), 0, 255).astype(np.uint8)
            images = {"L": (rgba[..., 0], 0), "LA": (rgba[..., :2], 4), "RGB": (rgba[..., :3], 2), "RGBA": (rgba, 6)}
            palette = rng.integers(0, 256, (50, 3))
            idx = rng.integers(0, 50, (h, w)).astype(np.uint8)
            for ftype, fname in [(0, "none"), (1, "sub"), (2, "up"), (3, "average"), (4, "paeth"), (-1, "mixed")]:
                for mode, (arr, colour) in images.items():
                    write(f"{mode}_{fname}", arr, colour, ftype); reference(f"{mode}_{fname}", 1)
                write(f"P_{fname}", idx, 3, ftype, plte=palette); reference(f"P_{fname}", 1)
            write("P_trns", idx, 3, -1, plte=palette, extra=chunk(b"tRNS", bytes(range(0, 250, 5)))); reference("P_trns", 1)
            write("L_trns", images["L"][0], 0, -1, extra=chunk(b"tRNS", b"\\0\\x78")); reference("L_trns", 1)
            write("RGB_trns", images["RGB"][0], 2, -1, extra=chunk(b"tRNS", b"\\0\\x78\\0\\x10\\0\\x20")); reference("RGB_trns", 1)
            oob = idx.copy(); oob[::3, ::2] = rng.integers(50, 256, oob[::3, ::2].shape)
            write("P_past_palette", oob, 3, -1, plte=palette); reference("P_past_palette", 1)
            for mode, (arr, colour) in images.items():
                Image.fromarray(arr, mode).save(f"{out}/{mode}_pillow.png"); reference(f"{mode}_pillow", 1)
            Image.fromarray(images["RGB"][0], "RGB").quantize(40).save(f"{out}/P_pillow.png"); reference("P_pillow", 1)
            write("RGB_interlaced", images["RGB"][0], 2, interlace=1); reference("RGB_interlaced", 0)
            """;

    @Test
    void rgbEqualsPillowAndImageIoForEveryColourTypeAndRowFilter(@TempDir Path dir) throws Exception {
        String listing = Python.run(REFERENCE, dir.toString());
        int handled = 0, files = 0;
        for (String line : listing.strip().split("\n")) {
            String[] f = line.split(" ");
            String name = f[0];
            byte[] png = Files.readAllBytes(dir.resolve(name + ".png"));
            byte[] pillow = Files.readAllBytes(dir.resolve(name + ".rgb"));
            RgbImage fast = PngDecoder.decode(png, name);
            if (f[3].equals("1")) {
                assertNotNull(fast, name + " should be decoded without ImageIO");
                assertEquals(Integer.parseInt(f[1]), fast.width(), name);
                assertEquals(Integer.parseInt(f[2]), fast.height(), name);
                assertArrayEquals(pillow, fast.rgb(), name + ": differs from Pillow's convert(\"RGB\")");
                // ImageIO pads a short palette with its last entry where Pillow has a grey ramp.
                if (!name.equals("P_past_palette")) {
                    assertArrayEquals(ClipImageProcessor.decodeWithImageIo(png, name).rgb(), fast.rgb(), name + ": differs from ImageIO");
                }
                handled++;
            } else {
                assertNull(fast, name + " should be left to ImageIO");
                assertArrayEquals(pillow, ClipImageProcessor.decode(png, name).rgb(), name + ": the ImageIO fallback differs from Pillow");
            }
            files++;
        }
        assertEquals(40, files);
        assertEquals(39, handled);
    }

    @Test
    void paletteIndicesPastPlteAreGreyAsInPillow() {
        byte[] plte = {10, 20, 30, 40, 50, 60};
        byte[] png = png(3, 4, 1, 8, 0, rows(new byte[] {0, 0, 1, 2, (byte) 200}), chunk("PLTE", plte));
        assertArrayEquals(new byte[] {10, 20, 30, 40, 50, 60, 2, 2, 2, (byte) 200, (byte) 200, (byte) 200},
                PngDecoder.decode(png, "p.png").rgb());
    }

    @Test
    void suggestedPaletteOfAnRgbImageIsIgnored() {
        byte[] png = png(2, 1, 1, 8, 0, rows(new byte[] {0, 7, 8, 9}), chunk("PLTE", new byte[] {1, 2, 3, 4}));
        assertArrayEquals(new byte[] {7, 8, 9}, PngDecoder.decode(png, "rgb.png").rgb());
    }

    @Test
    void leavesOtherFormatsDepthsAndInterlacingToTheGeneralPath() {
        byte[] row = rows(new byte[] {0, 1, 2, 3, 4, 5, 6});
        assertNull(PngDecoder.decode("GIF89a....".getBytes(StandardCharsets.US_ASCII), "x.gif"));
        assertNull(PngDecoder.decode(png(2, 2, 1, 8, 1, row), "interlaced.png"));
        assertNull(PngDecoder.decode(png(2, 1, 1, 16, 0, row), "deep.png"));
        assertNull(PngDecoder.decode(png(0, 8, 1, 1, 0, rows(new byte[] {0, 5})), "bilevel.png"));
    }

    @Test
    void truncatedFileGivesAnErrorNamingTheSource() {
        byte[] png = validRgb();
        byte[] cut = Arrays.copyOf(png, png.length - 20);
        assertCorrupt(cut, "truncated");
        assertCorrupt(Arrays.copyOf(png, 40), "truncated");
    }

    @Test
    void damagedChunkFailsItsCrc() {
        byte[] png = validRgb();
        png[png.length - 12 - 4 - 3] ^= 0x10;   // inside the IDAT data
        assertCorrupt(png, "CRC mismatch in the IDAT chunk");
        byte[] header = validRgb();
        header[20] ^= 1;   // IHDR height
        assertCorrupt(header, "CRC mismatch in the IHDR chunk");
    }

    @Test
    void invalidOrShortImageDataIsReported() {
        byte[] garbage = {0x78, (byte) 0x9c, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x00, 0x11};
        assertCorrupt(withIdat(png(2, 4, 3, 8, 0, null), garbage), "compressed image data is invalid");
        byte[] twoRows = rows(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, new byte[13]);
        assertCorrupt(withIdat(png(2, 4, 3, 8, 0, null), twoRows), "ends in row 2 of 3");
        byte[] cutStream = Arrays.copyOf(rows(new byte[13], new byte[13], new byte[13]), 6);
        assertCorrupt(withIdat(png(2, 4, 3, 8, 0, null), cutStream), "the IDAT chunks end in row");
    }

    @Test
    void unknownFilterTypeAndMissingChunksAreReported() {
        byte[] badFilter = new byte[13];
        badFilter[0] = 5;
        assertCorrupt(png(2, 4, 1, 8, 0, rows(badFilter)), "row 0 has filter type 5");
        assertCorrupt(png(3, 4, 1, 8, 0, rows(new byte[5])), "without a PLTE chunk");
        assertCorrupt(png(2, 4, 1, 8, 0, null), "IEND comes before any IDAT");
        byte[] noIhdr = png(2, 4, 1, 8, 0, null);
        assertCorrupt(Arrays.copyOfRange(noIhdr, 0, 8), "the first chunk is not a 13-byte IHDR");
    }

    private static void assertCorrupt(byte[] png, String what) {
        InputDataException e = assertThrows(InputDataException.class, () -> ClipImageProcessor.decode(png, "images/subj01/x.png"));
        assertTrue(e.getMessage().startsWith("images/subj01/x.png: corrupt PNG: "), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
    }

    /** A 4x3 RGB PNG whose rows use the Sub, Up and Paeth filters. */
    private static byte[] validRgb() {
        byte[][] r = new byte[3][13];
        for (int y = 0; y < 3; y++) {
            r[y][0] = (byte) (new int[] {1, 2, 4}[y]);
            for (int i = 1; i < 13; i++) r[y][i] = (byte) (i * 7 + y);
        }
        return png(2, 4, 3, 8, 0, rows(r));
    }

    private static byte[] rows(byte[]... filteredRows) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] r : filteredRows) b.writeBytes(r);
        return deflate(b.toByteArray());
    }

    private static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[raw.length + 64];
        int n = d.deflate(buf);
        d.end();
        return Arrays.copyOf(buf, n);
    }

    /** A PNG with the given IHDR fields, extra chunks, one IDAT holding {@code idat} (none if null) and IEND. */
    private static byte[] png(int colour, int width, int height, int depth, int interlace, byte[] idat, byte[]... extra) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 137, 'P', 'N', 'G', '\r', '\n', 26, '\n'});
        b.writeBytes(chunk("IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) depth).put((byte) colour).put((byte) 0).put((byte) 0).put((byte) interlace).array()));
        for (byte[] c : extra) b.writeBytes(c);
        if (idat != null) b.writeBytes(chunk("IDAT", idat));
        b.writeBytes(chunk("IEND", new byte[0]));
        return b.toByteArray();
    }

    /** {@code png} (which has no IDAT) with an IDAT chunk inserted before IEND. */
    private static byte[] withIdat(byte[] png, byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(png, 0, png.length - 12);
        b.writeBytes(chunk("IDAT", data));
        b.write(png, png.length - 12, 12);
        return b.toByteArray();
    }

    private static byte[] chunk(String type, byte[] data) {
        CRC32 crc = new CRC32();
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        crc.update(t);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data).putInt((int) crc.getValue()).array();
    }
}
