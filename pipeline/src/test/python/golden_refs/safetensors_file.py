"""A safetensors file written with numpy alone, shaped like a CLIPModel's: a text tower, I64 position_ids,
a 0-d logit_scale, F16 and BF16 tensors, header keys in reverse order of the data."""
import json
import os
import struct

import numpy as np

from .common import floats, write_json


def make(out, full):
    rng = np.random.default_rng(3)
    vals = rng.standard_normal(6).astype(np.float32) * 3
    f16 = vals.astype(np.float16)
    bf16 = (vals.view(np.uint32) >> 16).astype(np.uint16)   # truncation: exactly representable bf16
    tensors = [("text_model.embeddings.token_embedding.weight", "F32", [2, 3], vals.astype("<f4").tobytes()),
               ("vision_model.embeddings.position_ids", "I64", [1, 5], np.arange(5, dtype="<i8").tobytes()),
               ("logit_scale", "F32", [], np.array(2.6592, dtype="<f4").tobytes()),
               ("half", "F16", [6], f16.astype("<f2").tobytes()),
               ("brain", "BF16", [2, 3], bf16.astype("<u2").tobytes())]
    header, off = {"__metadata__": {"format": "pt"}}, 0
    for name, dt, shape, b in reversed(tensors):   # key order must not matter
        header[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + len(b)]}
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(os.path.join(out, "m.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for name, dt, shape, b in reversed(tensors):
            f.write(b)
    write_json(os.path.join(out, "expected.json"), {
        "half": floats(f16.astype(np.float32)),
        "brain": floats((bf16.astype(np.uint32) << 16).view(np.float32)),
        "token_embedding": floats(vals),
    })
