"""Pillow's BICUBIC resize (no reducing gap) of noisy images with sharp 5-pixel blocks, in modes L, RGB and
RGBX (1, 3 and 4 channels; RGBX is the 4-channel mode Pillow resizes without premultiplying alpha):
shrinking a lot, a little, growing, one axis only, down to one pixel.

The inputs (2.9 MB) are rebuilt from a seed by SplitMix64 on both sides; cases.json keeps their digests
(to catch the two generators drifting apart) and the digests of Pillow's outputs."""
import os

import numpy as np
from PIL import Image

from .common import SplitMix64, sha256, write_json

CASES = [(425, 425, 224, 224), (300, 200, 336, 224), (50, 70, 224, 313), (1000, 20, 7, 3), (31, 17, 31, 40),
         (31, 17, 60, 17), (9, 9, 1, 1), (1, 5, 3, 2), (224, 298, 224, 224), (257, 131, 128, 300)]
MODES = [("L", 1), ("RGB", 3), ("RGBX", 4)]


def blocks_with_noise(seed, w, h, ch):
    """Random 5x5 blocks (the last row/column of blocks stretched over the remainder) plus noise in [-30, 30]:
    as org.fbnet.clip.PillowBicubicTest.blocksWithNoise."""
    g = SplitMix64(seed)
    bh, bw = max(1, h // 5), max(1, w // 5)
    blocks = g.bytes(bh * bw * ch).reshape(bh, bw, ch)
    big = np.repeat(np.repeat(blocks, 5, 0), 5, 1)[:h, :w]
    big = np.pad(big, ((0, h - big.shape[0]), (0, w - big.shape[1]), (0, 0)), mode="edge")
    noise = g.ints(h * w * ch, 61).reshape(h, w, ch) - 30
    return np.clip(big.astype(np.int64) + noise, 0, 255).astype(np.uint8)


def make(out, full):
    cases = []
    for i, (w, h, nw, nh) in enumerate(CASES):
        for mode, ch in MODES:
            seed = 1000 * i + ch
            arr = blocks_with_noise(seed, w, h, ch)
            r = Image.frombytes(mode, (w, h), arr.tobytes()).resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None)
            name = f"{i}_{mode}"
            cases.append({"name": name, "seed": seed, "width": w, "height": h, "channels": ch, "new_width": nw,
                          "new_height": nh, "input_sha256": sha256(arr.tobytes()), "output_sha256": sha256(r.tobytes())})
            if full:
                with open(os.path.join(out, name + ".out"), "wb") as f:
                    f.write(r.tobytes())
    write_json(os.path.join(out, "cases.json"), {"cases": cases, "pillow": Image.__version__})
