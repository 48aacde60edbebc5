#!/usr/bin/env python3
"""NumPy's side of the size sweep (bench/sizes.bench.ts): the same cases on
the same inputs (the xorshift32 stream of bench/_common.ts's randomF64),
timed the same way (interleaving is moot with one implementation: a batch
of calls lasting at least BATCH_MS, median over ROUNDS rounds, after a
warm-up). Run it alone on a quiet machine: with a third busy process
OpenBLAS's two threads stall.

    python3 bench/numpy_sizes.py            # SIZES=16,1000 CASES=add ROUNDS=7

Prints one JSON object: {"numpy": version, "rows": [{case, n, numpy}]},
times in ns per call.
"""
import json
import os
import time

import numpy as np


def random_f64(n, seed=1):
    # bench/_common.ts randomF64: xorshift32, (s >>> 0) / 2^31 - 1
    out = np.empty(n, dtype=np.float64)
    s = (seed & 0xFFFFFFFF) or 1
    for i in range(n):
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        out[i] = s / 2147483648 - 1
    return out


_cache = {}


def rand(n, seed):
    if (n, seed) not in _cache:
        _cache[(n, seed)] = random_f64(n, seed)
    return _cache[(n, seed)]


def grid(n, c):
    cols = min(n, c)
    return max(1, n // cols), cols


def case_array(n):
    x = rand(n, 1)
    return lambda: np.array(x)


def case_add(n):
    a, b = rand(n, 1), rand(n, 2)
    return lambda: np.add(a, b)


def case_add_out(n):
    a, b = rand(n, 1), rand(n, 2)
    o = np.zeros(n)
    return lambda: np.add(a, b, out=o)


def case_mul(n):
    a = rand(n, 3).astype(np.float32)
    return lambda: np.multiply(a, 0.5)


def case_exp(n):
    a = rand(n, 4)
    return lambda: np.exp(a)


def case_sum(n):
    a = rand(n, 5)
    return lambda: np.sum(a)


def case_mean0(n):
    r, c = grid(n, 16)
    a = rand(r * c, 6).reshape(r, c)
    return lambda: np.mean(a, axis=0)


def case_std1(n):
    r, c = grid(n, 16)
    a = rand(r * c, 7).reshape(r, c)
    return lambda: np.std(a, axis=-1)


def case_matvec(n):
    r, c = grid(n, 64)
    x = rand(r * c, 8).astype(np.float32).reshape(r, c)
    w = rand(c, 9).astype(np.float32)
    return lambda: np.matmul(x, w)


def case_topk(n):
    s = rand(n, 10).astype(np.float32)
    k = min(10, n)

    def f():
        if k == n:
            return np.argsort(-s, kind="stable")
        p = np.argpartition(-s, k - 1)[:k]
        return p[np.argsort(-s[p], kind="stable")]
    return f


CASES = [
    ("array (from Float64Array)", case_array),
    ("add f64", case_add),
    ("add f64 into out", case_add_out),
    ("multiply f32 by scalar", case_mul),
    ("exp f64", case_exp),
    ("sum f64", case_sum),
    ("mean axis=0 f64 (rows x 16)", case_mean0),
    ("std axis=-1 f64 (rows x 16)", case_std1),
    ("matmul f32 (rows x 64) @ w", case_matvec),
    ("topk k=10 f32", case_topk),
]
SIZES = [1, 16, 256, 1_000, 10_000, 100_000, 1_000_000]


def measure(f, rounds, batch_ms, prime=False):
    """Median ns per call over `rounds` batches of at least `batch_ms`; with
    `prime`, one untimed call before each batch (as bench/_harness.ts)."""
    until = time.perf_counter() + 3 * batch_ms / 1e3
    while time.perf_counter() < until:
        f()
    calls = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(calls):
            f()
        dt = time.perf_counter() - t0
        if dt * 1e3 >= batch_ms or calls >= 1 << 22:
            break
        calls = calls * 16 if dt <= 0 else min(calls * 16, int(calls * batch_ms * 1.2 / (dt * 1e3)) + 1)
    times = []
    for _ in range(rounds):
        if prime:
            f()
        t0 = time.perf_counter()
        for _ in range(calls):
            f()
        times.append((time.perf_counter() - t0) * 1e9 / calls)
    times.sort()
    return times[len(times) // 2]


def main():
    sizes = [int(s) for s in os.environ["SIZES"].split(",")] if os.environ.get("SIZES") else SIZES
    only = os.environ["CASES"].split(",") if os.environ.get("CASES") else None
    rounds = int(os.environ.get("ROUNDS", "7"))
    batch_ms = float(os.environ.get("BATCH_MS", "4"))
    rows = []
    for name, make in CASES:
        if only and not any(name.startswith(o) for o in only):
            continue
        for n in sizes:
            rows.append({"case": name, "n": n, "numpy": measure(make(n), rounds, batch_ms)})
    print(json.dumps({"numpy": np.__version__, "rows": rows}))


if __name__ == "__main__":
    main()
