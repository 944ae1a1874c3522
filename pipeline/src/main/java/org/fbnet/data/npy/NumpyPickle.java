package org.fbnet.data.npy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes the Algonauts {@code roi_masks/mapping_<family>.npy} files: {@code np.save} of a
 * Python dict label -> ROI name, stored as a 0-d object array ({@code descr '|O'}, shape {@code ()})
 * whose payload is a pickle.
 * <p>Reading goes through a real pickle reader (Pyrolite) with constructors registered for the few
 * numpy globals such a file references. numpy 1.x pickles with protocol 3 and module
 * {@code numpy.core.multiarray}, numpy 2.x with protocol 4 and {@code numpy._core.multiarray}
 * (shared/STACK.md); both are accepted. Dict keys may be Python ints or numpy integer scalars, names
 * Python str or {@code np.str_}.
 * Anything else (a numeric array, a list, a dict with non-integer keys or non-string names) is an
 * {@link NpyFormatException} naming the file.
 * <p>Writing emits, byte for byte, what numpy 1.24 writes for a dict of int -> str with sorted keys,
 * so every numpy (1.x or 2.x) loads it with {@code np.load(f, allow_pickle=True).item()}.
 */
public final class NumpyPickle {
    private static final List<String> MULTIARRAY_MODULES = List.of("numpy.core.multiarray", "numpy._core.multiarray");

    static {
        // Pyrolite's registry is global; these names only ever mean numpy's own reconstructors.
        for (String module : MULTIARRAY_MODULES) {
            Unpickler.registerConstructor(module, "_reconstruct", NumpyPickle::reconstruct);
            Unpickler.registerConstructor(module, "scalar", NumpyPickle::scalar);
        }
        Unpickler.registerConstructor("numpy", "dtype", args -> new PickledDtype(args));
        // numpy.ndarray is only ever the first argument of _reconstruct: a marker is enough.
        Unpickler.registerConstructor("numpy", "ndarray", args -> {
            throw new PickleException("numpy.ndarray called directly; only _reconstruct is supported");
        });
    }

    private NumpyPickle() { }

    /**
     * Reads a mapping file (label -> ROI name) through the Hadoop FileSystem API.
     * @throws NpyFormatException naming the file if it is not an NPY-saved dict of int -> str
     */
    public static Map<Integer, String> readMapping(Path path, Configuration conf) throws IOException {
        String source = path.toString();
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) throw new NpyFormatException(source, "file not found");
        try (InputStream in = fs.open(path)) {
            NpyHeader header = NpyHeader.read(in, source, true);
            if (header.dtype() != null) {
                throw new NpyFormatException(source, "expected a pickled dict (np.save of a dict, descr '|O'), found a numeric "
                        + header.descr() + " array of shape " + java.util.Arrays.toString(header.shape()));
            }
            if (header.shape().length != 0) {
                throw new NpyFormatException(source, "expected a 0-d object array holding one dict, found shape "
                        + java.util.Arrays.toString(header.shape()));
            }
            Object top;
            try {
                top = new Unpickler().load(in);
            } catch (IOException | RuntimeException e) {
                // Pyrolite reports damage as PickleException, ClassCastException, stack underflow...
                throw new NpyFormatException(source, "unreadable pickle payload: " + e.getMessage());
            }
            if (!(top instanceof PickledArray array)) {
                throw new NpyFormatException(source, "pickle payload is a " + describe(top) + ", not a numpy array");
            }
            return toMapping(array.single(source), source);
        }
    }

    private static Map<Integer, String> toMapping(Object value, String source) {
        if (!(value instanceof Map<?, ?> dict)) {
            throw new NpyFormatException(source, "the saved object is a " + describe(value) + ", expected a dict label -> ROI name");
        }
        Map<Integer, String> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            Long key = asLong(e.getKey());
            if (key == null || key < Integer.MIN_VALUE || key > Integer.MAX_VALUE) {
                throw new NpyFormatException(source, "dict key " + e.getKey() + " (" + describe(e.getKey())
                        + ") is not an integer label");
            }
            if (!(e.getValue() instanceof String name)) {
                throw new NpyFormatException(source, "dict value for label " + key + " is a " + describe(e.getValue())
                        + ", expected a ROI name (str)");
            }
            out.put(key.intValue(), name);
        }
        return out;
    }

    private static Long asLong(Object k) {
        if (k instanceof Integer || k instanceof Long || k instanceof Short || k instanceof Byte) return ((Number) k).longValue();
        if (k instanceof BigInteger b && b.bitLength() < 64) return b.longValue();
        if (k instanceof PickledScalar s) return s.value();
        return null;
    }

    private static String describe(Object o) {
        if (o == null) return "None";
        if (o instanceof net.razorvine.pickle.objects.ClassDict cd) return "Python object " + cd.getClassName();
        if (o instanceof PickledArray) return "numpy array";
        if (o instanceof PickledScalar s) return "numpy scalar " + s.value();
        if (o instanceof String) return "str";
        if (o instanceof Map) return "dict";
        if (o instanceof List) return "list";
        if (o instanceof Object[]) return "tuple";
        return o.getClass().getSimpleName();
    }

    private static Object reconstruct(Object[] args) {
        // _reconstruct(ndarray, (0,), b'b'): an empty array; its real content arrives through BUILD.
        return new PickledArray();
    }

    private static Object scalar(Object[] args) {
        if (args.length != 2 || !(args[0] instanceof PickledDtype dtype) || !(args[1] instanceof byte[] bytes)) {
            throw new PickleException("unexpected numpy scalar arguments");
        }
        // Names saved as np.str_ are unicode scalars: plain strings for us.
        if (dtype.isUnicode()) return dtype.unicode(bytes);
        return new PickledScalar(dtype.integer(bytes));
    }

    /** A numpy dtype as pickled: {@code dtype('i8', False, True)} then its state tuple. */
    public static final class PickledDtype {
        private final String code;
        private String byteOrder = "|";

        PickledDtype(Object[] args) {
            if (args.length < 1 || !(args[0] instanceof String s)) throw new PickleException("unexpected numpy dtype arguments");
            this.code = s;
        }

        /** Called by the pickle BUILD opcode with numpy's dtype state (version, byte order, ...). */
        public void __setstate__(Object[] state) {
            if (state.length > 1 && state[1] instanceof String order) byteOrder = order;
        }

        boolean isUnicode() { return code.startsWith("U"); }

        /** numpy's fixed-width UTF-32 string, NUL-padded. */
        String unicode(byte[] bytes) {
            java.nio.charset.Charset utf32 = java.nio.charset.Charset.forName(byteOrder.equals(">") ? "UTF-32BE" : "UTF-32LE");
            String v = new String(bytes, utf32);
            int end = v.length();
            while (end > 0 && v.charAt(end - 1) == 0) end--;
            return v.substring(0, end);
        }

        long integer(byte[] bytes) {
            if (!code.matches("[iu][1248]") || bytes.length != code.charAt(1) - '0') {
                throw new PickleException("numpy scalar of dtype " + code + " is not an integer");
            }
            ByteBuffer bb = ByteBuffer.wrap(bytes).order(byteOrder.equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            boolean unsigned = code.charAt(0) == 'u';
            return switch (bytes.length) {
                case 1 -> unsigned ? Byte.toUnsignedLong(bb.get()) : bb.get();
                case 2 -> unsigned ? Short.toUnsignedLong(bb.getShort()) : bb.getShort();
                case 4 -> unsigned ? Integer.toUnsignedLong(bb.getInt()) : bb.getInt();
                default -> {
                    long v = bb.getLong();
                    if (unsigned && v < 0) throw new PickleException("uint64 label " + Long.toUnsignedString(v) + " is out of range");
                    yield v;
                }
            };
        }
    }

    /** A numpy integer scalar (a dict key saved as np.int64 etc.). */
    record PickledScalar(long value) { }

    /** A numpy array as pickled: empty until BUILD delivers (version, shape, dtype, fortran, data). */
    public static final class PickledArray {
        private Object[] state;

        /** Called by the pickle BUILD opcode. */
        public void __setstate__(Object[] state) {
            this.state = state;
        }

        Object single(String source) {
            if (state == null || state.length != 5) throw new NpyFormatException(source, "numpy array pickle without its state");
            if (!(state[1] instanceof Object[] shape) || shape.length != 0) {
                throw new NpyFormatException(source, "pickled array is not 0-d");
            }
            if (!(state[4] instanceof List<?> data) || data.size() != 1) {
                throw new NpyFormatException(source, "pickled array does not hold exactly one Python object");
            }
            return data.get(0);
        }
    }

    /**
     * Writes a mapping file as numpy 1.x's {@code np.save(path, dict)} does (pickle protocol 3).
     * Keys are written in ascending order.
     */
    public static void writeMapping(Path path, Configuration conf, Map<Integer, String> mapping) throws IOException {
        byte[] header = NpyWriter.header("|O", new long[0]);
        byte[] payload = pickleMapping(new TreeMap<>(mapping));
        try (OutputStream out = path.getFileSystem(conf).create(path, true)) {
            out.write(header);
            out.write(payload);
        }
    }

    /** The pickle numpy 1.24 emits for {@code np.array(dict, dtype=object)}, memo numbering included. */
    static byte[] pickleMapping(TreeMap<Integer, String> mapping) {
        PickleOut p = new PickleOut();
        p.op(0x80).op(3);                                           // PROTO 3
        p.global("numpy.core.multiarray", "_reconstruct").memo();
        p.global("numpy", "ndarray").memo();
        p.binint(0).op(0x85).memo();                                // (0,)
        p.op('C').op(1).op('b').memo();                             // SHORT_BINBYTES b'b'
        p.op(0x87).memo();                                          // TUPLE3
        p.op('R').memo();                                           // REDUCE
        p.op('(');                                                  // MARK: the state tuple
        p.binint(1).op(')');                                        // version 1, shape ()
        p.global("numpy", "dtype").memo();
        p.unicode("O8").op(0x89).op(0x88).op(0x87).memo().op('R').memo();
        p.op('(').binint(3).unicode("|").op('N').op('N').op('N');   // dtype state
        p.binint(-1).binint(-1).binint(63).op('t').memo().op('b');
        p.op(0x89);                                                 // fortran_order False
        p.op(']').memo();                                           // the one-element object list
        p.op('}').memo();
        List<Map.Entry<Integer, String>> items = List.copyOf(mapping.entrySet());
        // Python's pickler batches SETITEMS by 1000 and uses SETITEM for a lone item.
        for (int start = 0; start < items.size(); start += 1000) {
            List<Map.Entry<Integer, String>> batch = items.subList(start, Math.min(items.size(), start + 1000));
            if (batch.size() > 1) p.op('(');
            for (Map.Entry<Integer, String> e : batch) p.binint(e.getKey()).unicode(e.getValue());
            p.op(batch.size() > 1 ? 'u' : 's');
        }
        p.op('a');                                                  // APPEND the dict
        p.op('t').memo().op('b').op('.');                           // state TUPLE, BUILD, STOP
        return p.bytes();
    }

    /** The few pickle opcodes the writer needs, with numpy's (Python's) memo numbering. */
    private static final class PickleOut {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int memo;

        PickleOut op(int b) {
            out.write(b);
            return this;
        }

        PickleOut memo() {
            if (memo < 256) {
                op('q').op(memo);
            } else {
                op('r');
                le(memo, 4);
            }
            memo++;
            return this;
        }

        PickleOut global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        PickleOut binint(long v) {
            if (v >= 0 && v < 256) {
                op('K').op((int) v);
            } else if (v >= 0 && v < 65536) {
                op('M');
                le(v, 2);
            } else {
                op('J');
                le(v, 4);
            }
            return this;
        }

        PickleOut unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            le(b.length, 4);
            out.writeBytes(b);
            return memo();
        }

        private void le(long v, int n) {
            for (int i = 0; i < n; i++) out.write((int) (v >>> (8 * i)) & 0xff);
        }

        byte[] bytes() { return out.toByteArray(); }
    }
}
