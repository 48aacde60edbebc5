#!/usr/bin/env python3
"""Generates tests/fixtures/reduce.json: NumPy's reductions along axes.

sum/prod/max/min/all/any/mean/var/std over every axis combination of 3-d arrays,
with keepdims, on C-contiguous, transposed, reversed and strided views, for
several dtypes. Float inputs span many magnitudes, so only NumPy's exact
order of additions reproduces the sums bit for bit.

    python3 scripts/gen_fixtures_reduce.py
"""
import json
import pathlib
import warnings

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "reduce.json"
warnings.simplefilter("ignore")


def view(a, v):
    return {"c": a, "T": a.transpose(2, 0, 1), "rev": a[::-1, :, ::-1], "step": a[:, ::3, 1::2]}[v]


def main():
    rng = np.random.default_rng(7)
    shape = (3, 16, 50)
    bases = {
        "float64": rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 8, shape),
        "float32": (rng.standard_normal(shape) * 10.0 ** rng.integers(-4, 4, shape)).astype(np.float32),
        "int32": rng.integers(-1000, 1000, shape).astype(np.int32),
        "uint8": rng.integers(0, 256, shape).astype(np.uint8),
        "int64": rng.integers(-2**40, 2**40, shape),
        "bool": rng.integers(0, 2, shape).astype(bool),
    }
    axes_list = [None, 0, 1, 2, -1, [0, 2], [1, 2]]
    cases = []
    for dt, base in bases.items():
        for v in ["c", "T", "rev", "step"]:
            a = view(base, v)
            for axis in axes_list:
                for keep in ([False, True] if axis in (None, [0, 2]) else [False]):
                    ax = tuple(axis) if isinstance(axis, list) else axis
                    res = {}
                    for op, f in [("sum", np.sum), ("max", np.max), ("min", np.min), ("all", np.all),
                                  ("any", np.any), ("mean", np.mean)]:
                        if dt == "bool" and op in ("max", "min", "mean"):
                            continue
                        r = f(a, axis=ax, keepdims=keep)
                        res[op] = enc(r)
                    if dt != "bool":
                        res["var"] = enc(np.var(a, axis=ax, keepdims=keep))
                        res["std"] = enc(np.std(a, axis=ax, keepdims=keep))
                        res["var_ddof1"] = enc(np.var(a, axis=ax, keepdims=keep, ddof=1))
                    if dt in ("int32", "uint8", "int64"):
                        res["prod"] = enc(np.prod(a, axis=ax, keepdims=keep))  # wraps, as raptors
                    cases.append({"dtype": dt, "view": v, "axis": axis, "keepdims": keep, "results": res})
    doc = {"numpy": np.__version__, "inputs": {k: enc(b) for k, b in bases.items()}, "cases": cases}
    OUT.write_text(json.dumps(doc, separators=(",", ":")))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
