"""scikit-learn's exact PCA (svd_solver='full') of a matrix whose covariance has a geometric spectrum over
40 directions (a clear but not huge gap after each component) plus small isotropic noise:
explained_variance_, explained_variance_ratio_ and components_ of the top 10."""
import os

import numpy as np
import sklearn
from sklearn.decomposition import PCA

from .common import floats, write_json


def make(out, full):
    rng = np.random.default_rng(11)
    n, d, k, directions = 240, 60, 10, 40
    spectrum = 10.0 * 0.85 ** np.arange(directions)
    basis, _ = np.linalg.qr(rng.standard_normal((d, directions)))
    x = (rng.standard_normal((n, directions)) * np.sqrt(spectrum)) @ basis.T + 0.05 * rng.standard_normal((n, d)) + 3.0
    x = x.astype(np.float32)
    np.save(os.path.join(out, "x.npy"), x)
    p = PCA(n_components=k, svd_solver="full").fit(x.astype(np.float64))
    write_json(os.path.join(out, "expected.json"), {
        "components": k, "explained_variance": floats(p.explained_variance_),
        "explained_variance_ratio": floats(p.explained_variance_ratio_), "components_": floats(p.components_),
        "mean": floats(p.mean_), "sklearn": sklearn.__version__})
