"""Pearson correlation per vertex (column) by numpy.corrcoef, in float64 from float32 data."""
import os

import numpy as np

from .common import floats, write_json


def make(out, full):
    rng = np.random.default_rng(3)
    n, v = 40, 5
    m = rng.standard_normal((n, v)).astype(np.float32)
    p = (0.3 * np.arange(v) * m + rng.standard_normal((n, v))).astype(np.float32)
    P, M = p.astype(np.float64), m.astype(np.float64)
    write_json(os.path.join(out, "expected.json"), {
        "rows": n, "vertices": v, "predictions": floats(p), "measured": floats(m),
        "r": [float(np.corrcoef(P[:, j], M[:, j])[0, 1]) for j in range(v)], "numpy": np.__version__})
