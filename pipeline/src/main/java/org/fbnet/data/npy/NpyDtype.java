package org.fbnet.data.npy;

import java.util.Locale;

/**
 * The NPY element types fbnet reads and writes: little-endian (or single-byte) numeric and bool.
 * <p>Big-endian and object arrays are rejected before any data is touched: ND4J aborts the JVM on
 * {@code >f4} and pickled object arrays are only read through {@link NumpyPickle}.
 */
public enum NpyDtype {
    BOOL("|b1", 1, false), INT8("|i1", 1, false), UINT8("|u1", 1, false),
    INT16("<i2", 2, false), UINT16("<u2", 2, false), INT32("<i4", 4, false), UINT32("<u4", 4, false),
    INT64("<i8", 8, false), UINT64("<u8", 8, false), FLOAT32("<f4", 4, true), FLOAT64("<f8", 8, true);

    private final String descr;
    private final int size;
    private final boolean floating;

    NpyDtype(String descr, int size, boolean floating) {
        this.descr = descr;
        this.size = size;
        this.floating = floating;
    }

    /** The canonical numpy descr string, as numpy writes it on a little-endian machine. */
    public String descr() { return descr; }

    public int size() { return size; }

    public boolean isFloating() { return floating; }

    /**
     * Parses a numpy descr; {@code '='} (native) is read as little-endian, our only platform.
     * @return null if this is not a dtype fbnet supports
     */
    static NpyDtype parse(String descr) {
        String d = descr.toLowerCase(Locale.ROOT).trim();
        if (d.length() < 2) return null;
        char order = d.charAt(0);
        String kind = d.substring(1);
        for (NpyDtype t : values()) {
            String tk = t.descr.substring(1);
            if (!tk.equals(kind)) continue;
            if (t.size == 1 && (order == '|' || order == '<' || order == '=' || order == '>')) return t;
            if (t.size > 1 && (order == '<' || order == '=')) return t;
        }
        return null;
    }
}
