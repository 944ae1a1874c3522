package org.fbnet.eval;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.npy.NpyWriter;

/**
 * Test-set predictions in the Algonauts 2023 submission layout: {@code subjXX/lh_pred_test.npy} and
 * {@code subjXX/rh_pred_test.npy} (float32, images x vertices, one row per test image in file-name
 * order), and a zip whose entries are exactly those paths, as the challenge's upload expects.
 */
public final class Submission {
    private Submission() { }

    /** One subject's test predictions, rows in test file-name order. */
    public record SubjectPredictions(String subject, float[][] lh, float[][] rh) {
        public SubjectPredictions {
            if (lh.length != rh.length) throw new IllegalArgumentException(subject + ": " + lh.length + " lh rows vs " + rh.length + " rh rows");
        }
    }

    /**
     * Writes the NPY files under {@code dir} and the zip at {@code zip}; returns the NPY paths.
     * Both go through the Hadoop FileSystem API, so any output root works.
     */
    public static List<Path> write(Path dir, Path zip, Configuration conf, List<SubjectPredictions> subjects) throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (SubjectPredictions s : subjects) {
            for (String hemi : List.of("lh", "rh")) {
                float[][] rows = hemi.equals("lh") ? s.lh() : s.rh();
                String entry = s.subject() + "/" + hemi + "_pred_test.npy";
                Path p = new Path(dir, entry);
                int v = rows.length == 0 ? 0 : rows[0].length;
                try (NpyWriter w = NpyWriter.create(p, conf, org.fbnet.data.npy.NpyDtype.FLOAT32, rows.length, v)) {
                    for (int i = 0; i < rows.length; i++) {
                        if (rows[i].length != v) throw new IllegalArgumentException(entry + ": row " + i + " has " + rows[i].length + " vertices, expected " + v);
                        w.write(rows[i]);
                    }
                }
                files.add(p);
                entries.add(entry);
            }
        }
        FileSystem fs = zip.getFileSystem(conf);
        try (ZipOutputStream out = new ZipOutputStream(fs.create(zip, true))) {
            for (int i = 0; i < files.size(); i++) {
                out.putNextEntry(new ZipEntry(entries.get(i)));
                try (InputStream in = files.get(i).getFileSystem(conf).open(files.get(i))) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return files;
    }
}
