package org.fbnet.embed;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
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
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;
import org.fbnet.store.SerializableHadoopConf;
import org.fbnet.store.StagedDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds every NSD image of the image index with CLIP, once per NSD id, incrementally.
 * <p>Output: {@code embeddings/MODEL_ID/FEATURE/part=RUN/} Parquet ({@link Datasets#EMBEDDINGS}), one
 * published part per run with its manifest. Ids present in earlier parts of the same model and feature
 * are skipped, so re-running after ingesting more subjects embeds only the new images; another model or
 * feature lands in another directory. Reading {@code embeddings/MODEL_ID/FEATURE} with Spark or pyarrow
 * gives every part (plus a {@code part} column). Consumers join the image index on {@code nsd_id} for
 * subject, split and row: an image seen by several subjects (ViT-B/32: 150 KB) is stored once.
 * <p>Features are computed in executors (PNG decoding included) and written by them; nothing of size
 * passes through the driver. Each executor JVM loads the model once ({@link ClipModels#cached}).
 */
public final class ImageEmbedder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageEmbedder.class);
    public static final String KIND = "embeddings-part";
    public static final int FORMAT_VERSION = 1;

    private final EmbeddingConfig config;

    public ImageEmbedder(EmbeddingConfig config) {
        this.config = config;
    }

    /** What one run did. */
    public record Result(String modelId, Path modelDir, Path dataset, Path part, long images, long alreadyEmbedded, long embedded) { }

    /** The model folder this config points at; the built-in random model is written under the root first. */
    public Path resolveModel(DataRoot root) throws IOException {
        if (config.model() != null) return new Path(config.model());
        return ClipModels.ensureRandom(root.models(), config.randomArchitecture(), config.randomSeed(), root.conf());
    }

    public Result run(SparkSession spark, DataRoot root) throws IOException {
        Configuration conf = root.conf();
        Path modelDir = resolveModel(root);
        String modelId = ClipModels.id(modelDir, conf);
        ClipFeature feature = config.feature();
        Path dataset = root.embeddings(modelId, feature.id());
        FileSystem fs = dataset.getFileSystem(conf);
        if (!fs.exists(root.images())) {
            throw new InputDataException(root.images() + ": no image index; run fbnet ingest first");
        }
        Dataset<Row> images = spark.read().parquet(root.images().toString())
                .select(Datasets.NSD_ID, Datasets.PATH, Datasets.CONTENT)
                .dropDuplicates(new String[] {Datasets.NSD_ID});
        long total = images.count();
        List<String> parts = publishedParts(fs, dataset);
        Dataset<Row> todo = images;
        long done = 0;
        if (!parts.isEmpty()) {
            Dataset<Row> existing = spark.read().schema(Datasets.EMBEDDINGS).parquet(parts.toArray(String[]::new)).select(Datasets.NSD_ID);
            todo = images.join(existing, images.col(Datasets.NSD_ID).equalTo(existing.col(Datasets.NSD_ID)), "left_anti");
            done = total - todo.count();
        }
        long n = total - done;
        LOG.info("embed: {} distinct NSD images, {} already embedded with {} / {}, {} to embed", total, done, modelId, feature.id(), n);
        if (n == 0) return new Result(modelId, modelDir, dataset, null, total, done, 0);

        int partitions = config.partitions() > 0 ? config.partitions() : spark.sparkContext().defaultParallelism();
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path part = new Path(dataset, "part=" + runId);
        EmbedPartition fn = new EmbedPartition(fs.makeQualified(modelDir).toString(), modelId, feature, config.batchSize(),
                new SerializableHadoopConf(conf));
        try (StagedDirectory staged = StagedDirectory.begin(part, conf)) {
            todo.repartition(partitions, functions.col(Datasets.NSD_ID))
                    .mapPartitions(fn, Encoders.row(Datasets.EMBEDDINGS))
                    .write().mode(SaveMode.Append).parquet(staged.path().toString());
            Manifest m = Manifest.of(KIND, FORMAT_VERSION)
                    .with("modelId", modelId)
                    .with("model", fs.makeQualified(modelDir).toString())
                    .with("feature", feature.id())
                    .with("featureLength", featureLength(modelDir, conf))
                    .with("images", n)
                    .with("alreadyEmbedded", done)
                    .with("imageIndex", root.images().toString())
                    .with("config", java.util.Map.of("batchSize", config.batchSize(), "partitions", partitions,
                            "builtInRandomModel", config.model() == null));
            staged.publish(m);
        }
        LOG.info("embed: published {} embeddings to {}", n, part);
        return new Result(modelId, modelDir, dataset, part, total, done, n);
    }

    private int featureLength(Path modelDir, Configuration conf) throws IOException {
        return config.feature().size(ClipModels.visionConfig(modelDir, conf));
    }

    /** The published {@code part=*} directories of a dataset (those with a manifest), as path strings. */
    static List<String> publishedParts(FileSystem fs, Path dataset) throws IOException {
        List<String> out = new ArrayList<>();
        if (!fs.exists(dataset)) return out;
        for (FileStatus st : fs.listStatus(dataset)) {
            if (st.isDirectory() && st.getPath().getName().startsWith("part=") && fs.exists(new Path(st.getPath(), Manifest.FILE_NAME))) {
                out.add(st.getPath().toString());
            }
        }
        return out;
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
