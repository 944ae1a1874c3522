package org.fbnet.provenance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The SHA-256 of a directory's content: every file below it except its own {@value Manifest#FILE_NAME}
 * (which records the hash, the time and the environment), each by relative path, size and SHA-256.
 * <p>The directory's hash is the SHA-256 of the lines {@code <file sha256>  <relative path>\n} sorted by
 * path, which is {@code sha256sum}'s output format: {@code cd DIR && find . -type f ! -path ./_manifest.json
 * | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum} recomputes it without fbnet. Unlike a
 * unit's fingerprint (what an output was made from), it identifies the bytes themselves, so a copy moved
 * between storages, or damaged on the way, can be checked.
 *
 * @param sha256 hex SHA-256 of the sorted listing
 * @param files  each file's relative path, size and hex SHA-256, sorted by path
 */
public record ContentHash(String sha256, List<FileHash> files) {
    /** One file of a hashed directory. */
    public record FileHash(String path, long bytes, String sha256) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("bytes", bytes);
            m.put("sha256", sha256);
            return m;
        }
    }

    public ContentHash {
        files = List.copyOf(files);
    }

    /** Reads and hashes every file below {@code dir} but its top-level manifest. */
    public static ContentHash of(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        Path root = fs.makeQualified(dir);
        String prefix = root.toUri().getPath();
        if (!prefix.endsWith("/")) prefix += "/";
        TreeMap<String, FileHash> byPath = new TreeMap<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        byte[] buffer = new byte[1 << 20];
        while (it.hasNext()) {
            LocatedFileStatus st = it.next();
            String rel = st.getPath().toUri().getPath().substring(prefix.length());
            if (rel.equals(Manifest.FILE_NAME)) continue;
            MessageDigest md = digest();
            long n = 0;
            try (InputStream in = fs.open(st.getPath())) {
                for (int r; (r = in.read(buffer)) > 0; n += r) md.update(buffer, 0, r);
            }
            byPath.put(rel, new FileHash(rel, n, HexFormat.of().formatHex(md.digest())));
        }
        return of(new ArrayList<>(byPath.values()));
    }

    /** The directory hash of a file listing (sorted here by path). */
    public static ContentHash of(List<FileHash> files) {
        List<FileHash> sorted = new ArrayList<>(files);
        sorted.sort(java.util.Comparator.comparing(FileHash::path));
        StringBuilder lines = new StringBuilder();
        for (FileHash f : sorted) lines.append(f.sha256()).append("  ").append(f.path()).append('\n');
        return new ContentHash(HexFormat.of().formatHex(digest().digest(lines.toString().getBytes(StandardCharsets.UTF_8))), sorted);
    }

    /**
     * The hash of a sub-folder as {@link #of(Path, Configuration)} would give it on its own (its top-level
     * manifest left out): a copied directory keeps the hash of its original.
     */
    public ContentHash under(String folder) {
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        List<FileHash> inside = new ArrayList<>();
        for (FileHash f : files) {
            String rel = f.path().startsWith(prefix) ? f.path().substring(prefix.length()) : null;
            if (rel != null && !rel.equals(Manifest.FILE_NAME)) inside.add(new FileHash(rel, f.bytes(), f.sha256()));
        }
        return of(inside);
    }

    /** Total size of the files. */
    public long bytes() {
        long n = 0;
        for (FileHash f : files) n += f.bytes();
        return n;
    }

    /** As a manifest field: {@code {"sha256": ..., "bytes": ..., "files": [{path, bytes, sha256}, ...]}}. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sha256", sha256);
        m.put("bytes", bytes());
        m.put("files", files.stream().map(FileHash::asMap).toList());
        return m;
    }

    /** Reads {@link #asMap}'s form back; {@code source} names the manifest in errors. */
    @SuppressWarnings("unchecked")
    public static ContentHash fromMap(Map<String, Object> m, String source) throws IOException {
        if (!(m.get("sha256") instanceof String hash) || !(m.get("files") instanceof List<?> list)) {
            throw new IOException(source + ": its content hash lacks 'sha256' or 'files'");
        }
        List<FileHash> files = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> f = (Map<String, Object>) o;
            files.add(new FileHash((String) f.get("path"), ((Number) f.get("bytes")).longValue(), (String) f.get("sha256")));
        }
        ContentHash h = of(files);
        if (!h.sha256().equals(hash)) throw new IOException(source + ": its content hash " + hash + " does not match its own file list");
        return h;
    }

    /**
     * Hashes {@code dir} again and compares with this record.
     * @throws IOException naming every file that is missing, extra, or has other bytes
     */
    public void verify(Path dir, Configuration conf) throws IOException {
        ContentHash now = of(dir, conf);
        if (now.sha256().equals(sha256)) return;
        Map<String, FileHash> expected = new TreeMap<>(), found = new TreeMap<>();
        files.forEach(f -> expected.put(f.path(), f));
        now.files().forEach(f -> found.put(f.path(), f));
        List<String> problems = new ArrayList<>();
        for (FileHash e : expected.values()) {
            FileHash f = found.get(e.path());
            if (f == null) problems.add(e.path() + " is missing");
            else if (f.bytes() != e.bytes()) problems.add(e.path() + " has " + f.bytes() + " bytes, expected " + e.bytes());
            else if (!f.sha256().equals(e.sha256())) problems.add(e.path() + " has other content (sha256 " + f.sha256() + ", expected " + e.sha256() + ")");
        }
        for (String p : found.keySet()) if (!expected.containsKey(p)) problems.add(p + " was not published with it");
        throw new IOException(dir + ": content differs from what was published: " + String.join("; ", problems));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
