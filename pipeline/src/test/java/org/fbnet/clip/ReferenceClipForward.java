package org.fbnet.clip;

import java.io.IOException;

/**
 * A plain-Java double-precision CLIP vision forward for one image, written from CLIP-SPEC.md section 3
 * with loops only (no ND4J, no fused q/k/v, no im2col), as an independent reference for tests.
 */
final class ReferenceClipForward {
    private final ClipVisionConfig c;
    private final SafeTensors w;

    ReferenceClipForward(ClipVisionConfig c, SafeTensors w) {
        this.c = c;
        this.w = w;
    }

    private double[] t(String name) throws IOException {
        float[] f = w.readFloats(name);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Linear(x; W[out,in], b) on each row of x [n][in]. */
    private static double[][] linear(double[][] x, double[] weight, double[] bias, int out) {
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int r = 0; r < x.length; r++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) s += x[r][i] * weight[o * in + i];
                y[r][o] = s;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String prefix) throws IOException {
        double[] g = t(prefix + ".weight"), b = t(prefix + ".bias");
        double[][] y = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            double mu = 0, var = 0;
            for (double v : x[r]) mu += v;
            mu /= x[r].length;
            for (double v : x[r]) var += (v - mu) * (v - mu);
            var /= x[r].length;
            y[r] = new double[x[r].length];
            for (int i = 0; i < x[r].length; i++) y[r][i] = (x[r][i] - mu) / Math.sqrt(var + c.layerNormEps()) * g[i] + b[i];
        }
        return y;
    }

    /** Returns {last_hidden_state [T][D], pooled [1][D]} for one image's pixels [C][S][S] flattened. */
    double[][][] forward(float[] px, int pxOffset) throws IOException {
        int d = c.hiddenSize(), p = c.patchSize(), s = c.imageSize(), g = c.gridSize(), tk = c.tokens();
        double[] conv = t("vision_model.embeddings.patch_embedding.weight");
        double[] cls = t("vision_model.embeddings.class_embedding");
        double[] pos = t("vision_model.embeddings.position_embedding.weight");
        double[][] x = new double[tk][d];
        for (int j = 0; j < d; j++) x[0][j] = cls[j];
        for (int gy = 0; gy < g; gy++) {
            for (int gx = 0; gx < g; gx++) {
                for (int o = 0; o < d; o++) {
                    double acc = 0;
                    for (int ch = 0; ch < c.numChannels(); ch++) {
                        for (int ky = 0; ky < p; ky++) {
                            for (int kx = 0; kx < p; kx++) {
                                acc += conv[((o * c.numChannels() + ch) * p + ky) * p + kx]
                                        * px[pxOffset + (ch * s + gy * p + ky) * s + gx * p + kx];
                            }
                        }
                    }
                    x[1 + gy * g + gx][o] = acc;
                }
            }
        }
        for (int i = 0; i < tk; i++) for (int j = 0; j < d; j++) x[i][j] += pos[i * d + j];
        x = layerNorm(x, "vision_model.pre_layrnorm");
        int heads = c.numAttentionHeads(), hd = c.headDim();
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String pre = "vision_model.encoder.layers." + l + ".";
            double[][] h = layerNorm(x, pre + "layer_norm1");
            double[][] q = linear(h, t(pre + "self_attn.q_proj.weight"), t(pre + "self_attn.q_proj.bias"), d);
            double[][] k = linear(h, t(pre + "self_attn.k_proj.weight"), t(pre + "self_attn.k_proj.bias"), d);
            double[][] v = linear(h, t(pre + "self_attn.v_proj.weight"), t(pre + "self_attn.v_proj.bias"), d);
            double[][] o = new double[tk][d];
            for (int hh = 0; hh < heads; hh++) {
                for (int i = 0; i < tk; i++) {
                    double[] sc = new double[tk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        double dot = 0;
                        for (int e = 0; e < hd; e++) dot += q[i][hh * hd + e] * k[j][hh * hd + e];
                        sc[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, sc[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < tk; j++) sum += sc[j] = Math.exp(sc[j] - max);
                    for (int j = 0; j < tk; j++) for (int e = 0; e < hd; e++) o[i][hh * hd + e] += sc[j] / sum * v[j][hh * hd + e];
                }
            }
            double[][] a = linear(o, t(pre + "self_attn.out_proj.weight"), t(pre + "self_attn.out_proj.bias"), d);
            for (int i = 0; i < tk; i++) for (int j = 0; j < d; j++) x[i][j] += a[i][j];
            double[][] m = linear(layerNorm(x, pre + "layer_norm2"), t(pre + "mlp.fc1.weight"), t(pre + "mlp.fc1.bias"), c.intermediateSize());
            for (double[] row : m) for (int j = 0; j < row.length; j++) row[j] = row[j] / (1 + Math.exp(-1.702 * row[j]));
            double[][] f = linear(m, t(pre + "mlp.fc2.weight"), t(pre + "mlp.fc2.bias"), d);
            for (int i = 0; i < tk; i++) for (int j = 0; j < d; j++) x[i][j] += f[i][j];
        }
        double[][] pooled = layerNorm(new double[][] {x[0]}, "vision_model.post_layernorm");
        return new double[][][] {x, pooled};
    }
}
