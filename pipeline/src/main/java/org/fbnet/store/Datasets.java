package org.fbnet.store;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Column names and Spark schemas of the Parquet datasets fbnet stages exchange; the one place that
 * defines them. Names are snake_case and types plain (int, string, array&lt;float&gt;) so pandas and
 * DuckDB read them as they are. Subject-partitioned datasets carry {@code subject} as a directory
 * ({@code subject=subj01}), which Spark, pandas (pyarrow) and DuckDB (hive_partitioning) read back as a column.
 * <p>Spark does not keep {@code nullable=false} through Parquet (STACK.md): validate what you read.
 */
public final class Datasets {
    private Datasets() { }

    public static final String SUBJECT = "subject";
    public static final String SPLIT = "split";
    public static final String ROW_INDEX = "row_index";
    public static final String NSD_ID = "nsd_id";
    public static final String LH = "lh";
    public static final String RH = "rh";
    public static final String HEMISPHERE = "hemisphere";

    /** Split names, as in the Algonauts folder names. */
    public static final String TRAIN = "train";
    public static final String TEST = "test";

    /**
     * fMRI rows: one per (subject, split, row_index); row_index is the row in that split's NPY file,
     * which is the image's position in sorted file-name order. lh/rh are the vertex responses.
     * Test rows exist only where test fMRI was supplied (a truth folder or test_split/test_fmri).
     */
    public static final StructType FMRI = new StructType()
            .add(SUBJECT, DataTypes.StringType, false)
            .add(SPLIT, DataTypes.StringType, false)
            .add(ROW_INDEX, DataTypes.IntegerType, false)
            .add(NSD_ID, DataTypes.IntegerType, false)
            .add(LH, DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add(RH, DataTypes.createArrayType(DataTypes.FloatType, false), false);

    public static final String FILE_NAME = "file_name";
    public static final String PATH = "path";
    public static final String SIZE_BYTES = "size_bytes";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String CONTENT = "content";

    /**
     * The image index: one row per (subject, split, row_index). path is the PNG's URI on the Hadoop
     * FileSystem; content holds the PNG bytes when ingest was asked to copy them (else null).
     */
    public static final StructType IMAGES = new StructType()
            .add(SUBJECT, DataTypes.StringType, false)
            .add(SPLIT, DataTypes.StringType, false)
            .add(ROW_INDEX, DataTypes.IntegerType, false)
            .add(NSD_ID, DataTypes.IntegerType, false)
            .add(FILE_NAME, DataTypes.StringType, false)
            .add(PATH, DataTypes.StringType, false)
            .add(SIZE_BYTES, DataTypes.LongType, false)
            .add(WIDTH, DataTypes.IntegerType, false)
            .add(HEIGHT, DataTypes.IntegerType, false)
            .add(CONTENT, DataTypes.BinaryType, true);

    public static final String FAMILY = "family";
    public static final String ROI = "roi";
    public static final String LABEL = "label";
    public static final String VERTICES = "vertices";

    /** The ROI atlas: challenge-space vertex indices of each (subject, hemisphere, family, roi); may be empty. */
    public static final StructType ROIS = new StructType()
            .add(SUBJECT, DataTypes.StringType, false)
            .add(HEMISPHERE, DataTypes.StringType, false)
            .add(FAMILY, DataTypes.StringType, false)
            .add(ROI, DataTypes.StringType, false)
            .add(LABEL, DataTypes.IntegerType, false)
            .add(VERTICES, DataTypes.createArrayType(DataTypes.IntegerType, false), false);

    public static final String N_VERTICES = "n_vertices";
    public static final String FSAVERAGE_INDEX = "fsaverage_index";
    public static final String NOISE_CEILING = "noise_ceiling";

    /**
     * Per (subject, hemisphere): the fsaverage vertex id of each challenge vertex (the common space
     * subjects share) and, when supplied, each vertex's noise ceiling as a fraction (null otherwise).
     */
    public static final StructType VERTEX_INFO = new StructType()
            .add(SUBJECT, DataTypes.StringType, false)
            .add(HEMISPHERE, DataTypes.StringType, false)
            .add(N_VERTICES, DataTypes.IntegerType, false)
            .add(FSAVERAGE_INDEX, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add(NOISE_CEILING, DataTypes.createArrayType(DataTypes.FloatType, false), true);

    public static final String FEATURE = "feature";

    /** Image features, one row per NSD id (an image seen by several subjects is stored once). */
    public static final StructType EMBEDDINGS = new StructType()
            .add(NSD_ID, DataTypes.IntegerType, false)
            .add(FEATURE, DataTypes.createArrayType(DataTypes.FloatType, false), false);

    public static final String X = "x";

    /**
     * Latents: the image latent x (image PCA) and the brain latents lh/rh (per-subject fMRI PCA) of
     * each (subject, split, row_index); lh/rh are null for rows without fMRI (test without truth).
     */
    public static final StructType LATENTS = new StructType()
            .add(SUBJECT, DataTypes.StringType, false)
            .add(SPLIT, DataTypes.StringType, false)
            .add(ROW_INDEX, DataTypes.IntegerType, false)
            .add(NSD_ID, DataTypes.IntegerType, false)
            .add(X, DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add(LH, DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add(RH, DataTypes.createArrayType(DataTypes.FloatType, false), true);
}
