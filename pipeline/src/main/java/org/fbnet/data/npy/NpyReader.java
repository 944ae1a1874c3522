package org.fbnet.data.npy;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Streams the rows of a validated NPY file from any Hadoop FileSystem, converting elements to
 * float, double or long as asked.
 * <p>Rows are read in caller-sized chunks so that no whole file (one subject's fMRI is 1.5 GB)
 * has to sit in memory; {@link #seekToRow} lets Spark tasks read disjoint row ranges.
 */
public final class NpyReader implements Closeable {
    private final String source;
    private final NpyHeader header;
    private final FSDataInputStream seekable;
    private InputStream in;
    private long nextRow;
    private byte[] buf = new byte[0];

    private NpyReader(String source, NpyHeader header, FSDataInputStream seekable, InputStream in) {
        this.source = source;
        this.header = header;
        this.seekable = seekable;
        this.in = in;
    }

    /** Opens a file through the Hadoop FileSystem API and validates its header and length. */
    public static NpyReader open(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        String source = path.toString();
        if (!fs.exists(path)) throw new NpyFormatException(source, "file not found");
        long length = fs.getFileStatus(path).getLen();
        FSDataInputStream raw = fs.open(path);
        try {
            NpyHeader h = NpyHeader.read(raw, source, false);
            long expected = h.dataOffset() + h.dataBytes();
            if (length < expected) {
                throw new NpyFormatException(source, "truncated: header promises " + h + " (" + expected
                        + " bytes) but the file has " + length + " bytes");
            }
            return new NpyReader(source, h, raw, new BufferedInputStream(raw, 1 << 20));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Reads from a plain stream (no seeking); the length check happens as rows are read. */
    public static NpyReader open(InputStream stream, String source) throws IOException {
        InputStream in = new BufferedInputStream(stream, 1 << 20);
        return new NpyReader(source, NpyHeader.read(in, source, false), null, in);
    }

    public NpyHeader header() { return header; }

    public String source() { return source; }

    public long rows() { return header.rows(); }

    public int rowLength() { return Math.toIntExact(header.rowLength()); }

    /** Positions the reader at the start of a row (files opened through Hadoop only). */
    public void seekToRow(long row) throws IOException {
        if (seekable == null) throw new IllegalStateException(source + ": stream is not seekable");
        if (row < 0 || row > rows()) throw new IndexOutOfBoundsException(source + ": row " + row + " of " + rows());
        seekable.seek(header.dataOffset() + row * header.rowLength() * header.dtype().size());
        in = new BufferedInputStream(seekable, 1 << 20);
        nextRow = row;
    }

    /**
     * Reads up to {@code dst.length / rowLength()} rows into {@code dst} as floats.
     * @return number of rows read; 0 at the end
     */
    public int readRows(float[] dst) throws IOException {
        int rows = rowsToRead(dst.length);
        ByteBuffer bb = fill(rows);
        int n = rows * rowLength();
        switch (header.dtype()) {
            case FLOAT32 -> bb.asFloatBuffer().get(dst, 0, n);
            case FLOAT64 -> { for (int i = 0; i < n; i++) dst[i] = (float) bb.getDouble(); }
            default -> { for (int i = 0; i < n; i++) dst[i] = (float) readIntegral(bb); }
        }
        return rows;
    }

    /** As {@link #readRows(float[])}, in double precision. */
    public int readRows(double[] dst) throws IOException {
        int rows = rowsToRead(dst.length);
        ByteBuffer bb = fill(rows);
        int n = rows * rowLength();
        switch (header.dtype()) {
            case FLOAT32 -> { for (int i = 0; i < n; i++) dst[i] = bb.getFloat(); }
            case FLOAT64 -> bb.asDoubleBuffer().get(dst, 0, n);
            default -> { for (int i = 0; i < n; i++) dst[i] = readIntegral(bb); }
        }
        return rows;
    }

    /** Reads the whole (small) array as longs; floating data is rejected, as masks and labels are integral. */
    public long[] readAllLongs() throws IOException {
        if (header.dtype().isFloating()) {
            throw new NpyFormatException(source, "expected integer or bool data, found " + header.descr());
        }
        long[] out = new long[Math.toIntExact(header.count())];
        int rowLen = Math.max(1, rowLength());
        int done = 0;
        while (done < out.length) {
            int rows = rowsToRead(Math.max(rowLen, Math.min(out.length - done, 1 << 20)));
            if (rows == 0) break;
            ByteBuffer bb = fill(rows);
            int n = rows * rowLen;
            for (int i = 0; i < n; i++) out[done + i] = readIntegral(bb);
            done += n;
        }
        return out;
    }

    /** Reads the whole (small) array as doubles. */
    public double[] readAllDoubles() throws IOException {
        double[] out = new double[Math.toIntExact(header.count())];
        int rowLen = Math.max(1, rowLength());
        double[] chunk = new double[Math.max(rowLen, 1 << 16) / rowLen * rowLen];
        int done = 0;
        int rows;
        while ((rows = readRows(chunk)) > 0) {
            System.arraycopy(chunk, 0, out, done, rows * rowLen);
            done += rows * rowLen;
        }
        return out;
    }

    private int rowsToRead(int capacity) {
        int rowLen = Math.max(1, rowLength());
        long left = rows() - nextRow;
        int rows = (int) Math.min(left, capacity / rowLen);
        if (rows == 0 && left > 0) {
            throw new IllegalArgumentException(source + ": buffer of " + capacity + " cannot hold one row of " + rowLen);
        }
        return rows;
    }

    private ByteBuffer fill(int rows) throws IOException {
        long bytes = (long) rows * Math.max(1, rowLength()) * header.dtype().size();
        if (buf.length < bytes) buf = new byte[Math.toIntExact(bytes)];
        int off = 0;
        while (off < bytes) {
            int r = in.read(buf, off, (int) bytes - off);
            if (r < 0) {
                throw new NpyFormatException(source, "truncated: data ends in row " + (nextRow + off
                        / (Math.max(1, rowLength()) * header.dtype().size())) + " of " + rows() + " promised by the header");
            }
            off += r;
        }
        nextRow += rows;
        return ByteBuffer.wrap(buf, 0, (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private long readIntegral(ByteBuffer bb) {
        return switch (header.dtype()) {
            case BOOL, UINT8 -> Byte.toUnsignedInt(bb.get());
            case INT8 -> bb.get();
            case INT16 -> bb.getShort();
            case UINT16 -> Short.toUnsignedInt(bb.getShort());
            case INT32 -> bb.getInt();
            case UINT32 -> Integer.toUnsignedLong(bb.getInt());
            case INT64, UINT64 -> bb.getLong();
            default -> throw new IllegalStateException(header.descr());
        };
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads a whole 2-d array (rows x values) as float rows, for arrays that fit in memory. */
    public static float[][] readMatrix(Path path, Configuration conf) throws IOException {
        try (NpyReader r = open(path, conf)) {
            long[] shape = r.header().shape();
            if (shape.length != 2) {
                throw new org.fbnet.data.InputDataException(path + ": expected a 2-d array (rows x values), found shape "
                        + java.util.Arrays.toString(shape));
            }
            float[][] out = new float[Math.toIntExact(shape[0])][r.rowLength()];
            for (float[] row : out) r.readRows(row);
            return out;
        }
    }

    /** Convenience: read a 1-d or 2-d float array whole (for small files only). */
    public static float[] readAllFloats(Path path, Configuration conf) throws IOException {
        try (NpyReader r = open(path, conf)) {
            float[] out = new float[Math.toIntExact(r.header().count())];
            if (out.length > 0) r.readRows(out);
            return out;
        }
    }

}
