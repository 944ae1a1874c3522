package org.fbnet.jobs;

import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.fbnet.data.MissingInputException;

/**
 * Checks the paths a command line names before any stage starts: a URI scheme that Hadoop has no
 * FileSystem for is a usage error, and an input that does not exist is missing input, each naming
 * the flag as typed. Without this both surface deep inside a stage (an unknown scheme as a stack trace).
 */
final class PathArguments {
    private static final Pattern IMPL_KEY = Pattern.compile("fs\\.([a-z][a-z0-9+-]*)\\.impl");

    private PathArguments() { }

    /** Checks a path-valued flag: its scheme always, its existence when it is an input. Empty values are unset. */
    static void check(String flag, String value, boolean mustExist, Configuration conf) throws IOException {
        if (value == null || value.isEmpty()) return;
        Path path = new Path(value);
        checkScheme(flag, value, path, conf);
        if (mustExist && !path.getFileSystem(conf).exists(path)) {
            throw new MissingInputException(flag + " " + value + ": no such file or directory");
        }
    }

    private static void checkScheme(String flag, String value, Path path, Configuration conf) {
        URI uri = path.toUri();
        String scheme = uri.getScheme();
        if (scheme == null) return;
        try {
            FileSystem.getFileSystemClass(scheme, conf);
        } catch (UnsupportedFileSystemException e) {
            throw new UsageException(flag + " " + value + ": no FileSystem for scheme '" + scheme + "'; available schemes: "
                    + String.join(", ", availableSchemes(conf)));
        } catch (IOException | RuntimeException e) {
            // core-default.xml names classes for s3a, abfs, gs, ...: the scheme is known but its jar is absent.
            throw new UsageException(flag + " " + value + ": the FileSystem for scheme '" + scheme + "' is not on the class path ("
                    + e.getMessage() + "); available schemes: " + String.join(", ", availableSchemes(conf)));
        }
    }

    /**
     * The schemes whose FileSystem class loads here: those registered as services in the jars on the class
     * path and those named by {@code fs.SCHEME.impl} settings, as Hadoop itself resolves them.
     */
    static TreeSet<String> availableSchemes(Configuration conf) {
        TreeSet<String> candidates = new TreeSet<>();
        Iterator<FileSystem> it = ServiceLoader.load(FileSystem.class).iterator();
        while (true) {
            try {
                if (!it.hasNext()) break;
                candidates.add(it.next().getScheme());
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                // a registered FileSystem whose dependencies are absent, or one without a fixed scheme
            }
        }
        for (Map.Entry<String, String> e : conf) {
            Matcher m = IMPL_KEY.matcher(e.getKey());
            if (m.matches()) candidates.add(m.group(1));
        }
        TreeSet<String> out = new TreeSet<>();
        for (String s : candidates) {
            try {
                FileSystem.getFileSystemClass(s, conf);
                out.add(s);
            } catch (IOException | RuntimeException | LinkageError e) {
                // named but its class is not on the class path
            }
        }
        return out;
    }
}
