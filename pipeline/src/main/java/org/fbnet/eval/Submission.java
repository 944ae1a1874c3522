package org.fbnet.eval;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.npy.NpyDtype;
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

    public static final String ZIP_NAME = "submission.zip";

    /** Writes all subjects' NPY files under {@code dir} and zips them to {@code zip}; returns the NPY paths. */
    public static List<Path> write(Path dir, Path zip, Configuration conf, List<SubjectPredictions> subjects) throws IOException {
        List<Path> files = new ArrayList<>();
        for (SubjectPredictions s : subjects) files.addAll(writeSubject(dir, conf, s));
        zip(dir, zip, conf);
        return files;
    }

    /** Writes one subject's {@code subjXX/lh_pred_test.npy} and {@code rh_pred_test.npy} under {@code dir}. */
    public static List<Path> writeSubject(Path dir, Configuration conf, SubjectPredictions s) throws IOException {
        return writeInto(new Path(dir, s.subject()), conf, s);
    }

    /** Writes a subject's {@code lh_pred_test.npy} and {@code rh_pred_test.npy} into {@code subjectDir} itself (e.g. a staged one). */
    public static List<Path> writeInto(Path subjectDir, Configuration conf, SubjectPredictions s) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String hemi : List.of("lh", "rh")) {
            float[][] rows = hemi.equals("lh") ? s.lh() : s.rh();
            Path p = new Path(subjectDir, hemi + "_pred_test.npy");
            int v = rows.length == 0 ? 0 : rows[0].length;
            try (NpyWriter w = NpyWriter.create(p, conf, NpyDtype.FLOAT32, rows.length, v)) {
                for (int i = 0; i < rows.length; i++) {
                    if (rows[i].length != v) throw new IllegalArgumentException(p + ": row " + i + " has " + rows[i].length + " vertices, expected " + v);
                    w.write(rows[i]);
                }
            }
            files.add(p);
        }
        return files;
    }

    /**
     * Zips every {@code subjXX/{lh,rh}_pred_test.npy} under {@code dir} into {@code zip}, entries named by
     * those relative paths in sorted order, so the zip extracts to the submission layout.
     */
    public static void zip(Path dir, Path zip, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        List<String> entries = new ArrayList<>();
        for (FileStatus subject : fs.listStatus(dir)) {
            if (!subject.isDirectory() || !subject.getPath().getName().matches("subj\\d+")) continue;
            for (String hemi : List.of("lh", "rh")) {
                Path f = new Path(subject.getPath(), hemi + "_pred_test.npy");
                if (fs.exists(f)) entries.add(subject.getPath().getName() + "/" + f.getName());
            }
        }
        if (entries.isEmpty()) throw new IOException(dir + ": no subjXX/{lh,rh}_pred_test.npy files to zip");
        Collections.sort(entries);
        try (ZipOutputStream out = new ZipOutputStream(zip.getFileSystem(conf).create(zip, true))) {
            for (String entry : entries) {
                out.putNextEntry(new ZipEntry(entry));
                try (InputStream in = fs.open(new Path(dir, entry))) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }
}
