package org.fbnet.pca;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.InputDataException;
import org.fbnet.data.ValidationSplit;
import org.fbnet.eval.VertexScores;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Planner;
import org.fbnet.stage.RefreshPolicy;
import org.fbnet.stage.Stage;
import org.fbnet.stage.StageContext;
import org.fbnet.stage.Unit;
import org.fbnet.store.CurrentData;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The project stage: finds its inputs and decides what to (re)make; the fitting and projecting are
 * library calls ({@link RandomizedPca}, {@link GroupPca}, {@link LatentProjection}). Units:
 * <ul>
 * <li>{@code project/pca-image} (global): the image PCA over every subject's training images, each NSD id
 * once. New subjects reuse an existing image PCA ({@link RefreshPolicy}), so every subject's x stays in one
 * space; changed settings, changed images of its subjects, or {@code --refresh-global} refit it.</li>
 * <li>{@code project/pca-fmri/subjXX}: the subject's lh and rh fMRI PCAs on its training rows minus the
 * validation rows ({@link ValidationSplit}), with how well they reconstruct the held-out rows; or, with
 * {@code pca.fmri.space=group}, {@code project/pca-fmri/group} over every subject in the fsaverage space.</li>
 * <li>{@code project/latents/subjXX}: x, lh, rh of every row of the subject.</li>
 * <li>{@code project/report}: the reconstruction table of every subject.</li>
 * </ul>
 */
public final class Project implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(Project.class);
    public static final String NAME = "project";
    static final int FORMAT_VERSION = 2;
    /** The output name of the group fMRI PCA under pca/fmri/. */
    public static final String GROUP = "group";
    public static final String FMRI_PCA_KIND = "fmri-pca", LATENTS_KIND = "latents";
    // Named in the error when a small dataset has fewer rows than components (fbnet project's flags).
    private static final String IMAGE_COMPONENTS = "--image-components N (pca.image.components)";
    private static final String FMRI_COMPONENTS = "--fmri-components N (pca.fmri.components)";

    private final ProjectConfig cfg;
    private final List<String> subjects;
    private String embeddingsId;

    public Project(ProjectConfig cfg, List<String> subjects) {
        this.cfg = cfg;
        this.subjects = List.copyOf(subjects);
    }

    @Override public String name() { return NAME; }

    /** The output id of the image PCA fitted on these embeddings (MODEL/FEATURE). */
    public static String imagePcaId(String embeddingsId) { return DataRoot.imagePca(embeddingsId.replace('/', '-')); }

    /** The output id of a subject's fMRI PCAs in the configured space. */
    private String fmriPcaId(String subject) { return DataRoot.fmriPca(cfg.group() ? GROUP : subject); }

    private String embeddingsOf(String subject) {
        return DataRoot.subjectDataset(DataRoot.EMBEDDINGS + "/" + embeddingsId, subject);
    }

    @Override
    public List<Unit> plan(StageContext ctx) throws IOException {
        List<String> all = ctx.subjects(subjects);
        if (all.isEmpty()) throw new InputDataException(ctx.root().fmri() + ": no subjects; run fbnet ingest first");
        embeddingsId = resolveEmbeddings(ctx);
        List<Unit> units = new ArrayList<>();

        List<String> imageInputs = new ArrayList<>();
        for (String s : all) {
            imageInputs.add(DataRoot.subjectDataset(DataRoot.IMAGES, s));
            imageInputs.add(embeddingsOf(s));
        }
        units.add(Planner.plan(ctx, Planner.Spec.of(NAME, NAME + "/pca-image", null, FORMAT_VERSION, imageInputs,
                pcaSettings(ctx, "pca.image."), List.of(imagePcaId(embeddingsId))).keeping(RefreshPolicy.from(ctx.settings()).global())));

        Map<String, String> fmriSettings = pcaSettings(ctx, "pca.fmri.");
        fmriSettings.put("train.validation.fraction", String.valueOf(cfg.validationFraction()));
        if (cfg.group() || groupForPretraining(ctx, all)) {
            List<String> in = new ArrayList<>();
            for (String s : all) {
                in.add(DataRoot.subjectDataset(DataRoot.FMRI, s));
                in.add(DataRoot.subjectDataset(DataRoot.VERTICES, s));
            }
            // As pre-training targets, the group model is kept for new subjects like every global unit: they are
            // seen through a view built from their own PCA (GroupPca#viewFor). As the latents' space it is refitted.
            units.add(Planner.plan(ctx, Planner.Spec.of(NAME, NAME + "/pca-fmri/" + GROUP, null, FORMAT_VERSION, in, fmriSettings,
                    List.of(DataRoot.fmriPca(GROUP))).keeping(cfg.group() ? Planner.KeepRule.NEVER : RefreshPolicy.from(ctx.settings()).global())));
        }
        if (!cfg.group()) {
            for (String s : all) {
                units.add(Planner.plan(ctx, Planner.Spec.of(NAME, NAME + "/pca-fmri/" + s, s, FORMAT_VERSION,
                        List.of(DataRoot.subjectDataset(DataRoot.FMRI, s)), fmriSettings, List.of(fmriPcaId(s)))));
            }
        }
        for (String s : all) {
            units.add(Planner.plan(ctx, Planner.Spec.of(NAME, NAME + "/latents/" + s, s, FORMAT_VERSION,
                    List.of(imagePcaId(embeddingsId), fmriPcaId(s), DataRoot.subjectDataset(DataRoot.FMRI, s),
                            DataRoot.subjectDataset(DataRoot.IMAGES, s), embeddingsOf(s)),
                    Map.of("pca.fmri.space", cfg.group() ? "group" : "subject"), List.of(DataRoot.subjectDataset(DataRoot.LATENTS, s)))));
        }
        List<String> reportInputs = new ArrayList<>(new TreeSet<>(all.stream().map(this::fmriPcaId).toList()));
        units.add(Planner.plan(ctx, Planner.Spec.of(NAME, NAME + "/report", null, FORMAT_VERSION, reportInputs,
                Map.of("pca.report.components", cfg.reportedComponents().toString()), List.of(DataRoot.report("project")))));
        return units;
    }

    /** Whether pre-training will need a group PCA beside the subjects' own (train.pretrain.targets=group, several subjects). */
    static boolean groupForPretraining(StageContext ctx, List<String> subjects) {
        return "group".equals(ctx.settings().get("train.pretrain.targets")) && ctx.settings().getBoolean("train.finetune") && subjects.size() > 1;
    }

    /** The settings a PCA's result depends on: its own prefix and the shared randomized-PCA knobs. */
    private static Map<String, String> pcaSettings(StageContext ctx, String prefix) {
        Map<String, String> m = new TreeMap<>();
        ctx.settings().withPrefix(prefix).forEach((k, v) -> { if (!k.endsWith(".refresh")) m.put(k, v); });
        for (String k : List.of("pca.oversampling", "pca.power.iterations", "pca.seed")) m.put(k, ctx.settings().get(k));
        return m;
    }

    /** MODEL/FEATURE of the embeddings to use: the configured one, or the only one published or planned. */
    String resolveEmbeddings(StageContext ctx) throws IOException {
        TreeSet<String> found = new TreeSet<>();
        for (String id : ctx.plannedIds()) {
            if (id.startsWith(DataRoot.EMBEDDINGS + "/")) {
                String[] p = id.split("/");
                if (p.length >= 3) found.add(p[1] + "/" + p[2]);
            }
        }
        Path base = new Path(ctx.root().root(), DataRoot.EMBEDDINGS);
        FileSystem fs = base.getFileSystem(ctx.root().conf());
        if (fs.exists(base)) {
            for (FileStatus m : fs.listStatus(base)) {
                if (!m.isDirectory() || m.getPath().getName().startsWith("_")) continue;
                for (FileStatus f : fs.listStatus(m.getPath())) {
                    if (f.isDirectory() && !f.getPath().getName().startsWith("_") && hasPublishedSubject(fs, f.getPath())) {
                        found.add(m.getPath().getName() + "/" + f.getPath().getName());
                    }
                }
            }
        }
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
        return found.first();
    }

    /** Whether an embeddings directory holds at least one subject's published features (a failed run leaves none). */
    private static boolean hasPublishedSubject(FileSystem fs, Path dir) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            if (st.getPath().getName().startsWith("subject=") && fs.exists(new Path(st.getPath(), org.fbnet.store.VersionedDir.CURRENT))) return true;
        }
        return false;
    }

    @Override
    public String runUnit(Unit unit, StageContext ctx) throws Exception {
        String what = unit.id().substring(NAME.length() + 1);
        if (what.equals("pca-image")) return imagePca(unit, ctx);
        if (what.startsWith("pca-fmri/")) return unit.subject() == null ? groupPca(unit, ctx) : fmriPca(unit, ctx);
        if (what.startsWith("latents/")) return latents(unit, ctx);
        if (what.equals("report")) return report(unit, ctx);
        throw new IllegalStateException("unknown project unit " + unit.id());
    }

    private Dataset<Row> embeddings(StageContext ctx, List<String> subjects) throws IOException {
        List<String> paths = new ArrayList<>();
        for (String s : subjects) paths.add(ctx.current(embeddingsOf(s), "fbnet embed").path().toString());
        return ctx.spark().read().parquet(paths.toArray(String[]::new)).select(Datasets.NSD_ID, Datasets.FEATURE)
                .dropDuplicates(Datasets.NSD_ID);
    }

    private String imagePca(Unit unit, StageContext ctx) throws IOException {
        SparkSession spark = ctx.spark();
        List<String> all = unit.inputs().keySet().stream().filter(id -> id.startsWith(DataRoot.IMAGES + "/"))
                .map(id -> id.substring(id.indexOf("subject=") + "subject=".length())).sorted().toList();
        Dataset<Row> embeddings = embeddings(ctx, all);
        Dataset<Row> trainIds = CurrentData.subjects(spark, ctx.root(), DataRoot.IMAGES, all, "fbnet ingest")
                .filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN)).select(Datasets.NSD_ID).distinct();
        List<Row> missing = trainIds.join(embeddings, trainIds.col(Datasets.NSD_ID).equalTo(embeddings.col(Datasets.NSD_ID)), "left_anti")
                .limit(5).collectAsList();
        if (!missing.isEmpty()) {
            throw new InputDataException("embeddings/" + embeddingsId + ": no features for training image(s) with NSD id "
                    + missing.stream().map(r -> String.valueOf(r.getInt(0))).toList() + " (first 5); run fbnet embed on every subject");
        }
        // Sorted by NSD id so that the same images give the same row order, hence the same model.
        Dataset<Row> rows = embeddings.join(trainIds, Datasets.NSD_ID).orderBy(Datasets.NSD_ID);
        LOG.info("project: fitting image PCA on the training images of {} subjects", all.size());
        PcaModel m = new RandomizedPca(cfg.image(), IMAGE_COMPONENTS).fit(vectors(spark, rows, Datasets.FEATURE), "image features " + embeddingsId);
        Manifest base = Planner.manifest(unit, PcaModel.KIND, PcaModel.FORMAT_VERSION, ctx.inputRefs(unit, Map.of()), ctx.settings())
                .with("data", Map.of("embeddings", embeddingsId, "subjects", all, "images", m.samples()));
        Version v = ctx.dir(unit.outputs().get(0)).publish(m.describe(base), (staging, man) -> {
            m.writeInto(staging, ctx.root().conf(), man);
            return man;
        });
        return String.format("%d components of %d images (explained variance %.4f) -> v=%s", m.components(), m.samples(),
                sum(m.explainedVarianceRatio()), v.id());
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s;
    }

    /** A subject's fMRI rows and the sizes of its training split and validation part. */
    private record SubjectFmri(Dataset<Row> rows, int train, int validation) {
        int excluded(boolean includeValidation) { return includeValidation ? 0 : validation; }

        Dataset<Row> fitRows(boolean includeValidation) {
            return rows.filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN).and(col(Datasets.ROW_INDEX).geq(excluded(includeValidation))));
        }
    }

    private SubjectFmri fmri(StageContext ctx, String subject) throws IOException {
        Dataset<Row> rows = ctx.spark().read().parquet(ctx.current(DataRoot.subjectDataset(DataRoot.FMRI, subject), "fbnet ingest").path().toString());
        int nTrain = (int) rows.filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN)).count();
        return new SubjectFmri(rows, nTrain, ValidationSplit.validationRows(nTrain, cfg.validationFraction()));
    }

    private String fmriPca(Unit unit, StageContext ctx) throws IOException {
        String subject = unit.subject();
        SubjectFmri f = fmri(ctx, subject);
        Map<Hemisphere, PcaModel> models = new LinkedHashMap<>();
        for (Hemisphere h : Hemisphere.values()) {
            models.put(h, new RandomizedPca(cfg.fmri(), FMRI_COMPONENTS).fit(vectors(ctx.spark(), f.fitRows(cfg.includeValidation()), h.code()),
                    "fmri " + subject + " " + h.code()));
        }
        List<Map<String, Object>> recon = reconstruction(subject, Map.copyOf(models), f);
        Manifest base = Planner.manifest(unit, FMRI_PCA_KIND, FORMAT_VERSION, ctx.inputRefs(unit, Map.of()), ctx.settings())
                .with("subject", subject)
                .with("trainingRows", f.train())
                .with("excludedValidationRows", f.excluded(cfg.includeValidation()))
                .withMetric("reconstruction", recon);
        Version v = ctx.dir(unit.outputs().get(0)).publish(base, (staging, man) -> {
            for (Hemisphere h : Hemisphere.values()) {
                PcaModel m = models.get(h);
                m.writeInto(new Path(staging, h.code()), ctx.root().conf(), m.describe(Manifest.of(PcaModel.KIND, PcaModel.FORMAT_VERSION))
                        .with("data", Map.of("subject", subject, "hemisphere", h.code(), "rows", m.samples())));
            }
            return man;
        });
        return String.format("lh %d, rh %d components from %d rows -> v=%s", models.get(Hemisphere.LH).components(),
                models.get(Hemisphere.RH).components(), models.get(Hemisphere.LH).samples(), v.id());
    }

    private String groupPca(Unit unit, StageContext ctx) throws IOException {
        List<String> all = unit.inputs().keySet().stream().filter(id -> id.startsWith(DataRoot.FMRI + "/"))
                .map(id -> id.substring(id.indexOf("subject=") + "subject=".length())).sorted().toList();
        Map<String, SubjectFmri> fmri = new LinkedHashMap<>();
        for (String s : all) fmri.put(s, fmri(ctx, s));
        Map<Hemisphere, GroupPca> groups = new LinkedHashMap<>();
        for (Hemisphere h : Hemisphere.values()) {
            Map<String, int[]> vertices = fsaverageIndex(ctx, all, h);
            List<GroupPca.SubjectRows> rows = new ArrayList<>();
            for (String s : all) {
                rows.add(new GroupPca.SubjectRows(s, vectors(ctx.spark(), fmri.get(s).fitRows(cfg.includeValidation()), h.code()),
                        vertices.get(s)));
            }
            groups.put(h, GroupPca.fit(new RandomizedPca(cfg.fmri(), FMRI_COMPONENTS), rows, "fmri group " + h.code()));
        }
        List<Map<String, Object>> recon = new ArrayList<>();
        for (String s : all) {
            Map<Hemisphere, Projection> views = new LinkedHashMap<>();
            for (Hemisphere h : Hemisphere.values()) views.put(h, groups.get(h).forSubject(s));
            recon.addAll(reconstruction(s, views, fmri.get(s)));
        }
        Manifest base = Planner.manifest(unit, FMRI_PCA_KIND, FORMAT_VERSION, ctx.inputRefs(unit, Map.of()), ctx.settings())
                .with("subjects", all).withMetric("reconstruction", recon);
        Version v = ctx.dir(unit.outputs().get(0)).publish(base, (staging, man) -> {
            for (Hemisphere h : Hemisphere.values()) {
                groups.get(h).writeInto(new Path(staging, h.code()), ctx.root().conf(), Manifest.of(PcaModel.KIND, PcaModel.FORMAT_VERSION)
                        .with("data", Map.of("subjects", all, "hemisphere", h.code())));
            }
            return man;
        });
        return "group PCA of " + all.size() + " subjects -> v=" + v.id();
    }

    /** Each subject's fsaverage vertex ids of one hemisphere, from the vertices dataset. */
    private static Map<String, int[]> fsaverageIndex(StageContext ctx, List<String> subjects, Hemisphere h) throws IOException {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (String s : subjects) {
            for (Row r : CurrentData.subject(ctx.spark(), ctx.root(), DataRoot.VERTICES, s, "fbnet ingest")
                    .filter(col(Datasets.HEMISPHERE).equalTo(h.code())).select(Datasets.FSAVERAGE_INDEX).collectAsList()) {
                List<Object> ids = r.getList(0);
                int[] a = new int[ids.size()];
                for (int i = 0; i < a.length; i++) a[i] = ((Number) ids.get(i)).intValue();
                out.put(s, a);
            }
            if (!out.containsKey(s)) throw new InputDataException(s + ": no " + h.code() + " vertex info; re-run fbnet ingest");
        }
        return out;
    }

    /** The fMRI projections of a subject (its own PCAs, or its view of the group's), from the current version. */
    public static Map<Hemisphere, Projection> loadFmriProjections(Version pca, String subject, Configuration conf) throws IOException {
        Map<Hemisphere, Projection> out = new LinkedHashMap<>();
        boolean group = pca.manifest().get("subjects") != null;
        for (Hemisphere h : Hemisphere.values()) {
            Path dir = new Path(pca.path(), h.code());
            out.put(h, group ? GroupPca.load(dir, conf).forSubject(subject) : PcaModel.load(dir, conf));
        }
        return out;
    }

    private String latents(Unit unit, StageContext ctx) throws IOException {
        String subject = unit.subject();
        SparkSession spark = ctx.spark();
        Configuration conf = ctx.root().conf();
        PcaModel image = PcaModel.load(ctx.current(imagePcaId(embeddingsId), "fbnet project").path(), conf);
        Map<Hemisphere, Projection> brain = loadFmriProjections(ctx.current(fmriPcaId(subject), "fbnet project"), subject, conf);
        Dataset<Row> index = spark.read().parquet(ctx.current(DataRoot.subjectDataset(DataRoot.IMAGES, subject), "fbnet ingest").path().toString());
        Dataset<Row> fmri = spark.read().parquet(ctx.current(DataRoot.subjectDataset(DataRoot.FMRI, subject), "fbnet ingest").path().toString());
        Dataset<Row> embeddings = embeddings(ctx, List.of(subject));
        Manifest base = Planner.manifest(unit, LATENTS_KIND, FORMAT_VERSION, ctx.inputRefs(unit, Map.of()), ctx.settings())
                .with("subject", subject)
                .with("dimensions", Map.of("x", image.components(), "lh", brain.get(Hemisphere.LH).components(),
                        "rh", brain.get(Hemisphere.RH).components()));
        long[] rows = new long[1];
        Version v = ctx.dir(unit.outputs().get(0)).publish(base, (staging, man) -> {
            rows[0] = LatentProjection.write(spark, subject, index, fmri, embeddings, image, brain.get(Hemisphere.LH),
                    brain.get(Hemisphere.RH), staging.toString());
            return man.withMetric("rows", rows[0]);
        });
        return rows[0] + " rows -> v=" + v.id();
    }

    private String report(Unit unit, StageContext ctx) throws IOException {
        List<ProjectReport.Reconstruction> recon = new ArrayList<>();
        List<ProjectReport.ModelLine> models = new ArrayList<>();
        for (String id : unit.inputs().keySet().stream().sorted().toList()) {
            Version v = ctx.current(id, "fbnet project");
            for (Map<String, Object> r : reconstructionOf(v.manifest())) {
                recon.add(new ProjectReport.Reconstruction((String) r.get("subject"), (String) r.get("hemisphere"),
                        ((Number) r.get("components")).intValue(), ((Number) r.get("rows")).intValue(),
                        ((Number) r.get("meanR")).doubleValue(), ((Number) r.get("explainedVariance")).doubleValue(),
                        Boolean.TRUE.equals(r.get("heldOut"))));
            }
            for (Hemisphere h : Hemisphere.values()) {
                PcaModel m = PcaModel.load(new Path(v.path(), h.code()), ctx.root().conf());
                models.add(new ProjectReport.ModelLine(id + "/" + h.code(), v.path().toString(), true, m.components(), m.dimension(),
                        m.samples(), sum(m.explainedVarianceRatio()), m.fitId()));
            }
        }
        ProjectReport report = new ProjectReport(models, recon, Map.of());
        Manifest base = Planner.manifest(unit, ProjectReport.KIND, ProjectReport.FORMAT_VERSION, ctx.inputRefs(unit, Map.of()), ctx.settings());
        Version v = ctx.dir(unit.outputs().get(0)).publish(base, (staging, man) -> {
            report.writeFiles(staging, ctx.root().conf());
            return man;
        });
        return recon.size() + " reconstruction lines -> v=" + v.id();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> reconstructionOf(Manifest m) {
        Object r = m.metrics().get("reconstruction");
        return r instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    private static JavaRDD<float[]> vectors(SparkSession spark, Dataset<Row> rows, String column) {
        Encoder<float[]> enc = spark.implicits().newFloatArrayEncoder();
        return rows.select(column).as(enc).javaRDD();
    }

    /** How well each hemisphere's projection reconstructs the subject's held-out validation rows. */
    private List<Map<String, Object>> reconstruction(String subject, Map<Hemisphere, ? extends Projection> brain, SubjectFmri f) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (f.validation() == 0) return out;
        List<Row> rows = f.rows().filter(col(Datasets.SPLIT).equalTo(Datasets.TRAIN).and(col(Datasets.ROW_INDEX).lt(f.validation())))
                .select(Datasets.LH, Datasets.RH).collectAsList();
        for (Hemisphere h : Hemisphere.values()) {
            Projection model = brain.get(h);
            int column = h == Hemisphere.LH ? 0 : 1;
            float[][] measured = new float[rows.size()][];
            for (int i = 0; i < measured.length; i++) measured[i] = floats(rows.get(i).getList(column));
            for (int k : cfg.reportedComponents()) {
                if (k > model.components()) continue;
                double r = VertexScores.mean(VertexScores.pearson(model.reconstruct(measured, k), measured));
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("subject", subject);
                line.put("hemisphere", h.code());
                line.put("components", k);
                line.put("rows", measured.length);
                line.put("meanR", r);
                line.put("explainedVariance", model.explainedVariance(k));
                line.put("heldOut", !cfg.includeValidation());
                out.add(line);
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
}
