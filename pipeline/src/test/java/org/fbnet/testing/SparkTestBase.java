package org.fbnet.testing;

import org.apache.spark.sql.SparkSession;
import org.fbnet.config.Settings;
import org.fbnet.spark.SparkSessions;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base class of every test that needs Spark: one real local[2] session shared by the whole test JVM
 * (starting one costs seconds), built the way the jobs build theirs.
 */
public abstract class SparkTestBase {
    protected static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = session();
    }

    public static synchronized SparkSession session() {
        Settings s = Settings.defaults()
                .with("spark.local.master", "local[2]")
                .with("spark.sql.shuffle.partitions", "4");
        return SparkSessions.getOrCreate("test", s);
    }
}
