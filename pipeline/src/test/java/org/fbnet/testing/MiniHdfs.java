package org.fbnet.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.fbnet.store.HadoopConf;

/**
 * A real HDFS (namenode and one datanode, in this JVM) for tests of storage on {@code hdfs://}: started
 * once per test JVM on first use (7-14 s), shared by the test classes that need it, each working in
 * its own directory, and shut down when the JVM exits.
 */
public final class MiniHdfs {
    private static MiniDFSCluster cluster;

    private MiniHdfs() { }

    private static synchronized MiniDFSCluster cluster() throws IOException {
        if (cluster == null) {
            File base = Files.createTempDirectory("fbnet-minidfs-").toFile();
            Configuration conf = new Configuration();
            conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
            cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
            cluster.waitActive();
            MiniDFSCluster started = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.shutdown();
                org.apache.hadoop.fs.FileUtil.fullyDelete(base);
            }, "minidfs-shutdown"));
        }
        return cluster;
    }

    /**
     * fbnet's Hadoop configuration, for clients of the cluster: one replica (there is one datanode), and
     * closing a file polls the namenode after 20 ms rather than 400 ms, else each small file of a
     * checkpoint costs about half a second here.
     */
    public static Configuration conf() {
        Configuration c = HadoopConf.create();
        c.set("dfs.replication", "1");
        c.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "20");
        return c;
    }

    /** {@code hdfs://localhost:PORT}. */
    public static String uri() throws IOException {
        return "hdfs://localhost:" + cluster().getNameNodePort();
    }

    /** A new, empty directory on the cluster, e.g. {@code hdfs://localhost:PORT/checkpoints-1a2b3c4d}. */
    public static Path newDir(String name) throws IOException {
        Path p = new Path(uri() + "/" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
        FileSystem fs = p.getFileSystem(conf());
        if (!fs.mkdirs(p)) throw new IOException("cannot create " + p);
        return p;
    }
}
