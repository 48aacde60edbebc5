#!/usr/bin/env python3
"""NumPy timings for the ops of bench/ops.bench.ts, same sizes and data shape.

A separate process on the same machine (so a reference, not a same-process
ratio). Writes bench/results/numpy.json. Run after the JS benchmarks, not
during them:

    python3 bench/numpy_ops.py
"""
import datetime
import json
import pathlib
import timeit

import numpy as np

SIZES = [10, 1000, 100_000, 10_000_000]


def mean_ns(f):
    t = timeit.Timer(f)
    number, _ = t.autorange()  # calls per sample so one sample takes >= 0.2 s
    samples = t.repeat(repeat=5, number=number)
    return sum(samples) / len(samples) / number * 1e9


def main():
    rng = np.random.default_rng(1)
    rows = []
    for n in SIZES:
        a = rng.uniform(-1, 1, n)
        b = rng.uniform(-1, 1, n)
        pos = np.abs(a)
        out = np.empty(n)
        work = np.empty(n)
        ops = {
            "sum": lambda: np.sum(a),
            "mean": lambda: np.mean(a),
            "min": lambda: a.min(),
            "max": lambda: a.max(),
            "argmin": lambda: a.argmin(),
            "argmax": lambda: a.argmax(),
            "dot": lambda: np.dot(a, b),
            "norm": lambda: np.linalg.norm(a),
            "add": lambda: np.add(a, b, out=out),
            "subtract": lambda: np.subtract(a, b, out=out),
            "multiply": lambda: np.multiply(a, b, out=out),
            "divide": lambda: np.divide(a, b, out=out),
            "add scalar": lambda: np.add(a, 1.5, out=out),
            "clip": lambda: np.clip(a, -0.5, 0.5, out=out),
            "abs": lambda: np.abs(a, out=out),
            "sqrt": lambda: np.sqrt(pos, out=out),
            "exp": lambda: np.exp(a, out=out),
            "log": lambda: np.log(pos, out=out),
            "sin": lambda: np.sin(a, out=out),
            "cos": lambda: np.cos(a, out=out),
            "tanh": lambda: np.tanh(a, out=out),
            "cumsum": lambda: np.cumsum(a, out=out),
            "sort": lambda: (np.copyto(work, a), work.sort()),
            "argsort": lambda: np.argsort(a, kind="stable"),
            "fill": lambda: out.fill(0.5),
            "copy": lambda: np.copyto(out, a),
        }
        for op, f in ops.items():
            rows.append({"op": op, "n": n, "numpy_ns": mean_ns(f)})
            print(f"{op:11} n={n:<9} {rows[-1]['numpy_ns']:.1f} ns", flush=True)
    out_file = pathlib.Path(__file__).resolve().parent / "results" / "numpy.json"
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(json.dumps({
        "numpy": np.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "note": "argsort uses kind='stable' (raptors' argsort is stable)",
        "rows": rows,
    }, indent=1))
    print(f"saved {out_file}")


if __name__ == "__main__":
    main()
