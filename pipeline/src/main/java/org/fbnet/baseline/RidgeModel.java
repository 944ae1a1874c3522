package org.fbnet.baseline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.StagedDirectory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fitted ridge regression from p latents to v vertices: {@code y = x W + b}, with the alpha that
 * cross-validation chose and the CV error of every alpha tried. Immutable.
 * <p>Saved as a directory: {@code weights.npy} (float32, p x v), {@code intercept.npy} (float32, v)
 * and a manifest holding alpha, the grid and its CV errors. Weights are float32 in memory too, so a
 * loaded model predicts exactly as the fitted one.
 */
public final class RidgeModel {
    public static final String KIND = "ridge-model";
    public static final int FORMAT_VERSION = 1;

    private final int inputs, outputs;
    private final float[] weights;
    private final float[] intercept;
    private final double alpha;
    private final double[] alphas, cvMse;
    private final int folds, trainingRows;

    RidgeModel(int inputs, int outputs, float[] weights, float[] intercept, double alpha, double[] alphas,
               double[] cvMse, int folds, int trainingRows) {
        if (weights.length != (long) inputs * outputs || intercept.length != outputs) {
            throw new IllegalArgumentException("ridge model: " + weights.length + " weights and " + intercept.length
                    + " intercepts do not fit " + inputs + " x " + outputs);
        }
        this.inputs = inputs;
        this.outputs = outputs;
        this.weights = weights;
        this.intercept = intercept;
        this.alpha = alpha;
        this.alphas = alphas.clone();
        this.cvMse = cvMse.clone();
        this.folds = folds;
        this.trainingRows = trainingRows;
    }

    public int inputs() { return inputs; }

    public int outputs() { return outputs; }

    /** The chosen regularisation strength. */
    public double alpha() { return alpha; }

    /** The grid cross-validation tried, in order. */
    public double[] alphas() { return alphas.clone(); }

    /** Mean over folds of the held-out mean squared error, per alpha of {@link #alphas()}. */
    public double[] cvMse() { return cvMse.clone(); }

    /** Weight from latent i to vertex j. */
    public float weight(int i, int j) { return weights[i * outputs + j]; }

    public float intercept(int j) { return intercept[j]; }

    /** Predicted responses, one row per row of {@code x}. */
    public float[][] predict(float[][] x) {
        int n = x.length;
        float[] flat = new float[n * inputs];
        for (int i = 0; i < n; i++) {
            if (x[i].length != inputs) throw new IllegalArgumentException("ridge predict: row " + i + " has " + x[i].length + " latents, model expects " + inputs);
            System.arraycopy(x[i], 0, flat, i * inputs, inputs);
        }
        if (n == 0) return new float[0][outputs];
        INDArray w = Nd4j.create(weights, new long[] {inputs, outputs}, 'c');
        INDArray in = Nd4j.create(flat, new long[] {n, inputs}, 'c');
        INDArray out = in.mmul(w).addiRowVector(Nd4j.createFromArray(intercept));
        float[][] result = out.toFloatMatrix();
        RidgeBaseline.free(w, in, out);
        return result;
    }

    /** Publishes the model to {@code dir} (replacing an older one) with {@code provenance} (inputs, config, seed) in its manifest. */
    public void save(Path dir, Configuration conf, Map<String, Object> provenance) throws IOException {
        try (StagedDirectory staged = StagedDirectory.begin(dir, conf)) {
            NpyWriter.write(new Path(staged.path(), "weights.npy"), conf, weights, inputs, outputs);
            NpyWriter.write(new Path(staged.path(), "intercept.npy"), conf, intercept, outputs);
            List<Double> grid = new ArrayList<>(), mse = new ArrayList<>();
            for (int i = 0; i < alphas.length; i++) {
                grid.add(alphas[i]);
                mse.add(cvMse[i]);
            }
            Manifest m = Manifest.of(KIND, FORMAT_VERSION);
            for (Map.Entry<String, Object> e : provenance.entrySet()) m = m.with(e.getKey(), e.getValue());
            staged.publish(m.with("inputSize", inputs).with("outputs", outputs).with("alpha", alpha)
                    .with("alphas", grid).with("cvMse", mse).with("folds", folds).with("trainingRows", trainingRows));
        }
    }

    /** Loads a model {@link #save}d to {@code dir}; fails with the directory's name on anything else. */
    public static RidgeModel load(Path dir, Configuration conf) throws IOException {
        Manifest m = Manifest.read(dir, conf);
        if (m == null || !KIND.equals(m.kind())) throw new IOException(dir + ": not a ridge model (no " + KIND + " manifest)");
        if (m.formatVersion() != FORMAT_VERSION) {
            throw new IOException(dir + ": ridge model format " + m.formatVersion() + " is not supported (this fbnet reads " + FORMAT_VERSION + ")");
        }
        // Manifest format 1 named the input size "inputs", now the typed list of inputs.
        Object size = m.get("inputSize") != null ? m.get("inputSize") : m.get("inputs");
        int p = ((Number) size).intValue(), v = ((Number) m.get("outputs")).intValue();
        float[] w = NpyReader.readAllFloats(new Path(dir, "weights.npy"), conf);
        float[] b = NpyReader.readAllFloats(new Path(dir, "intercept.npy"), conf);
        if (w.length != (long) p * v || b.length != v) {
            throw new IOException(dir + ": weights.npy/intercept.npy hold " + w.length + "/" + b.length + " values, manifest says " + p + " x " + v);
        }
        @SuppressWarnings("unchecked") List<Number> grid = (List<Number>) m.get("alphas");
        @SuppressWarnings("unchecked") List<Number> mse = (List<Number>) m.get("cvMse");
        return new RidgeModel(p, v, w, b, ((Number) m.get("alpha")).doubleValue(),
                grid.stream().mapToDouble(Number::doubleValue).toArray(), mse.stream().mapToDouble(Number::doubleValue).toArray(),
                ((Number) m.get("folds")).intValue(), ((Number) m.get("trainingRows")).intValue());
    }
}
