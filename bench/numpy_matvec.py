#!/usr/bin/env python3
"""NumPy's side of bench/matvec.bench.ts (same hashF64 inputs), plus the
machine's streaming read bandwidth: the faster of OpenBLAS ddot over two
1e8-element float64 arrays (1.6 GB read; ddot runs on both cores),
fastest of 5, and the `dot 1e7 f64` row's rate (160 MB). Run alone.
(Until the sixteenth session this was sdot over two 1e8-element float32
arrays, which this OpenBLAS runs on one thread: 23.9 GB/s on the
AMD host, 24.9 with OPENBLAS_NUM_THREADS=1, where ddot read 31.8 GB/s on
two threads and 22.5 on one: a one-core rate, which made the "time to
stream the operands" ~1.3-1.6x too long.)

    python3 bench/numpy_matvec.py
"""
import json
import time

import numpy as np

from numpy_service import hash_f64
from numpy_sizes import measure

M = hash_f64(100000 * 384, 1).astype(np.float32).reshape(100000, 384)
q = hash_f64(384, 2).astype(np.float32)
q2 = hash_f64(100000, 3).astype(np.float32)
X = hash_f64(10000 * 64, 4).astype(np.float32).reshape(10000, 64)
w = hash_f64(64, 5).astype(np.float32)
a, b = hash_f64(10**7, 6), hash_f64(10**7, 7)
E = hash_f64(100000 * 128, 8).astype(np.float32).reshape(100000, 128)
Q = hash_f64(8 * 128, 9).astype(np.float32).reshape(8, 128)
rows = {
    "M @ q (100000x384 f32)": measure(lambda: M @ q, 9, 40),
    "q @ M (100000 @ 100000x384 f32)": measure(lambda: q2 @ M, 9, 40),
    "M.T @ q (384x100000 view)": measure(lambda: M.T @ q2, 9, 40),
    "X @ w (10000x64 f32)": measure(lambda: X @ w, 9, 40),
    "dot 1e7 f64": measure(lambda: np.dot(a, b), 9, 40),
    "vdot 1e7 f64": measure(lambda: np.vdot(a, b), 9, 40),
    "norm 384 f32": measure(lambda: np.linalg.norm(q), 9, 40),
    "E @ Q.T (100000x128 f32, 8 queries)": measure(lambda: E @ Q.T, 9, 40),
    "Q @ E.T (8 queries, 100000x128 f32)": measure(lambda: Q @ E.T, 9, 40),
}
del M, X, E
big1 = np.ones(10**8)
big2 = np.ones(10**8)
best = 1e9
for _ in range(5):
    t0 = time.perf_counter()
    np.dot(big1, big2)
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"numpy": np.__version__, "rows": {k: v for k, v in rows.items()},
                  "ddot_GBps": 1.6 / best,
                  "stream_GBps": max(1.6e9 / best, 1.6e8 / (rows["dot 1e7 f64"] / 1e9)) / 1e9}))
