package org.fbnet.data.npy;

import org.fbnet.data.InputDataException;

/** An NPY file fbnet cannot read; the message names the file and the reason. */
public class NpyFormatException extends InputDataException {
    public NpyFormatException(String source, String what) {
        super(source + ": " + what);
    }
}
