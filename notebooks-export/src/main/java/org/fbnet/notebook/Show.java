package org.fbnet.notebook;

import java.util.Base64;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

/** What a notebook cell returns to show something other than text. */
public final class Show {
    private Show() { }

    /** A PNG image (e.g. one of {@link org.fbnet.eval.Charts}'s plots) as a cell's output. */
    public static DisplayData png(byte[] png) {
        if (png == null || png.length < 8 || png[0] != (byte) 0x89 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
            throw new IllegalArgumentException("not a PNG image (" + (png == null ? "null" : png.length + " bytes") + ")");
        }
        DisplayData d = new DisplayData("PNG image, " + png.length + " bytes");
        d.putData("image/png", Base64.getEncoder().encodeToString(png));
        return d;
    }
}
