package org.fbnet.stage;

/** What a plan does with a unit. */
public enum Decision {
    /** Its outputs are missing or were made from other inputs or settings (or it is forced). */
    RUN,
    /** Its current outputs were made from exactly these inputs and settings (or a refresh policy keeps them). */
    SKIP,
    /** An input is neither published nor planned by an earlier stage. */
    BLOCKED
}
