package org.fbnet.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.data.AlgonautsReader;
import org.fbnet.data.Hemisphere;
import org.fbnet.data.ImageEntry;
import org.fbnet.data.RoiFamilies;
import org.fbnet.data.SubjectLayout;
import org.fbnet.data.SubjectScan;
import org.fbnet.data.npy.NpyDtype;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.data.npy.NumpyPickle;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {
    private static final Configuration CONF = HadoopConf.create();
    /** Small but with the NSD quirks: subj06 loses vertices of the common set. */
    private static final SynthConfig IMAGES = new SynthConfig(SynthPreset.SMALL, 6, 40, 12, 0, 0, 48, 7, false, 64);
    private static final SynthConfig FEATURES = new SynthConfig(SynthPreset.SMALL, 2, 30, 10, 50, 60, 48, 7, true, 96);

    @TempDir
    static java.nio.file.Path shared;
    static java.nio.file.Path images;
    static java.nio.file.Path features;

    @TempDir
    java.nio.file.Path dir;

    @BeforeAll
    static void generate() throws IOException {
        images = shared.resolve("images");
        features = shared.resolve("features");
        new SyntheticDataset(IMAGES).generate(new Path(images.toString()), CONF);
        new SyntheticDataset(FEATURES).generate(new Path(features.toString()), CONF);
    }

    private static List<String> files(java.nio.file.Path root) throws IOException {
        try (Stream<java.nio.file.Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static List<String> expectedLayout(PlantedTruth t, int subject, boolean featuresOnly) {
        List<String> e = new ArrayList<>();
        String s = SynthConfig.subjectId(subject) + "/";
        e.add(s + "_manifest.json");
        for (String h : List.of("lh", "rh")) {
            e.add(s + "training_split/training_fmri/" + h + "_training_fmri.npy");
            e.add(s + "roi_masks/" + h + ".all-vertices_fsaverage_space.npy");
            for (String f : RoiFamilies.ALL) e.add(s + "roi_masks/" + h + "." + f + "_challenge_space.npy");
            e.add("truth/" + s + h + "_test_fmri.npy");
            e.add("truth/" + s + h + "_noise_ceiling.npy");
        }
        for (String f : RoiFamilies.ALL) e.add(s + "roi_masks/mapping_" + f + ".npy");
        e.add("truth/" + s + "_manifest.json");
        if (featuresOnly) {
            e.addAll(List.of(s + "training_split/training_features.npy", s + "training_split/training_nsd_ids.npy",
                    s + "test_split/test_features.npy", s + "test_split/test_nsd_ids.npy"));
        } else {
            int[] train = t.ids().train(subject), test = t.ids().test(subject);
            for (int i = 0; i < train.length; i++) e.add(s + "training_split/training_images/" + String.format("train-%04d_nsd-%05d.png", i + 1, train[i]));
            for (int i = 0; i < test.length; i++) e.add(s + "test_split/test_images/" + String.format("test-%04d_nsd-%05d.png", i + 1, test[i]));
        }
        return e;
    }

    @Test
    void writesExactlyTheChallengeLayoutAndTheTruthBesideIt() throws IOException {
        for (var c : List.of(Map.entry(IMAGES, images), Map.entry(FEATURES, features))) {
            PlantedTruth t = PlantedTruth.of(c.getKey());
            TreeSet<String> expected = new TreeSet<>(List.of("truth/planted.json"));
            for (int s = 1; s <= c.getKey().subjects(); s++) expected.addAll(expectedLayout(t, s, c.getKey().featuresOnly()));
            assertEquals(List.copyOf(expected), files(c.getValue()), "no staging leftovers, nothing missing");
        }
        // Sorted file-name order is row order and ascending NSD id, as in the challenge files.
        List<String> pngs = files(images).stream().filter(f -> f.startsWith("subj02/training_split/training_images/")).toList();
        assertEquals(40, pngs.size());
        int previous = 0;
        for (String p : pngs) {
            int id = Integer.parseInt(p.substring(p.indexOf("_nsd-") + 5, p.length() - 4));
            assertTrue(id > previous);
            previous = id;
        }
    }

    /**
     * Every NPY and mapping file is byte for byte what our writers produce for the values read back, and those
     * writers reproduce numpy's bytes (NpyRoundTripTest, NumpyPickleTest against numpy's files); every PNG is
     * a 48x48 RGB image to ImageIO. {@link #numpyLoadsEveryFileAndAgreesOnValues} asks numpy itself.
     */
    @Test
    void everyFileIsInTheFormatNumpyWrites() throws Exception {
        int npy = 0, png = 0;
        for (String rel : files(shared)) {
            java.nio.file.Path p = shared.resolve(rel);
            Path h = new Path(p.toString());
            Path again = new Path(dir.resolve("again.npy").toString());
            if (rel.endsWith(".png")) {
                java.awt.image.BufferedImage im = javax.imageio.ImageIO.read(p.toFile());
                assertEquals(List.of(48, 48, 3, false), List.of(im.getWidth(), im.getHeight(), im.getColorModel().getNumComponents(),
                        im.getColorModel().hasAlpha()), rel);
                png++;
                continue;
            } else if (p.getFileName().toString().startsWith("mapping_")) {
                NumpyPickle.writeMapping(again, CONF, NumpyPickle.readMapping(h, CONF));
            } else if (rel.endsWith(".npy")) {
                try (NpyReader r = NpyReader.open(h, CONF)) {
                    String name = p.getFileName().toString();
                    boolean floating = name.contains("fmri") || name.contains("ceiling") || name.contains("features");
                    assertEquals(floating ? NpyDtype.FLOAT32 : NpyDtype.INT64, r.header().dtype(), rel);
                    if (floating) {
                        NpyWriter.write(again, CONF, NpyReader.readAllFloats(h, CONF), r.header().shape());
                    } else {
                        NpyWriter.write(again, CONF, r.readAllLongs(), r.header().shape());
                    }
                }
                npy++;
            } else {
                continue;
            }
            assertArrayEquals(Files.readAllBytes(dir.resolve("again.npy")), Files.readAllBytes(p), rel);
        }
        assertTrue(npy > 100 && png == 6 * 52, npy + " npy, " + png + " png");
    }

    /** numpy loads every NPY and mapping file; shapes, dtypes, sums and dicts agree with what we read. */
    @Test
    @Tag(Python.TAG)
    void numpyLoadsEveryFileAndAgreesOnValues() throws Exception {
        String out = Python.run("import numpy as np, sys, os\n"
                + "from PIL import Image\n"
                + "root = sys.argv[1]\n"
                + "for d, _, fs in sorted(os.walk(root)):\n"
                + "    for f in sorted(fs):\n"
                + "        p = os.path.join(d, f); rel = os.path.relpath(p, root)\n"
                + "        if f.startswith('mapping_'):\n"
                + "            m = np.load(p, allow_pickle=True).item()\n"
                + "            print(rel, 'dict', ';'.join('%d=%s' % (k, m[k]) for k in sorted(m)))\n"
                + "        elif f.endswith('.npy'):\n"
                + "            a = np.load(p)\n"
                + "            print(rel, a.dtype.str, 'x'.join(map(str, a.shape)), repr(float(a.astype(np.float64).sum())),"
                + " repr(float((a.astype(np.float64) * np.arange(1, a.size + 1).reshape(a.shape) % 7).sum())))\n"
                + "        elif f.endswith('.png'):\n"
                + "            im = Image.open(p); im.load(); print(rel, 'png', im.mode, im.size[0], im.size[1])\n",
                shared.toString());
        Map<String, String[]> numpy = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            String[] parts = line.split(" ", 2);
            numpy.put(parts[0], parts[1].split(" "));
        }
        int npy = 0, png = 0;
        for (String rel : files(shared)) {
            java.nio.file.Path p = shared.resolve(rel);
            if (rel.endsWith(".json")) continue;
            String[] ref = numpy.get(rel);
            assertTrue(ref != null, "numpy saw " + rel);
            if (rel.endsWith(".png")) {
                assertEquals(List.of("png", "RGB", "48", "48"), List.of(ref));
                png++;
            } else if (p.getFileName().toString().startsWith("mapping_")) {
                Map<Integer, String> m = NumpyPickle.readMapping(new Path(p.toString()), CONF);
                StringBuilder sb = new StringBuilder();
                m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append('=').append(v));
                assertEquals("dict " + sb, String.join(" ", ref));
            } else {
                try (NpyReader r = NpyReader.open(new Path(p.toString()), CONF)) {
                    String name = p.getFileName().toString();
                    String dtype = name.contains("fmri") || name.contains("ceiling") || name.contains("features") ? "<f4" : "<i8";
                    assertEquals(dtype, ref[0], rel);
                    double[] v = r.readAllDoubles();
                    long[] shape = r.header().shape();
                    assertEquals(String.join("x", java.util.Arrays.stream(shape).mapToObj(Long::toString).toList()), ref[1], rel);
                    double sum = 0, weighted = 0;
                    for (int i = 0; i < v.length; i++) {
                        sum += v[i];
                        double m = v[i] * (i + 1) % 7;
                        weighted += m < 0 ? m + 7 : m; // numpy's % takes the divisor's sign
                    }
                    assertEquals(Double.parseDouble(ref[2]), sum, 1e-6 * Math.max(1, Math.abs(sum)), rel);
                    assertEquals(Double.parseDouble(ref[3]), weighted, 1e-6 * Math.max(1, Math.abs(weighted)), rel);
                }
                npy++;
            }
        }
        assertTrue(npy > 100 && png == 6 * 52, npy + " npy, " + png + " png");
    }

    /** The layout reader (and so the ingest stage) accepts every generated subject and finds the truth. */
    @Test
    void theAlgonautsReaderAcceptsEverySubjectAndFindsTheTruth() throws IOException {
        for (var c : List.of(Map.entry(IMAGES, images), Map.entry(FEATURES, features))) {
            PlantedTruth t = PlantedTruth.of(c.getKey());
            Path root = new Path(c.getValue().toString());
            AlgonautsReader reader = new AlgonautsReader(CONF);
            assertEquals(java.util.stream.IntStream.rangeClosed(1, c.getKey().subjects()).mapToObj(SynthConfig::subjectId).toList(),
                    reader.subjects(root));
            for (int s = 1; s <= c.getKey().subjects(); s++) {
                SubjectScan scan = reader.scan(root, SynthConfig.subjectId(s), new Path(root, SyntheticDataset.TRUTH));
                assertEquals(c.getKey().featuresOnly(), scan.featuresOnly());
                assertArrayEquals(t.ids().train(s), scan.train().stream().mapToInt(ImageEntry::nsdId).toArray());
                assertArrayEquals(t.ids().test(s), scan.test().stream().mapToInt(ImageEntry::nsdId).toArray());
                assertTrue(scan.hasTestFmri() && scan.noiseCeiling().size() == 2);
                for (Hemisphere h : Hemisphere.values()) {
                    assertEquals(c.getKey().vertices(h, s), scan.vertexCount().get(h));
                    assertArrayEquals(t.brain(s, h).vertices(), scan.fsaverageIndex().get(h));
                }
                assertEquals(2 * (7 + 4 + 5 + 3 + 5 + 7), scan.rois().size(), "every ROI of the mappings, empty ones included");
                if (!c.getKey().featuresOnly()) {
                    // With 300 vertices even the narrowest stream holds some; small ROIs may be empty, as in NSD.
                    assertTrue(scan.rois().stream().filter(r -> r.family().equals("streams")).allMatch(r -> r.vertices().length > 0));
                }
            }
        }
    }

    @Test
    void maskNpyFilesMatchTheVertexSpaceAndRoisAreNamedAsInAlgonauts() throws IOException {
        PlantedTruth t = PlantedTruth.of(IMAGES);
        for (int s : new int[] {1, 6}) {
            for (Hemisphere h : Hemisphere.values()) {
                long[] mask;
                try (NpyReader r = NpyReader.open(new Path(images.resolve(SynthConfig.subjectId(s) + "/roi_masks/" + h.code()
                        + ".all-vertices_fsaverage_space.npy").toString()), CONF)) {
                    mask = r.readAllLongs();
                }
                assertEquals(SubjectLayout.FSAVERAGE_VERTICES, mask.length);
                List<Integer> nonzero = new ArrayList<>();
                for (int i = 0; i < mask.length; i++) if (mask[i] != 0) nonzero.add(i);
                assertEquals(java.util.Arrays.stream(t.brain(s, h).vertices()).boxed().toList(), nonzero);
                assertEquals(IMAGES.vertices(h, s), nonzero.size());
            }
        }
        assertTrue(IMAGES.vertices(Hemisphere.LH, 6) < IMAGES.vertices(Hemisphere.LH, 1), "subj06 loses vertices as in NSD");
        Map<Integer, String> streams = NumpyPickle.readMapping(new Path(images.resolve("subj01/roi_masks/mapping_streams.npy").toString()), CONF);
        assertEquals(Map.of(0, "Unknown", 1, "early", 2, "midventral", 3, "midlateral", 4, "midparietal", 5, "ventral", 6, "lateral",
                7, "parietal"), streams);
        assertEquals(List.of("Unknown", "V1v", "V1d", "V2v", "V2d", "V3v", "V3d", "hV4"),
                List.copyOf(NumpyPickle.readMapping(new Path(images.resolve("subj01/roi_masks/mapping_prf-visualrois.npy").toString()), CONF).values()));
    }

    @Test
    void sameNsdIdIsTheSamePngByteForByteInEverySubject() throws IOException {
        Map<String, byte[]> byId = new HashMap<>();
        int shared = 0;
        for (String rel : files(images)) {
            if (!rel.endsWith(".png")) continue;
            String id = rel.substring(rel.indexOf("_nsd-") + 5, rel.length() - 4);
            byte[] bytes = Files.readAllBytes(images.resolve(rel));
            byte[] seen = byId.putIfAbsent(id, bytes);
            if (seen != null) {
                assertArrayEquals(seen, bytes, "nsd " + id);
                shared++;
            }
        }
        assertTrue(shared > 20, "subjects share NSD ids: " + shared);
        // Different ids give different pictures.
        assertTrue(byId.values().stream().map(java.util.Arrays::hashCode).distinct().count() == byId.size());
    }

    @Test
    void fmriRowsAreThePlantedResponsesAndFeaturesThePlantedFeatures() throws IOException {
        PlantedTruth t = PlantedTruth.of(FEATURES);
        SubjectBrain rh = t.brain(2, Hemisphere.RH);
        int[] ids = t.ids().train(2);
        try (NpyReader r = NpyReader.open(new Path(features.resolve("subj02/training_split/training_fmri/rh_training_fmri.npy").toString()), CONF);
             NpyReader f = NpyReader.open(new Path(features.resolve("subj02/training_split/training_features.npy").toString()), CONF);
             NpyReader idFile = NpyReader.open(new Path(features.resolve("subj02/training_split/training_nsd_ids.npy").toString()), CONF)) {
            assertArrayEquals(java.util.Arrays.stream(ids).asLongStream().toArray(), idFile.readAllLongs());
            float[] row = new float[rh.size()], expected = new float[rh.size()], feat = new float[FEATURES.featureDim()];
            for (int i = 0; i < ids.length; i++) {
                r.readRows(row);
                rh.response(t.channels(t.draw(ids[i])), SubjectBrain.Split.TRAIN, i, expected);
                assertArrayEquals(expected, row);
                f.readRows(feat);
                assertArrayEquals(t.features(t.draw(ids[i])), feat);
            }
        }
    }

    @Test
    void inMemorySampleHoldsTheRowsTheFilesHold() throws IOException {
        SubjectSample s = SubjectSample.generate(PlantedTruth.of(FEATURES), 2);
        assertEquals("subj02", s.subject());
        java.nio.file.Path d = features.resolve("subj02");
        assertArrayEquals(flat(s.trainFeatures()), floats(d.resolve("training_split/training_features.npy")));
        assertArrayEquals(flat(s.testFeatures()), floats(d.resolve("test_split/test_features.npy")));
        assertArrayEquals(flat(s.lh().train()), floats(d.resolve("training_split/training_fmri/lh_training_fmri.npy")));
        assertArrayEquals(flat(s.rh().train()), floats(d.resolve("training_split/training_fmri/rh_training_fmri.npy")));
        java.nio.file.Path truth = features.resolve("truth/subj02");
        assertArrayEquals(flat(s.lh().test()), floats(truth.resolve("lh_test_fmri.npy")));
        assertArrayEquals(s.rh().ceilings(), floats(truth.resolve("rh_noise_ceiling.npy")));
        assertArrayEquals(PlantedTruth.of(FEATURES).vertexSpace().subject(2, Hemisphere.LH), s.lh().fsaverageIndex());
    }

    private static float[] floats(java.nio.file.Path p) throws IOException {
        return NpyReader.readAllFloats(new Path(p.toString()), CONF);
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        return out;
    }

    @Test
    void sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot() throws IOException {
        SynthConfig c = new SynthConfig(SynthPreset.SMALL, 1, 15, 5, 40, 40, 32, 7, false, 8);
        java.nio.file.Path a = dir.resolve("a"), b = dir.resolve("b"), other = dir.resolve("other");
        new SyntheticDataset(c).generate(new Path(a.toString()), CONF);
        new SyntheticDataset(c).generate(new Path(b.toString()), CONF);
        new SyntheticDataset(new SynthConfig(SynthPreset.SMALL, 1, 15, 5, 40, 40, 32, 8, false, 8)).generate(new Path(other.toString()), CONF);
        List<String> fa = files(a);
        assertEquals(fa, files(b));
        int differ = 0;
        for (String f : fa) {
            if (f.endsWith("_manifest.json")) continue; // creation time and environment
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
            java.nio.file.Path o = other.resolve(f);
            if (Files.exists(o) && !java.util.Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(o))) differ++;
        }
        assertTrue(differ > 5, "seed changes the data");
    }

    @Test
    void addsSubjectsToAnExistingFolderAndReplacesRegeneratedOnes() throws IOException {
        java.nio.file.Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("unrelated"));
        Files.writeString(out.resolve("unrelated/keep.txt"), "keep");
        SynthConfig two = new SynthConfig(SynthPreset.SMALL, 2, 10, 4, 30, 30, 32, 3, true, 8);
        new SyntheticDataset(two).generate(new Path(out.toString()), CONF);
        byte[] before = Files.readAllBytes(out.resolve("subj02/training_split/training_fmri/lh_training_fmri.npy"));
        Files.writeString(out.resolve("subj01/stale.txt"), "from an older run");
        // Asked again with the same settings (whatever the number of subjects): generation is deterministic, the files are kept.
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(out.resolve("subj01/training_split/training_fmri/lh_training_fmri.npy"));
        new SyntheticDataset(new SynthConfig(SynthPreset.SMALL, 1, 10, 4, 30, 30, 32, 3, true, 8)).generate(new Path(out.toString()), CONF);
        assertEquals(written, Files.getLastModifiedTime(out.resolve("subj01/training_split/training_fmri/lh_training_fmri.npy")));
        assertTrue(Files.exists(out.resolve("subj01/stale.txt")), "kept as it was");
        // Other settings regenerate the subject, whole.
        SynthConfig one = new SynthConfig(SynthPreset.SMALL, 1, 12, 4, 30, 30, 32, 3, true, 8);
        new SyntheticDataset(one).generate(new Path(out.toString()), CONF);
        assertFalse(Files.exists(out.resolve("subj01/stale.txt")), "a regenerated subject is replaced whole");
        assertArrayEquals(before, Files.readAllBytes(out.resolve("subj02/training_split/training_fmri/lh_training_fmri.npy")));
        assertEquals("keep", Files.readString(out.resolve("unrelated/keep.txt")));
        assertFalse(Files.exists(out.resolve("_staging")) || Files.exists(out.resolve("truth/_staging")));
        String planted = Files.readString(out.resolve("truth/planted.json"));
        assertTrue(planted.contains("\"subj01\"") && planted.contains("\"subj02\""), "planted.json keeps subj02 of the same seed");
    }

    @Test
    void aFailedSubjectLeavesNothingBehind() throws IOException {
        java.nio.file.Path out = dir.resolve("failing");
        Files.createDirectories(out);
        Files.writeString(out.resolve("truth"), "a file where the truth folder should go");
        SynthConfig c = new SynthConfig(SynthPreset.SMALL, 1, 10, 4, 30, 30, 32, 3, true, 8);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> new SyntheticDataset(c).generate(new Path(out.toString()), CONF));
        assertTrue(e.getMessage() != null && e.getMessage().contains("truth"), e.toString());
        try (Stream<java.nio.file.Path> left = Files.list(out)) {
            assertEquals(List.of("truth"), left.map(p -> p.getFileName().toString()).toList(), "no subject, no staging left");
        }
    }
}
