#!/usr/bin/env python3
"""NumPy's side of bench/vmath.bench.ts: np.f(x, out=out) on the same
inputs (bench/_common.ts randomF64, scaled per function), a batch of calls
lasting at least 10 ms, median of 15 rounds after a warm-up. Run it alone:
with a third busy process NumPy's numbers are not its own.

    python3 bench/numpy_vmath.py > bench/results/numpy-vmath.json
"""
import json

import numpy as np

from numpy_sizes import measure, random_f64

FUNCS = {
    "exp": (np.exp, lambda x: 10 * x),
    "expm1": (np.expm1, lambda x: 2 * x),
    "log": (np.log, lambda x: np.abs(x) * 100 + 1e-3),
    "tanh": (np.tanh, lambda x: 4 * x),
    "sin": (np.sin, lambda x: 10 * x),
    "cos": (np.cos, lambda x: 10 * x),
}
SIZES = [1_000, 10_000, 100_000, 1_000_000]


def main():
    rows = []
    for dtype in ("float64", "float32"):
        for n in SIZES:
            base = random_f64(n, 1)
            for name, (f, scale) in FUNCS.items():
                x = scale(base).astype(dtype)
                out = np.empty_like(x)
                rows.append({"fn": name, "dtype": dtype, "n": n, "ns": measure(lambda: f(x, out=out), 15, 10)})
    print(json.dumps({"numpy": np.__version__, "rows": rows}))


if __name__ == "__main__":
    main()
