package org.fbnet.embed;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Datasets;

/** Test fixture: the image index ingest writes ({@link Datasets#IMAGES}), with random PNGs of varied sizes. */
public final class ImageIndexFixture {
    private ImageIndexFixture() { }

    /** A random RGB PNG; its size and content follow from the NSD id. */
    public static byte[] png(int nsdId) {
        Random r = new Random(nsdId);
        BufferedImage img = new BufferedImage(40 + nsdId % 7, 30 + nsdId % 5, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, r.nextInt(1 << 24));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes PNG files under {@code dir/png/SUBJECT/} and the index under {@code root.images()}, partitioned
     * by subject; odd NSD ids carry their bytes inline ({@code content}), even ones only a path.
     * @return the PNG bytes of each NSD id
     */
    public static Map<Integer, byte[]> write(SparkSession spark, Path dir, DataRoot root, Map<String, int[]> subjects) throws IOException {
        Map<Integer, byte[]> pngs = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, int[]> s : subjects.entrySet()) {
            int row = 0;
            for (int id : s.getValue()) {
                byte[] b = pngs.computeIfAbsent(id, ImageIndexFixture::png);
                Path f = dir.resolve("png").resolve(s.getKey()).resolve("img-nsd" + id + ".png");
                Files.createDirectories(f.getParent());
                Files.write(f, b);
                rows.add(RowFactory.create(s.getKey(), Datasets.TRAIN, row++, id, f.getFileName().toString(), f.toUri().toString(),
                        (long) b.length, 40 + id % 7, 30 + id % 5, id % 2 == 1 ? b : null));
            }
        }
        spark.createDataFrame(rows, Datasets.IMAGES).write().mode(SaveMode.Overwrite).partitionBy(Datasets.SUBJECT)
                .parquet(root.images().toString());
        return pngs;
    }
}
