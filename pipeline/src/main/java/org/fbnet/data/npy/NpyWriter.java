package org.fbnet.data.npy;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes C-order little-endian NPY files (format 1.0, header padded to 64 bytes as numpy does)
 * element by element or in chunks, so large arrays stream to disk.
 * <p>{@link #close()} fails if fewer elements were written than the shape promises.
 */
public final class NpyWriter implements Closeable {
    private final OutputStream out;
    private final NpyDtype dtype;
    private final long expected;
    private long written;
    private final ByteBuffer bb = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    public NpyWriter(OutputStream out, NpyDtype dtype, long... shape) throws IOException {
        this.out = new BufferedOutputStream(out, 1 << 20);
        this.dtype = dtype;
        long n = 1;
        for (long s : shape) n = Math.multiplyExact(n, s);
        this.expected = n;
        this.out.write(header(dtype, shape));
    }

    /** Creates (overwriting) a file through the Hadoop FileSystem API. */
    public static NpyWriter create(Path path, Configuration conf, NpyDtype dtype, long... shape) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return new NpyWriter(fs.create(path, true), dtype, shape);
    }

    static byte[] header(NpyDtype dtype, long[] shape) {
        return header(dtype.descr(), shape);
    }

    /** The header numpy writes for a descr and shape (also used for pickled object arrays). */
    static byte[] header(String descr, long[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '").append(descr)
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) s.append(shape.length == 1 ? "," : ", ");
        }
        s.append("), }");
        int unpadded = 10 + s.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        s.append(" ".repeat(pad)).append('\n');
        byte[] dict = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer h = ByteBuffer.allocate(10 + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        h.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        h.putShort((short) dict.length).put(dict);
        return h.array();
    }

    public NpyWriter write(float[] values, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) put(values[i]);
        return this;
    }

    public NpyWriter write(float[] values) throws IOException { return write(values, 0, values.length); }

    public NpyWriter write(double[] values) throws IOException {
        for (double v : values) put(v);
        return this;
    }

    public NpyWriter write(long[] values) throws IOException {
        for (long v : values) put(v);
        return this;
    }

    /** Appends one element, converted to this file's dtype. */
    public void put(double v) throws IOException {
        if (bb.remaining() < 8) flushBuffer();
        switch (dtype) {
            case FLOAT32 -> bb.putFloat((float) v);
            case FLOAT64 -> bb.putDouble(v);
            default -> putIntegral((long) v);
        }
        written++;
    }

    /** Appends one integral element (exact for int64). */
    public void put(long v) throws IOException {
        if (bb.remaining() < 8) flushBuffer();
        if (dtype.isFloating()) {
            if (dtype == NpyDtype.FLOAT32) bb.putFloat(v); else bb.putDouble(v);
        } else {
            putIntegral(v);
        }
        written++;
    }

    private void putIntegral(long v) {
        switch (dtype.size()) {
            case 1 -> bb.put((byte) v);
            case 2 -> bb.putShort((short) v);
            case 4 -> bb.putInt((int) v);
            default -> bb.putLong(v);
        }
    }

    private void flushBuffer() throws IOException {
        out.write(bb.array(), 0, bb.position());
        bb.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            flushBuffer();
            if (written != expected) {
                throw new IOException("NPY writer: " + written + " elements written, shape promises " + expected);
            }
        } finally {
            out.close();
        }
    }

    /** Writes a whole float array in one call. */
    public static void write(Path path, Configuration conf, float[] data, long... shape) throws IOException {
        try (NpyWriter w = create(path, conf, NpyDtype.FLOAT32, shape)) {
            w.write(data);
        }
    }

    /** Writes a whole int64 array in one call. */
    public static void write(Path path, Configuration conf, long[] data, long... shape) throws IOException {
        try (NpyWriter w = create(path, conf, NpyDtype.INT64, shape)) {
            w.write(data);
        }
    }
}
