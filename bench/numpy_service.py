#!/usr/bin/env python3
"""NumPy's side of bench/service.bench.ts: the example services' compute
per request on the same inputs (the xorshift32 stream of bench/_common.ts),
timed the same way (batches of at least BATCH_MS, median of ROUNDS).
Run it alone on a quiet machine.

    python3 bench/numpy_service.py

Prints one JSON object: {"numpy": version, "rows": [{case, numpy}]} (ns).
"""
import json
import os
import statistics
import time

import numpy as np

from numpy_sizes import measure


def hash_f64(n, seed=1):
    # bench/_common.ts hashF64, vectorized
    x = (np.arange(n, dtype=np.uint64) * np.uint64(2654435761) + np.uint64(seed)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x45D9F3B)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    return x.astype(np.float64) / 2147483648 - 1

FEATURES, DIM, K = 64, 384, 10
IDLE_MS = 20
ROWS = int(os.environ.get("ROWS", "100000"))


def score_case(batch):
    X = hash_f64(batch * FEATURES, 21).reshape(batch, FEATURES)
    w = hash_f64(FEATURES, 22)
    b = 0.25
    return lambda: 1 / (1 + np.exp(-(X @ w + b)))


def similar_case():
    raw = hash_f64(ROWS * DIM, 31).reshape(ROWS, DIM)
    E = (raw / np.sqrt((raw ** 2).sum(axis=1, keepdims=True))).astype(np.float32)
    q = hash_f64(DIM, 32).astype(np.float32)

    def f():
        u = q / (np.linalg.norm(q) or 1)
        s = E @ u
        p = np.argpartition(-s, K - 1)[:K]
        return p[np.argsort(-s[p], kind="stable")]
    return f


def main():
    rounds = int(os.environ.get("ROUNDS", "9"))
    batch_ms = float(os.environ.get("BATCH_MS", "20"))
    rows = []
    for batch in [1, 32, 1024, 10000]:
        rows.append({"case": f"score sigmoid(X@w+b), {batch} x 64",
                     "numpy": measure(score_case(batch), rounds, batch_ms)})
    sim = similar_case()
    rows.append({"case": f"similar top-10, {ROWS} x {DIM} f32",
                 "numpy": measure(sim, rounds, max(batch_ms, 50), prime=True)})
    # each call 20 ms after the last returned (bench/service.bench.ts)
    idle_calls = int(os.environ.get("IDLE_CALLS", "30"))
    times = []
    for _ in range(idle_calls):
        time.sleep(IDLE_MS / 1e3)
        t0 = time.perf_counter()
        sim()
        times.append((time.perf_counter() - t0) * 1e9)
    rows.append({"case": f"similar top-10 after {IDLE_MS} ms idle",
                 "numpy": statistics.median(times)})
    print(json.dumps({"numpy": np.__version__, "rows": rows}))


if __name__ == "__main__":
    main()
