package org.fbnet.report;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.fs.Path;
import org.fbnet.store.DataRoot;

/**
 * Hrefs from the page to what the output root holds: relative to the page's version directory when the
 * target is under the same root (so the links work wherever the root is copied or served), the target's
 * full URI otherwise (models under a separate checkpoint root).
 */
final class Links {
    private final DataRoot data;
    private final String root;
    private final String up;

    Links(DataRoot data, Path pageDir) throws IOException {
        this.data = data;
        this.root = qualified(data, data.root());
        String page = qualified(data, pageDir);
        if (!page.startsWith(root + "/")) throw new IllegalArgumentException(pageDir + " is not under the output root " + root);
        int depth = page.substring(root.length() + 1).split("/").length;
        this.up = "../".repeat(depth);
    }

    /** The full URI in one spelling: "file:/x" and "file:///x" name the same place. */
    private static String qualified(DataRoot data, Path p) throws IOException {
        URI u = p.getFileSystem(data.conf()).makeQualified(p).toUri();
        String s = u.getScheme() + "://" + (u.getRawAuthority() == null ? "" : u.getRawAuthority()) + u.getRawPath();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** The href of a file or directory (directories end in "/"). */
    String href(Path target, boolean directory) throws IOException {
        String t = qualified(data, target);
        String rel = relative(t);
        String href;
        try {
            href = rel == null ? t : up + new URI(null, null, rel, null).getRawPath();
        } catch (URISyntaxException e) {
            throw new IOException(t + ": cannot link to it: " + e.getMessage(), e);
        }
        return directory ? href + "/" : href;
    }

    /** The target's path relative to the output root, for display (its full URI when outside). */
    String display(Path target) throws IOException {
        String t = qualified(data, target);
        String rel = relative(t);
        return rel == null ? t : rel;
    }

    /** The decoded path of a qualified URI relative to the root, or null when it is not under the root. */
    private String relative(String qualifiedUri) {
        if (!qualifiedUri.startsWith(root + "/")) return null;
        return URI.create(qualifiedUri.substring(root.length() + 1)).getPath();
    }
}
