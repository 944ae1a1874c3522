"""Random CLIP vision models written with numpy (config.json, preprocessor_config.json, model.safetensors in
Hugging Face's layout), random pixel_values, and CLIPVisionModel's forward computed in torch (float64) from
CLIP-SPEC.md with torch's own conv2d, layer_norm, linear and softmax: last_hidden_state, pooled output and
image_embeds. Model b's image size is not a multiple of its patch size (the remainder pixels are dropped)."""
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

from .common import write_json

OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]
# name: (hidden, intermediate, layers, heads, channels, image, patch, eps, act, projection), batch, seed
MODELS = {"a": ((32, 64, 2, 4, 3, 32, 8, 1e-5, "quick_gelu", 16), 3, 11),
          "b": ((48, 80, 2, 3, 3, 36, 8, 1e-5, "quick_gelu", 24), 2, 12)}


def tensor_shapes(c):
    d, m, layers, p, ch = c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"], c["patch_size"], c["num_channels"]
    tokens = (c["image_size"] // p) ** 2 + 1
    v = "vision_model."
    s = {v + "embeddings.class_embedding": [d], v + "embeddings.patch_embedding.weight": [d, ch, p, p],
         v + "embeddings.position_embedding.weight": [tokens, d], v + "pre_layrnorm.weight": [d], v + "pre_layrnorm.bias": [d]}
    for i in range(layers):
        l = f"{v}encoder.layers.{i}."
        for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
            s[l + f"self_attn.{proj}.weight"] = [d, d]
            s[l + f"self_attn.{proj}.bias"] = [d]
        s.update({l + "layer_norm1.weight": [d], l + "layer_norm1.bias": [d], l + "mlp.fc1.weight": [m, d], l + "mlp.fc1.bias": [m],
                  l + "mlp.fc2.weight": [d, m], l + "mlp.fc2.bias": [d], l + "layer_norm2.weight": [d], l + "layer_norm2.bias": [d]})
    s[v + "post_layernorm.weight"] = [d]
    s[v + "post_layernorm.bias"] = [d]
    s["visual_projection.weight"] = [c["projection_dim"], d]
    return s


def random_weights(c, rng):
    """Norm gains near 1, biases and embeddings away from 0, matrices at 1/sqrt(fan_in): activations stay O(1)
    through the layers, so the comparison exercises every term."""
    w = {}
    for name, shape in tensor_shapes(c).items():
        n = int(np.prod(shape))
        norm = "norm" in name
        mean = 1.0 if norm and name.endswith(".weight") else 0.0
        if len(shape) >= 2 and "position_embedding" not in name:
            std = 1 / np.sqrt(n / shape[0])
        else:
            std = 0.1 if norm or name.endswith(".bias") else 0.5
        w[name] = (mean + std * rng.standard_normal(shape)).astype("<f4")
    return w


def write_safetensors(path, tensors, metadata):
    header, off, blobs = {"__metadata__": metadata}, 0, []
    for name, a in tensors.items():
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def forward(W, c, pixels):
    W = {k: torch.from_numpy(v.astype(np.float64)) for k, v in W.items()}
    D, H, p, eps = c["hidden_size"], c["num_attention_heads"], c["patch_size"], c["layer_norm_eps"]
    hd = D // H
    x = torch.from_numpy(pixels.astype(np.float64))
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
    return h.numpy(), pooled.numpy(), (pooled @ W["visual_projection.weight"].T).numpy()


def make(out, full):
    for name, (cfg, batch, seed) in MODELS.items():
        d = os.path.join(out, name)
        os.makedirs(d)
        keys = ["hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_channels", "image_size",
                "patch_size", "layer_norm_eps", "hidden_act", "projection_dim"]
        c = dict(zip(keys, cfg))
        c["model_type"] = "clip_vision_model"
        s = c["image_size"]
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": c["projection_dim"], "vision_config": c}, f, indent=1)
        with open(os.path.join(d, "preprocessor_config.json"), "w") as f:
            json.dump({"image_processor_type": "CLIPImageProcessor", "do_convert_rgb": True, "do_resize": True, "size": {"shortest_edge": s},
                       "resample": 3, "do_center_crop": True, "crop_size": {"height": s, "width": s}, "do_rescale": True,
                       "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": OPENAI_MEAN, "image_std": OPENAI_STD}, f, indent=1)
        rng = np.random.default_rng(seed)
        W = random_weights(c, rng)
        write_safetensors(os.path.join(d, "model.safetensors"), W, {"format": "pt", "fbnet": f"golden random CLIP, seed {seed}"})
        pixels = (rng.standard_normal((batch, c["num_channels"], s, s)) * 1.2).astype("<f4")
        np.save(os.path.join(d, "pixel_values.npy"), pixels)
        last, pooled, embeds = forward(W, c, pixels)
        np.save(os.path.join(d, "last_hidden_state.npy"), last.astype("<f8"))
        np.save(os.path.join(d, "pooler_output.npy"), pooled.astype("<f8"))
        np.save(os.path.join(d, "image_embeds.npy"), embeds.astype("<f8"))
    write_json(os.path.join(out, "versions.json"), {"torch": torch.__version__, "numpy": np.__version__})
