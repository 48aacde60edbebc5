#!/usr/bin/env python3
"""Generates tests/fixtures/sort.json: NumPy's sort/argsort along axes (stable
argsort), partition/argpartition (the kth element and the sorted result, as
NumPy leaves the order of the other elements unspecified), searchsorted, and
top-k references (values descending, ties by index) over dtypes, shapes,
views (transposed, reversed, strided) and special values (NaN, -0.0, inf).

    python3 scripts/gen_fixtures_sort.py
"""
import json
import pathlib

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "sort.json"


def view(a, v):
    return {"T": lambda x: x.T, "rev": lambda x: x[::-1], "step": lambda x: x[..., ::2]}.get(v, lambda x: x)(a)


def data(shape, dtype, seed=0, special=False):
    n = int(np.prod(shape))
    v = (np.arange(n) * 7919 + seed * 31) % 23 - 11
    if dtype.startswith("float"):
        v = v / 4
        if special and n > 10:
            v[3] = np.nan
            v[7] = -0.0
            v[9] = np.inf
            v[10] = np.nan
    if dtype.startswith("uint"):
        v = np.abs(v)
    return v.astype(dtype).reshape(shape)


def main():
    cases = []
    for dt in ["int8", "uint16", "int32", "int64", "uint64", "float32", "float64"]:
        for shape, v in [((17,), "c"), ((5, 6), "c"), ((6, 5), "T"), ((4, 9), "step"), ((3, 4, 5), "rev"), ((0, 3), "c")]:
            a = data(shape, dt, seed=len(cases), special=True)
            x = view(a, v)
            inp = {"nd": enc(a), "view": v}
            for axis in [-1, 0, None]:
                if axis == 0 and x.ndim == 1:
                    continue
                cases.append({"call": "sort", "in": inp, "axis": axis,
                              "result": enc(np.sort(x, axis=axis))})
                cases.append({"call": "argsort", "in": inp, "axis": axis,
                              "result": enc(np.argsort(x, axis=axis, kind="stable"))})
                if x.size > 0:
                    n = x.size if axis is None else x.shape[axis]
                    for kth in sorted({0, n // 2, n - 1, -1}):
                        cases.append({"call": "partition", "in": inp, "axis": axis, "kth": kth,
                                      "sorted": enc(np.sort(x, axis=axis))})
    # searchsorted
    for dt in ["int32", "float64", "uint8"]:
        a = np.sort(data((40,), dt, seed=3, special=True))
        vs = data((4, 5), dt, seed=9, special=True)
        for side in ["left", "right"]:
            cases.append({"call": "searchsorted", "a": enc(a), "v": enc(vs), "side": side,
                          "result": enc(np.searchsorted(a, vs, side=side))})
            cases.append({"call": "searchsorted", "a": enc(a), "v": enc(np.array(vs.flat[3])), "side": side,
                          "result": enc(np.searchsorted(a, vs.flat[3], side=side))})
    # top-k: reference by lexsort on (index, value), no NaN
    for dt in ["int16", "uint32", "float32", "float64"]:
        a = data((6, 20), dt, seed=5)
        for k in [1, 3, 20]:
            for largest in [True, False]:
                for axis in [-1, 0]:
                    n = a.shape[axis]
                    if k > n:
                        continue
                    keyv = a.astype(np.float64)
                    key = -keyv if largest else keyv
                    idx = np.arange(n).reshape([-1 if i == (axis % a.ndim) else 1 for i in range(a.ndim)])
                    idx = np.broadcast_to(idx, a.shape)
                    order = np.lexsort((idx, key), axis=axis)
                    top = np.take(order, np.arange(k), axis=axis)
                    cases.append({"call": "topk", "in": {"nd": enc(a), "view": "c"}, "k": k, "largest": largest,
                                  "axis": axis, "indices": enc(top),
                                  "values": enc(np.take_along_axis(a, top, axis=axis))})
    # top-k with many ties, NaN and signed zeros, and lanes longer than the
    # kernel's blocks: NaN ranks above every number for the largest and
    # below for the smallest (NumPy's sort puts NaN last), -0.0 equals 0.0,
    # ties go to the smaller index. Reference: a Python sort per lane.
    def topk_ref(lane, k, largest):
        def key(i):
            v = float(lane[i])
            nan = v != v
            if largest:
                return (0 if nan else 1, 0.0 if nan else -v, i)
            return (1 if nan else 0, 0.0 if nan else v, i)
        return sorted(range(len(lane)), key=key)[:k]

    rng = np.random.default_rng(17)
    specials = np.array([np.nan, -0.0, 0.0, 1.5, -1.5, -np.inf, np.inf])
    tie_inputs = [
        (rng.integers(0, 4, (3, 50)).astype("int32"), [1, 5, 50]),
        (rng.integers(0, 4, (3, 50)).astype("uint8"), [2, 9]),
        (rng.choice(specials, (2, 300)), [1, 7, 40, 300]),
        (rng.choice(specials, (2, 300)).astype("float32"), [3, 64]),
        (rng.integers(0, 3, (6000,)).astype("float32"), [1, 10, 100]),
        (rng.integers(-5, 5, (5000,)).astype("int64"), [16]),
        (rng.integers(0, 2, (40,)).astype(bool), [3]),
    ]
    for a, ks in tie_inputs:
        for k in ks:
            for largest in [True, False]:
                for axis in ([-1, 0] if a.ndim == 2 else [-1]):
                    moved = np.moveaxis(a, axis, -1)
                    if k > moved.shape[-1]:
                        continue
                    flat = moved.reshape(-1, moved.shape[-1])
                    top = np.array([topk_ref(lane, k, largest) for lane in flat], dtype=np.int64)
                    top = np.moveaxis(top.reshape(moved.shape[:-1] + (k,)), -1, axis)
                    cases.append({"call": "topk", "in": {"nd": enc(a), "view": "c"}, "k": k, "largest": largest,
                                  "axis": axis, "indices": enc(top),
                                  "values": enc(np.take_along_axis(a, top, axis=axis))})
    # lexsort and digitize
    k1 = data((30,), "int32", seed=1) % 3
    k2 = data((30,), "float64", seed=2)
    k3 = data((30,), "uint8", seed=3) % 4
    cases.append({"call": "lexsort", "keys": [enc(k1), enc(k2)], "result": enc(np.lexsort((k1, k2)))})
    cases.append({"call": "lexsort", "keys": [enc(k2), enc(k3), enc(k1)], "result": enc(np.lexsort((k2, k3, k1)))})
    xs = data((5, 6), "float64", seed=4, special=True)
    for bins in [np.array([-2.0, -0.5, 0.0, 0.5, 2.0]), np.array([2.0, 1.0, 0.0, -1.0])]:
        for right in [False, True]:
            cases.append({"call": "digitize", "x": enc(xs), "bins": enc(bins), "right": right,
                          "result": enc(np.digitize(xs, bins, right=right))})
    OUT.write_text(json.dumps({"numpy": np.__version__, "cases": cases}))
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
