package org.fbnet.synth;

import java.util.Locale;

/** A cortical hemisphere, named as in the Algonauts file names. */
public enum Hemisphere {
    LH, RH;

    /** "lh" or "rh". */
    public String id() { return name().toLowerCase(Locale.ROOT); }
}
