package org.fbnet.store;

import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;

/** One published, immutable version of a {@link VersionedDir}: its id, directory and manifest. */
public record Version(String id, Path path, Manifest manifest) {
    /** The fingerprint of what it was made from (its manifest's). */
    public String fingerprint() { return manifest.fingerprint(); }

    /** This version as an input of another output. */
    public InputRef asInput(String inputId) {
        return new InputRef(inputId, id, manifest.fingerprint() == null ? "legacy:" + id : manifest.fingerprint(), path.toString());
    }
}
