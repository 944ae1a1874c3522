"""PNG files written by numpy's own encoder, one per colour type and row filter (None, Sub, Up, Average,
Paeth, and all five in turn), IDAT split into 97-byte chunks, a tEXt chunk before the data, tRNS chunks,
palette indices past PLTE, Pillow-encoded files (adaptive filters) and an interlaced file; the reference is
Pillow's convert("RGB") of each.

The per-filter files are small, smooth and noisy (each filter's prediction matters); the "mixed" ones are
large flat 8x8 blocks, so every colour type spans more than one of the decoder's 64 KB inflate blocks while
the committed files stay small. cases.json keeps the digest of Pillow's RGB bytes of each file."""
import os
import struct
import warnings
import zlib

import numpy as np
from PIL import Image

from .common import sha256, write_json


def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def filtered(rows, bpp, ftype):
    """PNG filters on raw bytes; the first row's previous row is zeros; ftype -1 cycles through all five."""
    res, prev = [], np.zeros_like(rows[0])
    for y, x in enumerate(rows):
        f = ftype if ftype >= 0 else y % 5
        a = np.concatenate([np.zeros(bpp, int), x[:-bpp]])
        c = np.concatenate([np.zeros(bpp, int), prev[:-bpp]])
        pred = [0, a, prev, (a + prev) // 2, paeth(a, prev, c)][f]
        res.append(bytes([f]) + ((x - pred) % 256).astype(np.uint8).tobytes())
        prev = x
    return b"".join(res)


def adam7(arr):
    """Interlaced scanlines, filter 0."""
    data = b""
    for xs, ys, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
        sub = arr[ys::dy, xs::dx]
        if sub.size:
            data += b"".join(b"\0" + r.tobytes() for r in sub)
    return data


def field(rng, w, h, noise):
    yy, xx = np.mgrid[0:h, 0:w]
    smooth = np.stack([(120 + 90 * np.sin(xx / (15 + k)) * np.cos(yy / (14 + k))) for k in range(4)], -1)
    return np.clip(smooth + rng.integers(-noise, noise + 1, smooth.shape), 0, 255).astype(np.uint8)


def make(out, full):
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(11)
    cases = []

    def write(name, arr, colour, ftype=0, plte=None, extra=b"", interlace=0):
        h, w = arr.shape[:2]
        ch = 1 if arr.ndim == 2 else arr.shape[2]
        raw = adam7(arr) if interlace else filtered([r.reshape(-1).astype(int) for r in arr], ch, ftype)
        z = zlib.compress(raw, 9)
        png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, interlace))
        png += chunk(b"tEXt", b"Comment\0made by the fbnet test")
        if plte is not None:
            png += chunk(b"PLTE", plte.astype(np.uint8).tobytes())
        png += extra
        png += b"".join(chunk(b"IDAT", z[i:i + 97]) for i in range(0, len(z), 97))
        png += chunk(b"IEND", b"")
        with open(os.path.join(out, name + ".png"), "wb") as f:
            f.write(png)

    def reference(name, handled):
        im = Image.open(os.path.join(out, name + ".png"))
        rgb = np.asarray(im.convert("RGB")).tobytes()
        cases.append({"name": name, "width": im.size[0], "height": im.size[1], "handled": handled, "rgb_sha256": sha256(rgb)})
        if full:
            with open(os.path.join(out, name + ".rgb"), "wb") as f:
                f.write(rgb)

    def images(rgba, idx):
        return {"L": (rgba[..., 0], 0), "LA": (rgba[..., :2], 4), "RGB": (rgba[..., :3], 2), "RGBA": (rgba, 6), "P": (idx, 3)}

    palette = rng.integers(0, 256, (50, 3))
    small = field(rng, 37, 23, 25)
    small_idx = rng.integers(0, 50, small.shape[:2]).astype(np.uint8)
    h, w = 230, 301
    big = np.repeat(np.repeat(rng.integers(0, 256, (h // 8 + 1, w // 8 + 1, 4)), 8, 0), 8, 1)[:h, :w].astype(np.uint8)
    big_idx = big[..., 0] % 50
    for ftype, fname in [(0, "none"), (1, "sub"), (2, "up"), (3, "average"), (4, "paeth"), (-1, "mixed")]:
        for mode, (arr, colour) in images(big if ftype < 0 else small, big_idx if ftype < 0 else small_idx).items():
            write(f"{mode}_{fname}", arr, colour, ftype, plte=palette if colour == 3 else None)
            reference(f"{mode}_{fname}", 1)
    im = images(small, small_idx)
    write("P_trns", small_idx, 3, -1, plte=palette, extra=chunk(b"tRNS", bytes(range(0, 250, 5))))
    reference("P_trns", 1)
    write("L_trns", im["L"][0], 0, -1, extra=chunk(b"tRNS", b"\0\x78"))
    reference("L_trns", 1)
    write("RGB_trns", im["RGB"][0], 2, -1, extra=chunk(b"tRNS", b"\0\x78\0\x10\0\x20"))
    reference("RGB_trns", 1)
    oob = small_idx.copy()
    oob[::3, ::2] = rng.integers(50, 256, oob[::3, ::2].shape)
    write("P_past_palette", oob, 3, -1, plte=palette)
    reference("P_past_palette", 1)
    for mode in ["L", "LA", "RGB", "RGBA"]:
        Image.fromarray(im[mode][0], mode).save(os.path.join(out, f"{mode}_pillow.png"))
        reference(f"{mode}_pillow", 1)
    Image.fromarray(im["RGB"][0], "RGB").quantize(40).save(os.path.join(out, "P_pillow.png"))
    reference("P_pillow", 1)
    write("RGB_interlaced", im["RGB"][0], 2, interlace=1)
    reference("RGB_interlaced", 0)
    write_json(os.path.join(out, "cases.json"), {"cases": cases, "pillow": Image.__version__})
