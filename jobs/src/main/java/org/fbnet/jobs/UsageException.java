package org.fbnet.jobs;

/** A command line fbnet cannot run: an unknown command or option, a missing or malformed value. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
