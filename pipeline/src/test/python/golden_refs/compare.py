"""The ridge row of a comparison, by scikit-learn: two subjects whose responses are a linear map of the image
latents plus noise; per subject and hemisphere, RidgeCV (KFold(3), unshuffled) fitted on the training rows
after the first 10% (the validation rows), scored on the validation rows and the test rows with the
Algonauts formula, and its test predictions (the submission)."""
import os

import numpy as np
import sklearn
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold

from .algonauts import vertex_scores
from .common import floats, write_json

SUBJECTS = ["subj01", "subj03"]
P, VERTICES = 8, {"lh": 12, "rh": 10}
TRAIN, TEST, VALIDATION = 60, 7, 6   # round(60 * 0.1) validation rows
ALPHAS, FOLDS = [0.1, 1, 10, 100, 1000], 3


def ceilings(v):
    """As CompareFixture.ceilings: vertex 1 has a zero ceiling."""
    return np.array([0.0 if j == 1 else 0.2 + 0.05 * j for j in range(v)], dtype=np.float32)


def make(out, full):
    rng = np.random.default_rng(5)
    R = {"val": [], "test": []}
    S = {"val": [], "test": []}
    predictions = {}
    for s in SUBJECTS:
        w = {h: rng.standard_normal((P, v)) * 0.3 * (np.arange(v) % 4) for h, v in VERTICES.items()}
        data = {}
        for split, n in [("train", TRAIN), ("test", TEST)]:
            x = (rng.standard_normal((n, P)) * (1 + 0.3 * np.arange(P))).astype(np.float32)
            np.save(os.path.join(out, f"{s}_{split}_x.npy"), x)
            data[split, "x"] = x.astype(np.float64)
            for h, v in VERTICES.items():
                y = (0.1 * np.arange(v) + x.astype(np.float64) @ w[h] + rng.standard_normal((n, v))).astype(np.float32)
                np.save(os.path.join(out, f"{s}_{split}_{h}.npy"), y)
                data[split, h] = y.astype(np.float64)
        x = data["train", "x"]
        for h, v in VERTICES.items():
            y = data["train", h]
            m = RidgeCV(alphas=ALPHAS, cv=KFold(FOLDS), scoring="neg_mean_squared_error").fit(x[VALIDATION:], y[VALIDATION:])
            for split, xs, ys in [("val", x[:VALIDATION], y[:VALIDATION]), ("test", data["test", "x"], data["test", h])]:
                r, sc = vertex_scores(m.predict(xs), ys, ceilings(v))
                R[split].append(r)
                S[split].append(sc)
            predictions[f"{s}/{h}_pred_test.npy"] = floats(m.predict(data["test", "x"]))
    expected = {f"{split}_{what}": float(np.concatenate(a[split]).mean()) for split in R for what, a in [("r", R), ("score", S)]}
    write_json(os.path.join(out, "expected.json"), dict(expected, predictions=predictions, sklearn=sklearn.__version__))
