package org.fbnet.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A safetensors file on any Hadoop FileSystem: the validated header, and tensors read on demand.
 * <p>Layout (huggingface/safetensors): u64 little-endian header length N, N bytes of UTF-8 JSON mapping
 * each tensor name to {@code dtype}, {@code shape} and {@code data_offsets [begin, end)} relative to the
 * end of the header, then the raw C-order little-endian data. Only the header is read on open, so a
 * 600 MB CLIPModel file costs one small read until a tensor is asked for; every entry's byte range is
 * checked against its dtype, shape and the file size, so a truncated or foreign file fails here with
 * its name rather than later as garbage weights.
 */
public final class SafeTensors {
    /** Header size above which the file is surely not safetensors (the reference reader's limit is 100 MB). */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor's header entry. */
    public record Tensor(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private final Path path;
    private final Configuration conf;
    private final long fileSize;
    private final long dataStart;
    private final byte[] headerBytes;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, Configuration conf, long fileSize, byte[] headerBytes,
                        Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.conf = conf;
        this.fileSize = fileSize;
        this.dataStart = 8 + headerBytes.length;
        this.headerBytes = headerBytes;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Bytes per element of each safetensors dtype. */
    static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }

    /**
     * Reads and validates the header of {@code path}.
     * @throws SafeTensorsException naming the file when it is not a well-formed, complete safetensors file
     */
    public static SafeTensors open(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        long size;
        try {
            size = fs.getFileStatus(path).getLen();
        } catch (java.io.FileNotFoundException e) {
            throw new SafeTensorsException(path, "missing");
        }
        if (size < 8) throw new SafeTensorsException(path, "file has " + size + " bytes, fewer than the 8-byte header length");
        byte[] header;
        try (FSDataInputStream in = fs.open(path)) {
            byte[] len = new byte[8];
            in.readFully(0, len);
            long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n <= 0 || n > MAX_HEADER_BYTES || n > size - 8) {
                throw new SafeTensorsException(path, "header length " + n + " is impossible for a file of " + size
                        + " bytes: not a safetensors file (a PyTorch .bin or a truncated download?)");
            }
            header = new byte[(int) n];
            in.readFully(8, header);
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (IOException e) {
            throw new SafeTensorsException(path, "header is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new SafeTensorsException(path, "header is not a JSON object");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        long dataBytes = size - 8 - header.length;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) throw new SafeTensorsException(path, "__metadata__ is not an object");
                v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(name, parseEntry(path, name, v, dataBytes));
        }
        return new SafeTensors(path, conf, size, header, tensors, metadata);
    }

    private static Tensor parseEntry(Path path, String name, JsonNode v, long dataBytes) {
        JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
        if (dt == null || !dt.isTextual() || sh == null || !sh.isArray() || off == null || !off.isArray() || off.size() != 2) {
            throw new SafeTensorsException(path, "tensor '" + name + "' lacks dtype, shape or data_offsets [begin, end]");
        }
        String dtype = dt.asText();
        int es = elementSize(dtype);
        if (es < 0) throw new SafeTensorsException(path, "tensor '" + name + "' has unknown dtype " + dtype);
        long[] shape = new long[sh.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!sh.get(i).canConvertToLong() || sh.get(i).asLong() < 0) {
                throw new SafeTensorsException(path, "tensor '" + name + "' has a bad shape " + sh);
            }
            shape[i] = sh.get(i).asLong();
            elements *= shape[i];
        }
        long begin = off.get(0).asLong(), end = off.get(1).asLong();
        if (begin < 0 || end < begin || end - begin != elements * es) {
            throw new SafeTensorsException(path, "tensor '" + name + "' " + dtype + Arrays.toString(shape) + " needs "
                    + elements * es + " bytes but data_offsets are [" + begin + ", " + end + "]");
        }
        if (end > dataBytes) {
            throw new SafeTensorsException(path, "tensor '" + name + "' ends at data byte " + end + " but the file holds only "
                    + dataBytes + " data bytes: the file is truncated (incomplete download?)");
        }
        return new Tensor(name, dtype, shape, begin, end);
    }

    public Path path() { return path; }

    public long fileSize() { return fileSize; }

    /** The raw JSON header, e.g. to fingerprint the weights without reading them. */
    public byte[] headerBytes() { return headerBytes.clone(); }

    public Map<String, Tensor> tensors() { return tensors; }

    public Map<String, String> metadata() { return metadata; }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new SafeTensorsException(path, "has no tensor '" + name + "'");
        return t;
    }

    /** The raw little-endian bytes of one tensor. */
    public byte[] readBytes(String name) throws IOException {
        Tensor t = tensor(name);
        long len = t.end() - t.begin();
        if (len > Integer.MAX_VALUE - 8) throw new SafeTensorsException(path, "tensor '" + name + "' is larger than 2 GB");
        byte[] b = new byte[(int) len];
        try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
            in.readFully(dataStart + t.begin(), b);
        } catch (EOFException e) {
            throw new SafeTensorsException(path, "is truncated inside tensor '" + name + "'");
        }
        return b;
    }

    /** A floating-point tensor (F32, F16, BF16 or F64) as float32, C order. */
    public float[] readFloats(String name) throws IOException {
        Tensor t = tensor(name);
        ByteBuffer bb = ByteBuffer.wrap(readBytes(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) t.elements()];
        switch (t.dtype()) {
            case "F32" -> bb.asFloatBuffer().get(out);
            case "F16" -> { for (int i = 0; i < out.length; i++) out[i] = halfToFloat(bb.getShort()); }
            case "BF16" -> { for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((bb.getShort() & 0xffff) << 16); }
            case "F64" -> { for (int i = 0; i < out.length; i++) out[i] = (float) bb.getDouble(); }
            default -> throw new SafeTensorsException(path, "tensor '" + name + "' is " + t.dtype() + ", not a floating-point tensor");
        }
        return out;
    }

    /** IEEE 754 binary16 to float32, exactly (every half value is representable). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16, exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** An integer tensor (I64 or I32) as longs. */
    public long[] readLongs(String name) throws IOException {
        Tensor t = tensor(name);
        ByteBuffer bb = ByteBuffer.wrap(readBytes(name)).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[(int) t.elements()];
        switch (t.dtype()) {
            case "I64" -> bb.asLongBuffer().get(out);
            case "I32" -> { for (int i = 0; i < out.length; i++) out[i] = bb.getInt(); }
            default -> throw new SafeTensorsException(path, "tensor '" + name + "' is " + t.dtype() + ", not an integer tensor");
        }
        return out;
    }

    /** A tensor to write: name, dtype, shape and its raw little-endian bytes. */
    public record Entry(String name, String dtype, long[] shape, byte[] data) {
        public static Entry f32(String name, float[] values, long... shape) {
            ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bb.asFloatBuffer().put(values);
            return new Entry(name, "F32", shape, bb.array());
        }

        public static Entry i64(String name, long[] values, long... shape) {
            ByteBuffer bb = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            bb.asLongBuffer().put(values);
            return new Entry(name, "I64", shape, bb.array());
        }
    }

    /** Writes a safetensors file, tensors in the given order, header padded with spaces to 8 bytes. */
    public static void write(Path path, Configuration conf, List<Entry> entries, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put("__metadata__", metadata);
        long offset = 0;
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dtype", e.dtype());
            m.put("shape", e.shape());
            m.put("data_offsets", new long[] {offset, offset + e.data().length});
            header.put(e.name(), m);
            offset += e.data().length;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        byte[] h = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(h, json.length, h.length, (byte) ' ');
        try (OutputStream out = path.getFileSystem(conf).create(path, true)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (Entry e : entries) out.write(e.data());
        }
    }
}
