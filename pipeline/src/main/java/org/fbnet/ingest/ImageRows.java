package org.fbnet.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;
import org.fbnet.data.ImageEntry;
import org.fbnet.store.SerializableHadoopConf;

/** Executor side of image ingest: reads each PNG once, checks it, and makes its image-index row. */
final class ImageRows {
    private ImageRows() { }

    static Row toRow(ImageEntry e, String subject, IngestConfig cfg, SerializableHadoopConf conf,
                     CollectionAccumulator<String> errors) throws IOException {
        byte[] bytes = null;
        int width = 0, height = 0;
        if (e.sizeBytes() > 0 || cfg.imageCheck() != IngestConfig.ImageCheck.NONE) {
            Path p = new Path(e.path());
            try (InputStream in = p.getFileSystem(conf.get()).open(p)) {
                bytes = in.readAllBytes();
            }
            if (cfg.imageCheck() != IngestConfig.ImageCheck.NONE) {
                String problem = null;
                try {
                    int[] size = inspect(bytes, cfg.imageCheck() == IngestConfig.ImageCheck.DECODE);
                    if (size == null) problem = "not a PNG image";
                    else {
                        width = size[0];
                        height = size[1];
                    }
                } catch (IOException | RuntimeException ex) {
                    problem = "unreadable or truncated PNG (" + ex.getMessage() + ")";
                }
                if (problem != null) {
                    errors.add(subject + ": " + (e.split().equals("train") ? "training_split/training_images/" : "test_split/test_images/")
                            + e.fileName() + ": " + problem);
                }
            }
        }
        return RowFactory.create(e.split(), e.rowIndex(), e.nsdId(), e.fileName(), e.path(), e.sizeBytes(), width, height,
                cfg.copyImageBytes() ? bytes : null);
    }

    /** Width and height of a PNG, fully decoding it when asked; null if it is not a PNG. */
    static int[] inspect(byte[] png, boolean decode) throws IOException {
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) return null;
            ImageReader r = readers.next();
            try {
                if (!r.getFormatName().equalsIgnoreCase("png")) return null;
                r.setInput(iis, true, true);
                int w = r.getWidth(0), h = r.getHeight(0);
                if (decode) r.read(0);
                return new int[] {w, h};
            } finally {
                r.dispose();
            }
        }
    }
}
