"""What the synthetic generator's noise ceilings are compared with: per subject and hemisphere of the real
NSD noise ceilings (subjXX/{lh,rh}.npy, in percent), the vertex count, mean, number of zero ceilings and the
empirical distribution function at 0, 0.001, ..., 1 (as fractions), so the tests need not ship the 1.3 MB."""
import os

import numpy as np

from .common import write_json

GRID = np.linspace(0.0, 1.0, 1001)


def make(out, source):
    summary = {}
    for s in range(1, 9):
        for h in ("lh", "rh"):
            c = np.load(os.path.join(source, f"subj{s:02d}", f"{h}.npy")).astype(np.float64) / 100
            counts = np.searchsorted(np.sort(c), GRID, side="right")   # vertices with a ceiling <= each grid point
            summary[f"subj{s:02d} {h}"] = {"vertices": int(c.size), "mean": float(c.mean()), "zeros": int((c == 0).sum()),
                                          "min": float(c.min()), "max": float(c.max()), "at_most": [int(k) for k in counts]}
    write_json(os.path.join(out, "summary.json"), {"grid": {"from": 0.0, "to": 1.0, "points": len(GRID)}, "ceilings": summary},
               indent=None)
