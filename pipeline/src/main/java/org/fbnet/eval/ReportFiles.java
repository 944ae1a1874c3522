package org.fbnet.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.eval.EpochRecord;
import org.apache.hadoop.fs.Path;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.StagedDirectory;

/**
 * Writes evaluation outputs through the Hadoop FileSystem API: scores tables, plots and submission
 * files, either into a directory the caller stages or as one published evaluation directory.
 */
public final class ReportFiles {
    public static final String KIND = "evaluation";
    public static final int FORMAT_VERSION = 1;

    private ReportFiles() { }

    /** Writes {@code base.csv} and {@code base.json} into {@code dir}; returns their paths. */
    public static List<Path> writeScores(Path dir, Configuration conf, EvaluationReport report, String base) throws IOException {
        Path csv = new Path(dir, base + ".csv"), json = new Path(dir, base + ".json");
        writeBytes(csv, conf, report.toCsv().getBytes(StandardCharsets.UTF_8));
        writeBytes(json, conf, report.toJson().getBytes(StandardCharsets.UTF_8));
        return List.of(csv, json);
    }

    /** Writes one ROI bar chart per subject, {@code prefix + subject + ".png"}; returns their paths. */
    public static List<Path> writeRoiCharts(Path dir, Configuration conf, EvaluationReport report, String prefix) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String subject : report.subjects()) {
            Path p = new Path(dir, prefix + subject + ".png");
            writeBytes(p, conf, Charts.roiBars(report, subject));
            out.add(p);
        }
        return out;
    }

    /**
     * Publishes a complete evaluation directory at {@code target}: {@code scores.csv/json}, ROI charts,
     * {@code training_curves.png} when {@code curves} is non-empty, and the submission files
     * ({@code submission/subjXX/...} and {@code submission.zip}) when {@code test} is non-empty.
     * {@code provenance} entries (inputs, config, seeds) go into the manifest.
     */
    public static Path publish(Path target, Configuration conf, EvaluationReport report, Map<String, List<EpochRecord>> curves,
                               List<Submission.SubjectPredictions> test, Map<String, Object> provenance) throws IOException {
        try (StagedDirectory staged = StagedDirectory.begin(target, conf)) {
            Path dir = staged.path();
            writeScores(dir, conf, report, "scores");
            writeRoiCharts(dir, conf, report, "roi_");
            if (!curves.isEmpty()) writeBytes(new Path(dir, "training_curves.png"), conf, Charts.trainingCurves(report.name(), curves));
            if (!test.isEmpty()) Submission.write(new Path(dir, "submission"), new Path(dir, Submission.ZIP_NAME), conf, test);
            Manifest m = Manifest.of(KIND, FORMAT_VERSION).with("name", report.name());
            for (Map.Entry<String, Object> e : provenance.entrySet()) m = m.with(e.getKey(), e.getValue());
            EvaluationReport.ScoreRow all = report.overall();
            return staged.publish(m.with("vertices", all.vertices()).with("meanR", all.meanR()).with("meanScore", all.meanScore()));
        }
    }

    /** Writes bytes to a file, replacing it. */
    public static void writeBytes(Path file, Configuration conf, byte[] bytes) throws IOException {
        try (OutputStream out = file.getFileSystem(conf).create(file, true)) {
            out.write(bytes);
        }
    }
}
