package org.fbnet.clip;

import java.util.Arrays;

/**
 * Pillow's BICUBIC resize of 8-bit images, bit for bit (Pillow {@code src/libImaging/Resample.c}).
 * <p>It is not textbook bicubic: the kernel uses a = -0.5, it is stretched by the scale factor when
 * shrinking (antialiasing), taps outside the image are dropped and the rest renormalised, weights are
 * fixed-point with 22 fractional bits, and the horizontal pass is clipped to uint8 before the vertical
 * one. CLIP's features were computed from Pillow's pixels, so anything else shifts pixels by up to ~100
 * levels on downscaled images (CLIP-SPEC.md section 6).
 * <p>The arithmetic is Pillow's, integer for integer; only the loop order differs (integer sums do not
 * depend on it), so that the JIT can vectorise both passes (see {@code pass}).
 */
public final class PillowBicubic {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    /** The rounding term every accumulator starts from, as in Pillow. */
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    private static final double SUPPORT = 2.0;

    private PillowBicubic() { }

    /**
     * Fixed-point taps of one axis: output i reads {@code count[i]} input pixels from {@code first[i]},
     * with weights {@code weights[i * maxCount ...]} (one flat array, as Pillow's {@code kk}).
     */
    record Coefficients(int[] first, int[] count, int maxCount, int[] weights) { }

    static double filter(double x) {
        final double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /** Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for the whole input range. */
    static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = SUPPORT * filterscale;
        double ss = 1.0 / filterscale;
        int maxCount = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize], count = new int[outSize];
        int[] weights = new int[outSize * maxCount];
        double[] k = new double[maxCount];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ww = 0.0;
            // (int) truncates toward zero, as the C cast does; the clamp below makes it a floor where it matters.
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            for (int x = 0; x < xmax; x++) {
                double w = filter((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * maxCount + x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS)) : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(first, count, maxCount, weights);
    }


    /**
     * Resizes an interleaved 8-bit image ({@code channels} bytes per pixel, rows top to bottom).
     * @return the resized pixels, interleaved the same way; a copy when the size is unchanged
     */
    public static byte[] resize(byte[] src, int width, int height, int channels, int newWidth, int newHeight) {
        if (src.length != width * height * channels) {
            throw new IllegalArgumentException("pixel buffer holds " + src.length + " bytes, not " + width + "x" + height + "x" + channels);
        }
        if (newWidth <= 0 || newHeight <= 0) throw new IllegalArgumentException("target size must be positive: " + newWidth + "x" + newHeight);
        if (newWidth == width && newHeight == height) return src.clone();
        // Both passes run down the rows of an int array per row: the horizontal one on the transposed image
        // (one array per column), then transposed back. See pass() for why.
        int[][] rows = newWidth != width
                ? transpose(pass(columns(src, width, height, channels), coefficients(width, newWidth)), channels)
                : rows(src, height);
        if (newHeight != height) rows = pass(rows, coefficients(height, newHeight));
        int stride = newWidth * channels;
        byte[] out = new byte[newHeight * stride];
        for (int y = 0; y < newHeight; y++) {
            int[] row = rows[y];
            for (int i = 0; i < stride; i++) out[y * stride + i] = (byte) row[i];
        }
        return out;
    }

    /**
     * One resampling pass down a list of rows: output row i is the weighted sum of input rows
     * {@code first[i] ..} with Pillow's rounding, clipped to 0..255 as Pillow's uint8 intermediate image.
     * <p>Each row is its own array because C2 (JDK 17) vectorises {@code acc[i] += row[i] * k} but not
     * the same loop reading one big array at {@code base + i}, which might overlap {@code acc}: 15 against
     * 1.3 GMAC/s measured on this machine. The sums are int sums, so their order does not change them.
     */
    private static int[][] pass(int[][] in, Coefficients c) {
        int[] first = c.first(), count = c.count(), weights = c.weights();
        int maxCount = c.maxCount(), length = in[0].length;
        int[][] out = new int[first.length][];
        for (int yy = 0; yy < first.length; yy++) {
            int[] acc = new int[length];
            Arrays.fill(acc, HALF);
            for (int y = 0; y < count[yy]; y++) {
                int[] row = in[first[yy] + y];
                int k = weights[yy * maxCount + y];
                for (int i = 0; i < length; i++) acc[i] += row[i] * k;
            }
            for (int i = 0; i < length; i++) acc[i] = Math.max(0, Math.min(acc[i] >> PRECISION_BITS, 255));
            out[yy] = acc;
        }
        return out;
    }

    /** The image as one int array per row. */
    private static int[][] rows(byte[] b, int height) {
        int stride = b.length / height;
        int[][] rows = new int[height][stride];
        for (int y = 0; y < height; y++) {
            for (int i = 0; i < stride; i++) rows[y][i] = b[y * stride + i] & 0xff;
        }
        return rows;
    }

    /** The image as one int array per column: pixel y of column x at {@code [x][y * channels ..]}. */
    private static int[][] columns(byte[] in, int width, int height, int channels) {
        int[][] cols = new int[width][height * channels];
        int stride = width * channels;
        for (int x = 0; x < width; x++) {
            int[] col = cols[x];
            if (channels == 3) {
                // RGB, the case CLIP meets, unrolled: a 3-trip inner loop costs C2 more than the copy itself.
                for (int y = 0, p = x * 3, o = 0; y < height; y++, p += stride, o += 3) {
                    col[o] = in[p] & 0xff;
                    col[o + 1] = in[p + 1] & 0xff;
                    col[o + 2] = in[p + 2] & 0xff;
                }
            } else {
                for (int y = 0, p = x * channels, o = 0; y < height; y++, p += stride) {
                    for (int ch = 0; ch < channels; ch++) col[o++] = in[p + ch] & 0xff;
                }
            }
        }
        return cols;
    }

    /** Columns back to rows (pixels of {@code channels} values). */
    private static int[][] transpose(int[][] in, int channels) {
        int n = in.length, m = in[0].length / channels;
        int[][] out = new int[m][n * channels];
        for (int x = 0; x < n; x++) {
            int[] col = in[x];
            int o = x * channels;
            if (channels == 3) {
                for (int y = 0, p = 0; y < m; y++, p += 3) {
                    int[] row = out[y];
                    row[o] = col[p];
                    row[o + 1] = col[p + 1];
                    row[o + 2] = col[p + 2];
                }
            } else {
                for (int y = 0, p = 0; y < m; y++, p += channels) {
                    for (int ch = 0; ch < channels; ch++) out[y][o + ch] = col[p + ch];
                }
            }
        }
        return out;
    }
}
