package org.fbnet.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.fbnet.data.npy.NpyHeader;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.data.npy.NumpyPickle;

/**
 * Reads and validates the Algonauts 2023 / NSD challenge layout through the Hadoop FileSystem API.
 * <p>Every check that needs only headers and small arrays happens here, before any stage writes:
 * missing files, fMRI rows vs. images, lh vs. rh rows, ROI mask lengths vs. vertex counts, the
 * fsaverage mask, file-name order, test fMRI and noise-ceiling shapes. Errors name the subject, the
 * file and what is wrong; all missing files of a subject are reported at once.
 */
public final class AlgonautsReader {
    private final Configuration conf;

    public AlgonautsReader(Configuration conf) {
        this.conf = conf;
    }

    /** The subject folders ({@code subjNN}) under a dataset root, sorted. */
    public List<String> subjects(Path root) throws IOException {
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root)) throw new MissingInputException(root + ": dataset folder not found");
        List<String> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(root)) {
            if (st.isDirectory() && st.getPath().getName().matches("subj\\d+")) out.add(st.getPath().getName());
        }
        if (out.isEmpty()) throw new InputDataException(root + ": no subject folders (subj01, subj02, ...) found");
        out.sort(null);
        return out;
    }

    /** Scans and validates one subject; {@code truthDir} may be null. */
    public SubjectScan scan(Path root, String subject, Path truthDir) throws IOException {
        SubjectLayout l = new SubjectLayout(subject, new Path(root, subject), truthDir);
        FileSystem fs = l.dir().getFileSystem(conf);
        // A truth folder that is named but absent would otherwise look like a dataset without truth.
        if (truthDir != null && !truthDir.getFileSystem(conf).exists(truthDir)) {
            throw new MissingInputException(truthDir + ": truth folder not found");
        }
        if (!fs.isDirectory(l.dir())) throw new InputDataException(subject + ": subject folder " + l.dir() + " not found");
        boolean featuresOnly = !fs.exists(l.trainingImages()) && fs.exists(l.features("train"));

        List<Path> required = new ArrayList<>();
        for (Hemisphere h : Hemisphere.values()) {
            required.add(l.trainingFmri(h));
            required.add(l.fsaverageMask(h));
            for (String f : RoiFamilies.ALL) required.add(l.roiMask(h, f));
        }
        for (String f : RoiFamilies.ALL) required.add(l.roiMapping(f));
        if (featuresOnly) {
            for (String split : List.of("train", "test")) {
                required.add(l.features(split));
                required.add(l.featureNsdIds(split));
            }
        } else {
            required.add(l.trainingImages());
            required.add(l.testImages());
        }
        List<String> missing = new ArrayList<>();
        for (Path p : required) if (!fs.exists(p)) missing.add(relative(l, p));
        if (!missing.isEmpty()) {
            throw new InputDataException(subject + ": missing " + missing.size() + " file(s): " + String.join(", ", missing));
        }

        List<ImageEntry> train = featuresOnly ? featureRows(l, "train") : imageFiles(l, "train");
        List<ImageEntry> test = featuresOnly ? featureRows(l, "test") : imageFiles(l, "test");
        int featureDim = featuresOnly ? featureDim(l) : 0;
        requireDistinctNsdIds(l, train, test);

        Map<Hemisphere, Integer> vertices = new EnumMap<>(Hemisphere.class);
        for (Hemisphere h : Hemisphere.values()) {
            NpyHeader hd = header(l.trainingFmri(h));
            requireFloat2d(l, l.trainingFmri(h), hd);
            // Checking each hemisphere against the images also makes lh and rh agree with each other.
            if (hd.rows() != train.size()) {
                throw new InputDataException(subject + ": " + relative(l, l.trainingFmri(h)) + " has " + hd.rows()
                        + " rows but " + (featuresOnly ? "the training features have " : "training_split/training_images holds ")
                        + train.size() + " images");
            }
            vertices.put(h, (int) hd.shape()[1]);
        }

        Map<Hemisphere, Path> testFmri = new EnumMap<>(Hemisphere.class);
        Map<Hemisphere, Path> ceilings = new EnumMap<>(Hemisphere.class);
        for (Hemisphere h : Hemisphere.values()) {
            Path tf = firstExisting(fs, l.testFmri(h), l.truthTestFmri(h));
            if (tf != null) {
                NpyHeader hd = header(tf);
                requireFloat2d(l, tf, hd);
                if (hd.rows() != test.size() || hd.shape()[1] != vertices.get(h)) {
                    throw new InputDataException(subject + ": " + tf + " has shape " + hd.rows() + "x" + hd.shape()[1]
                            + " but the subject has " + test.size() + " test images and " + vertices.get(h) + " " + h.code() + " vertices");
                }
                testFmri.put(h, tf);
            }
            Path nc = firstExisting(fs, l.noiseCeiling(h), l.truthNoiseCeiling(h));
            if (nc != null) {
                checkCeilings(l, nc, vertices.get(h));
                ceilings.put(h, nc);
            }
        }
        if (testFmri.size() == 1) {
            throw new InputDataException(subject + ": test fMRI found for one hemisphere only (" + testFmri.values() + ")");
        }

        Map<Hemisphere, int[]> fsaverage = new EnumMap<>(Hemisphere.class);
        List<RoiEntry> rois = new ArrayList<>();
        Map<String, Map<Integer, String>> mappings = new TreeMap<>();
        for (String f : RoiFamilies.ALL) mappings.put(f, NumpyPickle.readMapping(l.roiMapping(f), conf));
        for (Hemisphere h : Hemisphere.values()) {
            fsaverage.put(h, fsaverageIndex(l, h, vertices.get(h)));
            for (String f : RoiFamilies.ALL) rois.addAll(roiEntries(l, h, f, mappings.get(f), vertices.get(h)));
        }
        return new SubjectScan(l, List.copyOf(train), List.copyOf(test), featuresOnly, featureDim, vertices,
                testFmri, ceilings, fsaverage, rois, fingerprints(fs, l, train, test));
    }

    private List<ImageEntry> imageFiles(SubjectLayout l, String split) throws IOException {
        Path dir = l.images(split);
        FileSystem fs = dir.getFileSystem(conf);
        TreeMap<String, FileStatus> files = new TreeMap<>();
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) continue;
            files.put(name, st);
        }
        List<ImageEntry> out = new ArrayList<>();
        for (FileStatus st : files.values()) {
            String name = st.getPath().getName();
            Matcher m = ImageEntry.match(name);
            if (m == null || !m.group(1).equals(split)) {
                throw new InputDataException(l.subject() + ": " + relative(l, st.getPath()) + ": file name does not follow "
                        + "the challenge pattern " + split + "-NNNN_nsd-NNNNN.png");
            }
            int index = Integer.parseInt(m.group(2));
            if (index != out.size() + 1) {
                throw new InputDataException(l.subject() + ": " + relative(l, st.getPath()) + ": expected image number "
                        + (out.size() + 1) + " in sorted file-name order (a file is missing or misnamed)");
            }
            out.add(new ImageEntry(split, out.size(), Integer.parseInt(m.group(3)), name,
                    fs.makeQualified(st.getPath()).toString(), st.getLen()));
        }
        return out;
    }

    private static void requireDistinctNsdIds(SubjectLayout l, List<ImageEntry> train, List<ImageEntry> test) {
        java.util.Map<Integer, ImageEntry> seen = new java.util.HashMap<>();
        for (List<ImageEntry> split : List.of(train, test)) {
            for (ImageEntry e : split) {
                ImageEntry before = seen.putIfAbsent(e.nsdId(), e);
                if (before != null) {
                    throw new InputDataException(l.subject() + ": NSD id " + e.nsdId() + " appears twice (" + before.split() + " "
                            + before.fileName() + " and " + e.split() + " " + e.fileName() + "); each image must appear once per subject");
                }
            }
        }
    }

    private List<ImageEntry> featureRows(SubjectLayout l, String split) throws IOException {
        Path ids = l.featureNsdIds(split);
        long[] nsd;
        try (NpyReader r = NpyReader.open(ids, conf)) {
            nsd = r.readAllLongs();
        }
        NpyHeader fh = header(l.features(split));
        requireFloat2d(l, l.features(split), fh);
        if (fh.rows() != nsd.length) {
            throw new InputDataException(l.subject() + ": " + relative(l, l.features(split)) + " has " + fh.rows()
                    + " rows but " + relative(l, ids) + " lists " + nsd.length + " NSD ids");
        }
        String path = ids.getFileSystem(conf).makeQualified(l.features(split)).toString();
        List<ImageEntry> out = new ArrayList<>();
        for (int i = 0; i < nsd.length; i++) {
            String name = String.format("%s-%04d_nsd-%05d", split, i + 1, nsd[i]);
            out.add(new ImageEntry(split, i, Math.toIntExact(nsd[i]), name, path, 0));
        }
        return out;
    }

    private int featureDim(SubjectLayout l) throws IOException {
        long a = header(l.features("train")).shape()[1];
        long b = header(l.features("test")).shape()[1];
        if (a != b) {
            throw new InputDataException(l.subject() + ": training features have " + a + " columns, test features " + b);
        }
        return Math.toIntExact(a);
    }

    private int[] fsaverageIndex(SubjectLayout l, Hemisphere h, int vertices) throws IOException {
        long[] mask = longs(l.fsaverageMask(h));
        if (mask.length != SubjectLayout.FSAVERAGE_VERTICES) {
            throw new InputDataException(l.subject() + ": " + relative(l, l.fsaverageMask(h)) + " has " + mask.length
                    + " entries, expected one per fsaverage vertex (" + SubjectLayout.FSAVERAGE_VERTICES + ")");
        }
        int[] idx = new int[vertices];
        int n = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                if (n < vertices) idx[n] = i;
                n++;
            }
        }
        if (n != vertices) {
            throw new InputDataException(l.subject() + ": " + relative(l, l.fsaverageMask(h)) + " marks " + n
                    + " challenge vertices but the " + h.code() + " fMRI has " + vertices);
        }
        return idx;
    }

    private List<RoiEntry> roiEntries(SubjectLayout l, Hemisphere h, String family, Map<Integer, String> mapping,
                                      int vertices) throws IOException {
        Path p = l.roiMask(h, family);
        long[] labels = longs(p);
        if (labels.length != vertices) {
            throw new InputDataException(l.subject() + ": " + relative(l, p) + " has " + labels.length
                    + " entries but the " + h.code() + " fMRI has " + vertices + " vertices");
        }
        Map<Integer, List<Integer>> byLabel = new TreeMap<>();
        for (Integer label : mapping.keySet()) if (label != 0) byLabel.put(label, new ArrayList<>());
        for (int v = 0; v < labels.length; v++) {
            int lab = (int) labels[v];
            if (lab == 0) continue;
            List<Integer> list = byLabel.get(lab);
            if (list == null) {
                throw new InputDataException(l.subject() + ": " + relative(l, p) + ": vertex " + v + " has label " + labels[v]
                        + ", which " + relative(l, l.roiMapping(family)) + " does not name");
            }
            list.add(v);
        }
        List<RoiEntry> out = new ArrayList<>();
        // Empty ROIs are kept: some ROIs have no vertices for some subjects, which is normal.
        byLabel.forEach((lab, vs) -> out.add(new RoiEntry(h, family, mapping.get(lab), lab,
                vs.stream().mapToInt(Integer::intValue).toArray())));
        return out;
    }

    private void checkCeilings(SubjectLayout l, Path nc, int vertices) throws IOException {
        double[] v;
        try (NpyReader r = NpyReader.open(nc, conf)) {
            if (r.header().shape().length != 1 || r.header().shape()[0] != vertices) {
                throw new InputDataException(l.subject() + ": " + nc + " has shape " + java.util.Arrays.toString(r.header().shape())
                        + ", expected one value per vertex (" + vertices + ")");
            }
            v = r.readAllDoubles();
        }
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0 && v[i] <= 1)) {
                throw new InputDataException(l.subject() + ": " + nc + ": noise ceiling of vertex " + i + " is " + v[i]
                        + "; expected a fraction in [0, 1]" + (v[i] > 1 && v[i] <= 100 ? " (percent? divide by 100)" : ""));
            }
        }
    }

    private NpyHeader header(Path p) throws IOException {
        try (NpyReader r = NpyReader.open(p, conf)) {
            return r.header();
        }
    }

    private long[] longs(Path p) throws IOException {
        try (NpyReader r = NpyReader.open(p, conf)) {
            return r.readAllLongs();
        }
    }

    private static void requireFloat2d(SubjectLayout l, Path p, NpyHeader h) {
        if (!h.dtype().isFloating() || h.shape().length != 2) {
            throw new InputDataException(l.subject() + ": " + relative(l, p) + " must be a 2-d float array, found " + h);
        }
    }

    private static Path firstExisting(FileSystem fs, Path... candidates) throws IOException {
        for (Path p : candidates) if (p != null && fs.exists(p)) return p;
        return null;
    }

    static String relative(SubjectLayout l, Path p) {
        String base = l.dir().toUri().getPath();
        String s = p.toUri().getPath();
        return s.startsWith(base + "/") ? s.substring(base.length() + 1) : p.toString();
    }

    /**
     * Fingerprints of the subject's input files, one per output they feed ({@link SubjectScan#FMRI} ...):
     * SHA-256 over (relative path, length, modification time) of the group's files. The image index
     * stores where each PNG is, so the images group also covers the folder's location; the fMRI rows
     * carry NSD ids, so the fMRI group also covers the ordered ids.
     */
    private static Map<String, String> fingerprints(FileSystem fs, SubjectLayout l, List<ImageEntry> train, List<ImageEntry> test)
            throws IOException {
        TreeMap<String, String> entries = new TreeMap<>();
        collect(fs, l.dir(), "data/", entries);
        if (l.truthDir() != null) {
            Path t = new Path(l.truthDir(), l.subject());
            if (fs.exists(t)) collect(fs, t, "truth/", entries);
        }
        Map<String, TreeMap<String, String>> groups = new TreeMap<>();
        for (String g : List.of(SubjectScan.FMRI, SubjectScan.IMAGES, SubjectScan.ROIS, SubjectScan.VERTICES, SubjectScan.FEATURES)) {
            groups.put(g, new TreeMap<>());
        }
        entries.forEach((file, stat) -> {
            String g = group(file);
            if (g != null) groups.get(g).put(file, stat);
        });
        StringBuilder ids = new StringBuilder();
        for (ImageEntry e : train) ids.append("train\t").append(e.nsdId()).append('\n');
        for (ImageEntry e : test) ids.append("test\t").append(e.nsdId()).append('\n');
        groups.get(SubjectScan.FMRI).put("nsd ids in row order", org.fbnet.provenance.Fingerprint.sha256(ids.toString()));
        groups.get(SubjectScan.IMAGES).put("location", fs.makeQualified(l.dir()).toString());
        Map<String, String> out = new TreeMap<>();
        groups.forEach((g, files) -> {
            StringBuilder sb = new StringBuilder();
            files.forEach((k, v) -> sb.append(k).append('\t').append(v).append('\n'));
            out.put(g, org.fbnet.provenance.Fingerprint.sha256(sb.toString()));
        });
        return out;
    }

    /** Which output a file of the layout feeds, or null for files fbnet does not read. */
    private static String group(String file) {
        String f = file.substring(file.indexOf('/') + 1).replaceFirst("^/+", "");
        if (file.startsWith("truth/")) {
            if (f.endsWith("_test_fmri.npy")) return SubjectScan.FMRI;
            if (f.endsWith("_noise_ceiling.npy")) return SubjectScan.VERTICES;
            return null;
        }
        if (f.startsWith("training_split/training_fmri/") || f.startsWith("test_split/test_fmri/")) return SubjectScan.FMRI;
        if (f.startsWith("training_split/training_images/") || f.startsWith("test_split/test_images/")
                || f.endsWith("_nsd_ids.npy")) return SubjectScan.IMAGES;
        if (f.endsWith("_features.npy")) return SubjectScan.FEATURES;
        if (f.startsWith("test_split/noise_ceiling/") || f.endsWith(".all-vertices_fsaverage_space.npy")) return SubjectScan.VERTICES;
        if (f.startsWith("roi_masks/")) return SubjectScan.ROIS;
        return null;
    }

    private static void collect(FileSystem fs, Path dir, String prefix, Map<String, String> out) throws IOException {
        String base = fs.makeQualified(dir).toUri().getPath();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            LocatedFileStatus st = it.next();
            String rel = st.getPath().toUri().getPath().substring(base.length());
            out.put(prefix + rel, st.getLen() + "\t" + st.getModificationTime());
        }
    }
}
