"""Helpers shared by the golden generators: JSON and digests written the same way in every area, and the
portable random generator whose Java twin (org.fbnet.testing.SplitMix64) rebuilds the same inputs."""
import hashlib
import json

import numpy as np

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


class SplitMix64:
    """splitmix64 (Steele, Lea, Flood 2014): a few integer operations, so Java reproduces the same stream bit
    for bit and inputs too large to commit are rebuilt on both sides from a seed."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self, n):
        k = np.arange(1, n + 1, dtype=np.uint64)
        z = np.uint64(self.state) + k * np.uint64(GAMMA)   # uint64 arrays wrap silently, as Java longs do
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        self.state = (self.state + n * GAMMA) & MASK
        return z ^ (z >> np.uint64(31))

    def bytes(self, n):
        """n values 0..255: the top 8 bits."""
        return (self.next(n) >> np.uint64(56)).astype(np.uint8)

    def ints(self, n, bound):
        """n values 0..bound-1: bits 33..63 modulo bound."""
        return ((self.next(n) >> np.uint64(33)) % np.uint64(bound)).astype(np.int64)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def write_json(path, obj, indent=1):
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent, sort_keys=True)
        f.write("\n")


def floats(a):
    """A float array as a JSON list that parses back to the same doubles (repr round-trips)."""
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]
