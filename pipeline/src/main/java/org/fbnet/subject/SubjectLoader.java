package org.fbnet.subject;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.InputDataException;
import org.fbnet.data.PerHemisphere;
import org.fbnet.data.ValidationSplit;
import org.fbnet.eval.RoiAtlas;
import org.fbnet.pca.GroupPca;
import org.fbnet.pca.Project;
import org.fbnet.pca.Projection;
import org.fbnet.provenance.InputRef;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.Version;
import org.fbnet.store.VersionedDir;

/**
 * The one loader of a {@link Subject}: its current latents, the exact fMRI PCA and fMRI versions those
 * latents were made from (as their manifest records), the held-out validation rows' and test rows'
 * measured responses, noise ceilings and ROI atlas. Driver memory per subject is its latents plus the
 * validation and test responses (about a tenth of its fMRI at NSD scale).
 */
public final class SubjectLoader {
    private final SparkSession spark;
    private final DataRoot root;
    private final double validationFraction;

    public SubjectLoader(SparkSession spark, DataRoot root, double validationFraction) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1): models are selected on those rows; got " + validationFraction);
        }
        this.spark = spark;
        this.root = root;
        this.validationFraction = validationFraction;
    }

    /** The output ids a subject's load reads, for a unit's inputs. */
    public static List<String> inputs(String subject) {
        return List.of(DataRoot.subjectDataset(DataRoot.LATENTS, subject), DataRoot.subjectDataset(DataRoot.VERTICES, subject),
                DataRoot.subjectDataset(DataRoot.ROIS, subject));
    }

    /** The latents version a subject's load reads. */
    public Version latents(String subject) throws IOException {
        return root.versioned(DataRoot.subjectDataset(DataRoot.LATENTS, subject)).requireCurrent("fbnet project");
    }

    public Subject load(String subject) throws IOException {
        Version latents = latents(subject);
        Version pca = recordedInput(latents, "pca/fmri/");
        Version fmri = recordedInput(latents, DataRoot.FMRI + "/");
        Map<Hemisphere, Projection> proj = Project.loadFmriProjections(pca, subject, root.conf());
        PerHemisphere<Projection> decoders = PerHemisphere.of(proj::get);
        String where = subject + " in " + root.root();

        List<Loaded> train = new ArrayList<>(), test = new ArrayList<>();
        for (Iterator<Row> it = spark.read().parquet(latents.path().toString())
                .select(Datasets.SPLIT, Datasets.ROW_INDEX, Datasets.NSD_ID, Datasets.X, Datasets.LH, Datasets.RH).toLocalIterator(); it.hasNext(); ) {
            Row r = it.next();
            String split = r.getString(0);
            Loaded l = Loaded.of(r, where);
            if (Datasets.TRAIN.equals(split)) train.add(l);
            else if (Datasets.TEST.equals(split)) test.add(l);
            else throw new InputDataException(latents.path() + ": a row of unknown split '" + split + "'");
        }
        train.sort(Comparator.comparingInt(Loaded::rowIndex));
        test.sort(Comparator.comparingInt(Loaded::rowIndex));
        checkRowIndexes(train, where + " (train)");
        checkRowIndexes(test, where + " (test)");
        int nVal = ValidationSplit.validationRows(train.size(), validationFraction);
        if (nVal == 0 || nVal >= train.size()) {
            throw new InputDataException(where + ": " + train.size() + " training rows cannot be split into validation and training rows");
        }
        // Measured responses of the validation and test rows only: the training rows' are the bulk.
        Dataset<Row> measured = spark.read().parquet(fmri.path().toString())
                .filter(col(Datasets.SPLIT).equalTo(Datasets.TEST).or(col(Datasets.ROW_INDEX).lt(nVal)))
                .select(Datasets.SPLIT, Datasets.ROW_INDEX, Datasets.LH, Datasets.RH);
        float[][][] valV = {new float[nVal][], new float[nVal][]}, testV = {new float[test.size()][], new float[test.size()][]};
        int testFound = 0, valFound = 0;
        for (Iterator<Row> it = measured.toLocalIterator(); it.hasNext(); ) {
            Row r = it.next();
            boolean isTest = Datasets.TEST.equals(r.getString(0));
            int i = r.getInt(1);
            float[][][] target = isTest ? testV : valV;
            if (i >= target[0].length) throw new InputDataException(fmri.path() + ": " + r.getString(0) + " row " + i + " has no latent row");
            target[0][i] = Loaded.floats(r, 2, where, i, "lh fMRI");
            target[1][i] = Loaded.floats(r, 3, where, i, "rh fMRI");
            if (isTest) testFound++;
            else valFound++;
        }
        if (valFound != nVal) throw new InputDataException(fmri.path() + ": fMRI found for " + valFound + " of " + nVal + " validation rows");
        if (testFound != 0 && testFound != test.size()) {
            throw new InputDataException(fmri.path() + ": test fMRI found for " + testFound + " of " + test.size() + " test rows; every row needs it");
        }
        Subject.Rows validation = rows(train.subList(0, nVal), new PerHemisphere<>(valV[0], valV[1]));
        Subject.Rows training = rows(train.subList(nVal, train.size()), null);
        Subject.Rows testRows = test.isEmpty() ? Subject.Rows.empty() : rows(test, testFound == 0 ? null : new PerHemisphere<>(testV[0], testV[1]));
        PerHemisphere<float[]> eig = decoders.map(p -> floats(p.eigenvalues()));
        PerHemisphere<float[]> ceilings = ceilings(subject, valV[0][0].length, valV[1][0].length);
        return new Subject(subject, training, validation, testRows, decoders, eig, ceilings, rois(subject));
    }

    /**
     * Each hemisphere's view of a group fMRI PCA ({@code pca/fmri/group/lh,rh}) from the subject's vertices:
     * its own if the group was fitted with it, else one built from its own PCA's mean and its fsaverage
     * vertices (a subject that arrived after the group model was made and kept).
     */
    public PerHemisphere<GroupPca.SubjectView> groupViews(Subject own, Version groupPca) throws IOException {
        Map<Hemisphere, int[]> fsaverage = fsaverageIndex(own.name());
        return PerHemisphere.of(h -> {
            try {
                GroupPca g = GroupPca.load(new Path(groupPca.path(), h.code()), root.conf());
                if (!(own.decoders().get(h) instanceof org.fbnet.pca.PcaModel p)) {
                    throw new InputDataException(own.name() + ": its " + h.code() + " latents are not in its own PCA space");
                }
                return g.viewFor(own.name(), p.mean(), fsaverage.get(h));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * The same subject with brain latents in another space (a group PCA's): training rows projected from
     * their measured responses, read one hemisphere at a time; validation rows from theirs; the views as
     * decoders and the group's eigenvalues as the structured noise's scale.
     */
    public Subject inSpace(Subject own, PerHemisphere<? extends Projection> space) throws IOException {
        float[][][] train = new float[2][][], val = new float[2][][];
        for (Hemisphere h : Hemisphere.values()) {
            train[h.ordinal()] = space.get(h).transform(trainingVertices(own.name(), h));
            val[h.ordinal()] = space.get(h).transform(own.validation().vertices().get(h));
        }
        Subject.Rows t = own.train(), v = own.validation();
        return new Subject(own.name(), new Subject.Rows(t.rowIndex(), t.nsdId(), t.x(), new PerHemisphere<>(train[0], train[1]), null),
                new Subject.Rows(v.rowIndex(), v.nsdId(), v.x(), new PerHemisphere<>(val[0], val[1]), v.vertices()), own.test(),
                space.map(p -> (Projection) p), space.map(p -> floats(p.eigenvalues())), own.ceilings(), own.rois());
    }

    /** Each hemisphere's fsaverage vertex ids, from the subject's current vertex info. */
    private Map<Hemisphere, int[]> fsaverageIndex(String subject) throws IOException {
        Path p = root.versioned(DataRoot.subjectDataset(DataRoot.VERTICES, subject)).requireCurrent("fbnet ingest").path();
        Map<Hemisphere, int[]> out = new java.util.EnumMap<>(Hemisphere.class);
        for (Row r : spark.read().parquet(p.toString()).select(Datasets.HEMISPHERE, Datasets.FSAVERAGE_INDEX).collectAsList()) {
            List<Object> ids = r.getList(1);
            int[] a = new int[ids.size()];
            for (int i = 0; i < a.length; i++) a[i] = ((Number) ids.get(i)).intValue();
            out.put(r.getString(0).equals(Datasets.LH) ? Hemisphere.LH : Hemisphere.RH, a);
        }
        if (out.size() != 2) throw new InputDataException(p + ": " + subject + " lacks vertex info of a hemisphere; re-run fbnet ingest");
        return out;
    }

    /** The current version of the input a latents version recorded under an id prefix (its exact version). */
    private Version recordedInput(Version latents, String prefix) throws IOException {
        for (InputRef in : latents.manifest().inputs()) {
            if (in.id().startsWith(prefix)) return root.versioned(in.id()).version(in.version());
        }
        throw new InputDataException(latents.path() + ": its manifest names no " + prefix + " input; re-run fbnet project");
    }

    /**
     * The measured responses of one hemisphere for the subject's training rows (validation rows excluded),
     * in row order, from the fMRI version its latents were made from: for baselines fitted in vertex space.
     */
    public float[][] trainingVertices(String subject, Hemisphere h) throws IOException {
        Version latents = latents(subject);
        Version fmri = recordedInput(latents, DataRoot.FMRI + "/");
        // The latents define the subject's rows; the fMRI must have each of them.
        int n = (int) spark.read().parquet(latents.path().toString()).filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN)).count();
        int nVal = ValidationSplit.validationRows(n, validationFraction);
        float[][] out = new float[n - nVal][];
        for (Iterator<Row> it = spark.read().parquet(fmri.path().toString())
                .filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN).and(col(Datasets.ROW_INDEX).geq(nVal)))
                .select(Datasets.ROW_INDEX, h.code()).toLocalIterator(); it.hasNext(); ) {
            Row r = it.next();
            int i = r.getInt(0);
            if (i >= n) throw new InputDataException(fmri.path() + ": training row " + i + " has no latent row (" + n + " training rows)");
            out[i - nVal] = Loaded.floats(r, 1, subject, i, h.code() + " fMRI");
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) throw new InputDataException(fmri.path() + ": training row " + (i + nVal) + " missing");
        }
        return out;
    }

    /** One latents row as arrays; brain latents are null when the row has no fMRI. */
    private record Loaded(int rowIndex, int nsdId, float[] x, float[] lh, float[] rh) {
        static Loaded of(Row r, String where) {
            int i = r.getInt(1);
            float[] x = floats(r, 3, where, i, "x");
            if (r.isNullAt(4) || r.isNullAt(5)) return new Loaded(i, r.getInt(2), x, null, null);
            return new Loaded(i, r.getInt(2), x, floats(r, 4, where, i, "lh latent"), floats(r, 5, where, i, "rh latent"));
        }

        static float[] floats(Row r, int col, String where, int row, String what) {
            if (r.isNullAt(col)) throw new InputDataException(where + ": row " + row + " has no " + what);
            List<Object> list = r.getList(col);
            float[] out = new float[list.size()];
            for (int j = 0; j < out.length; j++) {
                Object o = list.get(j);
                if (o == null) throw new InputDataException(where + ": row " + row + " " + what + " element " + j + " is null");
                out[j] = ((Number) o).floatValue();
            }
            return out;
        }
    }

    private static void checkRowIndexes(List<Loaded> rows, String where) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).rowIndex() != i) {
                throw new InputDataException(where + ": row_index " + rows.get(i).rowIndex() + " where " + i + " was expected (rows missing or repeated)");
            }
        }
    }

    private static Subject.Rows rows(List<Loaded> rows, PerHemisphere<float[][]> vertices) {
        int n = rows.size();
        int[] idx = new int[n], nsd = new int[n];
        float[][] x = new float[n][], lh = new float[n][], rh = new float[n][];
        boolean latents = true;
        for (int i = 0; i < n; i++) {
            Loaded r = rows.get(i);
            idx[i] = r.rowIndex();
            nsd[i] = r.nsdId();
            x[i] = r.x();
            lh[i] = r.lh();
            rh[i] = r.rh();
            latents &= r.lh() != null;
        }
        return new Subject.Rows(idx, nsd, x, latents ? new PerHemisphere<>(lh, rh) : null, vertices);
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** Per-hemisphere noise ceilings, or null when the vertex info has none. */
    private PerHemisphere<float[]> ceilings(String subject, int lhVertices, int rhVertices) throws IOException {
        VersionedDir dir = root.versioned(DataRoot.subjectDataset(DataRoot.VERTICES, subject));
        if (dir.current().isEmpty()) return null;
        float[][] out = new float[2][];
        Path p = dir.current().get().path();
        for (Row r : spark.read().parquet(p.toString()).select(Datasets.HEMISPHERE, Datasets.N_VERTICES, Datasets.NOISE_CEILING).collectAsList()) {
            String hemi = r.getString(0);
            int h = hemi.equals(Datasets.LH) ? 0 : hemi.equals(Datasets.RH) ? 1 : -1;
            if (h < 0) throw new InputDataException(p + ": " + subject + " has unknown hemisphere '" + hemi + "'");
            int expected = h == 0 ? lhVertices : rhVertices;
            if (r.getInt(1) != expected) {
                throw new InputDataException(p + ": " + subject + " " + hemi + " has " + r.getInt(1) + " vertices but its fMRI rows have " + expected);
            }
            if (!r.isNullAt(2)) {
                out[h] = Loaded.floats(r, 2, p + ": " + subject + " " + hemi, 0, "noise ceiling");
                if (out[h].length != expected) {
                    throw new InputDataException(p + ": " + subject + " " + hemi + " has " + out[h].length + " noise ceilings for " + expected + " vertices");
                }
            }
        }
        return out[0] == null || out[1] == null ? null : new PerHemisphere<>(out[0], out[1]);
    }

    private RoiAtlas rois(String subject) throws IOException {
        VersionedDir dir = root.versioned(DataRoot.subjectDataset(DataRoot.ROIS, subject));
        if (dir.current().isEmpty()) return RoiAtlas.empty();
        List<RoiAtlas.Roi> list = new ArrayList<>();
        for (Row r : spark.read().parquet(dir.current().get().path().toString())
                .orderBy(Datasets.HEMISPHERE, Datasets.FAMILY, Datasets.LABEL)
                .select(Datasets.HEMISPHERE, Datasets.FAMILY, Datasets.ROI, Datasets.VERTICES).collectAsList()) {
            List<Object> v = r.getList(3);
            int[] idx = new int[v.size()];
            for (int i = 0; i < idx.length; i++) idx[i] = ((Number) v.get(i)).intValue();
            list.add(new RoiAtlas.Roi(subject, r.getString(0), r.getString(1), r.getString(2), idx));
        }
        return new RoiAtlas(list);
    }

    /** Whether a path exists (for optional datasets). */
    static boolean exists(DataRoot root, Path p) throws IOException {
        FileSystem fs = p.getFileSystem(root.conf());
        return fs.exists(p);
    }
}
