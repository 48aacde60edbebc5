#!/usr/bin/env python3
"""NumPy side of bench/matmul.bench.ts: the same inputs, GFLOP/s from the
best of 7 repeats (run it alone: with another busy process OpenBLAS's two
threads stall)."""
import timeit

import numpy as np


def ramp(size, mod, shape, dtype):
    return (np.arange(size) % mod / 4).astype(dtype).reshape(shape)


print(f"numpy {np.__version__}")
for dtype in ("float32", "float64"):
    cases = [(str(n), ramp(n * n, 13, (n, n), dtype), None, 2 * n**3)
             for n in (127, 255, 256, 512, 1024)]
    x = ramp(10000 * 64, 13, (10000, 64), dtype)
    w = ramp(64 * 64, 7, (64, 64), dtype)
    cases.append(("10000x64 @ 64x64", x, w, 2 * 10000 * 64 * 64))
    for name, a, b, flops in cases:
        b = a if b is None else b
        number = max(1, int(2e8 / flops))
        t = min(timeit.repeat(lambda: a @ b, number=number, repeat=7)) / number
        print(f"matmul {dtype} {name}: {t * 1e3:.2f} ms, {flops / t / 1e9:.1f} GFLOP/s")
