package org.fbnet.clip;

import org.apache.hadoop.fs.Path;
import org.fbnet.data.InputDataException;

/** A safetensors file that is not what fbnet needs; the message names the file and what is wrong. */
public class SafeTensorsException extends InputDataException {
    public SafeTensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
