package org.fbnet.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
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
import org.fbnet.provenance.Manifest;
import org.fbnet.spark.SparkProgress;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.SerializableHadoopConf;
import org.fbnet.store.StagedDirectory;

/**
 * The ingest stage: validates an Algonauts/NSD folder and writes, per subject, the fMRI rows, the image
 * index, the ROI atlas and vertex info as Parquet partitions ({@code subject=subjXX}) under an output root.
 * <p>Each subject is staged whole and then published partition by partition, each with a manifest
 * carrying the subject's input fingerprint; a subject whose fingerprint matches what is published is
 * skipped. Bulk data is read and checked inside Spark tasks (row ranges of the NPY files, one PNG per
 * row), so the driver holds only headers, masks and the per-image index.
 */
public final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    static final int FORMAT_VERSION = 1;

    private final SparkSession spark;
    private final IngestConfig cfg;
    private final Configuration conf;

    public Ingest(SparkSession spark, IngestConfig cfg, Configuration conf) {
        this.spark = spark;
        this.cfg = cfg;
        this.conf = conf;
    }

    /** Ingests every (selected) subject of {@code input}; {@code truth} (may be null) adds test fMRI and ceilings. */
    public IngestReport run(Path input, Path truth, DataRoot out) throws IOException {
        AlgonautsReader reader = new AlgonautsReader(conf);
        List<String> subjects = reader.subjects(input);
        if (!cfg.subjects().isEmpty()) {
            for (String s : cfg.subjects()) {
                if (!subjects.contains(s)) throw new InputDataException(s + ": no such subject folder in " + input);
            }
            subjects = cfg.subjects();
        }
        // Validate every subject's metadata before writing anything for any of them.
        List<SubjectScan> scans = new ArrayList<>();
        for (String s : subjects) scans.add(reader.scan(input, s, truth));
        List<IngestReport.SubjectResult> results = new ArrayList<>();
        for (SubjectScan scan : scans) results.add(ingest(scan, out));
        return new IngestReport(results);
    }

    private IngestReport.SubjectResult ingest(SubjectScan scan, DataRoot out) throws IOException {
        String subject = scan.subject();
        List<Path> targets = new ArrayList<>(List.of(
                DataRoot.subjectPartition(out.fmri(), subject), DataRoot.subjectPartition(out.images(), subject),
                DataRoot.subjectPartition(out.rois(), subject), DataRoot.subjectPartition(out.vertices(), subject)));
        if (scan.featuresOnly()) targets.add(featurePartition(out, subject));
        if (!cfg.force() && unchanged(targets, scan.fingerprint())) {
            LOG.info("ingest {}: unchanged since last ingest, skipped", subject);
            return new IngestReport.SubjectResult(subject, true, 0, 0, 0);
        }
        long t0 = System.nanoTime();
        LOG.info("ingest {}: {} training and {} test images, vertices {}{}", subject, scan.train().size(), scan.test().size(),
                scan.vertexCount(), scan.hasTestFmri() ? ", with test fMRI" : "");
        List<StagedDirectory> staged = new ArrayList<>();
        try {
            for (Path t : targets) staged.add(StagedDirectory.begin(t, conf));
            writeImages(scan, staged.get(1).path());
            long rows = writeFmri(scan, staged.get(0).path());
            writeRois(scan, staged.get(2).path());
            writeVertices(scan, staged.get(3).path());
            long bytes = fmriBytes(scan);
            if (scan.featuresOnly()) bytes += writeFeatures(scan, out, staged.get(4).path());
            Manifest m = Manifest.of("ingest", FORMAT_VERSION)
                    .with("subject", subject)
                    .with("fingerprint", scan.fingerprint())
                    .with("input", scan.layout().dir().toString())
                    .with("truth", scan.layout().truthDir() == null ? null : scan.layout().truthDir().toString())
                    .with("trainingImages", scan.train().size())
                    .with("testImages", scan.test().size())
                    .with("vertices", Map.of("lh", scan.vertexCount().get(Hemisphere.LH), "rh", scan.vertexCount().get(Hemisphere.RH)))
                    .with("testFmri", scan.hasTestFmri())
                    .with("noiseCeilings", scan.noiseCeiling().size() == 2)
                    .with("featuresOnly", scan.featuresOnly())
                    .with("config", Map.of("ingest.image.bytes", cfg.copyImageBytes(), "ingest.image.verify", cfg.imageCheck().name().toLowerCase(java.util.Locale.ROOT)));
            for (StagedDirectory d : staged) d.publish(m.with("dataset", d.target().getParent().getName()));
            double secs = (System.nanoTime() - t0) / 1e9;
            IngestReport.SubjectResult r = new IngestReport.SubjectResult(subject, false, rows, bytes, secs);
            LOG.info(String.format("ingest %s: %d fMRI rows in %.1f s (%.0f rows/s, %.1f MB/s)", subject, rows, secs,
                    r.rowsPerSecond(), r.megabytesPerSecond()));
            return r;
        } finally {
            for (StagedDirectory d : staged) d.close();
        }
    }

    private boolean unchanged(List<Path> targets, String fingerprint) throws IOException {
        for (Path t : targets) {
            Manifest m = Manifest.read(t, conf);
            if (m == null || !fingerprint.equals(m.getString("fingerprint"))) return false;
        }
        return true;
    }

    private Path featurePartition(DataRoot out, String subject) {
        return new Path(out.embeddings(cfg.featuresModel(), cfg.featuresName()), "source=" + subject);
    }

    private JavaSparkContext jsc() { return JavaSparkContext.fromSparkContext(spark.sparkContext()); }

    private void writeImages(SubjectScan scan, Path staging) throws IOException {
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

    private long writeFeatures(SubjectScan scan, DataRoot out, Path staging) throws IOException {
        Set<Integer> present = featureIdsOfOtherSubjects(out, scan.subject());
        List<FmriRows.Sources> sources = new ArrayList<>();
        for (String split : List.of("train", "test")) {
            Path f = scan.layout().features(split);
            int[] ids = scan.images(split).stream().mapToInt(ImageEntry::nsdId).toArray();
            sources.add(new FmriRows.Sources(split, f.toString(), null, display(scan, f), null, ids));
        }
        NonFiniteTally tally = new NonFiniteTally();
        spark.sparkContext().register(tally, "non-finite features " + scan.subject());
        Broadcast<List<FmriRows.Sources>> src = jsc().broadcast(sources);
        Broadcast<Set<Integer>> skip = jsc().broadcast(present);
        SerializableHadoopConf sconf = new SerializableHadoopConf(conf);
        List<FmriRows.Chunk> chunks = chunks(sources);
        JavaRDD<Row> rows = jsc().parallelize(chunks, chunks.size())
                .flatMap(ch -> FmriRows.readFeatures(ch, src.value(), sconf, tally, skip.value()).iterator());
        // One row per NSD id holds without a shuffle: ids are unique within a subject (AlgonautsReader
        // checks) and ids stored for other subjects are skipped in the tasks.
        spark.createDataFrame(rows, Datasets.EMBEDDINGS).write().mode(SaveMode.Overwrite).parquet(staging.toString());
        NonFiniteTally.Tally v = tally.value();
        if (v.count() > 0) {
            throw new InputDataException(scan.subject() + ": " + v.first().file() + ": " + v.count()
                    + " NaN/Inf value(s); first at row " + v.first().row() + ", column " + v.first().column());
        }
        return (long) (scan.train().size() + scan.test().size()) * scan.featureDim() * 4L;
    }

    private Set<Integer> featureIdsOfOtherSubjects(DataRoot out, String subject) throws IOException {
        Path dir = out.embeddings(cfg.featuresModel(), cfg.featuresName());
        FileSystem fs = dir.getFileSystem(conf);
        Set<Integer> ids = new HashSet<>();
        if (!fs.exists(dir)) return ids;
        List<String> others = new ArrayList<>();
        for (var st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            if (st.isDirectory() && n.startsWith("source=") && !n.equals("source=" + subject)) others.add(st.getPath().toString());
        }
        if (others.isEmpty()) return ids;
        for (Row r : spark.read().parquet(others.toArray(String[]::new)).select(Datasets.NSD_ID).collectAsList()) {
            ids.add(r.getInt(0));
        }
        return ids;
    }

    private void writeRois(SubjectScan scan, Path staging) {
        List<Row> rows = new ArrayList<>();
        for (RoiEntry r : scan.rois()) {
            rows.add(RowFactory.create(r.hemisphere().code(), r.family(), r.roi(), r.label(), boxed(r.vertices())));
        }
        spark.createDataFrame(rows, withoutSubject(Datasets.ROIS)).coalesce(1)
                .write().mode(SaveMode.Overwrite).parquet(staging.toString());
    }

    private void writeVertices(SubjectScan scan, Path staging) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Hemisphere h : Hemisphere.values()) {
            Path nc = scan.noiseCeiling().get(h);
            Object ceilings = null;
            if (nc != null) ceilings = NpyReader.readAllFloats(nc, conf);
            rows.add(RowFactory.create(h.code(), scan.vertexCount().get(h), boxed(scan.fsaverageIndex().get(h)), ceilings));
        }
        spark.createDataFrame(rows, withoutSubject(Datasets.VERTEX_INFO)).coalesce(1)
                .write().mode(SaveMode.Overwrite).parquet(staging.toString());
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
