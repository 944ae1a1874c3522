package org.fbnet.clip;

import java.util.Arrays;

/**
 * Pillow's BICUBIC resize of 8-bit images, bit for bit (Pillow {@code src/libImaging/Resample.c}).
 * <p>It is not textbook bicubic: the kernel uses a = -0.5, it is stretched by the scale factor when
 * shrinking (antialiasing), taps outside the image are dropped and the rest renormalised, weights are
 * fixed-point with 22 fractional bits, and the horizontal pass is clipped to uint8 before the vertical
 * one. CLIP's features were computed from Pillow's pixels, so anything else shifts pixels by up to ~100
 * levels on downscaled images (CLIP-SPEC.md section 6).
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

    private static int clip8(int acc) {
        return Math.max(0, Math.min(acc >> PRECISION_BITS, 255));
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
        if (newHeight == height) return toBytes(horizontal(src, width, height, channels, newWidth));
        // The horizontal result (or the input) goes to the vertical pass as ints: its loop is then int-only,
        // which C2 vectorises, where byte loads widened to int are not (JDK 17).
        int[] rows = newWidth != width ? horizontal(src, width, height, channels, newWidth) : toInts(src);
        return vertical(rows, newWidth, height, channels, newHeight);
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xff;
        return out;
    }

    private static byte[] toBytes(int[] v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    /** The horizontal pass; its values are already clipped to 0..255, as Pillow's uint8 intermediate image. */
    private static int[] horizontal(byte[] in, int width, int height, int channels, int newWidth) {
        Coefficients c = coefficients(width, newWidth);
        int[] first = c.first(), count = c.count(), weights = c.weights();
        int maxCount = c.maxCount();
        int[] out = new int[newWidth * height * channels];
        for (int y = 0; y < height; y++) {
            int rowIn = y * width * channels, o = y * newWidth * channels;
            for (int xx = 0; xx < newWidth; xx++) {
                int kk = xx * maxCount, n = count[xx], p = rowIn + first[xx] * channels;
                if (channels == 3) {
                    // RGB, the case CLIP meets: one pass over the taps with three accumulators.
                    int r = HALF, g = HALF, b = HALF;
                    for (int x = 0; x < n; x++, p += 3) {
                        int k = weights[kk + x];
                        r += (in[p] & 0xff) * k;
                        g += (in[p + 1] & 0xff) * k;
                        b += (in[p + 2] & 0xff) * k;
                    }
                    out[o++] = clip8(r);
                    out[o++] = clip8(g);
                    out[o++] = clip8(b);
                } else {
                    for (int ch = 0; ch < channels; ch++) {
                        int acc = HALF;
                        for (int x = 0; x < n; x++) acc += (in[p + x * channels + ch] & 0xff) * weights[kk + x];
                        out[o++] = clip8(acc);
                    }
                }
            }
        }
        return out;
    }

    /** The vertical pass, row by row: each tap adds a whole input row (contiguous reads, an int accumulator row). */
    private static byte[] vertical(int[] in, int width, int height, int channels, int newHeight) {
        Coefficients c = coefficients(height, newHeight);
        int[] first = c.first(), count = c.count(), weights = c.weights();
        int maxCount = c.maxCount();
        int stride = width * channels;
        byte[] out = new byte[newHeight * stride];
        int[] acc = new int[stride];
        for (int yy = 0; yy < newHeight; yy++) {
            Arrays.fill(acc, HALF);
            int kk = yy * maxCount;
            for (int y = 0; y < count[yy]; y++) {
                int k = weights[kk + y], base = (first[yy] + y) * stride;
                for (int i = 0; i < stride; i++) acc[i] += in[base + i] * k;
            }
            int rowOut = yy * stride;
            for (int i = 0; i < stride; i++) out[rowOut + i] = (byte) clip8(acc[i]);
        }
        return out;
    }
}
