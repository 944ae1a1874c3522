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
import org.fbnet.testing.Published;

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
     * Writes PNG files under {@code dir/png/SUBJECT/} and publishes each subject's index as ingest would
     * ({@code images/subject=S}); odd NSD ids carry their bytes inline ({@code content}), even ones only a path.
     * @return the PNG bytes of each NSD id
     */
    public static Map<Integer, byte[]> write(SparkSession spark, Path dir, DataRoot root, Map<String, int[]> subjects) throws IOException {
        Map<Integer, byte[]> pngs = new HashMap<>();
        for (Map.Entry<String, int[]> s : new java.util.TreeMap<>(subjects).entrySet()) {
            List<Row> rows = new ArrayList<>();
            int row = 0;
            for (int id : s.getValue()) {
                byte[] b = pngs.computeIfAbsent(id, ImageIndexFixture::png);
                Path f = dir.resolve("png").resolve(s.getKey()).resolve("img-nsd" + id + ".png");
                Files.createDirectories(f.getParent());
                Files.write(f, b);
                rows.add(RowFactory.create(Datasets.TRAIN, row++, id, f.getFileName().toString(), f.toUri().toString(),
                        (long) b.length, 40 + id % 7, 30 + id % 5, id % 2 == 1 ? b : null));
            }
            // As ingest does: one version per subject, re-published only when its images change.
            Published.dataset(spark, root, DataRoot.IMAGES, s.getKey(), Datasets.IMAGES, rows,
                    "images:" + java.util.Arrays.toString(s.getValue()) + dir, List.of());
        }
        return pngs;
    }

}
