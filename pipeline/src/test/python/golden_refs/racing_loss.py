"""The racing loss -(min(cl, cr) + (cl + cr) / 2), cl and cr the batch means of the per-example cosine
similarities of the two hemispheres' halves, and its gradient by torch autograd (float64). DL4J's
per-example gradient is N times the batch loss's, so the reference gradient is scaled by N."""
import os

import numpy as np
import torch

from .common import floats, write_json


def make(out, full):
    rng = np.random.default_rng(3)
    rows, cols, left = 5, 7, 3
    t = rng.standard_normal((rows, cols))
    p = t + np.where(np.arange(cols) < left, 0.5, 1.0) * rng.standard_normal((rows, cols))
    tt = torch.tensor(t, dtype=torch.float64)
    pp = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    cl = torch.nn.functional.cosine_similarity(pp[:, :left], tt[:, :left], dim=1).mean()
    cr = torch.nn.functional.cosine_similarity(pp[:, left:], tt[:, left:], dim=1).mean()
    loss = -(torch.minimum(cl, cr) + (cl + cr) / 2)
    loss.backward()
    write_json(os.path.join(out, "expected.json"), {
        "rows": rows, "cols": cols, "left": left, "predictions": floats(p), "labels": floats(t),
        "loss": loss.item(), "gradient": floats(pp.grad.numpy() * rows), "torch": torch.__version__})
