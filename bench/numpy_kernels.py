#!/usr/bin/env python3
"""NumPy's side of bench/kernels.bench.ts: the same cases on the same
inputs, ns per call (median of 7 rounds of batches of at least 40 ms, as
bench/_harness.ts). Prints one JSON line. Run it alone: with another busy
process OpenBLAS's two threads stall.

    python3 bench/numpy_kernels.py
"""
import json

import numpy as np

from numpy_service import hash_f64
from numpy_sizes import measure
from numpy_vmath import FUNCS

cases = {}
x0 = hash_f64(10**6, 11)
for dtype in ("float64", "float32"):
    for fn in ("exp", "log", "tanh", "sin"):
        u, scale = FUNCS[fn]
        x = scale(x0).astype(dtype)
        cases[f"{fn} {dtype} 1e6"] = (lambda u, x: lambda: u(x))(u, x)


def ramp(size, mod, shape, dtype):
    return (np.arange(size) % mod / 4).astype(dtype).reshape(shape)


for dtype in ("float32", "float64"):
    for n in (127, 255, 1024):
        a = ramp(n * n, 13, (n, n), dtype)
        cases[f"matmul {dtype} {n}"] = (lambda a: lambda: a @ a)(a)
    x = ramp(10000 * 64, 13, (10000, 64), dtype)
    w = ramp(64 * 64, 7, (64, 64), dtype)
    cases[f"matmul {dtype} 10000x64 @ 64x64"] = (lambda x, w: lambda: x @ w)(x, w)

g = np.random.default_rng(1)
M = g.random((512, 512))
B = g.random(512)
S = M @ M.T + 512 * np.eye(512)
la = np.linalg
cases.update({
    "solve 512": lambda: la.solve(M, B),
    "inv 512": lambda: la.inv(M),
    "det 512": lambda: la.det(M),
    "cholesky 512": lambda: la.cholesky(S),
    "qr 512": lambda: la.qr(M),
    "eigh 512": lambda: la.eigh(S),
    "svd 512": lambda: la.svd(M),
})
rows = {k: measure(f, 7, 40) for k, f in cases.items()}
print(json.dumps({"numpy": np.__version__, "rows": rows}))
