# CLIPImageProcessor with its PIL backend (CLIP-SPEC.md section 5), shared by the benchmark scripts.
import io
import numpy as np
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)

def decode(png):
    return Image.open(io.BytesIO(png)).convert("RGB")

def preprocess(png, S=224):   # shortest edge to S with Pillow's bicubic, centre crop S x S, rescale, normalise
    im = decode(png)
    w, h = im.size
    short, long = (w, h) if w <= h else (h, w)
    nl = int(S * long / short)
    nh, nw = (nl, S) if w <= h else (S, nl)
    a = np.array(im.resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None))
    top, left = (nh - S) // 2, (nw - S) // 2
    a = a[top:top + S, left:left + S]
    x = (a.astype(np.float64) * (1 / 255)).astype(np.float32)
    return np.ascontiguousarray(((x - MEAN) / STD).transpose(2, 0, 1))
