package org.fbnet.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.fbnet.config.Settings;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.provenance.InputRef;
import org.fbnet.provenance.Manifest;
import org.fbnet.stage.Pipeline;
import org.fbnet.store.DataRoot;
import org.fbnet.store.HadoopConf;
import org.fbnet.store.Version;
import org.fbnet.synth.SyntheticDataset;
import org.fbnet.testing.SmallPipeline;
import org.fbnet.testing.SparkTestBase;
import org.fbnet.testing.StageRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on real generated files: what a re-run does after nothing, one subject's input
 * file, a training setting, or a training killed after pre-training changed; and that every output
 * traces back to the input files' fingerprints.
 */
class PipelineTest extends SparkTestBase {
    private static final Settings SMALL = SmallPipeline.SETTINGS;

    private static Pipeline.Report run(DataRoot root, Settings s, SyntheticDataset.Result data, List<String> stages) throws Exception {
        return SmallPipeline.run(root, s, data, stages);
    }

    private static Set<String> published(Pipeline.Report r) { return new TreeSet<>(StageRunner.published(r)); }

    @Test
    void reRunsDoExactlyWhatChangedAndEveryOutputTracesToItsInputFiles(@TempDir java.nio.file.Path tmp) throws Exception {
        Configuration conf = HadoopConf.create();
        SyntheticDataset.Result data = SmallPipeline.generate(tmp.resolve("data"), conf);
        DataRoot root = DataRoot.of(tmp.resolve("out").toUri().toString(), conf);

        Pipeline.Report first = run(root, SMALL, data, FbnetPipeline.ORDER);
        // 4 ingest units and 1 embed unit per subject; per subject an fMRI PCA and latents, plus the image PCA,
        // the group fMRI PCA pre-training predicts in and the report; pre-training, 2 fine-tunes, the comparison.
        assertEquals(21, first.published(), StageRunner.published(first).toString());
        assertEquals(Set.of(), published(run(root, SMALL, data, FbnetPipeline.ORDER)), "nothing changed: nothing is published");

        // One subject's fMRI file changes: that subject's chain re-runs, and the global units that read it.
        java.nio.file.Path lh = tmp.resolve("data/subj01/training_split/training_fmri/lh_training_fmri.npy");
        float[] v;
        long[] shape;
        try (NpyReader r = NpyReader.open(new Path(lh.toUri()), conf)) {
            shape = r.header().shape();
        }
        v = NpyReader.readAllFloats(new Path(lh.toUri()), conf);
        for (int i = 0; i < v.length; i++) v[i] *= 1.5f;
        NpyWriter.write(new Path(lh.toUri()), conf, v, (int) shape[0], (int) shape[1]);
        Files.setLastModifiedTime(lh, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertEquals(Set.of("ingest/subj01/fmri", "project/pca-fmri/subj01", "project/pca-fmri/group", "project/latents/subj01",
                "project/report", "pretrain",
                "finetune/subj01", "finetune/subj02", "compare"), published(run(root, SMALL, data, FbnetPipeline.ORDER)));

        // A training setting: training units only (and the comparison that reads their models).
        Settings moreEpochs = SMALL.with("train.epochs", "3");
        assertEquals(Set.of("pretrain", "finetune/subj01", "finetune/subj02", "compare"),
                published(run(root, moreEpochs, data, FbnetPipeline.ORDER)));

        // Training killed after pre-training published, before any fine-tune: every subject's current model
        // still names a pre-trained version that exists, is immutable and has the fingerprint it recorded.
        Settings reseeded = moreEpochs.with("train.seed", "7");
        assertEquals(Set.of("pretrain"), published(run(root, reseeded, data, List.of(FbnetPipeline.PRETRAIN))));
        for (String s : List.of("subj01", "subj02")) {
            Version model = root.versioned(DataRoot.model("fbnet", s)).current().orElseThrow();
            InputRef parent = model.manifest().input(DataRoot.model("fbnet", "pretrained"));
            Version named = root.versioned(DataRoot.model("fbnet", "pretrained")).version(parent.version());
            assertEquals(parent.fingerprint(), named.fingerprint(), s + " names its parent's fingerprint");
            assertTrue(!named.id().equals(root.versioned(DataRoot.model("fbnet", "pretrained")).current().orElseThrow().id()),
                    "the new pre-trained version is current; the old one the subjects name is kept");
        }
        // The re-run does only what is missing.
        assertEquals(Set.of("finetune/subj01", "finetune/subj02", "compare"), published(run(root, reseeded, data, FbnetPipeline.ORDER)));

        // Every output traces, through its manifests' inputs, down to the input files' fingerprints.
        Set<String> reached = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(DataRoot.report("compare")));
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (!reached.add(id) || id.startsWith("input/") || id.equals("clip-model")) continue;
            Manifest m = root.versioned(id).current().orElseThrow().manifest();
            assertNotNull(m.fingerprint(), id);
            for (InputRef in : m.inputs()) todo.push(in.id());
        }
        for (String s : List.of("subj01", "subj02")) {
            for (String group : List.of("fmri", "images", "vertices", "rois")) {
                assertTrue(reached.contains("input/" + s + "/" + group), group + " " + reached);
            }
        }
        assertTrue(reached.contains("clip-model") && reached.stream().anyMatch(i -> i.startsWith("pca/image/")), reached.toString());
    }
}
