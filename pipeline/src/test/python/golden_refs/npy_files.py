"""NPY files as numpy writes them: arrays NpyReader must read and NpyWriter must reproduce byte for byte,
and the layouts it must reject (Fortran order, big-endian, pickled objects)."""
import os

import numpy as np

from .common import floats, write_json


def make(out, full):
    p = lambda name: os.path.join(out, name)
    rng = np.random.default_rng(1)
    a = rng.standard_normal((7, 5)).astype(np.float32)
    np.save(p("f4_7x5.npy"), a)
    np.save(p("f4_6.npy"), np.append(a[2], np.float32(0.25)))   # 1-D: the header's shape is "(6,)"
    np.save(p("f8_3x4.npy"), np.arange(12, dtype="<f8").reshape(3, 4) * 0.5)
    np.save(p("i8_5.npy"), np.arange(5, dtype=np.int64) - 2)
    np.save(p("i4_2x3.npy"), np.array([[7, -1, 0], [2147483647, -2147483648, 5]], dtype="<i4"))
    np.save(p("b1_4.npy"), np.array([0, 1, 1, 0], dtype=bool))
    np.save(p("fortran_3x4.npy"), np.asfortranarray(np.arange(12, dtype=np.float32).reshape(3, 4)))
    np.save(p("bigendian_3x4.npy"), np.ones((3, 4), dtype=">f4"))
    np.save(p("bigendian_4x5.npy"), np.ones((4, 5), dtype=">f4"))
    np.save(p("object.npy"), np.array({1: "a"}), allow_pickle=True)
    write_json(p("expected.json"), {
        "f4_7x5": {"values": floats(a), "sum": float(a.astype(np.float64).sum())},
        "numpy": np.__version__,
    })
