package org.fbnet.data;

/** One ROI of a subject's hemisphere: its family, name, label and challenge-space vertex indices (maybe none). */
public record RoiEntry(Hemisphere hemisphere, String family, String roi, int label, int[] vertices) { }
