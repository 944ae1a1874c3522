package org.fbnet.pca;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.fbnet.data.InputDataException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Centered data as a cached RDD of row blocks: each pass broadcasts Q, every partition multiplies
 * its blocks and returns one l x columns partial (Z^T), and the driver adds the partials.
 * <p>Partials are collected and added in partition order (not with {@code treeAggregate}, whose
 * merge order follows task completion), so equal inputs and seeds give bit-identical models.
 * The driver holds one partial per partition: partitions x l x columns floats per pass.
 */
final class SparkData implements CenteredData {
    private final JavaRDD<Block> blocks;
    private final long rows;
    private final int columns;
    private final float[] mean;
    private final double totalVariance;
    private final int blockRows;

    private SparkData(JavaRDD<Block> blocks, long rows, int columns, float[] mean, double totalVariance, int blockRows) {
        this.blocks = blocks;
        this.blockRows = blockRows;
        this.rows = rows;
        this.columns = columns;
        this.mean = mean;
        this.totalVariance = totalVariance;
    }

    /** A block of consecutive centered rows, row-major. */
    static final class Block implements Serializable {
        private static final long serialVersionUID = 1L;
        final float[] values;
        final int rows;

        Block(float[] values, int rows) {
            this.values = values;
            this.rows = rows;
        }
    }

    /** Column sums and row count of one partition. */
    private static final class Sums implements Serializable {
        private static final long serialVersionUID = 1L;
        final double[] sum;
        final long count;

        Sums(double[] sum, long count) {
            this.sum = sum;
            this.count = count;
        }
    }

    /** One partition's contribution to a pass. */
    private static final class Partial implements Serializable {
        private static final long serialVersionUID = 1L;
        final float[] z;
        final double[] g;
        final Times times;

        Partial(float[] z, double[] g, Times times) {
            this.z = z;
            this.g = g;
            this.times = times;
        }
    }

    /**
     * Validates the rows, computes the mean in one pass, then caches centered blocks (coalesced to
     * {@code partitions}, 0 = default parallelism) and their total variance in a second.
     */
    static SparkData of(JavaRDD<float[]> rows, String source, int blockRows, int partitions) {
        List<float[]> first = rows.take(1);
        if (first.isEmpty()) throw new InputDataException(source + ": no rows to fit a PCA on");
        if (first.get(0) == null) throw new InputDataException(source + ": the first row is null");
        final int d = first.get(0).length;
        List<Sums> sums = rows.mapPartitionsWithIndex((idx, it) -> {
            double[] s = new double[d];
            long n = 0;
            while (it.hasNext()) {
                float[] r = it.next();
                RowChecks.check(r, d, source, "row " + n + " of partition " + idx);
                for (int j = 0; j < d; j++) s[j] += r[j];
                n++;
            }
            return List.of(new Sums(s, n)).iterator();
        }, false).collect();
        double[] total = new double[d];
        long n = 0;
        for (Sums s : sums) {
            for (int j = 0; j < d; j++) total[j] += s.sum[j];
            n += s.count;
        }
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float) (total[j] / n);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.context());
        int parts = partitions > 0 ? partitions : jsc.defaultParallelism();
        JavaRDD<float[]> coalesced = rows.getNumPartitions() > parts ? rows.coalesce(parts) : rows;
        final float[] mu = mean;
        JavaRDD<Block> blocks = coalesced.mapPartitions(it -> centeredBlocks(it, mu, blockRows))
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<Double> squares = blocks.mapPartitions(it -> {
            double ss = 0;
            while (it.hasNext()) for (float v : it.next().values) ss += (double) v * v;
            return List.of(ss).iterator();
        }).collect();
        double ss = 0;
        for (double s : squares) ss += s;
        return new SparkData(blocks, n, d, mean, n > 1 ? ss / (n - 1) : 0, blockRows);
    }

    private static Iterator<Block> centeredBlocks(Iterator<float[]> it, float[] mean, int blockRows) {
        int d = mean.length;
        return new Iterator<>() {
            @Override public boolean hasNext() { return it.hasNext(); }

            @Override
            public Block next() {
                List<float[]> rows = new ArrayList<>(blockRows);
                while (it.hasNext() && rows.size() < blockRows) rows.add(it.next());
                float[] v = new float[rows.size() * d];
                for (int i = 0; i < rows.size(); i++) {
                    float[] r = rows.get(i);
                    for (int j = 0; j < d; j++) v[i * d + j] = r[j] - mean[j];
                }
                return new Block(v, rows.size());
            }
        };
    }

    @Override public long rows() { return rows; }

    @Override public int columns() { return columns; }

    @Override public float[] mean() { return mean; }

    @Override public double totalVariance() { return totalVariance; }

    @Override
    public Pass pass(INDArray qt, boolean wantZ) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(blocks.context());
        final int l = (int) qt.rows();
        Broadcast<float[]> qb = jsc.broadcast(qt.dup('c').data().asFloat());
        final int d = columns;
        final int maxRows = blockRows;
        List<Partial> partials = blocks.mapPartitions(it -> {
            INDArray qm = Nd4j.create(qb.value(), new long[] {l, d}, 'c');
            try (BlockProducts products = new BlockProducts(qm, maxRows, wantZ)) {
                while (it.hasNext()) {
                    Block b = it.next();
                    INDArray a = Nd4j.create(b.values, new long[] {b.rows, d}, 'c');
                    products.add(a);
                    a.close();
                }
                INDArray z = products.zt();
                float[] zf = z == null ? null : z.data().asFloat();
                if (z != null) z.close();
                return List.of(new Partial(zf, products.g(), products.times())).iterator();
            } finally {
                qm.close();
            }
        }).collect();
        qb.destroy();
        double[] g = new double[l * l];
        double[] z = wantZ ? new double[d * l] : null;
        Times times = new Times(0, 0, 0);
        for (Partial p : partials) {
            times = times.plus(p.times);
            for (int i = 0; i < g.length; i++) g[i] += p.g[i];
            if (z != null) for (int i = 0; i < z.length; i++) z[i] += p.z[i];
        }
        INDArray zm = null;
        if (z != null) {
            float[] zf = new float[z.length];
            for (int i = 0; i < z.length; i++) zf[i] = (float) z[i];
            zm = Nd4j.create(zf, new long[] {l, d}, 'c');
        }
        return new Pass(zm, g, times);
    }

    @Override
    public void close() {
        blocks.unpersist(false);
    }
}
