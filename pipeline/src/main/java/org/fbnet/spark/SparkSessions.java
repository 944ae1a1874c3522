package org.fbnet.spark;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.fbnet.config.Settings;

/**
 * Builds the SparkSession every fbnet job runs in: the cluster's when launched by spark-submit,
 * otherwise an embedded local Spark ({@code spark.local.master}).
 * <p>Kryo needs ND4J's registrator set before the context starts, or INDArrays in RDDs fail to
 * serialise (STACK.md).
 */
public final class SparkSessions {
    private SparkSessions() { }

    public static SparkSession getOrCreate(String appName, Settings s) {
        return getOrCreate(appName, s, java.util.Map.of());
    }

    /**
     * As {@link #getOrCreate(String, Settings)}, with extra Spark settings applied first (a benchmark or test
     * pointing the session at a standalone master with its executor class path and memory).
     */
    public static SparkSession getOrCreate(String appName, Settings s, java.util.Map<String, String> extra) {
        SparkConf conf = new SparkConf(true);
        extra.forEach(conf::set);
        if (!conf.contains("spark.master")) {
            conf.setMaster(s.get("spark.local.master"));
            conf.set("spark.ui.enabled", s.get("spark.local.ui"));
            conf.set("spark.driver.host", "127.0.0.1");
            conf.set("spark.driver.bindAddress", "127.0.0.1");
        }
        conf.setIfMissing("spark.app.name", "fbnet " + appName);
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator," + FbnetKryoRegistrator.class.getName());
        for (String k : List.of("spark.broadcast.compress", "spark.broadcast.blockSize", "spark.task.maxDirectResultSize", "spark.rpc.message.maxSize")) {
            conf.setIfMissing(k, s.get(k));
        }
        conf.setIfMissing("spark.sql.shuffle.partitions", s.get("spark.sql.shuffle.partitions"));
        conf.setIfMissing("spark.sql.parquet.compression.codec", s.get("spark.parquet.compression"));
        conf.setIfMissing("spark.sql.sources.partitionOverwriteMode", "dynamic");
        org.fbnet.store.HadoopConf.SETTINGS.forEach((k, v) -> conf.setIfMissing("spark.hadoop." + k, v));
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
