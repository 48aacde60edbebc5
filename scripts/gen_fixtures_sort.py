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
