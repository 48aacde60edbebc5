#!/usr/bin/env python3
"""NumPy side of bench/linalg.bench.ts (best of 5 x 5)."""
import timeit

import numpy as np

g = np.random.default_rng(1)
M = g.random((512, 512))
B = g.random(512)
S = M @ M.T + 512 * np.eye(512)
for name, f in [("solve 512x512 float64", lambda: np.linalg.solve(M, B)),
                ("inv 512x512 float64", lambda: np.linalg.inv(M)),
                ("det 512x512 float64", lambda: np.linalg.det(M)),
                ("cholesky 512x512 float64", lambda: np.linalg.cholesky(S)),
                ("svd 512x512 float64", lambda: np.linalg.svd(M)),
                ("svdvals 512x512 float64", lambda: np.linalg.svd(M, compute_uv=False)),
                ("eigh 512x512 float64", lambda: np.linalg.eigh(S)),
                ("qr 512x512 float64", lambda: np.linalg.qr(M))]:
    print(f"{name}: {min(timeit.repeat(f, number=5, repeat=5)) / 5 * 1e3:.2f} ms")
print(f"numpy {np.__version__}")
