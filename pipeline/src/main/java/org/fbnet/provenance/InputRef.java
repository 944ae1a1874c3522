package org.fbnet.provenance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One input of a published output: what it is ({@code id}, e.g. {@code fmri/subj01}, {@code pca/image},
 * {@code models/fbnet/pretrained}), which version was read, the content fingerprint of that version
 * (for files outside fbnet: of the files themselves) and where it was.
 */
public record InputRef(String id, String version, String fingerprint, String path) {
    public InputRef {
        if (id == null || id.isEmpty()) throw new IllegalArgumentException("an input needs an id");
        if (fingerprint == null || fingerprint.isEmpty()) throw new IllegalArgumentException("input " + id + " needs a fingerprint");
    }

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("version", version);
        m.put("fingerprint", fingerprint);
        m.put("path", path);
        return m;
    }

    static InputRef fromMap(Map<?, ?> m, String source) {
        Object id = m.get("id"), fp = m.get("fingerprint");
        if (!(id instanceof String) || !(fp instanceof String)) {
            throw new IllegalArgumentException(source + ": an input lacks 'id' or 'fingerprint': " + m);
        }
        return new InputRef((String) id, (String) m.get("version"), (String) fp, (String) m.get("path"));
    }
}
