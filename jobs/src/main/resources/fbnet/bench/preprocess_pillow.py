# fbnet bench preprocess: Pillow's side. CLIPImageProcessor (PIL backend) on the same PNGs, one thread.
# Prints one JSON line per stage with milliseconds per image.
import io, json, os, sys, time
import numpy as np
from PIL import Image
import PIL

png_dir, n_images, S = sys.argv[1], int(sys.argv[2]), 224
mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)

def decode(png):
    return Image.open(io.BytesIO(png)).convert("RGB")

def preprocess(png):   # as transformers' CLIPImageProcessor with the PIL backend (CLIP-SPEC.md section 5)
    im = decode(png)
    w, h = im.size
    short, long = (w, h) if w <= h else (h, w)
    nl = int(S * long / short)
    nh, nw = (nl, S) if w <= h else (S, nl)
    a = np.array(im.resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None))
    top, left = (nh - S) // 2, (nw - S) // 2
    a = a[top:top + S, left:left + S]
    x = (a.astype(np.float64) * (1 / 255)).astype(np.float32)
    return np.ascontiguousarray(((x - mean) / std).transpose(2, 0, 1))

pngs = [open(os.path.join(png_dir, f), "rb").read() for f in sorted(os.listdir(png_dir)) if f.endswith(".png")]
for stage, fn in (("decode", lambda b: decode(b).load()), ("decode+preprocess", preprocess)):
    for i in range(min(len(pngs), n_images)): fn(pngs[i])   # warm-up
    t0 = time.perf_counter()
    for i in range(n_images): fn(pngs[i % len(pngs)])
    ms = (time.perf_counter() - t0) * 1000 / n_images
    print(json.dumps({"stage": stage, "ms_per_image": ms, "pillow": PIL.__version__}), flush=True)
