package org.fbnet.report;

import java.util.Base64;
import java.util.Locale;

/**
 * A small HTML writer for the run report: elements, attributes and text, always escaped.
 * <p>It writes polyglot markup (void elements self-closed, no named entities but the XML ones, scripts in
 * CDATA comments), so the page is both HTML and well-formed XML: tests read it with the JDK's XML parser.
 */
final class Html {
    private final StringBuilder sb = new StringBuilder(1 << 16);

    /** Escapes text or an attribute value. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // XML 1.0 forbids most control characters even as references; error messages may hold them.
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') out.append('?');
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }

    /** A PNG as a data: URI, so the page needs no file beside it. */
    static String pngUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** Whether bytes start with the PNG signature. */
    static boolean isPng(byte[] b) {
        return b != null && b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    /** Opens an element; {@code attributes} are name, value pairs (a null value leaves the attribute out). */
    Html open(String tag, String... attributes) {
        return start(tag, ">", attributes);
    }

    Html close(String tag) {
        sb.append("</").append(tag).append(">\n");
        return this;
    }

    /** An element holding escaped text. */
    Html element(String tag, String text, String... attributes) {
        open(tag, attributes);
        text(text);
        sb.append("</").append(tag).append('>');
        return this;
    }

    /** A void element ({@code img}, {@code meta}, {@code br}), self-closed. */
    Html empty(String tag, String... attributes) {
        return start(tag, "/>", attributes);
    }

    Html text(String text) {
        sb.append(escape(text == null ? "" : text));
        return this;
    }

    /** Markup written as is: only for constants of this package. */
    Html raw(String markup) {
        sb.append(markup);
        return this;
    }

    /** A script, inside a CDATA section that HTML reads as comments. */
    Html script(String js) {
        if (js.contains("]]>")) throw new IllegalArgumentException("a script must not contain ]]>");
        sb.append("<script>//<![CDATA[\n").append(js).append("\n//]]></script>\n");
        return this;
    }

    /** A link: the text, escaped, to a URL. */
    Html link(String href, String text) {
        return element("a", text, "href", href);
    }

    private Html start(String tag, String end, String... attributes) {
        if (attributes.length % 2 != 0) throw new IllegalArgumentException("attributes come in name, value pairs");
        sb.append('<').append(tag);
        for (int i = 0; i < attributes.length; i += 2) {
            if (attributes[i + 1] == null) continue;
            sb.append(' ').append(attributes[i]).append("=\"").append(escape(attributes[i + 1])).append('"');
        }
        sb.append(end);
        return this;
    }

    @Override
    public String toString() { return sb.toString(); }

    /** A number with fixed decimals, or an en dash when there is none. */
    static String number(Double v, int decimals) {
        return v == null || v.isNaN() ? "\u2013" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A duration in words: "0.4 s", "12 s", "3 min 05 s", "1 h 02 min". */
    static String seconds(double s) {
        if (s < 10) return String.format(Locale.ROOT, "%.1f s", s);
        long t = Math.round(s);
        if (t < 60) return t + " s";
        if (t < 3600) return String.format(Locale.ROOT, "%d min %02d s", t / 60, t % 60);
        return String.format(Locale.ROOT, "%d h %02d min", t / 3600, t % 3600 / 60);
    }
}
