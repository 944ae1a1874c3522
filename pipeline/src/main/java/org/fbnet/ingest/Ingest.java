package org.fbnet.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.fbnet.data.AlgonautsReader;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.ImageEntry;
import org.fbnet.data.InputDataException;
import org.fbnet.data.RoiEntry;
import org.fbnet.data.SubjectScan;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Decision;
import org.fbnet.stage.Planner;
import org.fbnet.stage.Stage;
import org.fbnet.stage.StageContext;
import org.fbnet.stage.Unit;
import org.fbnet.stage.UnitResult;
import org.fbnet.store.VersionedDir;
import org.fbnet.store.Version;
import org.fbnet.spark.SparkProgress;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.SerializableHadoopConf;

/**
 * The ingest stage: validates an Algonauts/NSD folder and publishes, per subject, the fMRI rows, the
 * image index, the ROI atlas and the vertex info (and, for features-only data, the features as
 * embeddings), each as its own unit and versioned output ({@code fmri/subject=subjXX/v=ID/} ...).
 * <p>Planning reads only headers and masks ({@link AlgonautsReader#scan}), for every subject, before
 * anything is written; a subject whose folder is invalid fails its units and no other. Each output's
 * fingerprint covers the input files that feed it (path, size, modification time; the image index
 * also the folder's location), so a changed fMRI file re-publishes only that subject's fMRI. Bulk data is
 * read and checked inside Spark tasks (row ranges of the NPY files, one PNG per row): the driver holds
 * only headers, masks and the per-image index.
 */
public final class Ingest implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    public static final String NAME = "ingest";
    static final int FORMAT_VERSION = 2;
    /** The output each file group feeds, in the order they are published. */
    private static final List<String> GROUPS = List.of(SubjectScan.IMAGES, SubjectScan.FMRI, SubjectScan.ROIS, SubjectScan.VERTICES);

    private final IngestConfig cfg;
    private final Path input;
    private final Path truth;
    private final Map<String, SubjectScan> scans = new LinkedHashMap<>();
    private final Map<String, RuntimeException> invalid = new LinkedHashMap<>();
    private SparkSession spark;
    private Configuration conf;

    /** Ingests the subjects of {@code input}; {@code truth} (may be null) adds test fMRI and ceilings. */
    public Ingest(IngestConfig cfg, Path input, Path truth) {
        this.cfg = cfg;
        this.input = input;
        this.truth = truth;
    }

    @Override public String name() { return NAME; }

    @Override
    public List<Unit> plan(StageContext ctx) throws IOException {
        conf = ctx.root().conf();
        AlgonautsReader reader = new AlgonautsReader(conf);
        // A truth folder that is named but absent is the user's mistake for every subject, not one subject's bad data.
        if (truth != null && !truth.getFileSystem(conf).exists(truth)) {
            throw new org.fbnet.data.MissingInputException(truth + ": truth folder not found");
        }
        List<String> subjects = reader.subjects(input);
        if (!cfg.subjects().isEmpty()) {
            for (String s : cfg.subjects()) {
                if (!subjects.contains(s)) throw new InputDataException(s + ": no such subject folder in " + input);
            }
            subjects = cfg.subjects();
        }
        List<Unit> units = new ArrayList<>();
        for (String s : subjects) {
            SubjectScan scan = scans.get(s);
            if (scan == null && !invalid.containsKey(s)) {
                try {
                    scan = reader.scan(input, s, truth);
                    scans.put(s, scan);
                } catch (InputDataException e) {
                    invalid.put(s, e);
                }
            }
            if (scan == null) {
                units.add(new Unit(NAME, unitId(s, "*"), s, Map.of(), Map.of(), null, List.of(), Decision.RUN,
                        "invalid input: " + invalid.get(s).getMessage()));
                continue;
            }
            for (String group : groups(scan)) units.add(Planner.plan(ctx, spec(scan, group)));
        }
        return units;
    }

    private static List<String> groups(SubjectScan scan) {
        List<String> g = new ArrayList<>(GROUPS);
        if (scan.featuresOnly()) g.add(SubjectScan.FEATURES);
        return g;
    }

    private static String unitId(String subject, String group) { return NAME + "/" + subject + "/" + group; }

    private String outputId(String subject, String group) {
        return group.equals(SubjectScan.FEATURES) ? DataRoot.embeddings(cfg.featuresModel(), cfg.featuresName(), subject)
                : DataRoot.subjectDataset(group, subject);
    }

    private Planner.Spec spec(SubjectScan scan, String group) {
        Map<String, String> settings = new TreeMap<>();
        if (group.equals(SubjectScan.IMAGES)) {
            settings.put("ingest.image.bytes", String.valueOf(cfg.copyImageBytes()));
            settings.put("ingest.image.verify", cfg.imageCheck().name().toLowerCase(java.util.Locale.ROOT));
        }
        return Planner.Spec.of(NAME, unitId(scan.subject(), group), scan.subject(), FORMAT_VERSION, List.of(), settings,
                        List.of(outputId(scan.subject(), group)))
                .withExternal(Map.of(externalId(scan.subject(), group), scan.fingerprints().get(group)))
                .forcing(cfg.force());
    }

    private static String externalId(String subject, String group) { return "input/" + subject + "/" + group; }

    /**
     * Runs a subject's units together: every output that must change is written to staging first, and
     * published only when all of them were written, so a subject with bad data publishes nothing.
     */
    @Override
    public List<UnitResult> run(List<Unit> units, StageContext ctx) {
        Map<String, List<Unit>> bySubject = new LinkedHashMap<>();
        for (Unit u : units) bySubject.computeIfAbsent(u.subject(), k -> new ArrayList<>()).add(u);
        Map<Unit, UnitResult> results = new LinkedHashMap<>();
        for (List<Unit> subjectUnits : bySubject.values()) {
            long t0 = System.nanoTime();
            List<VersionedDir.Pending> pending = new ArrayList<>();
            List<String> summaries = new ArrayList<>();
            try {
                for (Unit u : subjectUnits) {
                    long[] rows = new long[1];
                    pending.add(write(u, ctx, rows));
                    summaries.add(rows[0] + " rows");
                }
                for (int i = 0; i < pending.size(); i++) {
                    Version v = pending.get(i).publish();
                    results.put(subjectUnits.get(i), UnitResult.done(subjectUnits.get(i), summaries.get(i) + " -> v=" + v.id(),
                            (System.nanoTime() - t0) / 1e9));
                }
            } catch (Exception | Error e) {
                LOG.error("ingest {} failed; nothing of it was published", subjectUnits.get(0).subject(), e);
                for (Unit u : subjectUnits) results.putIfAbsent(u, UnitResult.failed(u, e, (System.nanoTime() - t0) / 1e9));
            } finally {
                for (VersionedDir.Pending p : pending) {
                    try {
                        p.close();
                    } catch (IOException e) {
                        LOG.warn("cannot remove staging: {}", e.getMessage());
                    }
                }
            }
        }
        return units.stream().map(results::get).toList();
    }

    @Override
    public String runUnit(Unit unit, StageContext ctx) throws Exception {
        return run(List.of(unit), ctx).get(0).summary();
    }

    /** Writes one unit's output to staging. */
    private VersionedDir.Pending write(Unit unit, StageContext ctx, long[] rows) throws Exception {
        spark = ctx.spark();
        conf = ctx.root().conf();
        String subject = unit.subject();
        if (invalid.containsKey(subject)) throw invalid.get(subject);
        SubjectScan scan = scans.get(subject);
        String group = unit.id().substring(unit.id().lastIndexOf('/') + 1);
        InputRef files = new InputRef(externalId(subject, group), null, scan.fingerprints().get(group),
                scan.layout().dir().toString() + (scan.layout().truthDir() == null ? "" : " (truth: " + scan.layout().truthDir() + ")"));
        Manifest base = Planner.manifest(unit, group, FORMAT_VERSION, List.of(files), ctx.settings())
                .with("subject", subject)
                .with("trainingImages", scan.train().size())
                .with("testImages", scan.test().size())
                .with("vertices", Map.of("lh", scan.vertexCount().get(Hemisphere.LH), "rh", scan.vertexCount().get(Hemisphere.RH)))
                .with("testFmri", scan.hasTestFmri())
                .with("noiseCeilings", scan.noiseCeiling().size() == 2)
                .with("featuresOnly", scan.featuresOnly());
        long t0 = System.nanoTime();
        VersionedDir.Pending p = ctx.dir(unit.outputs().get(0)).write(base, (staging, m) -> {
            switch (group) {
                case SubjectScan.IMAGES -> rows[0] = writeImages(scan, staging);
                case SubjectScan.FMRI -> rows[0] = writeFmri(scan, staging);
                case SubjectScan.ROIS -> rows[0] = writeRois(scan, staging);
                case SubjectScan.VERTICES -> rows[0] = writeVertices(scan, staging);
                case SubjectScan.FEATURES -> rows[0] = writeFeatures(scan, staging);
                default -> throw new IllegalStateException("unknown ingest unit " + unit.id());
            }
            return m.withMetric("rows", rows[0]);
        });
        double secs = (System.nanoTime() - t0) / 1e9;
        if (group.equals(SubjectScan.FMRI)) {
            double mb = fmriBytes(scan) / 1e6;
            LOG.info(String.format("ingest %s: %d fMRI rows in %.1f s (%.0f rows/s, %.1f MB/s)", subject, rows[0], secs,
                    rows[0] / secs, mb / secs));
        }
        return p;
    }

    private JavaSparkContext jsc() { return JavaSparkContext.fromSparkContext(spark.sparkContext()); }

    private long writeImages(SubjectScan scan, Path staging) throws IOException {
        List<ImageEntry> all = new ArrayList<>(scan.train());
        all.addAll(scan.test());
        CollectionAccumulator<String> errors = spark.sparkContext().collectionAccumulator("image errors " + scan.subject());
        SerializableHadoopConf sconf = new SerializableHadoopConf(conf);
        IngestConfig c = scan.featuresOnly() ? withoutImageCheck(cfg) : cfg;
        String subject = scan.subject();
        int slices = Math.max(1, Math.min(all.size() / 64 + 1, 4 * spark.sparkContext().defaultParallelism()));
        JavaRDD<Row> rows = jsc().parallelize(all, slices).map(e -> ImageRows.toRow(e, subject, c, sconf, errors));
        write(rows, withoutSubject(Datasets.IMAGES), staging, 1);
        if (!errors.value().isEmpty()) {
            List<String> e = new ArrayList<>(errors.value());
            e.sort(null);
            throw new InputDataException(e.size() + " bad image(s); first: " + String.join("; ", e.subList(0, Math.min(5, e.size()))));
        }
        return all.size();
    }

    private static IngestConfig withoutImageCheck(IngestConfig c) {
        return new IngestConfig(false, IngestConfig.ImageCheck.NONE, c.rowsPerTask(), c.subjects(), c.force(),
                c.featuresModel(), c.featuresName());
    }

    private long writeFmri(SubjectScan scan, Path staging) {
        List<FmriRows.Sources> sources = new ArrayList<>();
        sources.add(sources(scan, "train", scan.layout().trainingFmri(Hemisphere.LH), scan.layout().trainingFmri(Hemisphere.RH)));
        if (scan.hasTestFmri()) {
            sources.add(sources(scan, "test", scan.testFmri().get(Hemisphere.LH), scan.testFmri().get(Hemisphere.RH)));
        }
        NonFiniteTally lh = new NonFiniteTally(), rh = new NonFiniteTally();
        spark.sparkContext().register(lh, "non-finite lh " + scan.subject());
        spark.sparkContext().register(rh, "non-finite rh " + scan.subject());
        Broadcast<List<FmriRows.Sources>> src = jsc().broadcast(sources);
        SerializableHadoopConf sconf = new SerializableHadoopConf(conf);
        List<FmriRows.Chunk> chunks = chunks(sources);
        long total = sources.stream().mapToLong(x -> x.nsdIds().length).sum();
        try (SparkProgress progress = SparkProgress.start(spark, "ingest " + scan.subject() + " fMRI", total)) {
            LongAccumulator done = progress.counter();
            JavaRDD<Row> rows = jsc().parallelize(chunks, chunks.size()).flatMap(ch -> {
                List<Row> r = FmriRows.read(ch, src.value(), sconf, lh, rh);
                done.add(r.size());
                return r.iterator();
            });
            write(rows, withoutSubject(Datasets.FMRI), staging, 0);
        }
        src.destroy();
        for (NonFiniteTally t : List.of(lh, rh)) {
            NonFiniteTally.Tally v = t.value();
            if (v.count() > 0) {
                NonFiniteTally.Hit f = v.first();
                throw new InputDataException(scan.subject() + ": " + f.file() + ": " + v.count() + " NaN/Inf value(s); first at row "
                        + f.row() + ", vertex " + f.column() + " (" + f.value() + ")");
            }
        }
        return sources.stream().mapToLong(s -> s.nsdIds().length).sum();
    }

    private FmriRows.Sources sources(SubjectScan scan, String split, Path lh, Path rh) {
        int[] ids = scan.images(split).stream().mapToInt(ImageEntry::nsdId).toArray();
        return new FmriRows.Sources(split, lh.toString(), rh.toString(), display(scan, lh), display(scan, rh), ids);
    }

    private static String display(SubjectScan scan, Path p) {
        String base = scan.layout().dir().toUri().getPath() + "/";
        String s = p.toUri().getPath();
        return s.startsWith(base) ? s.substring(base.length()) : p.toString();
    }

    private List<FmriRows.Chunk> chunks(List<FmriRows.Sources> sources) {
        List<FmriRows.Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            int n = sources.get(i).nsdIds().length;
            for (int s = 0; s < n; s += cfg.rowsPerTask()) chunks.add(new FmriRows.Chunk(i, s, Math.min(n, s + cfg.rowsPerTask())));
        }
        return chunks;
    }

    private long fmriBytes(SubjectScan scan) {
        long rows = scan.train().size() + (scan.hasTestFmri() ? scan.test().size() : 0);
        return rows * 4L * (scan.vertexCount().get(Hemisphere.LH) + scan.vertexCount().get(Hemisphere.RH));
    }

    private long writeFeatures(SubjectScan scan, Path staging) throws IOException {
        List<FmriRows.Sources> sources = new ArrayList<>();
        for (String split : List.of("train", "test")) {
            Path f = scan.layout().features(split);
            int[] ids = scan.images(split).stream().mapToInt(ImageEntry::nsdId).toArray();
            sources.add(new FmriRows.Sources(split, f.toString(), null, display(scan, f), null, ids));
        }
        NonFiniteTally tally = new NonFiniteTally();
        spark.sparkContext().register(tally, "non-finite features " + scan.subject());
        Broadcast<List<FmriRows.Sources>> src = jsc().broadcast(sources);
        Broadcast<Set<Integer>> skip = jsc().broadcast(Set.of());
        SerializableHadoopConf sconf = new SerializableHadoopConf(conf);
        List<FmriRows.Chunk> chunks = chunks(sources);
        JavaRDD<Row> rows = jsc().parallelize(chunks, chunks.size())
                .flatMap(ch -> FmriRows.readFeatures(ch, src.value(), sconf, tally, skip.value()).iterator());
        // Ids are unique within a subject (AlgonautsReader checks): one row per NSD id without a shuffle.
        spark.createDataFrame(rows, Datasets.EMBEDDINGS).write().mode(SaveMode.Overwrite).parquet(staging.toString());
        NonFiniteTally.Tally v = tally.value();
        if (v.count() > 0) {
            throw new InputDataException(scan.subject() + ": " + v.first().file() + ": " + v.count()
                    + " NaN/Inf value(s); first at row " + v.first().row() + ", column " + v.first().column());
        }
        return scan.train().size() + scan.test().size();
    }

    private long writeRois(SubjectScan scan, Path staging) {
        List<Row> rows = new ArrayList<>();
        for (RoiEntry r : scan.rois()) {
            rows.add(RowFactory.create(r.hemisphere().code(), r.family(), r.roi(), r.label(), boxed(r.vertices())));
        }
        spark.createDataFrame(rows, withoutSubject(Datasets.ROIS)).coalesce(1)
                .write().mode(SaveMode.Overwrite).parquet(staging.toString());
        return rows.size();
    }

    private long writeVertices(SubjectScan scan, Path staging) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Hemisphere h : Hemisphere.values()) {
            Path nc = scan.noiseCeiling().get(h);
            Object ceilings = null;
            if (nc != null) ceilings = NpyReader.readAllFloats(nc, conf);
            rows.add(RowFactory.create(h.code(), scan.vertexCount().get(h), boxed(scan.fsaverageIndex().get(h)), ceilings));
        }
        spark.createDataFrame(rows, withoutSubject(Datasets.VERTEX_INFO)).coalesce(1)
                .write().mode(SaveMode.Overwrite).parquet(staging.toString());
        return rows.size();
    }

    private void write(JavaRDD<Row> rows, StructType schema, Path staging, int coalesce) {
        var df = spark.createDataFrame(rows, schema);
        if (coalesce > 0) df = df.coalesce(coalesce);
        try {
            df.write().mode(SaveMode.Overwrite).parquet(staging.toString());
        } catch (RuntimeException e) {
            throw unwrap(e);
        }
    }

    /** Surfaces our own input errors thrown inside Spark tasks instead of Spark's wrapper. */
    static RuntimeException unwrap(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputDataException ide) return new InputDataException(ide.getMessage(), e);
        }
        return e;
    }

    private static Integer[] boxed(int[] a) {
        return Arrays.stream(a).boxed().toArray(Integer[]::new);
    }

    static StructType withoutSubject(StructType t) {
        return new StructType(Arrays.stream(t.fields()).filter(f -> !f.name().equals(Datasets.SUBJECT)).toArray(StructField[]::new));
    }
}
