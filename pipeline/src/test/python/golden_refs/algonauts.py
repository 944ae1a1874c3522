"""The Algonauts 2023 score per vertex, as the challenge's notebook computes it: Pearson r between predicted
and measured responses over images, and 100 * max(r, 0)^2 / noise ceiling, capped at 100 (a zero ceiling
counts as 1e-14)."""
import numpy as np


def vertex_scores(pred, measured, ceiling):
    p, m = np.asarray(pred, dtype=np.float64), np.asarray(measured, dtype=np.float64)
    r = np.array([np.corrcoef(p[:, j], m[:, j])[0, 1] for j in range(m.shape[1])])
    nc = np.asarray(ceiling, dtype=np.float64).copy()
    nc[nc == 0] = 1e-14
    return r, np.minimum(100.0, 100.0 * np.maximum(r, 0) ** 2 / nc)
