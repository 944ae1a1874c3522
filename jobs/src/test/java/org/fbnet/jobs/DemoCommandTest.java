package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.provenance.Manifest;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.testing.ZipFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end, shrunk (fewer images, components and epochs) to keep the suite fast. */
class DemoCommandTest extends SparkTestBase {
    @Test
    void demoRunsEveryStageAndLearnsThePlantedResponses(@TempDir Path dir) throws Exception {
        String[] out = IngestCommandTest.captureRun(0, "demo", "--dir", dir.toString(),
                "--set", "synth.train=80", "--set", "synth.test=12", "--set", "synth.lh=120", "--set", "synth.rh=130",
                "--set", "pca.image.components=40", "--set", "pca.fmri.components=20", "--set", "train.epochs=3",
                "--set", "network.width.factor=2", "--set", "eval.ridge.folds=3");
        assertTrue(out[0].contains("demo finished"), out[0]);
        Path root = dir.resolve("out");
        org.fbnet.store.DataRoot data = org.fbnet.store.DataRoot.of(root.toString(), HadoopConf.create());
        assertEquals(2 * (80 + 12), org.fbnet.testing.StageRunner.current(data, "latents").count());
        Path report = Path.of(data.current("reports/compare", "compare").toUri().getPath());

        // The comparison covers every variant, and the ridge baseline finds the planted signal on test images.
        Map<String, String[]> rows = new HashMap<>();
        for (String line : Files.readAllLines(report.resolve("comparison.csv")).subList(1, 6)) {
            String[] f = line.split(",");
            rows.put(f[0], f);
        }
        assertEquals(List.of("fbnet", "mse", "no-leak", "no-pretrain", "ridge"), rows.keySet().stream().sorted().toList());
        double ridgeTestR = Double.parseDouble(rows.get("ridge")[5]);
        assertTrue(ridgeTestR > 0.05, "ridge test r " + ridgeTestR);

        // Pre-training then fine-tuning: each subject's model names the pre-trained parent.
        Manifest m = data.versioned("models/fbnet/subj01").current().orElseThrow().manifest();
        assertTrue(m.getString("parent").contains("models/fbnet/pretrained/v="), String.valueOf(m.fields()));

        // The best run's submission unzips to the Algonauts layout: NPY files whose layout is numpy's (NpyRoundTripTest).
        List<String> shapes = new java.util.ArrayList<>();
        for (Map.Entry<String, Path> e : ZipFiles.extract(report.resolve("submission.zip"), dir.resolve("unzipped")).entrySet()) {
            try (NpyReader r = NpyReader.open(new org.apache.hadoop.fs.Path(e.getValue().toString()), HadoopConf.create())) {
                shapes.add(e.getKey() + " " + java.util.Arrays.toString(r.header().shape()));
            }
        }
        assertTrue(shapes.contains("subj01/lh_pred_test.npy [12, 120]") && shapes.contains("subj02/rh_pred_test.npy [12, 130]"),
                String.valueOf(shapes));
    }
}
