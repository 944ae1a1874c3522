package org.fbnet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The golden reference files of the tests: what numpy, Pillow, torch and scikit-learn computed, committed
 * under src/test/resources/golden/refs/AREA with the inputs they computed it from, so the default test run
 * checks the Java code against them without Python.
 * <p>One script writes them all, src/test/python/make_golden.py; re-run it when a reference must change
 * (README, "Tests"). The tests tagged {@value Python#TAG} run that script live ({@link #live}) and apply
 * the same checks to what it just computed.
 */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The generator, relative to the pipeline module (surefire's working directory). */
    static final Path SCRIPT = Path.of("src/test/python/make_golden.py");

    private Golden() { }

    /** The committed references of an area, e.g. {@code ridge}. */
    public static Path dir(String area) {
        URL u = Golden.class.getResource("/golden/refs/" + area);
        if (u == null) {
            throw new IllegalStateException("golden/refs/" + area + " is not on the test class path; regenerate it with "
                    + "/usr/bin/python3 pipeline/src/test/python/make_golden.py " + area);
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The references of an area computed now by the live Python libraries into {@code tmp}, with the complete
     * arrays behind every digest; only in the python-refs profile ({@link Python}).
     */
    public static Path live(String area, Path tmp) throws IOException, InterruptedException {
        Python.runFile(SCRIPT.toAbsolutePath(), "--out", tmp.toString(), "--full", area);
        return tmp.resolve(area);
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) d[i] = array.get(i).doubleValue();
        return d;
    }

    /** A JSON list of float32 values (written as their exact doubles) as floats. */
    public static float[] floats(JsonNode array) {
        float[] f = new float[array.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) array.get(i).doubleValue();
        return f;
    }

    /** A flat row-major list as a matrix of {@code cols} columns. */
    public static float[][] matrix(float[] flat, int cols) {
        float[][] m = new float[flat.length / cols][cols];
        for (int i = 0; i < m.length; i++) System.arraycopy(flat, i * cols, m[i], 0, cols);
        return m;
    }

    public static double[][] matrix(double[] flat, int cols) {
        double[][] m = new double[flat.length / cols][cols];
        for (int i = 0; i < m.length; i++) System.arraycopy(flat, i * cols, m[i], 0, cols);
        return m;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
