# fbnet bench clip: the same CLIP vision tower in PyTorch (float32, inference mode), same weights file,
# same images, same thread count, for a throughput comparison. Prints one JSON object per measurement.
#   python3 clip_torch.py MODEL_DIR PNG_DIR THREADS BATCHES IMAGES_PER_BATCH_SIZE WARMUP_CALLS_PER_BATCH
import io, json, math, os, struct, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from clip_pillow import preprocess

model, png_dir, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
batches = [int(b) for b in sys.argv[4].split(",")]
n_images = int(sys.argv[5])
warmups = dict(zip(batches, (int(w) for w in sys.argv[6].split(","))))
torch.set_num_threads(threads)

raw = open(os.path.join(model, "model.safetensors"), "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
W = {k: torch.from_numpy(np.frombuffer(raw[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], dtype="<f4").reshape(v["shape"]).copy())
     for k, v in header.items() if k != "__metadata__" and v["dtype"] == "F32"}
del raw
c = json.load(open(os.path.join(model, "config.json")))["vision_config"]
D, H, p, eps, S = c["hidden_size"], c["num_attention_heads"], c["patch_size"], c["layer_norm_eps"], c["image_size"]
hd = D // H

def ln(t, k): return F.layer_norm(t, (D,), W[k + ".weight"], W[k + ".bias"], eps)
def lin(t, k): return F.linear(t, W[k + ".weight"], W.get(k + ".bias"))

def forward(x):
    B = x.shape[0]
    P = F.conv2d(x, W["vision_model.embeddings.patch_embedding.weight"], stride=p)
    h = torch.cat([W["vision_model.embeddings.class_embedding"].expand(B, 1, D), P.flatten(2).transpose(1, 2)], 1)
    h = ln(h + W["vision_model.embeddings.position_embedding.weight"][None], "vision_model.pre_layrnorm")
    T = h.shape[1]
    for i in range(c["num_hidden_layers"]):
        L = f"vision_model.encoder.layers.{i}."
        t = ln(h, L + "layer_norm1")
        q, k, v = (lin(t, L + "self_attn." + m).view(B, T, H, hd).transpose(1, 2) for m in ("q_proj", "k_proj", "v_proj"))
        a = torch.softmax((q @ k.transpose(-1, -2)) * hd ** -0.5, dim=-1) @ v
        h = h + lin(a.transpose(1, 2).reshape(B, T, D), L + "self_attn.out_proj")
        m = lin(ln(h, L + "layer_norm2"), L + "mlp.fc1")
        h = h + lin(m * torch.sigmoid(1.702 * m), L + "mlp.fc2")
    return h

pngs = [open(os.path.join(png_dir, f), "rb").read() for f in sorted(os.listdir(png_dir)) if f.endswith(".png")]
pixels = np.stack([preprocess(b, S) for b in pngs[:max(batches)]])
with torch.inference_mode():
    for b in batches:
        for pre in (False, True):
            for _ in range(warmups[b]): forward(torch.from_numpy(pixels[:b]))   # warm-up, as many calls as the Java side
            done, t0, c0 = 0, time.perf_counter(), time.process_time()
            while done < n_images:
                if pre:
                    x = torch.from_numpy(np.stack([preprocess(pngs[(done + i) % len(pngs)], S) for i in range(b)]))
                else:
                    x = torch.from_numpy(pixels[:b])
                forward(x)
                done += b
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(json.dumps({"batch": b, "preprocessing": pre, "images": done, "seconds": dt, "images_per_s": done / dt, "cpu_seconds": cpu,
                              "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
