package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Golden;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipVisionModelTest {
    private static final Configuration CONF = HadoopConf.create();

    /**
     * Against CLIPVisionModel's forward in torch (float64), written from CLIP-SPEC.md with torch's own conv2d,
     * layer_norm, linear and softmax (golden_refs/clip_forward.py), on random models numpy wrote in Hugging
     * Face's layout, and against the plain-Java reference: both encoders, direct OpenBLAS (what the CPU backend
     * runs) and ND4J ops (what CUDA runs).
     */
    private static void matchesTorchAndPlainJava(Path refs) throws Exception {
        for (String name : new String[] {"a", "b"}) {
            Path dir = refs.resolve(name);
            org.apache.hadoop.fs.Path model = new org.apache.hadoop.fs.Path(dir.toString());
            ClipModel loaded = ClipModel.load(model, CONF);
            ClipVisionConfig cfg = loaded.vision().config();
            float[] px = NpyReader.readAllFloats(new org.apache.hadoop.fs.Path(dir.resolve("pixel_values.npy").toString()), CONF);
            int s = cfg.imageSize(), batch = px.length / (3 * s * s);
            double[] last = readDoubles(dir.resolve("last_hidden_state.npy"));
            double[] pooled = readDoubles(dir.resolve("pooler_output.npy"));
            double[] embeds = readDoubles(dir.resolve("image_embeds.npy"));
            ReferenceClipForward ref = new ReferenceClipForward(cfg, SafeTensors.open(new org.apache.hadoop.fs.Path(model, ClipModel.WEIGHTS), CONF));
            int td = cfg.tokens() * cfg.hiddenSize(), d = cfg.hiddenSize(), pd = cfg.projectionDim();
            assertEquals(batch * td, last.length, name + ": torch's last_hidden_state has the shape our config implies");
            double maxAbs = 0;
            for (int b = 0; b < batch; b++) {
                double[][][] javaRef = ref.forward(px, b * 3 * s * s);
                for (int i = 0; i < td; i++) {
                    // the two references agree with each other far below the tolerance we give float32 ND4J
                    assertEquals(last[b * td + i], javaRef[0][i / d][i % d], 1e-9, name + ": java vs torch reference, last_hidden_state");
                    maxAbs = Math.max(maxAbs, Math.abs(last[b * td + i]));
                }
                for (int i = 0; i < d; i++) assertEquals(pooled[b * d + i], javaRef[1][0][i], 1e-9, name + ": java vs torch reference, pooled");
            }
            // the random model must not be degenerate: hidden states of order one
            assertTrue(maxAbs > 0.5, name + ": max |hidden| " + maxAbs);
            for (boolean directBlas : new boolean[] {true, false}) {
                String encoder = name + ", " + (directBlas ? "direct BLAS" : "ND4J ops");
                float[][] gotLast = loaded.vision().features(px, batch, ClipFeature.LAST_HIDDEN_STATE, directBlas);
                float[][] gotPooled = loaded.vision().features(px, batch, ClipFeature.POOLED, directBlas);
                float[][] gotEmbeds = loaded.vision().features(px, batch, ClipFeature.IMAGE_EMBEDS, directBlas);
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < td; i++) assertEquals(last[b * td + i], gotLast[b][i], 1e-4, encoder + " last_hidden_state image " + b + " element " + i);
                    for (int i = 0; i < d; i++) assertEquals(pooled[b * d + i], gotPooled[b][i], 1e-4, encoder + " pooled");
                    for (int i = 0; i < pd; i++) assertEquals(embeds[b * pd + i], gotEmbeds[b][i], 1e-4, encoder + " image_embeds");
                }
            }
        }
    }

    @Test
    void forwardMatchesTorchAndPlainJavaReferencesWithin1e4() throws Exception {
        matchesTorchAndPlainJava(Golden.dir("clip-forward"));
    }

    @Test
    @Tag(Python.TAG)
    void forwardMatchesLiveTorch(@TempDir Path dir) throws Exception {
        matchesTorchAndPlainJava(Golden.live("clip-forward", dir));
    }

    /** Our random model (the demo's) is no numpy file: check its forward against the plain-Java reference alone. */
    @Test
    void ourRandomModelMatchesThePlainJavaReference(@TempDir Path dir) throws Exception {
        ClipVisionConfig cfg = new ClipVisionConfig(48, 80, 2, 3, 3, 36, 8, 1e-5, "quick_gelu", 24);
        org.apache.hadoop.fs.Path model = new org.apache.hadoop.fs.Path(dir.resolve("model").toString());
        ClipModels.writeRandom(model, cfg, 11, CONF);
        ClipModel loaded = ClipModel.load(model, CONF);
        int s = cfg.imageSize(), batch = 2, td = cfg.tokens() * cfg.hiddenSize();
        float[] px = randomPixels(batch * 3 * s * s, 5);
        ReferenceClipForward ref = new ReferenceClipForward(cfg, SafeTensors.open(new org.apache.hadoop.fs.Path(model, ClipModel.WEIGHTS), CONF));
        float[][] got = loaded.vision().features(px, batch, ClipFeature.LAST_HIDDEN_STATE);
        for (int b = 0; b < batch; b++) {
            double[][][] want = ref.forward(px, b * 3 * s * s);
            for (int i = 0; i < td; i++) assertEquals(want[0][i / cfg.hiddenSize()][i % cfg.hiddenSize()], got[b][i], 1e-4, "image " + b + " element " + i);
        }
    }

    private static float[] randomPixels(int n, long seed) {
        Random r = new Random(seed);
        float[] px = new float[n];
        for (int i = 0; i < n; i++) px[i] = (float) (r.nextGaussian() * 1.2);
        return px;
    }

    private static double[] readDoubles(Path p) throws Exception {
        try (NpyReader r = NpyReader.open(new org.apache.hadoop.fs.Path(p.toString()), CONF)) {
            return r.readAllDoubles();
        }
    }
}
