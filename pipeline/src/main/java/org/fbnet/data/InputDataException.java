package org.fbnet.data;

/**
 * Bad input data: the message names the subject and/or file and what is wrong with it.
 * <p>Thrown before anything is published, so a failed stage leaves no partial output behind.
 */
public class InputDataException extends RuntimeException {
    public InputDataException(String message) {
        super(message);
    }

    public InputDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
