"""scikit-learn's RidgeCV with KFold (unshuffled) on x with unequal column scales and y = x W + offset +
noise: the chosen alpha (inside the grid), the cross-validated MSE of every alpha (GridSearchCV), and the
refitted coefficients and intercepts."""
import os

import numpy as np
import sklearn
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.model_selection import GridSearchCV, KFold

from .common import floats, write_json

ALPHAS = [0.01, 0.1, 1, 10, 100, 1000, 10000]


def make(out, full):
    rng = np.random.default_rng(3)
    n, p, v, folds = 90, 7, 11, 5
    w = rng.standard_normal((p, v)) * 0.3
    x = (rng.standard_normal((n, p)) * (1 + np.arange(p)) + 0.5).astype(np.float32)
    y = (2.0 + np.arange(v) % 3 + x.astype(np.float64) @ w + 4.0 * rng.standard_normal((n, v))).astype(np.float32)
    X, Y = x.astype(np.float64), y.astype(np.float64)
    m = RidgeCV(alphas=ALPHAS, cv=KFold(folds), scoring="neg_mean_squared_error").fit(X, Y)
    g = GridSearchCV(Ridge(), {"alpha": ALPHAS}, cv=KFold(folds), scoring="neg_mean_squared_error").fit(X, Y)
    assert ALPHAS[0] < m.alpha_ < ALPHAS[-1], "the data should put the optimum inside the grid"
    write_json(os.path.join(out, "expected.json"), {
        "rows": n, "features": p, "vertices": v, "folds": folds, "alphas": ALPHAS, "x": floats(x), "y": floats(y),
        "alpha": float(m.alpha_), "cv_mse": floats(-g.cv_results_["mean_test_score"]),
        "coef": floats(m.coef_.T), "intercept": floats(m.intercept_), "sklearn": sklearn.__version__})
