package org.fbnet.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.fbnet.compare.ComparisonTable;
import org.fbnet.eval.Charts;
import org.fbnet.eval.EpochRecord;
import org.fbnet.eval.EvaluationReport;
import org.fbnet.pca.ProjectReport;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.DataRoot;
import org.fbnet.store.Version;
import org.fbnet.store.VersionedDir;
import org.fbnet.train.TrainStage;

/**
 * What the run report shows of an output root: the current versions of the comparison, the project report
 * and every model, read back from their published files and manifests (never from the run's memory, so the
 * page shows what a reader of the root finds, whichever run published it).
 */
record PublishedOutputs(Compare compare, Project project, List<Checkpoint> checkpoints) {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The comparison's current version.
     * @param validation per run id, its validation scores; {@code test} likewise where test truth existed
     * @param roiPlots   per subject, the best run's ROI bar chart (PNG)
     * @param curves     per subject, the training curves of every trained run (PNG)
     * @param stale      model outputs whose current version is not the one the comparison scored, with both versions
     * @param files      the version's files and folders, and the files in each run's folder
     */
    record Compare(String id, Version version, ComparisonTable table, String best, Map<String, EvaluationReport> validation,
                   Map<String, EvaluationReport> test, Map<String, byte[]> roiPlots, Map<String, byte[]> curves,
                   List<String> stale, List<FileStatus> files) {
        /** The report the ROI plots show: the best run's test scores where they exist, else its validation scores. */
        EvaluationReport roiReport() {
            return test.getOrDefault(best, validation.get(best));
        }

        List<String> subjects() {
            EvaluationReport r = validation.get(best);
            return r == null ? List.of() : r.subjects();
        }
    }

    record Project(String id, Version version, List<ProjectReport.Reconstruction> reconstruction, List<FileStatus> files) { }

    /**
     * One model output's current version.
     * @param parent        the pre-trained version it was fine-tuned from (null for pre-trained or from-scratch models)
     * @param parentCurrent whether that parent is still the current pre-trained version
     */
    record Checkpoint(String id, Version version, int versions, InputRef parent, boolean parentCurrent, List<EpochRecord> history) {
        /** The last part of the id: a subject, or "pretrained". */
        String subject() { return id.substring(id.lastIndexOf('/') + 1); }

        boolean pretrained() { return subject().equals(TrainStage.PRETRAINED); }
    }

    static PublishedOutputs read(DataRoot root, String compareReport) throws IOException {
        List<Checkpoint> models = checkpoints(root);
        return new PublishedOutputs(compare(root, DataRoot.report(compareReport), models), project(root), models);
    }

    private static Compare compare(DataRoot root, String id, List<Checkpoint> models) throws IOException {
        Optional<Version> cur = root.versioned(id).current();
        if (cur.isEmpty()) return null;
        Version v = cur.get();
        ComparisonTable table = table(root, v);
        String best = v.manifest().getString("best");
        Map<String, EvaluationReport> validation = new LinkedHashMap<>(), test = new LinkedHashMap<>();
        for (ComparisonTable.Row r : table.rows()) {
            String run = r.runId();
            if (run == null) continue;
            Path dir = new Path(new Path(v.path(), "runs"), run);
            scores(root, new Path(dir, "validation_scores.json")).ifPresent(e -> validation.put(run, e));
            scores(root, new Path(dir, "test_scores.json")).ifPresent(e -> test.put(run, e));
        }
        Map<String, byte[]> roi = new LinkedHashMap<>(), curves = new LinkedHashMap<>();
        EvaluationReport chart = test.getOrDefault(best, validation.get(best));
        if (chart != null) {
            for (String s : chart.subjects()) {
                // Comparisons published before the plots existed still get them, drawn from their scores.
                roi.put(s, png(root, new Path(v.path(), "roi_" + s + ".png")).orElseGet(() -> Charts.roiBars(chart, s)));
                Optional<byte[]> c = png(root, new Path(v.path(), "training_curves_" + s + ".png"));
                if (c.isPresent()) curves.put(s, c.get());
            }
        }
        List<String> stale = new ArrayList<>();
        for (InputRef in : v.manifest().inputs()) {
            if (!in.id().startsWith(DataRoot.MODELS + "/")) continue;
            for (Checkpoint m : models) {
                if (m.id().equals(in.id()) && !m.version().id().equals(in.version())) {
                    stale.add(in.id() + ": the comparison scored v=" + in.version() + ", the current version is v=" + m.version().id());
                }
            }
        }
        List<FileStatus> files = files(root, v.path());
        Path runs = new Path(v.path(), "runs");
        for (ComparisonTable.Row r : table.rows()) {
            if (r.runId() != null) files.addAll(files(root, new Path(runs, r.runId())).stream().filter(FileStatus::isFile).toList());
        }
        return new Compare(id, v, table, best, validation, test, roi, curves, stale, files);
    }

    /** The table the manifest holds, else the one in comparison.json. */
    @SuppressWarnings("unchecked")
    private static ComparisonTable table(DataRoot root, Version v) throws IOException {
        Object rows = v.manifest().metrics().get("table");
        if (!(rows instanceof List<?>)) {
            Path json = new Path(v.path(), "comparison.json");
            Optional<byte[]> b = bytes(root, json);
            if (b.isEmpty()) throw new IOException(v.path() + ": the comparison has neither metrics.table in its manifest nor comparison.json");
            rows = JSON.readValue(b.get(), Map.class).get("rows");
            if (!(rows instanceof List<?>)) throw new IOException(json + ": no 'rows' list");
        }
        try {
            return ComparisonTable.fromMaps((List<Map<String, Object>>) rows);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(v.path() + ": unreadable comparison table: " + e.getMessage(), e);
        }
    }

    private static Project project(DataRoot root) throws IOException {
        String id = DataRoot.report("project");
        Optional<Version> cur = root.versioned(id).current();
        if (cur.isEmpty()) return null;
        Optional<byte[]> json = bytes(root, new Path(cur.get().path(), "report.json"));
        List<ProjectReport.Reconstruction> recon = json.isEmpty() ? List.of() : JSON.readValue(json.get(), ProjectReport.class).reconstruction();
        return new Project(id, cur.get(), recon, files(root, cur.get().path()));
    }

    /** Every {@code models/NAME/X} with a current version: the pre-trained one first, then subjects in order. */
    private static List<Checkpoint> checkpoints(DataRoot root) throws IOException {
        List<Checkpoint> out = new ArrayList<>();
        Path models = root.models();
        FileSystem fs = models.getFileSystem(root.conf());
        if (!fs.exists(models)) return out;
        for (FileStatus name : sorted(fs.listStatus(models))) {
            if (!name.isDirectory() || name.getPath().getName().startsWith("_")) continue;
            List<FileStatus> entries = new ArrayList<>(List.of(sorted(fs.listStatus(name.getPath()))));
            entries.sort((a, b) -> Boolean.compare(!isPretrained(a), !isPretrained(b)));
            for (FileStatus st : entries) {
                if (!st.isDirectory() || st.getPath().getName().startsWith("_")) continue;
                String id = DataRoot.model(name.getPath().getName(), st.getPath().getName());
                VersionedDir dir = root.versioned(id);
                Optional<Version> cur = dir.current();
                if (cur.isEmpty()) continue;
                InputRef parent = null;
                boolean parentCurrent = true;
                String parentId = DataRoot.model(name.getPath().getName(), TrainStage.PRETRAINED);
                if (!id.equals(parentId)) {
                    parent = cur.get().manifest().input(parentId);
                    if (parent != null) {
                        Optional<Version> p = root.versioned(parentId).current();
                        parentCurrent = p.isPresent() && p.get().id().equals(parent.version());
                    }
                }
                out.add(new Checkpoint(id, cur.get(), dir.list().size(), parent, parentCurrent, history(cur.get())));
            }
        }
        return out;
    }

    /** A directory's entries but the manifest (linked on its own), files first, by name; empty when it does not exist. */
    private static List<FileStatus> files(DataRoot root, Path dir) throws IOException {
        FileSystem fs = dir.getFileSystem(root.conf());
        if (!fs.exists(dir)) return new ArrayList<>();
        List<FileStatus> out = new ArrayList<>();
        for (FileStatus st : sorted(fs.listStatus(dir))) {
            if (!st.getPath().getName().equals(Manifest.FILE_NAME)) out.add(st);
        }
        out.sort(java.util.Comparator.comparing(FileStatus::isDirectory));
        return out;
    }

    private static boolean isPretrained(FileStatus st) {
        return st.getPath().getName().equals(TrainStage.PRETRAINED);
    }

    private static FileStatus[] sorted(FileStatus[] a) {
        java.util.Arrays.sort(a, java.util.Comparator.comparing(s -> s.getPath().getName()));
        return a;
    }

    @SuppressWarnings("unchecked")
    private static List<EpochRecord> history(Version v) {
        if (!(v.manifest().get("history") instanceof List<?> l)) return List.of();
        List<EpochRecord> out = new ArrayList<>();
        for (Object o : l) if (o instanceof Map<?, ?> m) out.add(EpochRecord.fromMap((Map<String, Object>) m));
        return out;
    }

    private static Optional<EvaluationReport> scores(DataRoot root, Path file) throws IOException {
        try (InputStream in = file.getFileSystem(root.conf()).open(file)) {
            return Optional.of(EvaluationReport.fromJson(in, file.toString()));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    /** A PNG file's bytes; empty when missing or not a PNG (the page then draws the chart itself or leaves it out). */
    private static Optional<byte[]> png(DataRoot root, Path file) throws IOException {
        return bytes(root, file).filter(Html::isPng);
    }

    static Optional<byte[]> bytes(DataRoot root, Path file) throws IOException {
        try (InputStream in = file.getFileSystem(root.conf()).open(file)) {
            return Optional.of(in.readAllBytes());
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }
}
