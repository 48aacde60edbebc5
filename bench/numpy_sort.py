#!/usr/bin/env python3
"""NumPy side of bench/sort.bench.ts (same sizes; best of 5 repeats)."""
import timeit

import numpy as np

x = np.random.default_rng(3).uniform(-1, 1, 1_000_000)
n = x.size
for name, f in [
    ("sort 1e6 float64", lambda: np.sort(x)),
    ("argsort 1e6 float64 (stable)", lambda: np.argsort(x, kind="stable")),
    ("argpartition top-10 of 1e6 float64", lambda: np.argpartition(x, n - 10)),
]:
    t = min(timeit.repeat(f, number=5, repeat=5)) / 5
    print(f"{name}: {t * 1e3:.2f} ms")
print(f"numpy {np.__version__}")
