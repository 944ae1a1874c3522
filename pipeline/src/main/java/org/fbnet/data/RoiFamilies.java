package org.fbnet.data;

import java.util.List;

/** The six ROI families of the Algonauts 2023 challenge, as spelled in the mask file names. */
public final class RoiFamilies {
    public static final List<String> ALL = List.of(
            "prf-visualrois", "floc-bodies", "floc-faces", "floc-places", "floc-words", "streams");

    private RoiFamilies() { }
}
