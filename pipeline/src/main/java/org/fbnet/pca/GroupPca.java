package org.fbnet.pca;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.fbnet.data.InputDataException;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.StagedDirectory;

/**
 * A group fMRI PCA of one hemisphere: one set of components over all subjects, in the common
 * fsaverage vertex space, so that every subject's latent has the same coordinates (what
 * cross-subject pre-training needs as targets).
 * <p>The common space is the union of the subjects' fsaverage vertices. Each subject's rows are
 * centered with that subject's own vertex means (removing per-subject offsets) and placed at their
 * vertices' columns; a vertex a subject lacks is imputed with its mean (0 after centering), which
 * costs little when, as in NSD, subjects miss only a few vertices. A subject's {@link #forSubject view}
 * maps its own vertices to latents and back.
 * <p>Saved as a {@link PcaModel} directory plus {@code fsaverage_index.npy} (the union, column order)
 * and, per subject, {@code subjects/SUBJ_mean.npy} and {@code subjects/SUBJ_columns.npy}.
 */
public final class GroupPca implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PcaModel model;
    private final long[] fsaverage;
    private final Map<String, float[]> means;
    private final Map<String, int[]> columns;

    private GroupPca(PcaModel model, long[] fsaverage, Map<String, float[]> means, Map<String, int[]> columns) {
        this.model = model;
        this.fsaverage = fsaverage;
        this.means = new TreeMap<>(means);
        this.columns = new TreeMap<>(columns);
    }

    /** One subject's fitting rows (challenge vertex order) and the fsaverage id of each of its vertices. */
    public record SubjectRows(String subject, JavaRDD<float[]> rows, int[] fsaverageIndex) { }

    /** Fits over every subject's rows; {@code source} names the data in errors and logs. */
    public static GroupPca fit(RandomizedPca pca, List<SubjectRows> subjects, String source) {
        long[] ids = union(subjects.stream().map(SubjectRows::fsaverageIndex).toList());
        Map<String, float[]> means = new LinkedHashMap<>();
        Map<String, int[]> columns = new LinkedHashMap<>();
        JavaRDD<float[]> all = null;
        for (SubjectRows s : subjects) {
            int[] c = columnsIn(ids, s.fsaverageIndex());
            float[] mean = mean(s.rows(), c.length, source + " " + s.subject());
            means.put(s.subject(), mean);
            columns.put(s.subject(), c);
            int width = ids.length;
            JavaRDD<float[]> embedded = s.rows().map(r -> embed(r, mean, c, width));
            all = all == null ? embedded : all.union(embedded);
        }
        if (all == null) throw new InputDataException(source + ": no subjects to fit a group PCA on");
        PcaModel model = pca.fit(all, source);
        return new GroupPca(model, ids, means, columns);
    }

    /** One subject's fitting rows held in this JVM (challenge vertex order) and the fsaverage id of each vertex. */
    public record SubjectMatrix(String subject, float[][] rows, int[] fsaverageIndex) { }

    /** As {@link #fit} on rows held in this JVM, without Spark: the same centering, embedding and model. */
    public static GroupPca fitInMemory(RandomizedPca pca, List<SubjectMatrix> subjects, String source) {
        long[] ids = union(subjects.stream().map(SubjectMatrix::fsaverageIndex).toList());
        Map<String, float[]> means = new LinkedHashMap<>();
        Map<String, int[]> columns = new LinkedHashMap<>();
        List<float[]> all = new ArrayList<>();
        for (SubjectMatrix s : subjects) {
            int[] c = columnsIn(ids, s.fsaverageIndex());
            String name = source + " " + s.subject();
            if (s.rows().length == 0) throw new InputDataException(name + ": no rows");
            double[] sum = new double[c.length];
            for (int i = 0; i < s.rows().length; i++) {
                RowChecks.check(s.rows()[i], c.length, name, "row " + i);
                for (int j = 0; j < c.length; j++) sum[j] += s.rows()[i][j];
            }
            float[] mean = new float[c.length];
            for (int j = 0; j < c.length; j++) mean[j] = (float) (sum[j] / s.rows().length);
            means.put(s.subject(), mean);
            columns.put(s.subject(), c);
            for (float[] r : s.rows()) all.add(embed(r, mean, c, ids.length));
        }
        if (all.isEmpty()) throw new InputDataException(source + ": no subjects to fit a group PCA on");
        return new GroupPca(pca.fit(all.toArray(new float[0][]), source), ids, means, columns);
    }

    /** The common space: the sorted union of the subjects' fsaverage vertices. */
    private static long[] union(List<int[]> fsaverageIndices) {
        TreeSet<Long> union = new TreeSet<>();
        for (int[] ids : fsaverageIndices) for (int v : ids) union.add((long) v);
        return union.stream().mapToLong(Long::longValue).toArray();
    }

    /** The column of the common space holding each of a subject's vertices. */
    private static int[] columnsIn(long[] union, int[] fsaverageIndex) {
        int[] c = new int[fsaverageIndex.length];
        for (int j = 0; j < c.length; j++) c[j] = java.util.Arrays.binarySearch(union, fsaverageIndex[j]);
        return c;
    }

    /** Column means of a subject's rows, summed in partition order (reproducible). */
    private static float[] mean(JavaRDD<float[]> rows, int d, String source) {
        List<double[]> partials = rows.mapPartitions(it -> {
            double[] s = new double[d + 1];
            while (it.hasNext()) {
                float[] r = it.next();
                RowChecks.check(r, d, source, "a row");
                for (int j = 0; j < d; j++) s[j] += r[j];
                s[d]++;
            }
            return List.of(s).iterator();
        }).collect();
        double[] t = new double[d + 1];
        for (double[] p : partials) for (int j = 0; j <= d; j++) t[j] += p[j];
        if (t[d] == 0) throw new InputDataException(source + ": no rows");
        float[] m = new float[d];
        for (int j = 0; j < d; j++) m[j] = (float) (t[j] / t[d]);
        return m;
    }

    private static float[] embed(float[] row, float[] mean, int[] columns, int width) {
        float[] e = new float[width];
        for (int j = 0; j < columns.length; j++) if (columns[j] >= 0) e[columns[j]] = row[j] - mean[j];
        return e;
    }

    /** The model in the common space. */
    public PcaModel model() { return model; }

    /** The fsaverage vertex id of each column of the common space. */
    public long[] fsaverageIndex() { return fsaverage.clone(); }

    public java.util.Set<String> subjects() { return means.keySet(); }

    /** A subject's view: its own vertices in, the group's latents out, and back. */
    public SubjectView forSubject(String subject) {
        if (!means.containsKey(subject)) {
            throw new InputDataException(subject + " is not part of this group PCA (fitted on " + means.keySet()
                    + "); re-run fbnet project, which refits it with every subject");
        }
        return new SubjectView(model, means.get(subject), columns.get(subject), fsaverage.length);
    }

    /**
     * The view of a subject the group PCA was not fitted on (it arrived later and the group model was
     * kept): centered with {@code mean} (its training rows' mean, as its own PCA's), its vertices placed at
     * their fsaverage columns. A vertex outside the group's space has no loading: it is left out of the
     * projection and reconstructed as its mean.
     */
    public SubjectView viewFor(String subject, float[] mean, int[] fsaverageIndex) {
        if (means.containsKey(subject)) return forSubject(subject);
        if (mean.length != fsaverageIndex.length) {
            throw new InputDataException(subject + ": " + mean.length + " vertex means for " + fsaverageIndex.length + " vertices");
        }
        Map<Long, Integer> col = new java.util.HashMap<>();
        for (int i = 0; i < fsaverage.length; i++) col.put(fsaverage[i], i);
        int[] c = new int[fsaverageIndex.length];
        int outside = 0;
        for (int j = 0; j < c.length; j++) {
            c[j] = col.getOrDefault((long) fsaverageIndex[j], -1);
            if (c[j] < 0) outside++;
        }
        if (outside == c.length) throw new InputDataException(subject + ": none of its vertices is in the group PCA's space");
        return new SubjectView(model, mean.clone(), c, fsaverage.length);
    }

    /**
     * The group model seen from one subject's vertices: {@link #transform} centers a row with the
     * subject's means, places it at its columns of the common space and projects it; {@link #inverseTransform}
     * reconstructs latents at the subject's columns and adds its means back.
     */
    public static final class SubjectView implements Projection {
        private static final long serialVersionUID = 1L;
        private final PcaModel model;
        private final float[] mean;
        private final int[] columns;
        private final int width;

        private SubjectView(PcaModel model, float[] mean, int[] columns, int width) {
            this.model = model;
            this.mean = mean;
            this.columns = columns;
            this.width = width;
        }

        @Override public int components() { return model.components(); }

        @Override public String fitId() { return model.fitId(); }

        @Override public double explainedVariance(int k) { return model.explainedVariance(k); }

        /** Number of the subject's vertices (the view's input width). */
        public int vertices() { return columns.length; }

        @Override
        public float[][] transform(float[][] rows) {
            return model.transform(embedAll(rows));
        }

        @Override
        public float[][] reconstruct(float[][] rows, int kept) {
            return inverseTransform(model.transform(embedAll(rows), kept));
        }

        /** Latents (n x k' leading components) back to the subject's vertices. */
        @Override
        public float[][] inverseTransform(float[][] latents) {
            float[][] back = model.inverseTransform(latents);
            float[][] out = new float[back.length][columns.length];
            for (int i = 0; i < back.length; i++) {
                for (int j = 0; j < columns.length; j++) out[i][j] = (columns[j] >= 0 ? back[i][columns[j]] : 0) + mean[j];
            }
            return out;
        }

        /** The group model's eigenvalues (the latents' variances over all subjects). */
        @Override public double[] eigenvalues() { return model.eigenvalues(); }

        private float[][] embedAll(float[][] rows) {
            float[][] e = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].length != columns.length) {
                    throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " vertices, the subject has " + columns.length);
                }
                e[i] = embed(rows[i], mean, columns, width);
            }
            return e;
        }
    }

    /** Writes the model, the common vertex space and each subject's means and columns into {@code dir}, with {@code base}'s fields. */
    public void writeInto(Path p, Configuration conf, Manifest base) throws IOException {
        model.writeArrays(p, conf);
        NpyWriter.write(new Path(p, "fsaverage_index.npy"), conf, fsaverage, fsaverage.length);
        for (String s : means.keySet()) {
            NpyWriter.write(new Path(p, "subjects/" + s + "_mean.npy"), conf, means.get(s), means.get(s).length);
            long[] c = new long[columns.get(s).length];
            for (int j = 0; j < c.length; j++) c[j] = columns.get(s)[j];
            NpyWriter.write(new Path(p, "subjects/" + s + "_columns.npy"), conf, c, c.length);
        }
        model.describe(base).with("group", Map.of("subjects", new ArrayList<>(means.keySet()), "vertices", fsaverage.length))
                .write(p, conf);
    }

    /** Saves to {@code dir} (published atomically) with a description of the data. */
    public Path save(Path dir, Configuration conf, Map<String, Object> data) throws IOException {
        try (StagedDirectory staged = StagedDirectory.begin(dir, conf)) {
            writeInto(staged.path(), conf, Manifest.of(PcaModel.KIND, PcaModel.FORMAT_VERSION).with("data", data));
            return staged.publish(Manifest.read(staged.path(), conf));
        }
    }

    /** Loads a group model written by {@link #writeInto}. */
    @SuppressWarnings("unchecked")
    public static GroupPca load(Path dir, Configuration conf) throws IOException {
        PcaModel model = PcaModel.load(dir, conf);
        Manifest m = Manifest.read(dir, conf);
        Object group = m.get("group");
        if (!(group instanceof Map)) throw new IOException(dir + ": not a group PCA (its manifest has no 'group' entry)");
        long[] ids;
        try (NpyReader r = NpyReader.open(new Path(dir, "fsaverage_index.npy"), conf)) {
            ids = r.readAllLongs();
        }
        Map<String, float[]> means = new LinkedHashMap<>();
        Map<String, int[]> columns = new LinkedHashMap<>();
        for (Object s : (List<Object>) ((Map<String, Object>) group).get("subjects")) {
            String subject = s.toString();
            means.put(subject, NpyReader.readAllFloats(new Path(dir, "subjects/" + subject + "_mean.npy"), conf));
            long[] c;
            try (NpyReader r = NpyReader.open(new Path(dir, "subjects/" + subject + "_columns.npy"), conf)) {
                c = r.readAllLongs();
            }
            int[] ci = new int[c.length];
            for (int j = 0; j < c.length; j++) ci[j] = Math.toIntExact(c[j]);
            columns.put(subject, ci);
        }
        return new GroupPca(model, ids, means, columns);
    }
}
