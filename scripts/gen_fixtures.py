#!/usr/bin/env python3
"""Generates tests/fixtures/ops.json: inputs and NumPy's results for the flat API.

Arrays are stored as base64 of their little-endian bytes with the dtype, so
NaN, +-Inf, -0.0 and 64-bit integers round-trip exactly. Run:

    python3 scripts/gen_fixtures.py

Where raptors' flat API deliberately differs from NumPy, the expected value is
computed the raptors way and the difference is named here:
- sum/dot of 8..32-bit integers: exact (Python ints), not NumPy's int32 dot.
- cumsum of integers: in the input dtype (np.cumsum(a, dtype=a.dtype)).
- mean of int64/uint64: raptors sums exactly and rounds once; NumPy casts each
  element to float64 first, so the two differ by a few ulp (tests allow 1e-14).
"""
import base64
import json
import os
import pathlib
import sys

import numpy as np

# FIXTURES_OUT: write elsewhere (scripts/readme_sh.ts compares a fresh run
# with the committed file)
OUT = pathlib.Path(
    os.environ.get("FIXTURES_OUT")
    or pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ops.json"
)
DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]
SIZES = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 257, 515]
FLOAT_UNARY = ["sqrt", "exp", "log", "sin", "cos", "tanh"]


def enc(x, dtype=None):
    a = np.ascontiguousarray(np.asarray(x, dtype=dtype))
    return {"dtype": str(a.dtype), "data": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode()}


def rand(rng, dt, n, special):
    d = np.dtype(dt)
    if d.kind == "f":
        # many magnitudes and both signs
        x = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)
        x = x.astype(d)
        if special and n >= 8:
            x[n // 7] = np.nan
            x[n // 3] = np.inf
            x[n // 2] = -np.inf
            x[(2 * n) // 3] = -0.0
            x[n - 1] = 0.0
        return x
    info = np.iinfo(d)
    return rng.integers(info.min, info.max, n, dtype=d, endpoint=True)


def exact_int(v):
    """A Python int as an exact float64, or None when beyond 2^53 - 1."""
    v = int(v)
    return float(v) if abs(v) <= 2**53 - 1 else None


def case(rng, dt, n, special):
    d = np.dtype(dt)
    a = rand(rng, dt, n, special)
    b = rand(rng, dt, n, special)
    if d.kind in "iu":
        b[b == 0] = 1 if n else b[b == 0]
    res = {}
    err = np.errstate(all="ignore")
    err.__enter__()
    is_float = d.kind == "f"
    is_big = d.itemsize == 8 and not is_float
    # reductions
    if is_float:
        res["sum"] = enc(np.sum(a), "float64")
        res["mean"] = enc(np.mean(a) if n else np.nan, "float64")
        res["dot"] = enc(np.dot(a, b), "float64")
        res["norm"] = enc(np.linalg.norm(a), "float64")
    elif is_big:
        res["sum"] = enc(np.sum(a), dt)
        res["mean"] = enc(np.mean(a) if n else np.nan, "float64")
        res["dot"] = enc(np.dot(a, b), dt)  # wraps modulo 2^64, as raptors
        res["norm"] = enc(np.linalg.norm(a.astype(np.float64)), "float64")
    else:
        # Exact; a result beyond 2^53 - 1 must raise RangeError instead.
        for key, v in [("sum", sum(int(x) for x in a)), ("dot", sum(int(x) * int(y) for x, y in zip(a, b)))]:
            if exact_int(v) is None:
                res[key + "_error"] = "RangeError"
            else:
                res[key] = enc(exact_int(v), "float64")
        res["mean"] = enc(np.mean(a) if n else np.nan, "float64")
        res["norm"] = enc(np.linalg.norm(a.astype(np.float64)), "float64")
    if n:
        for k, f in [("min", np.min), ("max", np.max)]:
            res[k] = enc(f(a), dt if is_big else "float64")
        res["argmin"] = enc(np.argmin(a), "float64")
        res["argmax"] = enc(np.argmax(a), "float64")
    # elementwise
    res["add"] = enc(np.add(a, b))
    res["subtract"] = enc(np.subtract(a, b))
    res["multiply"] = enc(np.multiply(a, b))
    res["divide"] = enc(np.true_divide(a, b))
    s = 3
    res["add_s"] = enc(a + d.type(s))
    res["rsubtract_s"] = enc(d.type(s) - a)
    res["multiply_s"] = enc(a * d.type(s))
    res["divide_s"] = enc(np.true_divide(a, 2.5))
    res["rdivide_s"] = enc(np.true_divide(2.5, a))
    res["abs"] = enc(np.abs(a))
    res["negative"] = enc(np.negative(a))
    if is_float:
        lo, hi = -1.5, 2.0
    else:
        info = np.iinfo(d)
        lo, hi = int(info.min) // 3 if info.min < 0 else int(info.max) // 5, int(info.max) // 2
    res["clip"] = enc(np.clip(a, d.type(lo), d.type(hi)))
    res["clip_bounds"] = [str(lo), str(hi)]  # strings: int64 bounds exceed 2^53
    res["cumsum"] = enc(np.cumsum(a, dtype=d))
    res["sort"] = enc(np.sort(a))
    res["argsort"] = enc(np.argsort(a, kind="stable"), "uint32")
    if is_float:
        for f in FLOAT_UNARY:
            res[f] = enc(getattr(np, f)(a))
    err.__exit__(None, None, None)
    return {"dtype": dt, "n": n, "special": special, "a": enc(a), "b": enc(b), "results": res}


def formula(n, which):
    """Exact in float64 and float32: must match tests/_fixtures.ts."""
    i = np.arange(n, dtype=np.int64)
    if which == "a":
        return ((i * 7919) % 10007 - 5003).astype(np.float64) * np.exp2((i % 11) - 8)
    return ((i * 104729) % 10009 - 5004).astype(np.float64) * np.exp2((i % 5) - 3)


def large(dt, n):
    a = formula(n, "a").astype(dt)
    b = formula(n, "b").astype(dt)
    cs = np.cumsum(a)
    return {
        "dtype": dt,
        "n": n,
        "results": {
            "sum": enc(np.sum(a), "float64"),
            "mean": enc(np.mean(a), "float64"),
            "min": enc(np.min(a), "float64"),
            "max": enc(np.max(a), "float64"),
            "argmin": enc(np.argmin(a), "float64"),
            "argmax": enc(np.argmax(a), "float64"),
            "dot": enc(np.dot(a.astype(np.float64), b.astype(np.float64)), "float64"),
            "cumsum_last": enc(cs[-1], "float64"),
            "cumsum_mid": enc(cs[n // 2], "float64"),
            "sort_sum_head": enc(np.sum(np.sort(a)[:1000]), "float64"),
            "argsort_head": enc(np.argsort(a, kind="stable")[:64], "uint32"),
        },
    }


def main():
    rng = np.random.default_rng(20261121)
    cases = []
    for dt in DTYPES:
        for n in SIZES:
            cases.append(case(rng, dt, n, False))
            if np.dtype(dt).kind == "f" and n >= 8:
                cases.append(case(rng, dt, n, True))
    big = [large(dt, n) for dt in ["float64", "float32"] for n in [300_001, 1_048_583]]
    doc = {
        "generator": "scripts/gen_fixtures.py",
        "numpy": np.__version__,
        "cases": cases,
        "large": big,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, separators=(",", ":")))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases, numpy {np.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main()
