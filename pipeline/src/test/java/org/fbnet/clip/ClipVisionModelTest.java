package org.fbnet.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.fbnet.data.npy.NpyReader;
import org.fbnet.data.npy.NpyWriter;
import org.fbnet.store.HadoopConf;
import org.fbnet.testing.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipVisionModelTest {
    private static final Configuration CONF = HadoopConf.create();

    /**
     * CLIPVisionModel's forward in torch (float64), written from CLIP-SPEC.md with torch's own conv2d,
     * layer_norm, linear and softmax, reading the safetensors file with numpy (not our reader).
     */
    private static final String TORCH = """
            import sys, json, struct, numpy as np, torch
            import torch.nn.functional as F
            d, pixels, out = sys.argv[1], sys.argv[2], sys.argv[3]
            raw = open(f"{d}/model.safetensors", "rb").read()
            n = struct.unpack("<Q", raw[:8])[0]
            header = json.loads(raw[8:8 + n])
            W = {k: torch.from_numpy(np.frombuffer(raw[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], dtype="<f4")
                                     .reshape(v["shape"]).astype(np.float64))
                 for k, v in header.items() if k != "__metadata__"}
            root = json.load(open(f"{d}/config.json"))
            c = root["vision_config"]
            D, H, p, eps = c["hidden_size"], c["num_attention_heads"], c["patch_size"], c["layer_norm_eps"]
            hd = D // H
            x = torch.from_numpy(np.load(pixels).astype(np.float64))
            B = x.shape[0]
            ln = lambda t, k: F.layer_norm(t, (D,), W[k + ".weight"], W[k + ".bias"], eps)
            lin = lambda t, k: F.linear(t, W[k + ".weight"], W.get(k + ".bias"))
            P = F.conv2d(x, W["vision_model.embeddings.patch_embedding.weight"], stride=p)
            tok = P.flatten(2).transpose(1, 2)
            cls = W["vision_model.embeddings.class_embedding"].expand(B, 1, D)
            h = torch.cat([cls, tok], 1) + W["vision_model.embeddings.position_embedding.weight"][None]
            h = ln(h, "vision_model.pre_layrnorm")
            T = h.shape[1]
            for i in range(c["num_hidden_layers"]):
                L = f"vision_model.encoder.layers.{i}."
                r = h
                t = ln(h, L + "layer_norm1")
                q, k, v = (lin(t, L + "self_attn." + m).view(B, T, H, hd).transpose(1, 2) for m in ("q_proj", "k_proj", "v_proj"))
                a = torch.softmax(q @ k.transpose(-1, -2) * hd ** -0.5, dim=-1) @ v
                h = r + lin(a.transpose(1, 2).reshape(B, T, D), L + "self_attn.out_proj")
                m = lin(ln(h, L + "layer_norm2"), L + "mlp.fc1")
                h = h + lin(m * torch.sigmoid(1.702 * m), L + "mlp.fc2")
            pooled = ln(h[:, 0], "vision_model.post_layernorm")
            np.save(f"{out}/last.npy", h.numpy().astype("<f8"))
            np.save(f"{out}/pooled.npy", pooled.numpy().astype("<f8"))
            np.save(f"{out}/embeds.npy", (pooled @ W["visual_projection.weight"].T).numpy().astype("<f8"))
            """;

    private static float[] randomPixels(int n, long seed) {
        Random r = new Random(seed);
        float[] px = new float[n];
        for (int i = 0; i < n; i++) px[i] = (float) (r.nextGaussian() * 1.2);
        return px;
    }

    private void checkAgainstReferences(Path dir, ClipVisionConfig cfg, int batch) throws Exception {
        // both encoders: direct OpenBLAS (what the CPU backend runs) and ND4J ops (what CUDA runs)
        for (boolean directBlas : new boolean[] {true, false}) checkAgainstReferences(dir.resolve("blas-" + directBlas), cfg, batch, directBlas);
    }

    private void checkAgainstReferences(Path dir, ClipVisionConfig cfg, int batch, boolean directBlas) throws Exception {
        org.apache.hadoop.fs.Path model = new org.apache.hadoop.fs.Path(dir.resolve("model").toString());
        ClipModels.writeRandom(model, cfg, 11, CONF);
        ClipModel loaded = ClipModel.load(model, CONF);
        int s = cfg.imageSize();
        float[] px = randomPixels(batch * 3 * s * s, 5);
        org.apache.hadoop.fs.Path pxFile = new org.apache.hadoop.fs.Path(dir.resolve("px.npy").toString());
        NpyWriter.write(pxFile, CONF, px, batch, 3, s, s);
        Python.run(TORCH, model.toString(), pxFile.toString(), dir.toString());
        double[] last = readDoubles(dir.resolve("last.npy"));
        double[] pooled = readDoubles(dir.resolve("pooled.npy"));
        double[] embeds = readDoubles(dir.resolve("embeds.npy"));

        float[][] gotLast = loaded.vision().features(px, batch, ClipFeature.LAST_HIDDEN_STATE, directBlas);
        float[][] gotPooled = loaded.vision().features(px, batch, ClipFeature.POOLED, directBlas);
        float[][] gotEmbeds = loaded.vision().features(px, batch, ClipFeature.IMAGE_EMBEDS, directBlas);
        ReferenceClipForward ref = new ReferenceClipForward(cfg, SafeTensors.open(new org.apache.hadoop.fs.Path(model, ClipModel.WEIGHTS), CONF));
        int td = cfg.tokens() * cfg.hiddenSize(), d = cfg.hiddenSize(), pd = cfg.projectionDim();
        double maxAbs = 0;
        for (int b = 0; b < batch; b++) {
            double[][][] javaRef = ref.forward(px, b * 3 * s * s);
            for (int i = 0; i < td; i++) {
                double torch = last[b * td + i];
                // the two references agree with each other far below the tolerance we give float32 ND4J
                assertEquals(torch, javaRef[0][i / d][i % d], 1e-9, "java vs torch reference, last_hidden_state");
                assertEquals(torch, gotLast[b][i], 1e-4, (directBlas ? "direct BLAS" : "ND4J ops") + " last_hidden_state image " + b + " element " + i);
                maxAbs = Math.max(maxAbs, Math.abs(torch));
            }
            for (int i = 0; i < d; i++) {
                assertEquals(pooled[b * d + i], javaRef[1][0][i], 1e-9);
                assertEquals(pooled[b * d + i], gotPooled[b][i], 1e-4, "pooled");
            }
            for (int i = 0; i < pd; i++) assertEquals(embeds[b * pd + i], gotEmbeds[b][i], 1e-4, "image_embeds");
        }
        // the random model must not be degenerate: hidden states of order one
        org.junit.jupiter.api.Assertions.assertTrue(maxAbs > 0.5, "max |hidden| " + maxAbs);
    }

    private static double[] readDoubles(Path p) throws Exception {
        try (NpyReader r = NpyReader.open(new org.apache.hadoop.fs.Path(p.toString()), CONF)) {
            return r.readAllDoubles();
        }
    }

    @Test
    void forwardMatchesTorchAndPlainJavaReferencesWithin1e4(@TempDir Path dir) throws Exception {
        checkAgainstReferences(dir, new ClipVisionConfig(32, 64, 2, 4, 3, 32, 8, 1e-5, "quick_gelu", 16), 3);
    }

    @Test
    void forwardDropsTheRemainderPixelsWhenImageSizeIsNotAMultipleOfPatchSize(@TempDir Path dir) throws Exception {
        checkAgainstReferences(dir, new ClipVisionConfig(48, 80, 2, 3, 3, 36, 8, 1e-5, "quick_gelu", 24), 2);
    }
}
