package org.fbnet.clip;

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
    private static final double SUPPORT = 2.0;

    private PillowBicubic() { }

    /** Fixed-point taps of one axis: output i reads {@code taps[i]} input pixels from {@code first[i]}. */
    record Coefficients(int[] first, int[] count, int[][] weights) { }

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
        int[] first = new int[outSize], count = new int[outSize];
        int[][] weights = new int[outSize][];
        double[] k = new double[(int) Math.ceil(support) * 2 + 1];
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
            int[] fixed = new int[xmax];
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                fixed[x] = w < 0 ? (int) (-0.5 + w * (1 << PRECISION_BITS)) : (int) (0.5 + w * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
            weights[xx] = fixed;
        }
        return new Coefficients(first, count, weights);
    }

    private static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
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
        byte[] cur = src;
        int w = width;
        if (newWidth != width) {
            cur = horizontal(cur, width, height, channels, newWidth);
            w = newWidth;
        }
        if (newHeight != height) cur = vertical(cur, w, height, channels, newHeight);
        return cur == src ? src.clone() : cur;
    }

    private static byte[] horizontal(byte[] in, int width, int height, int channels, int newWidth) {
        Coefficients c = coefficients(width, newWidth);
        byte[] out = new byte[newWidth * height * channels];
        for (int y = 0; y < height; y++) {
            int rowIn = y * width * channels, rowOut = y * newWidth * channels;
            for (int xx = 0; xx < newWidth; xx++) {
                int[] k = c.weights()[xx];
                int base = rowIn + c.first()[xx] * channels;
                for (int ch = 0; ch < channels; ch++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < k.length; x++) acc += (in[base + x * channels + ch] & 0xff) * k[x];
                    out[rowOut + xx * channels + ch] = (byte) clip8(acc);
                }
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int width, int height, int channels, int newHeight) {
        Coefficients c = coefficients(height, newHeight);
        int stride = width * channels;
        byte[] out = new byte[newHeight * stride];
        for (int yy = 0; yy < newHeight; yy++) {
            int[] k = c.weights()[yy];
            int base = c.first()[yy] * stride;
            int rowOut = yy * stride;
            for (int i = 0; i < stride; i++) {
                int acc = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < k.length; y++) acc += (in[base + y * stride + i] & 0xff) * k[y];
                out[rowOut + i] = (byte) clip8(acc);
            }
        }
        return out;
    }
}
