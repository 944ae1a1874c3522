package org.fbnet.data.npy;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed and validated header of an NPY file (format versions 1.0, 2.0 and 3.0).
 * <p>Validation happens here, before any array reaches ND4J: ND4J silently misreads Fortran-order
 * files and aborts the JVM on big-endian ones (shared/STACK.md).
 *
 * @param dtype       element type
 * @param shape       array shape; empty for a 0-d array
 * @param dataOffset  byte offset of the first element from the start of the file
 * @param descr       the raw descr string, kept for error messages and object arrays
 */
public record NpyHeader(NpyDtype dtype, long[] shape, long dataOffset, String descr) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Number of elements. */
    public long count() {
        long n = 1;
        for (long s : shape) n = Math.multiplyExact(n, s);
        return n;
    }

    /** Rows: the first dimension (1 for a 0-d array). */
    public long rows() { return shape.length == 0 ? 1 : shape[0]; }

    /** Elements per row: the product of all but the first dimension. */
    public long rowLength() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) n *= shape[i];
        return n;
    }

    /** Bytes of array data the header promises. */
    public long dataBytes() { return count() * dtype.size(); }

    /**
     * Reads the header from the start of a stream, leaving the stream at the first data byte.
     * @param source names the file in error messages
     * @param allowObject accept {@code |O} (pickled object array) with a null dtype
     */
    public static NpyHeader read(InputStream in, String source, boolean allowObject) throws IOException {
        DataInputStream din = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        try {
            din.readFully(magic);
        } catch (EOFException e) {
            throw new NpyFormatException(source, "file is shorter than the NPY magic string (empty or truncated)");
        }
        if (!Arrays.equals(magic, MAGIC)) {
            throw new NpyFormatException(source, "not an NPY file (magic string \\x93NUMPY missing)");
        }
        int major = din.readUnsignedByte();
        int minor = din.readUnsignedByte();
        long headerLen;
        int prefix;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(Short.reverseBytes(din.readShort()));
            prefix = 10;
        } else if (major == 2 || major == 3) {
            headerLen = Integer.toUnsignedLong(Integer.reverseBytes(din.readInt()));
            prefix = 12;
        } else {
            throw new NpyFormatException(source, "unsupported NPY format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        if (headerLen > 1 << 20) throw new NpyFormatException(source, "NPY header length " + headerLen + " is implausible");
        byte[] hb = new byte[(int) headerLen];
        try {
            din.readFully(hb);
        } catch (EOFException e) {
            throw new NpyFormatException(source, "file ends inside the NPY header (truncated)");
        }
        String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(text, prefix + headerLen, source, allowObject);
    }

    static NpyHeader parse(String text, long dataOffset, String source, boolean allowObject) {
        Matcher d = DESCR.matcher(text);
        Matcher f = FORTRAN.matcher(text);
        Matcher s = SHAPE.matcher(text);
        if (!d.find() || !f.find() || !s.find()) {
            throw new NpyFormatException(source, "malformed NPY header: " + text.trim());
        }
        String descr = d.group(1);
        if ("True".equals(f.group(1))) {
            throw new NpyFormatException(source, "Fortran-order arrays are not supported; re-save it with "
                    + "np.save(path, np.ascontiguousarray(a))");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.trim().replace("L", "");
            if (p.isEmpty()) continue;
            try {
                long v = Long.parseLong(p);
                if (v < 0) throw new NumberFormatException();
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new NpyFormatException(source, "malformed shape in NPY header: (" + s.group(1) + ")");
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        NpyDtype dtype = NpyDtype.parse(descr);
        if (dtype == null) {
            if (allowObject && descr.equals("|O")) return new NpyHeader(null, shape, dataOffset, descr);
            String why = descr.startsWith(">") ? "big-endian data is not supported; convert with a.astype(a.dtype.newbyteorder('<'))"
                    : descr.contains("O") ? "object arrays are not numeric data"
                    : "unsupported dtype (supported: little-endian float32/float64, integers, bool)";
            throw new NpyFormatException(source, "dtype '" + descr + "': " + why);
        }
        return new NpyHeader(dtype, shape, dataOffset, descr);
    }

    @Override
    public String toString() {
        return "NpyHeader[" + descr + ", shape=" + Arrays.toString(shape) + "]";
    }
}
