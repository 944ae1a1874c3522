package org.fbnet.provenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * SHA-256 fingerprints of what made an output: named parts (settings, inputs' fingerprints, format
 * versions) hashed as canonical JSON (keys sorted at every level), so equal parts give equal
 * fingerprints whatever order they were added in.
 */
public final class Fingerprint {
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private final TreeMap<String, Object> parts = new TreeMap<>();

    public static Fingerprint builder() { return new Fingerprint(); }

    /** Adds a JSON-serialisable part (maps, lists, strings, numbers, booleans, records of those). */
    public Fingerprint add(String name, Object value) {
        if (parts.put(name, value) != null) throw new IllegalArgumentException("fingerprint part '" + name + "' added twice");
        return this;
    }

    public String hex() {
        try {
            return sha256(CANONICAL.writeValueAsBytes(parts));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("fingerprint parts are not serialisable: " + e.getMessage(), e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(String s) { return sha256(s.getBytes(StandardCharsets.UTF_8)); }
}
