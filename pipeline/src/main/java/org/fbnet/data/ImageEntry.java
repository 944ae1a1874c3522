package org.fbnet.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One image of a subject's split: its row in the split (sorted file-name order), NSD id and file.
 * In features-only data there is no file: {@code path} is the features file and {@code sizeBytes} 0.
 */
public record ImageEntry(String split, int rowIndex, int nsdId, String fileName, String path, long sizeBytes)
        implements java.io.Serializable {
    private static final Pattern NAME = Pattern.compile("(train|test)-(\\d+)_nsd-(\\d+)\\.png");

    /** Parses {@code train-0001_nsd-00013.png}; null if the name does not follow the challenge pattern. */
    static Matcher match(String fileName) {
        Matcher m = NAME.matcher(fileName);
        return m.matches() ? m : null;
    }
}
