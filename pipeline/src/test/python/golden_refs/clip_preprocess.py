"""PNGs of every mode CLIP meets (RGB, grey, grey+alpha, RGBA, palette) with sharp edges, written by Pillow,
and the pixel_values transformers' CLIPImageProcessor (PIL backend) computes from them: convert("RGB"),
shortest-edge size with int() truncation, Image.resize(BICUBIC), center_crop with its zero padding, float64
rescale then float32, float32 normalise, HWC to CHW. cases.json keeps the digest of each float32 array."""
import math
import os

import numpy as np
from PIL import Image

from .common import sha256, write_json

SPECS = [("a", 80, 60, "RGB"), ("b", 100, 130, "RGB"), ("c", 64, 64, "RGB"), ("d", 50, 70, "L"), ("e", 320, 240, "RGBA"),
         ("f", 33, 47, "LA"), ("g", 70, 41, "P"), ("h", 17, 12, "RGB"), ("i", 425, 425, "RGB")]
SIZES = [(224, 224, 224), (37, 32, 32), (20, 24, 26)]   # (shortest_edge, crop_h, crop_w)
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def center_crop(a, ch, cw):
    """transformers.image_transforms.center_crop, channels last."""
    h, w = a.shape[:2]
    top = (h - ch) // 2
    left = (w - cw) // 2
    if top >= 0 and left >= 0 and top + ch <= h and left + cw <= w:
        return a[top:top + ch, left:left + cw]
    nh, nw = max(ch, h), max(cw, w)
    n = np.zeros((nh, nw, a.shape[2]), dtype=a.dtype)
    tp = math.ceil((nh - h) / 2)
    lp = math.ceil((nw - w) / 2)
    n[tp:tp + h, lp:lp + w] = a
    top += tp
    left += lp
    return n[max(0, top):min(nh, top + ch), max(0, left):min(nw, left + cw)]


def pixel_values(im, se, ch, cw):
    W, H = im.size
    short, long = (W, H) if W <= H else (H, W)
    nl = int(se * long / short)
    nh, nw = (nl, se) if W <= H else (se, nl)
    r = np.array(im.resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None))
    c = center_crop(r, ch, cw)
    x = (c.astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - MEAN) / STD
    return np.ascontiguousarray(x.transpose(2, 0, 1)).astype("<f4")


def make(out, full):
    rng = np.random.default_rng(7)
    cases = []
    for name, w, h, mode in SPECS:
        small = rng.integers(0, 256, (max(2, h // 7), max(2, w // 7), 4), dtype=np.uint8)
        blocks = np.array(Image.fromarray(small, "RGBA").resize((w, h), Image.NEAREST))
        # noise on the small images only (on the two large ones it would cost 300 KB of committed PNG); flat
        # blocks still put sharp edges under the bicubic kernels, and PillowBicubicTest covers noisy inputs
        noise = rng.integers(-40, 41, blocks.shape) * (w * h < 20000)
        arr = np.clip(blocks.astype(int) + noise, 0, 255).astype(np.uint8)
        img = Image.fromarray(arr, "RGBA")
        img = img.convert("RGB").quantize(50) if mode == "P" else img.convert(mode)
        path = os.path.join(out, name + ".png")
        img.save(path, optimize=True)
        im = Image.open(path)
        assert im.mode == mode, (im.mode, mode)
        im = im.convert("RGB")
        for se, ch, cw in SIZES:
            x = pixel_values(im, se, ch, cw)
            ref = f"{name}_{se}_{ch}_{cw}"
            cases.append({"name": ref, "image": name + ".png", "shortest_edge": se, "crop_height": ch, "crop_width": cw,
                          "sha256": sha256(x.tobytes())})
            if full:
                np.save(os.path.join(out, ref + ".npy"), x)
    write_json(os.path.join(out, "cases.json"), {"cases": cases, "pillow": Image.__version__})
