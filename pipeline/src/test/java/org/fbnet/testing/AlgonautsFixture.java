package org.fbnet.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.data.RoiFamilies;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.data.npy.NumpyPickle;
import org.fbnet.store.HadoopConf;

/**
 * A tiny Algonauts layout with known values, for tests that need exact control (and defects).
 * fMRI value of (split, row, vertex) is {@link #value}; NSD ids are {@code 1000*subject + row}
 * for training and {@code 90000 + 10*subject + row} for test images; vertex v of every subject is
 * fsaverage vertex {@code 3*v + 1}; ROI label of vertex v in every family is {@code v % 3}.
 */
public final class AlgonautsFixture {
    public final Path data;
    public final Path truth;
    public final int train;
    public final int test;
    public final int lh;
    public final int rh;
    private final Configuration conf = HadoopConf.create();

    public AlgonautsFixture(Path root, int subjects, int train, int test, int lh, int rh) throws IOException {
        this.data = root.resolve("data");
        this.truth = root.resolve("truth");
        this.train = train;
        this.test = test;
        this.lh = lh;
        this.rh = rh;
        for (int s = 1; s <= subjects; s++) writeSubject(s);
    }

    public static String subject(int s) { return String.format("subj%02d", s); }

    public static float value(int subject, String split, String hemi, int row, int vertex) {
        return subject * 100 + (split.equals("train") ? 0 : 50) + (hemi.equals("lh") ? 0 : 0.5f) + row + vertex * 0.001f;
    }

    public static int nsdId(int subject, String split, int row) {
        return split.equals("train") ? 1000 * subject + row : 90000 + 10 * subject + row;
    }

    public Path subjectDir(int s) { return data.resolve(subject(s)); }

    public Path file(int s, String relative) { return subjectDir(s).resolve(relative); }

    private void writeSubject(int s) throws IOException {
        Path dir = subjectDir(s);
        for (String split : new String[] {"train", "test"}) {
            Path imgDir = dir.resolve(split.equals("train") ? "training_split/training_images" : "test_split/test_images");
            Files.createDirectories(imgDir);
            int n = split.equals("train") ? train : test;
            for (int i = 0; i < n; i++) {
                BufferedImage img = new BufferedImage(8 + i, 6, BufferedImage.TYPE_3BYTE_BGR);
                img.setRGB(0, 0, 0x102030 * (i + 1));
                ImageIO.write(img, "png", imgDir.resolve(String.format("%s-%04d_nsd-%05d.png", split, i + 1, nsdId(s, split, i))).toFile());
            }
        }
        Files.createDirectories(dir.resolve("training_split/training_fmri"));
        Files.createDirectories(dir.resolve("roi_masks"));
        Files.createDirectories(truth.resolve(subject(s)));
        for (String h : new String[] {"lh", "rh"}) {
            int v = h.equals("lh") ? lh : rh;
            writeFmri(s, "train", h, train, v, dir.resolve("training_split/training_fmri/" + h + "_training_fmri.npy"));
            writeFmri(s, "test", h, test, v, truth.resolve(subject(s) + "/" + h + "_test_fmri.npy"));
            float[] nc = new float[v];
            for (int j = 0; j < v; j++) nc[j] = (j % 5) / 5f;
            NpyWriter.write(hpath(truth.resolve(subject(s) + "/" + h + "_noise_ceiling.npy")), conf, nc, v);
            long[] fs = new long[163_842];
            for (int j = 0; j < v; j++) fs[3 * j + 1] = 1;
            NpyWriter.write(hpath(dir.resolve("roi_masks/" + h + ".all-vertices_fsaverage_space.npy")), conf, fs, fs.length);
            long[] labels = new long[v];
            for (int j = 0; j < v; j++) labels[j] = j % 3;
            for (String f : RoiFamilies.ALL) {
                NpyWriter.write(hpath(dir.resolve("roi_masks/" + h + "." + f + "_challenge_space.npy")), conf, labels, v);
            }
        }
        for (String f : RoiFamilies.ALL) {
            Map<Integer, String> m = new LinkedHashMap<>();
            m.put(0, "Unknown");
            m.put(1, f + "-A");
            m.put(2, f + "-B");
            m.put(3, f + "-empty");
            NumpyPickle.writeMapping(hpath(dir.resolve("roi_masks/mapping_" + f + ".npy")), conf, m);
        }
    }

    public void writeFmri(int s, String split, String h, int rows, int v, Path file) throws IOException {
        float[] a = new float[rows * v];
        for (int i = 0; i < rows; i++) for (int j = 0; j < v; j++) a[i * v + j] = value(s, split, h, i, j);
        NpyWriter.write(hpath(file), conf, a, rows, v);
    }

    public static org.apache.hadoop.fs.Path hpath(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }
}
