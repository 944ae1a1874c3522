package org.fbnet.data;

/**
 * An input the user named (a dataset folder, a truth folder, a model folder, a settings file) does not exist.
 * <p>A separate type from other bad input because the fix differs: the path is wrong, not the data in it
 * (the launcher exits with 66, sysexits' EX_NOINPUT, rather than 65).
 */
public class MissingInputException extends InputDataException {
    public MissingInputException(String message) {
        super(message);
    }
}
