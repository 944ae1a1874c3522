"""ROI mapping files (np.save of a dict {int: str}, a pickled 0-d object array) as numpy 1.x and 2.x write
them, the files NumpyPickle.writeMapping must reproduce byte for byte, and files that are no such mapping."""
import io
import os
import pickle
import sys
import types

import numpy as np
import numpy.core.multiarray as ma

from .common import write_json


def big_mapping():
    """Every integer opcode (1, 2, 4 bytes, negative), non-ASCII names and more than 256 memo slots."""
    m = {0: "Unknown", 1: "V1v", 2: "FBA-1", -7: "negative", 70000: "large", -3000000: "very negative",
         9: "na\u00efve \u00c4\u00d6 \u2713"}
    for i in range(300, 700):
        m[i] = f"roi-{i}"
    return dict(sorted(m.items()))


def save_numpy2(path, mapping):
    """numpy 2.x moved numpy.core to numpy._core and pickles with protocol 4; Debian's numpy is 1.x, so a
    module numpy._core.multiarray whose _reconstruct pickles under that name impersonates it."""
    mod = types.ModuleType("numpy._core.multiarray")

    def _reconstruct(*a):
        return ma._reconstruct(*a)

    _reconstruct.__module__ = "numpy._core.multiarray"
    _reconstruct.__qualname__ = "_reconstruct"
    mod._reconstruct = _reconstruct
    saved = {k: sys.modules.get(k) for k in ("numpy._core", "numpy._core.multiarray")}
    sys.modules["numpy._core"] = types.ModuleType("numpy._core")
    sys.modules["numpy._core.multiarray"] = mod

    class P(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, np.ndarray):
                return (_reconstruct,) + tuple(obj.__reduce__()[1:])
            return NotImplemented

    try:
        arr = np.empty((), dtype=object)
        arr[()] = mapping
        buf = io.BytesIO()
        P(buf, protocol=4).dump(arr)
        payload = buf.getvalue()
        assert b"numpy._core.multiarray" in payload and b"numpy.core.multiarray" not in payload
        assert payload[:2] == b"\x80\x04"
        with open(path, "wb") as fh:
            np.lib.format.write_array_header_1_0(fh, {"descr": "|O", "fortran_order": False, "shape": ()})
            fh.write(payload)
        assert np.load(path, allow_pickle=True).item() == mapping
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def make(out, full):
    p = lambda name: os.path.join(out, name)
    big = big_mapping()
    np.save(p("mapping_floc-bodies.npy"), big)
    np.save(p("empty.npy"), {})
    np.save(p("one.npy"), {0: "Unknown"})
    numpy2 = {0: "Unknown", 1: "OFA", 2: "FFA-1"}
    save_numpy2(p("numpy2.npy"), numpy2)
    np.save(p("npkeys.npy"), {np.int64(0): "Unknown", np.int32(5): "PPA", np.uint8(200): "RSC", np.int16(-3): "x",
                              7: np.str_("mTL-faces"), 8: np.array(["VWFA-1", "V1"])[1]})
    bad = p("bad")
    os.makedirs(bad)
    np.save(os.path.join(bad, "numeric.npy"), np.arange(5))
    np.save(os.path.join(bad, "list.npy"), np.array(["a", None], dtype=object))
    np.save(os.path.join(bad, "strkeys.npy"), {"V1": 1})
    np.save(os.path.join(bad, "floatkeys.npy"), {1.5: "V1"})
    np.save(os.path.join(bad, "intvalues.npy"), {1: 2})
    np.save(os.path.join(bad, "notadict.npy"), np.array(["V1"], dtype=object).reshape(()))
    f = os.path.join(bad, "truncated.npy")
    np.save(f, {1: "V1"})
    with open(f, "rb") as fh:
        b = fh.read()
    with open(f, "wb") as fh:
        fh.write(b[:-20])
    with open(os.path.join(bad, "garbage.npy"), "wb") as fh:
        fh.write(b"hello world, not numpy")
    str_keys = lambda m: {str(k): v for k, v in m.items()}
    write_json(p("expected.json"), {
        "mapping_floc-bodies.npy": str_keys(big),
        "empty.npy": {},
        "one.npy": {"0": "Unknown"},
        "numpy2.npy": str_keys(numpy2),
        "npkeys.npy": {"0": "Unknown", "5": "PPA", "200": "RSC", "-3": "x", "7": "mTL-faces", "8": "V1"},
        "numpy": np.__version__,
    })
