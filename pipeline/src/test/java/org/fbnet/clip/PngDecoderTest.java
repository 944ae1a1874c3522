package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngDecoderTest {
    /**
     * Against Pillow's convert("RGB") of PNGs written by numpy's own encoder (every colour type and row filter,
     * split IDATs, tRNS, palette indices past PLTE), by Pillow, and one interlaced file left to ImageIO:
     * golden_refs/png_decode.py. Bit for bit: the digest of each RGB array, and every byte when the live run
     * wrote the arrays too. ImageIO, an independent decoder, must agree as well.
     */
    private static void rgbEqualsPillowAndImageIo(Path refs) throws Exception {
        int handled = 0, files = 0;
        for (JsonNode c : Golden.json(refs.resolve("cases.json")).get("cases")) {
            String name = c.get("name").textValue();
            byte[] png = Files.readAllBytes(refs.resolve(name + ".png"));
            Path full = refs.resolve(name + ".rgb");
            byte[] pillow = Files.exists(full) ? Files.readAllBytes(full) : null;
            RgbImage fast = PngDecoder.decode(png, name);
            if (c.get("handled").intValue() == 1) {
                assertNotNull(fast, name + " should be decoded without ImageIO");
                assertEquals(c.get("width").intValue(), fast.width(), name);
                assertEquals(c.get("height").intValue(), fast.height(), name);
            } else {
                assertNull(fast, name + " should be left to ImageIO");
            }
            RgbImage decoded = fast != null ? fast : ClipImageProcessor.decode(png, name);
            if (pillow != null) assertArrayEquals(pillow, decoded.rgb(), name + ": differs from Pillow's convert(\"RGB\")");
            assertEquals(c.get("rgb_sha256").textValue(), Golden.sha256(decoded.rgb()), name + ": differs from Pillow's convert(\"RGB\")");
            // ImageIO pads a short palette with its last entry where Pillow has a grey ramp.
            if (fast != null && !name.equals("P_past_palette")) {
                assertArrayEquals(ClipImageProcessor.decodeWithImageIo(png, name).rgb(), fast.rgb(), name + ": differs from ImageIO");
            }
            if (fast != null) handled++;
            files++;
        }
        assertEquals(40, files);
        assertEquals(39, handled);
    }

    @Test
    void rgbEqualsPillowAndImageIoForEveryColourTypeAndRowFilter() throws Exception {
        rgbEqualsPillowAndImageIo(Golden.dir("png-decode"));
    }

    @Test
    @Tag(Python.TAG)
    void rgbEqualsLivePillow(@TempDir Path dir) throws Exception {
        rgbEqualsPillowAndImageIo(Golden.live("png-decode", dir));
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
