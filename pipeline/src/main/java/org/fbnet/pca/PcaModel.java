package org.fbnet.pca;

import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.npy.NpyDtype;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.StagedDirectory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fitted PCA: the mean, the k principal axes (k x d, unit rows, largest variance first), the
 * covariance eigenvalues (N-1) and the explained variance ratios; immutable.
 * <p>Saved as a directory numpy reads directly ({@code mean.npy}, {@code components.npy},
 * {@code eigenvalues.npy}, {@code explained_variance_ratio.npy}, the same meaning as scikit-learn's
 * {@code mean_}, {@code components_}, {@code explained_variance_} and
 * {@code explained_variance_ratio_}) plus a {@code _manifest.json} with its fit configuration, seed,
 * inputs and a {@code fitId} that datasets made with it record.
 * <p>Serializable so Spark tasks can receive it as a broadcast; the transforms use ND4J GEMMs.
 */
public final class PcaModel implements Projection {
    private static final long serialVersionUID = 1L;
    public static final String KIND = "pca-model";
    public static final int FORMAT_VERSION = 1;

    private final float[] mean;
    private final float[] components;
    private final double[] eigenvalues;
    private final double totalVariance;
    private final long samples;
    private final PcaConfig config;
    private final String fitId;
    private final int k;
    private final int d;

    PcaModel(float[] mean, float[] components, double[] eigenvalues, double totalVariance, long samples, PcaConfig config) {
        this(mean, components, eigenvalues, totalVariance, samples, config, UUID.randomUUID().toString());
    }

    private PcaModel(float[] mean, float[] components, double[] eigenvalues, double totalVariance, long samples,
                     PcaConfig config, String fitId) {
        this.d = mean.length;
        this.k = eigenvalues.length;
        if (components.length != (long) k * d) {
            throw new IllegalArgumentException("components hold " + components.length + " values, expected " + k + " x " + d);
        }
        this.mean = mean.clone();
        this.components = components.clone();
        this.eigenvalues = eigenvalues.clone();
        this.totalVariance = totalVariance;
        this.samples = samples;
        this.config = config;
        this.fitId = fitId;
    }

    /** Number of components k. */
    @Override
    public int components() { return k; }

    /** Input dimension d. */
    public int dimension() { return d; }

    public float[] mean() { return mean.clone(); }

    /** Component c (a unit vector of length d). */
    public float[] component(int c) {
        float[] out = new float[d];
        System.arraycopy(components, c * d, out, 0, d);
        return out;
    }

    /** Covariance eigenvalues (N-1 denominator) of the k components, descending. */
    public double[] eigenvalues() { return eigenvalues.clone(); }

    /** Each component's share of the total variance. */
    public double[] explainedVarianceRatio() {
        double[] r = new double[k];
        for (int c = 0; c < k; c++) r[c] = totalVariance > 0 ? eigenvalues[c] / totalVariance : 0;
        return r;
    }

    public double totalVariance() { return totalVariance; }

    @Override
    public double explainedVariance(int kept) {
        double[] ratio = explainedVarianceRatio();
        double s = 0;
        for (int c = 0; c < Math.min(kept, ratio.length); c++) s += ratio[c];
        return s;
    }

    public long samples() { return samples; }

    public PcaConfig config() { return config; }

    /** A unique id of this fit, recorded by every dataset made with the model. */
    @Override
    public String fitId() { return fitId; }

    /** Projects rows (n x d) to latents (n x k): (x - mean) C^T. */
    @Override
    public float[][] transform(float[][] rows) {
        return transform(rows, k);
    }

    /** Projects rows onto the first {@code kept} components only. */
    public float[][] transform(float[][] rows, int kept) {
        checkKept(kept);
        INDArray x = matrix(rows, d, "input");
        x.subiRowVector(Nd4j.createFromArray(mean));
        INDArray c = componentsMatrix(kept);
        INDArray z = x.mmul(c.transpose());
        float[][] out = z.toFloatMatrix();
        x.close();
        z.close();
        c.close();
        return out;
    }

    /** Projects one row. */
    public float[] transform(float[] row) {
        return transform(new float[][] {row})[0];
    }

    @Override
    public float[][] reconstruct(float[][] rows, int kept) {
        return inverseTransform(transform(rows, kept));
    }

    /** Maps latents (n x k', k' &lt;= k leading components) back to input space: z C + mean. */
    public float[][] inverseTransform(float[][] latents) {
        if (latents.length == 0) return new float[0][];
        int kept = latents[0].length;
        checkKept(kept);
        INDArray z = matrix(latents, kept, "latent");
        INDArray c = componentsMatrix(kept);
        INDArray x = z.mmul(c);
        x.addiRowVector(Nd4j.createFromArray(mean));
        float[][] out = x.toFloatMatrix();
        z.close();
        x.close();
        c.close();
        return out;
    }

    /** Maps one latent back to input space. */
    public float[] inverseTransform(float[] latent) {
        return inverseTransform(new float[][] {latent})[0];
    }

    /**
     * F-BNet's structured noise: n rows of z_c = N(0,1) * sqrt(eigenvalue_c), a sample with the
     * latent covariance diag(eigenvalues).
     */
    public float[][] sampleNoise(Random rnd, int n) {
        float[][] out = new float[n][k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) out[i][c] = (float) (rnd.nextGaussian() * Math.sqrt(eigenvalues[c]));
        }
        return out;
    }

    /** As {@link #sampleNoise(Random, int)} from a seed. */
    public float[][] sampleNoise(long seed, int n) {
        return sampleNoise(new Random(seed), n);
    }

    private void checkKept(int kept) {
        if (kept < 1 || kept > k) throw new IllegalArgumentException("cannot use " + kept + " of " + k + " components");
    }

    private INDArray componentsMatrix(int kept) {
        float[] sub = new float[kept * d];
        System.arraycopy(components, 0, sub, 0, sub.length);
        return Nd4j.create(sub, new long[] {kept, d}, 'c');
    }

    private static INDArray matrix(float[][] rows, int cols, String what) {
        INDArray m = Nd4j.create(DataType.FLOAT, new long[] {rows.length, cols}, 'c');
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new IllegalArgumentException(what + " row " + i + " has " + rows[i].length + " values, expected " + cols);
            }
            m.putRow(i, Nd4j.createFromArray(rows[i]));
        }
        return m;
    }

    /** Saves to {@code dir} (published atomically, replacing any model there) with the given input description. */
    public Path save(Path dir, Configuration conf, Map<String, Object> inputs) throws IOException {
        try (StagedDirectory staged = StagedDirectory.begin(dir, conf)) {
            writeArrays(staged.path(), conf);
            return staged.publish(manifest(inputs));
        }
    }

    /** Writes the NPY arrays into a (staging) directory; for models saved with extra files. */
    void writeArrays(Path p, Configuration conf) throws IOException {
        NpyWriter.write(new Path(p, "mean.npy"), conf, mean, d);
        NpyWriter.write(new Path(p, "components.npy"), conf, components, k, d);
        writeDoubles(new Path(p, "eigenvalues.npy"), conf, eigenvalues);
        writeDoubles(new Path(p, "explained_variance_ratio.npy"), conf, explainedVarianceRatio());
    }

    /** The manifest describing this model, with the given description of what it was fitted on. */
    Manifest manifest(Map<String, Object> data) {
        return describe(Manifest.of(KIND, FORMAT_VERSION)).with("data", new LinkedHashMap<>(data));
    }

    /** Adds this model's fields (fit id, shape, samples, config) to a manifest. */
    public Manifest describe(Manifest m) {
        return m.with("fitId", fitId)
                .with("components", k)
                .with("dimension", d)
                .with("samples", samples)
                .with("totalVariance", totalVariance)
                .with("config", config.describe())
                .withSeed(config.seed());
    }

    /** Writes the model's arrays and a manifest into {@code dir} (for a version being staged as a whole). */
    public void writeInto(Path dir, Configuration conf, Manifest manifest) throws IOException {
        writeArrays(dir, conf);
        manifest.write(dir, conf);
    }

    /** Saves with no input description. */
    public Path save(Path dir, Configuration conf) throws IOException {
        return save(dir, conf, Map.of());
    }

    private static void writeDoubles(Path path, Configuration conf, double[] v) throws IOException {
        try (NpyWriter w = NpyWriter.create(path, conf, NpyDtype.FLOAT64, v.length)) {
            w.write(v);
        }
    }

    /** The manifest of a saved model, or null if {@code dir} holds none. */
    public static Manifest manifest(Path dir, Configuration conf) throws IOException {
        return Manifest.read(dir, conf);
    }

    /** Loads a model saved by {@link #save}; checks kind, format version and array shapes. */
    public static PcaModel load(Path dir, Configuration conf) throws IOException {
        Manifest m = Manifest.read(dir, conf);
        if (m == null) throw new IOException(dir + ": no " + Manifest.FILE_NAME + "; not a saved PCA model");
        m.require(KIND, FORMAT_VERSION, dir.toString());
        float[] mean = readFloats(new Path(dir, "mean.npy"), conf, 1);
        float[] comps = readFloats(new Path(dir, "components.npy"), conf, 2);
        double[] eig;
        try (NpyReader r = NpyReader.open(new Path(dir, "eigenvalues.npy"), conf)) {
            eig = r.readAllDoubles();
        }
        int k = eig.length;
        if (comps.length != (long) k * mean.length) {
            throw new IOException(dir + ": components.npy holds " + comps.length + " values, expected " + k + " x " + mean.length
                    + " (eigenvalues x mean)");
        }
        Map<String, Object> cfg = m.getMap("config");
        PcaConfig defaults = PcaConfig.of(k);
        PcaConfig config = new PcaConfig(k, number(cfg, "oversampling", defaults.oversampling()).intValue(),
                number(cfg, "powerIterations", defaults.powerIterations()).intValue(), number(cfg, "seed", 0).longValue(),
                defaults.blockRows(), defaults.localMaxValues(), defaults.sparkPartitions());
        return new PcaModel(mean, comps, eig, ((Number) m.get("totalVariance")).doubleValue(),
                ((Number) m.get("samples")).longValue(), config, m.getString("fitId"));
    }

    private static Number number(Map<String, Object> m, String key, Number fallback) {
        Object v = m.get(key);
        return v instanceof Number n ? n : fallback;
    }

    private static float[] readFloats(Path p, Configuration conf, int rank) throws IOException {
        try (NpyReader r = NpyReader.open(p, conf)) {
            if (r.header().shape().length != rank) {
                throw new IOException(p + ": expected a " + rank + "-d array, found shape " + java.util.Arrays.toString(r.header().shape()));
            }
        }
        return NpyReader.readAllFloats(p, conf);
    }
}
