"""An evaluation of two subjects scored by numpy: per-vertex r and Algonauts scores from the raw arrays,
averaged as scores.csv reports them (pooled, per subject, per hemisphere, per ROI; an empty ROI has no mean)."""
import os

import numpy as np

from .algonauts import vertex_scores
from .common import write_json

SUBJECTS = {"subj01": {"lh": 9, "rh": 7}, "subj05": {"lh": 6, "rh": 6}}
ROIS = {("prf-visualrois", "V1v"): {"lh": [0, 2, 3], "rh": [0, 2, 3]}, ("floc-faces", "FFA-1"): {"lh": [1, 4, 5], "rh": []}}


def summary(r, s):
    return {"vertices": len(r), "mean_r": float(r.mean()) if len(r) else None, "mean_score": float(s.mean()) if len(s) else None}


def make(out, full):
    rng = np.random.default_rng(11)
    n = 30
    R, S = {}, {}
    for subject, hemis in SUBJECTS.items():
        for hemi, v in hemis.items():
            nc = np.where(np.arange(v) == 0, 0.0, 0.05 + 0.9 * rng.random(v)).astype(np.float32)
            truth = rng.standard_normal((n, v)).astype(np.float32)
            pred = ((np.arange(v) - 2) * 0.3 * truth + rng.standard_normal((n, v))).astype(np.float32)
            base = os.path.join(out, f"{subject}_{hemi}")
            np.save(base + "_truth.npy", truth)
            np.save(base + "_pred.npy", pred)
            np.save(base + "_nc.npy", nc)
            R[subject, hemi], S[subject, hemi] = vertex_scores(pred, truth, nc)
    cat = lambda keys: (np.concatenate([R[k] for k in keys]), np.concatenate([S[k] for k in keys]))
    rows = {"all": summary(*cat(list(R)))}
    for subject in SUBJECTS:
        rows[f"subject {subject}"] = summary(*cat([k for k in R if k[0] == subject]))
    for (subject, hemi) in R:
        rows[f"hemisphere {subject} {hemi}"] = summary(R[subject, hemi], S[subject, hemi])
        for (family, roi), idx in ROIS.items():
            rows[f"roi {subject} {hemi} {family} {roi}"] = summary(R[subject, hemi][idx[hemi]], S[subject, hemi][idx[hemi]])
    write_json(os.path.join(out, "expected.json"), {"rows": rows, "numpy": np.__version__})
