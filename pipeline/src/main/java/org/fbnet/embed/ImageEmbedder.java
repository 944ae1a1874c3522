package org.fbnet.embed;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.fbnet.clip.ClipFeature;
import org.fbnet.clip.ClipModel;
import org.fbnet.clip.ClipModels;
import org.fbnet.clip.EmbeddingConfig;
import org.fbnet.spark.GpuDevices;
import org.fbnet.data.InputDataException;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Planner;
import org.fbnet.stage.Stage;
import org.fbnet.stage.StageContext;
import org.fbnet.stage.Unit;
import org.fbnet.store.Version;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.SerializableHadoopConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embed stage: per subject, the CLIP features of its images ({@code embeddings/MODEL_ID/FEATURE/subject=subjXX/v=ID/},
 * Parquet {@link Datasets#EMBEDDINGS}, one row per NSD id), as one unit whose inputs are the subject's
 * image index and the model (by content id). Another model or feature lands in another directory.
 * Consumers join on {@code nsd_id}. Subjects whose features came with the data (features-only input:
 * ingest publishes them) have no embed unit.
 * <p>Features are computed in executors (PNG decoding included) and written by them; nothing of size
 * passes through the driver. Each executor JVM loads the model once ({@link ClipModels#cached}).
 */
public final class ImageEmbedder implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(ImageEmbedder.class);
    public static final String NAME = "embed";
    public static final String KIND = "embeddings";
    public static final int FORMAT_VERSION = 2;

    private final EmbeddingConfig config;
    private final List<String> subjects;
    private Path modelDir;
    private String modelId;

    /** @param subjects the subjects to embed (empty: every ingested subject) */
    public ImageEmbedder(EmbeddingConfig config, List<String> subjects) {
        this.config = config;
        this.subjects = List.copyOf(subjects);
    }

    @Override public String name() { return NAME; }

    /** The model folder this config points at; the built-in random model is written under the root first. */
    public Path resolveModel(DataRoot root) throws IOException {
        if (config.model() != null) return new Path(config.model());
        return ClipModels.ensureRandom(root.models(), config.randomArchitecture(), config.randomSeed(), root.conf());
    }

    /** The output id of a subject's embeddings with this model and feature. */
    public String outputId(String subject) { return DataRoot.embeddings(modelId, config.feature().id(), subject); }

    @Override
    public List<Unit> plan(StageContext ctx) throws IOException {
        DataRoot root = ctx.root();
        if (modelDir == null) {
            modelDir = resolveModel(root);
            // On the driver, before any task: a config.json that disagrees with the weights is one clear error.
            ClipModel.validate(modelDir, root.conf());
            modelId = ClipModels.id(modelDir, root.conf());
        }
        List<Unit> units = new ArrayList<>();
        for (String subject : ctx.subjects(subjects)) {
            if (suppliedByIngest(ctx, subject)) continue;
            Map<String, String> settings = new TreeMap<>();
            settings.put("clip.feature", config.feature().id());
            units.add(Planner.plan(ctx, Planner.Spec.of(NAME, NAME + "/" + subject, subject, FORMAT_VERSION,
                    List.of(DataRoot.subjectDataset(DataRoot.IMAGES, subject)), settings, List.of(outputId(subject)))
                    .withExternal(Map.of(MODEL_INPUT, modelId))));
        }
        return units;
    }

    private static final String MODEL_INPUT = "clip-model";

    /** Features-only data: ingest published the subject's features itself, under the configured features model. */
    private static boolean suppliedByIngest(StageContext ctx, String subject) throws IOException {
        String id = DataRoot.subjectDataset(DataRoot.IMAGES, subject);
        if (ctx.isPlanned(id) && !ctx.dir(id).current().isPresent()) {
            return ctx.isPlannedPrefix(DataRoot.EMBEDDINGS + "/", "/subject=" + subject);
        }
        return ctx.dir(id).current().map(v -> Boolean.TRUE.equals(v.manifest().get("featuresOnly"))).orElse(false);
    }

    @Override
    public String runUnit(Unit unit, StageContext ctx) throws Exception {
        SparkSession spark = ctx.spark();
        DataRoot root = ctx.root();
        Configuration conf = root.conf();
        String subject = unit.subject();
        Version images = ctx.current(DataRoot.subjectDataset(DataRoot.IMAGES, subject), "fbnet ingest");
        Dataset<Row> todo = spark.read().parquet(images.path().toString())
                .select(Datasets.NSD_ID, Datasets.PATH, Datasets.CONTENT)
                .dropDuplicates(new String[] {Datasets.NSD_ID});
        long n = todo.count();
        int partitions = config.partitions() > 0 ? config.partitions() : spark.sparkContext().defaultParallelism();
        FileSystem fs = modelDir.getFileSystem(conf);
        EmbedPartition fn = new EmbedPartition(fs.makeQualified(modelDir).toString(), modelId, config.feature(), config.batchSize(),
                new SerializableHadoopConf(conf));
        List<InputRef> inputs = ctx.inputRefs(unit, Map.of(MODEL_INPUT, new InputRef(MODEL_INPUT, null, modelId, fs.makeQualified(modelDir).toString())));
        Manifest base = Planner.manifest(unit, KIND, FORMAT_VERSION, inputs, ctx.settings())
                .with("subject", subject)
                .with("modelId", modelId)
                .with("feature", config.feature().id())
                .with("featureLength", config.feature().size(ClipModels.visionConfig(modelDir, conf)))
                .with("builtInRandomModel", config.model() == null);
        LOG.info("embed {}: {} distinct NSD images with {} / {}", subject, n, modelId, config.feature().id());
        long t0 = System.nanoTime();
        Version v = ctx.dir(unit.outputs().get(0)).publish(base, (staging, m) -> {
            todo.repartition(partitions, functions.col(Datasets.NSD_ID))
                    .mapPartitions(fn, Encoders.row(Datasets.EMBEDDINGS))
                    .write().mode(SaveMode.Overwrite).parquet(staging.toString());
            return m.withMetric("images", n).withMetric("imagesPerSecond", n / ((System.nanoTime() - t0) / 1e9));
        });
        return n + " images -> v=" + v.id();
    }

    /** The executor side: decode, preprocess and embed a partition in batches with the JVM's cached model. */
    static final class EmbedPartition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final String modelDir;
        private final String modelId;
        private final ClipFeature feature;
        private final int batchSize;
        private final SerializableHadoopConf conf;

        EmbedPartition(String modelDir, String modelId, ClipFeature feature, int batchSize, SerializableHadoopConf conf) {
            this.modelDir = modelDir;
            this.modelId = modelId;
            this.feature = feature;
            this.batchSize = batchSize;
            this.conf = conf;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) throws Exception {
            GpuDevices.pinCurrentThread();
            ClipModel model = ClipModels.cached(modelDir, conf.get());
            if (!model.id().equals(modelId)) {
                throw new IllegalStateException(modelDir + " changed while the job ran: the driver saw model " + modelId
                        + ", this executor loaded " + model.id());
            }
            return new Iterator<>() {
                private final List<Row> out = new ArrayList<>();
                private int next;
                private long count;
                private final long start = System.nanoTime();

                @Override
                public boolean hasNext() {
                    if (next < out.size()) return true;
                    out.clear();
                    next = 0;
                    if (!rows.hasNext()) return false;
                    try {
                        embedBatch(model, rows, out);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    count += out.size();
                    double secs = (System.nanoTime() - start) / 1e9;
                    LOG.info("embed: task {} embedded {} images ({} images/s)", taskId(), count, String.format("%.1f", count / secs));
                    return true;
                }

                @Override
                public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    return out.get(next++);
                }
            };
        }

        private void embedBatch(ClipModel model, Iterator<Row> rows, List<Row> out) throws IOException {
            List<byte[]> bytes = new ArrayList<>();
            List<String> sources = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            while (rows.hasNext() && ids.size() < batchSize) {
                Row r = rows.next();
                // Parquet does not keep non-null columns (STACK.md): a hand-made index may lack ids or paths.
                if (r.isNullAt(0) || r.isNullAt(1)) {
                    throw new InputDataException("image index: a row has no nsd_id or path (" + r + "); re-run fbnet ingest");
                }
                int id = r.getInt(0);
                String path = r.getString(1);
                byte[] content = r.isNullAt(2) ? null : (byte[]) r.get(2);
                if (content == null) content = readFile(path);
                ids.add(id);
                bytes.add(content);
                sources.add(path + " (NSD id " + id + ")");
            }
            float[][] f = model.embed(bytes, sources, feature);
            for (int i = 0; i < ids.size(); i++) out.add(RowFactory.create(ids.get(i), f[i]));
        }

        private byte[] readFile(String path) throws IOException {
            Path p = new Path(path);
            try (InputStream in = p.getFileSystem(conf.get()).open(p)) {
                return in.readAllBytes();
            } catch (java.io.FileNotFoundException e) {
                throw new InputDataException(path + ": image file listed in the image index does not exist", e);
            }
        }

        private static String taskId() {
            org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
            return tc == null ? "-" : tc.partitionId() + "";
        }
    }
}
