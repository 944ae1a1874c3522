package org.fbnet.data;

/** A cortical hemisphere, named as in the Algonauts file names. */
public enum Hemisphere {
    LH, RH;

    /** "lh" or "rh". */
    public String code() { return name().toLowerCase(java.util.Locale.ROOT); }
}
