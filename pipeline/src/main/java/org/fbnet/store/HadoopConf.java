package org.fbnet.store;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The Hadoop configuration fbnet reads and writes storage with.
 * <p>Local paths go through {@link org.apache.hadoop.fs.RawLocalFileSystem}: the default checksummed
 * local file system litters outputs with {@code .crc} files that numpy/pandas users don't expect, and
 * fails on files edited outside Hadoop with a checksum error instead of our own clear message.
 */
public final class HadoopConf {
    /** The settings added to every Hadoop configuration (also passed to Spark as spark.hadoop.*). */
    public static final Map<String, String> SETTINGS = Map.of(
            "fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem",
            // The FileSystem cache is keyed by scheme, not configuration: without this, a checksummed
            // instance cached by other code would be returned for our raw one.
            "fs.file.impl.disable.cache", "true");

    private HadoopConf() { }

    public static Configuration create() {
        Configuration c = new Configuration();
        SETTINGS.forEach(c::set);
        return c;
    }

    /** Adds fbnet's settings to an existing configuration (e.g. Spark's) and returns it. */
    public static Configuration apply(Configuration c) {
        SETTINGS.forEach(c::set);
        return c;
    }
}
