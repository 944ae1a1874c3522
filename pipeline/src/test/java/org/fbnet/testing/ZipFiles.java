package org.fbnet.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Reads the zips the stages publish (submissions) with java.util.zip, independent of how we wrote them. */
public final class ZipFiles {
    private ZipFiles() { }

    /** Extracts every entry under {@code dir}; returns entry name to extracted file, sorted by name. */
    public static Map<String, Path> extract(Path zip, Path dir) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                Path f = dir.resolve(e.getName()).normalize();
                if (!f.startsWith(dir)) throw new IOException(zip + ": entry " + e.getName() + " leaves the folder");
                Files.createDirectories(f.getParent());
                Files.write(f, z.getInputStream(e).readAllBytes());
                out.put(e.getName(), f);
            }
        }
        return out;
    }
}
