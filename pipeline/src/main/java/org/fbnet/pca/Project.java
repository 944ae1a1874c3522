package org.fbnet.pca;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.InputDataException;
import org.fbnet.data.ValidationSplit;
import org.fbnet.eval.VertexScores;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.StagedDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project stage: fits what is missing of the image PCA (one model over every subject's training
 * images, each NSD id once) and the per-subject, per-hemisphere fMRI PCAs (training rows minus the
 * validation rows), then writes each subject's {@code latents} partition (x, lh, rh) and a report of
 * how well the fMRI PCA reconstructs the held-out validation rows.
 * <p>Incremental: an existing model is reused unless a refresh is asked for (a model fitted with other
 * settings is an error, never silently replaced), and a subject's latents are rewritten only when the
 * models they were made with (recorded by fit id in their manifest) changed. A new subject therefore
 * gets its own fMRI PCA and reuses the image PCA, so every subject's x lives in the same space.
 */
public final class Project {
    private static final Logger LOG = LoggerFactory.getLogger(Project.class);
    static final int LATENTS_FORMAT_VERSION = 1;
    /** The directory name of the group fMRI PCA under pca/fmri/. */
    public static final String GROUP = "group";
    private static final int BATCH_ROWS = 256;
    // Named in the error when a small dataset has fewer rows than components (fbnet project's flags).
    private static final String IMAGE_COMPONENTS = "--image-components N (pca.image.components)";
    private static final String FMRI_COMPONENTS = "--fmri-components N (pca.fmri.components)";

    private final SparkSession spark;
    private final ProjectConfig cfg;
    private final Configuration conf;

    public Project(SparkSession spark, ProjectConfig cfg, Configuration conf) {
        this.spark = spark;
        this.cfg = cfg;
        this.conf = conf;
    }

    public ProjectReport run(DataRoot root) throws IOException {
        List<String> subjects = subjects(root);
        String embeddingsId = resolveEmbeddings(root);
        Path embeddingsDir = new Path(new Path(root.root(), "embeddings"), embeddingsId);
        Dataset<Row> embeddings = spark.read().option("recursiveFileLookup", "true").option("pathGlobFilter", "*.parquet")
                .parquet(embeddingsDir.toString()).select(Datasets.NSD_ID, Datasets.FEATURE).dropDuplicates(Datasets.NSD_ID);

        List<ProjectReport.ModelLine> models = new ArrayList<>();
        Path imagePath = root.imagePca(embeddingsId.replace('/', '-'));
        PcaModel image = imagePca(root, subjects, embeddings, embeddingsId, imagePath, models);

        List<ProjectReport.Reconstruction> recon = new ArrayList<>();
        Map<String, String> latents = new LinkedHashMap<>();
        Map<String, SubjectFmri> fmri = new LinkedHashMap<>();
        for (String subject : subjects) {
            Dataset<Row> rows = spark.read().parquet(DataRoot.subjectPartition(root.fmri(), subject).toString());
            int nTrain = (int) rows.filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN)).count();
            Manifest ingest = Manifest.read(DataRoot.subjectPartition(root.fmri(), subject), conf);
            String fingerprint = ingest == null || ingest.getString("fingerprint") == null ? "unknown" : ingest.getString("fingerprint");
            fmri.put(subject, new SubjectFmri(rows, nTrain, ValidationSplit.validationRows(nTrain, cfg.validationFraction()), fingerprint));
        }
        Map<Hemisphere, GroupPca> groups = new LinkedHashMap<>();
        if (cfg.group()) for (Hemisphere h : Hemisphere.values()) groups.put(h, groupPca(root, h, fmri, models));
        for (String subject : subjects) {
            SubjectFmri f = fmri.get(subject);
            Map<Hemisphere, Projection> brain = new LinkedHashMap<>();
            Map<Hemisphere, Path> paths = new LinkedHashMap<>();
            for (Hemisphere h : Hemisphere.values()) {
                if (cfg.group()) {
                    brain.put(h, groups.get(h).forSubject(subject));
                    paths.put(h, root.fmriPca(GROUP, h.code()));
                } else {
                    brain.put(h, fmriPca(root, subject, h, f, models));
                    paths.put(h, root.fmriPca(subject, h.code()));
                }
            }
            recon.addAll(reconstruction(subject, brain, f.rows(), f.validation()));
            latents.put(subject, writeLatents(root, subject, f, embeddings, image, imagePath, brain, paths));
        }
        ProjectReport report = new ProjectReport(models, recon, latents);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("image", cfg.image().describe());
        config.put("fmri", cfg.fmri().describe());
        config.put("embeddings", embeddingsId);
        config.put("includeValidation", cfg.includeValidation());
        config.put("fmriSpace", cfg.group() ? "group" : "subject");
        config.put("validationFraction", cfg.validationFraction());
        report.write(new Path(root.reports(), "project"), conf, config);
        return report;
    }

    /** The subjects with fMRI: the {@code subject=subjXX} partitions of the fmri dataset. */
    private List<String> subjects(DataRoot root) throws IOException {
        FileSystem fs = root.fmri().getFileSystem(conf);
        if (!fs.exists(root.fmri())) throw new InputDataException(root.fmri() + ": no fMRI dataset; run fbnet ingest first");
        List<String> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(root.fmri())) {
            String n = st.getPath().getName();
            if (st.isDirectory() && n.startsWith("subject=")) out.add(n.substring("subject=".length()));
        }
        if (out.isEmpty()) throw new InputDataException(root.fmri() + ": no subject=subjXX partitions; run fbnet ingest first");
        out.sort(null);
        return out;
    }

    /** MODEL/FEATURE of the embeddings to use: the configured one, or the only one present. */
    String resolveEmbeddings(DataRoot root) throws IOException {
        Path base = new Path(root.root(), "embeddings");
        FileSystem fs = base.getFileSystem(conf);
        List<String> found = new ArrayList<>();
        if (fs.exists(base)) {
            for (FileStatus m : fs.listStatus(base)) {
                if (!m.isDirectory() || m.getPath().getName().startsWith("_")) continue;
                for (FileStatus f : fs.listStatus(m.getPath())) {
                    if (f.isDirectory() && !f.getPath().getName().startsWith("_")) {
                        found.add(m.getPath().getName() + "/" + f.getPath().getName());
                    }
                }
            }
        }
        found.sort(null);
        if (cfg.embeddings() != null) {
            if (!found.contains(cfg.embeddings())) {
                throw new InputDataException("pca.image.embeddings=" + cfg.embeddings() + ": no such embeddings under " + base
                        + (found.isEmpty() ? " (none; run fbnet embed first)" : "; present: " + String.join(", ", found)));
            }
            return cfg.embeddings();
        }
        if (found.isEmpty()) throw new InputDataException(base + ": no image embeddings; run fbnet embed first");
        if (found.size() > 1) {
            throw new InputDataException(base + ": several embeddings (" + String.join(", ", found)
                    + "); choose one with pca.image.embeddings=MODEL/FEATURE");
        }
        return found.get(0);
    }

    private PcaModel imagePca(DataRoot root, List<String> subjects, Dataset<Row> embeddings, String embeddingsId, Path path,
                              List<ProjectReport.ModelLine> models) throws IOException {
        Manifest existing = PcaModel.manifest(path, conf);
        if (existing != null && !cfg.imageRefresh()) {
            PcaModel m = PcaModel.load(path, conf);
            if (m.components() != cfg.image().components()) {
                throw new InputDataException(path + ": the image PCA there has " + m.components() + " components but pca.image.components="
                        + cfg.image().components() + "; set pca.image.refresh=true to refit it (every subject's latents are then rewritten)");
            }
            LOG.info("project: reusing image PCA {} (fit {})", path, m.fitId());
            models.add(line("image " + embeddingsId, path, false, m));
            return m;
        }
        Dataset<Row> trainIds = spark.read().parquet(root.fmri().toString())
                .filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN)).select(Datasets.NSD_ID).distinct();
        List<Row> missing = trainIds.join(embeddings, trainIds.col(Datasets.NSD_ID).equalTo(embeddings.col(Datasets.NSD_ID)), "left_anti")
                .limit(5).collectAsList();
        if (!missing.isEmpty()) {
            throw new InputDataException("embeddings/" + embeddingsId + ": no features for training image(s) with NSD id "
                    + missing.stream().map(r -> String.valueOf(r.getInt(0))).toList() + " (first 5); run fbnet embed on every subject");
        }
        // Sorted by NSD id so that the same images give the same row order, hence the same model.
        Dataset<Row> rows = embeddings.join(trainIds, Datasets.NSD_ID).orderBy(Datasets.NSD_ID);
        LOG.info("project: fitting image PCA on the training images of {} subjects", subjects.size());
        PcaModel m = new RandomizedPca(cfg.image(), IMAGE_COMPONENTS).fit(vectors(rows, Datasets.FEATURE), "image features " + embeddingsId);
        long n = m.samples();
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("embeddings", embeddingsId);
        inputs.put("subjects", subjects);
        inputs.put("images", n);
        m.save(path, conf, inputs);
        models.add(line("image " + embeddingsId, path, true, m));
        return m;
    }

    private PcaModel fmriPca(DataRoot root, String subject, Hemisphere h, SubjectFmri f, List<ProjectReport.ModelLine> models)
            throws IOException {
        Path path = root.fmriPca(subject, h.code());
        int excluded = cfg.includeValidation() ? 0 : f.validation();
        Manifest existing = PcaModel.manifest(path, conf);
        String name = "fmri " + subject + " " + h.code();
        // A model of fMRI that was re-ingested since is stale: refit it, as if it were missing.
        boolean stale = existing != null && !f.fingerprint().equals(existing.getMap("inputs").get("fmriFingerprint"));
        if (stale) LOG.info("project: {} changed since its PCA was fitted (ingest fingerprint); refitting", name);
        if (existing != null && !stale && !cfg.fmriRefresh()) {
            PcaModel m = PcaModel.load(path, conf);
            Map<String, Object> in = existing.getMap("inputs");
            Object had = in.get("excludedValidationRows");
            if (m.components() != cfg.fmri().components() || !(had instanceof Number) || ((Number) had).intValue() != excluded) {
                throw new InputDataException(path + ": the fMRI PCA there has " + m.components() + " components and excluded "
                        + had + " validation rows, but the settings ask for " + cfg.fmri().components() + " and " + excluded
                        + "; set pca.fmri.refresh=true to refit");
            }
            LOG.info("project: reusing {} PCA {} (fit {})", name, path, m.fitId());
            models.add(line(name, path, false, m));
            return m;
        }
        Dataset<Row> rows = f.rows().filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN).and(col(Datasets.ROW_INDEX).geq(excluded)));
        PcaModel m = new RandomizedPca(cfg.fmri(), FMRI_COMPONENTS).fit(vectors(rows, h.code()), name);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("fmri", DataRoot.subjectPartition(root.fmri(), subject).toString());
        inputs.put("subject", subject);
        inputs.put("hemisphere", h.code());
        inputs.put("fmriFingerprint", f.fingerprint());
        inputs.put("trainingRows", f.train());
        inputs.put("excludedValidationRows", excluded);
        inputs.put("rows", m.samples());
        m.save(path, conf, inputs);
        models.add(line(name, path, true, m));
        return m;
    }

    /** A subject's fMRI rows and the sizes of its training split and validation part. */
    private record SubjectFmri(Dataset<Row> rows, int train, int validation, String fingerprint) { }

    private final Map<String, PcaModel> groupModels = new LinkedHashMap<>();

    private PcaModel groupModel(Projection view) {
        return groupModels.get(view.fitId());
    }

    /** The group fMRI PCA of a hemisphere over every subject: loaded if present and current, else fitted. */
    private GroupPca groupPca(DataRoot root, Hemisphere h, Map<String, SubjectFmri> fmri, List<ProjectReport.ModelLine> models)
            throws IOException {
        Path path = root.fmriPca(GROUP, h.code());
        String name = "fmri group " + h.code();
        Manifest existing = PcaModel.manifest(path, conf);
        Map<String, Integer> excluded = new java.util.TreeMap<>();
        Map<String, String> fingerprints = new java.util.TreeMap<>();
        fmri.forEach((s, f) -> {
            excluded.put(s, cfg.includeValidation() ? 0 : f.validation());
            fingerprints.put(s, f.fingerprint());
        });
        // Same subjects whose fMRI was re-ingested since: stale, refit as if missing.
        boolean stale = existing != null && existing.getMap("inputs").get("excludedValidationRows") instanceof Map<?, ?> had
                && had.keySet().equals(excluded.keySet()) && !fingerprints.equals(existing.getMap("inputs").get("fmriFingerprints"));
        if (stale) LOG.info("project: fMRI changed since {} was fitted (ingest fingerprints); refitting", name);
        if (existing != null && !stale && !cfg.fmriRefresh()) {
            GroupPca g = GroupPca.load(path, conf);
            Object had = existing.getMap("inputs").get("excludedValidationRows");
            if (g.model().components() != cfg.fmri().components() || !excluded.equals(had)) {
                throw new InputDataException(path + ": the group fMRI PCA there has " + g.model().components() + " components and was fitted on "
                        + had + " (subject: excluded validation rows), but the settings ask for " + cfg.fmri().components() + " and "
                        + excluded + "; set pca.fmri.refresh=true to refit");
            }
            LOG.info("project: reusing {} PCA {} (fit {})", name, path, g.model().fitId());
            groupModels.put(g.model().fitId(), g.model());
            models.add(line(name, path, false, g.model()));
            return g;
        }
        Map<String, int[]> vertices = fsaverageIndex(root, h);
        List<GroupPca.SubjectRows> rows = new ArrayList<>();
        for (Map.Entry<String, SubjectFmri> e : fmri.entrySet()) {
            int[] ids = vertices.get(e.getKey());
            if (ids == null) throw new InputDataException(e.getKey() + ": no " + h.code() + " vertex info under " + root.vertices() + "; re-run fbnet ingest");
            Dataset<Row> train = e.getValue().rows().filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN)
                    .and(col(Datasets.ROW_INDEX).geq(excluded.get(e.getKey()))));
            rows.add(new GroupPca.SubjectRows(e.getKey(), vectors(train, h.code()), ids));
        }
        GroupPca g = GroupPca.fit(new RandomizedPca(cfg.fmri(), FMRI_COMPONENTS), rows, name);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("fmri", root.fmri().toString());
        inputs.put("hemisphere", h.code());
        inputs.put("excludedValidationRows", excluded);
        inputs.put("fmriFingerprints", fingerprints);
        inputs.put("rows", g.model().samples());
        g.save(path, conf, inputs);
        groupModels.put(g.model().fitId(), g.model());
        models.add(line(name, path, true, g.model()));
        return g;
    }

    /** Each subject's fsaverage vertex ids of one hemisphere, from the vertices dataset. */
    private Map<String, int[]> fsaverageIndex(DataRoot root, Hemisphere h) throws IOException {
        if (!root.vertices().getFileSystem(conf).exists(root.vertices())) {
            throw new InputDataException(root.vertices() + ": no vertex info; pca.fmri.space=group needs it (run fbnet ingest)");
        }
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Row r : spark.read().parquet(root.vertices().toString()).filter(col(Datasets.HEMISPHERE).equalTo(h.code()))
                .select(Datasets.SUBJECT, Datasets.FSAVERAGE_INDEX).collectAsList()) {
            List<Object> ids = r.getList(1);
            int[] a = new int[ids.size()];
            for (int i = 0; i < a.length; i++) a[i] = ((Number) ids.get(i)).intValue();
            out.put(r.getString(0), a);
        }
        return out;
    }

    private static ProjectReport.ModelLine line(String name, Path path, boolean fitted, PcaModel m) {
        double ev = 0;
        for (double r : m.explainedVarianceRatio()) ev += r;
        return new ProjectReport.ModelLine(name, path.toString(), fitted, m.components(), m.dimension(), m.samples(), ev, m.fitId());
    }

    private JavaRDD<float[]> vectors(Dataset<Row> rows, String column) {
        Encoder<float[]> enc = spark.implicits().newFloatArrayEncoder();
        return rows.select(column).as(enc).javaRDD();
    }

    private List<ProjectReport.Reconstruction> reconstruction(String subject, Map<Hemisphere, Projection> brain, Dataset<Row> fmri, int nVal) {
        List<ProjectReport.Reconstruction> out = new ArrayList<>();
        if (nVal == 0) return out;
        List<Row> rows = fmri.filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN).and(col(Datasets.ROW_INDEX).lt(nVal)))
                .select(Datasets.LH, Datasets.RH).collectAsList();
        for (Hemisphere h : Hemisphere.values()) {
            Projection model = brain.get(h);
            int column = h == Hemisphere.LH ? 0 : 1;
            float[][] measured = new float[rows.size()][];
            for (int i = 0; i < measured.length; i++) measured[i] = floats(rows.get(i).getList(column));
            double[] ratio = (model instanceof PcaModel pm ? pm : groupModel(model)).explainedVarianceRatio();
            for (int k : cfg.reportedComponents()) {
                if (k > model.components()) continue;
                double r = VertexScores.mean(VertexScores.pearson(model.reconstruct(measured, k), measured));
                double ev = 0;
                for (int c = 0; c < k; c++) ev += ratio[c];
                out.add(new ProjectReport.Reconstruction(subject, h.code(), k, measured.length, r, ev, !cfg.includeValidation()));
                LOG.info(String.format("project: %s %s: %d components reconstruct %d validation rows with mean r %.4f", subject, h.code(), k,
                        measured.length, r));
            }
        }
        return out;
    }

    private static float[] floats(List<Object> boxed) {
        float[] f = new float[boxed.size()];
        for (int i = 0; i < f.length; i++) f[i] = ((Number) boxed.get(i)).floatValue();
        return f;
    }

    /** Writes the subject's latents unless the published ones were made with the same models. */
    private String writeLatents(DataRoot root, String subject, SubjectFmri f, Dataset<Row> embeddings, PcaModel image,
                                Path imagePath, Map<Hemisphere, Projection> brain, Map<Hemisphere, Path> paths) throws IOException {
        Path target = DataRoot.subjectPartition(root.latents(), subject);
        Map<String, Object> made = new LinkedHashMap<>();
        made.put("image", Map.of("path", imagePath.toString(), "fitId", image.fitId()));
        for (Hemisphere h : Hemisphere.values()) {
            made.put(h.code(), Map.of("path", paths.get(h).toString(), "fitId", brain.get(h).fitId()));
        }
        Manifest existing = Manifest.read(target, conf);
        if (existing != null && made.equals(existing.getMap("models")) && f.fingerprint().equals(existing.getString("fmriFingerprint"))) {
            LOG.info("project: latents of {} are up to date", subject);
            return "up to date";
        }
        Path images = DataRoot.subjectPartition(root.images(), subject);
        Dataset<Row> fmri = f.rows();
        Dataset<Row> base = (images.getFileSystem(conf).exists(images) ? spark.read().parquet(images.toString()) : fmri)
                .select(Datasets.SPLIT, Datasets.ROW_INDEX, Datasets.NSD_ID);
        List<Row> missing = base.join(embeddings, base.col(Datasets.NSD_ID).equalTo(embeddings.col(Datasets.NSD_ID)), "left_anti")
                .limit(5).collectAsList();
        if (!missing.isEmpty()) {
            throw new InputDataException(subject + ": no image features for " + missing.stream()
                    .map(r -> r.getString(0) + " row " + r.getInt(1) + " (NSD id " + r.getInt(2) + ")").toList()
                    + " (first 5); run fbnet embed for this subject");
        }
        Dataset<LatentInput> input = base
                .join(fmri.select(Datasets.SPLIT, Datasets.ROW_INDEX, Datasets.LH, Datasets.RH), scala.collection.JavaConverters.asScalaBuffer(List.of(Datasets.SPLIT, Datasets.ROW_INDEX)).toSeq(), "left")
                .join(embeddings, Datasets.NSD_ID)
                .select(col(Datasets.SPLIT).as("split"), col(Datasets.ROW_INDEX).as("rowIndex"), col(Datasets.NSD_ID).as("nsdId"),
                        col(Datasets.FEATURE).as("feature"), col(Datasets.LH).as("lh"), col(Datasets.RH).as("rh"))
                .as(Encoders.bean(LatentInput.class));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<PcaModel> bx = jsc.broadcast(image);
        Broadcast<Projection> bl = jsc.broadcast(brain.get(Hemisphere.LH));
        Broadcast<Projection> br = jsc.broadcast(brain.get(Hemisphere.RH));
        LongAccumulator projected = spark.sparkContext().longAccumulator("latent rows " + subject);
        JavaRDD<LatentRow> out = input.javaRDD().mapPartitions(it -> project(it, bx.value(), bl.value(), br.value(), projected));
        long rows;
        try (StagedDirectory staged = StagedDirectory.begin(target, conf)) {
            Dataset<Row> df = spark.createDataset(out.rdd(), Encoders.bean(LatentRow.class)).toDF()
                    .select(col("split").as(Datasets.SPLIT), col("rowIndex").as(Datasets.ROW_INDEX), col("nsdId").as(Datasets.NSD_ID),
                            col("x").as(Datasets.X), col("lh").as(Datasets.LH), col("rh").as(Datasets.RH))
                    // One sorted file per subject (~20 MB at NSD scale); repartition rather than orderBy,
                    // whose sampling job would run the projection twice.
                    .repartition(1).sortWithinPartitions(Datasets.SPLIT, Datasets.ROW_INDEX);
            df.write().mode(SaveMode.Overwrite).parquet(staged.path().toString());
            rows = projected.value();
            staged.publish(Manifest.of("latents", LATENTS_FORMAT_VERSION)
                    .with("subject", subject)
                    .with("rows", rows)
                    .with("models", made)
                    .with("fmriFingerprint", f.fingerprint())
                    .with("dimensions", Map.of("x", image.components(), "lh", brain.get(Hemisphere.LH).components(),
                            "rh", brain.get(Hemisphere.RH).components())));
        } finally {
            bx.destroy();
            bl.destroy();
            br.destroy();
        }
        LOG.info("project: wrote {} latent rows of {}", rows, subject);
        return "written (" + rows + " rows)";
    }

    /** Projects a partition in batches, so each model multiplies a block of rows in one GEMM. */
    static Iterator<LatentRow> project(Iterator<LatentInput> it, Projection image, Projection lh, Projection rh, LongAccumulator count) {
        return new Iterator<>() {
            private final List<LatentRow> ready = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) return true;
                ready.clear();
                next = 0;
                List<LatentInput> batch = new ArrayList<>(BATCH_ROWS);
                while (it.hasNext() && batch.size() < BATCH_ROWS) batch.add(it.next());
                if (batch.isEmpty()) return false;
                float[][] x = image.transform(batch.stream().map(LatentInput::getFeature).toArray(float[][]::new));
                float[][] l = brainLatents(batch, true, lh);
                float[][] r = brainLatents(batch, false, rh);
                for (int i = 0; i < batch.size(); i++) {
                    LatentInput b = batch.get(i);
                    ready.add(new LatentRow(b.getSplit(), b.getRowIndex(), b.getNsdId(), x[i], l[i], r[i]));
                }
                count.add(batch.size());
                return true;
            }

            @Override
            public LatentRow next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                return ready.get(next++);
            }
        };
    }

    /** Latents of the rows that have fMRI of this hemisphere; null for the others (test rows without truth). */
    private static float[][] brainLatents(List<LatentInput> batch, boolean left, Projection model) {
        List<float[]> have = new ArrayList<>();
        for (LatentInput b : batch) {
            float[] v = left ? b.getLh() : b.getRh();
            if (v != null) have.add(v);
        }
        float[][] z = have.isEmpty() ? new float[0][] : model.transform(have.toArray(new float[0][]));
        float[][] out = new float[batch.size()][];
        int j = 0;
        for (int i = 0; i < batch.size(); i++) {
            float[] v = left ? batch.get(i).getLh() : batch.get(i).getRh();
            out[i] = v == null ? null : z[j++];
        }
        return out;
    }
}
