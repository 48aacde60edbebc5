#!/usr/bin/env python3
"""Generates tests/fixtures/select.json: NumPy's results for scans, nan-
reductions, ptp, average, count_nonzero, dot/vdot/inner/outer/tensordot,
trace/diagonal, norm, take/compress/extract, nonzero/argwhere/flatnonzero,
unique and slice assignment.

Inputs are encoded arrays plus a view applied on both sides ("T": transpose,
"rev": reverse axis 0, "step": every other element of the last axis), so
non-contiguous and negative-stride layouts are covered.

    python3 scripts/gen_fixtures_select.py
"""
import json
import pathlib

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "select.json"


def view(a, v):
    if v == "T":
        return a.T
    if v == "rev":
        return a[::-1]
    if v == "step":
        return a[..., ::2]
    return a


def data(shape, dtype, special=False, seed=0):
    n = int(np.prod(shape))
    v = (np.arange(n) * 7 + seed) % 13 - 6
    if dtype.startswith("float"):
        v = v / 4
        if special and n >= 6:
            v[1] = np.nan
            v[4] = np.nan
            if n > 8:
                v[8] = np.inf
    if dtype == "bool":
        return (v % 3 == 0).reshape(shape)
    if dtype.startswith("uint"):
        v = np.abs(v)
    return v.astype(dtype).reshape(shape)


def main():
    cases = []

    def inp(a, v="c"):
        return {"nd": enc(a), "view": v}

    def add(call, args, opts, result):
        if isinstance(result, (list, tuple)):
            res = {"list": [enc(r) for r in result]}
        elif isinstance(result, dict):
            res = {"dict": {k: enc(r) for k, r in result.items()}}
        else:
            res = {"result": enc(result)}
        cases.append({"call": call, "args": args, "options": opts, **res})

    def both(a, v):
        return inp(a, v), view(a, v)

    # cumulative sums and products
    for dt in ["int8", "uint16", "int64", "float32", "float64", "bool"]:
        for shape, v in [((3, 4), "c"), ((4, 3), "T"), ((3, 6), "step"), ((2, 3, 4), "rev"), ((0, 3), "c"), ((7,), "c")]:
            a = data(shape, dt)
            j, x = both(a, v)
            for axis in [None, 0, -1]:
                o = {} if axis is None else {"axis": axis}
                add("cumsum", [j], o, np.cumsum(x, axis=axis))
                if dt != "bool":
                    add("cumprod", [j], o, np.cumprod(x, axis=axis))
    add("cumsum", [inp(data((3, 4), "int16"))], {"axis": 1, "dtype": "float32"},
        np.cumsum(data((3, 4), "int16"), axis=1, dtype="float32"))

    # nan-reductions, ptp, average, count_nonzero
    for dt in ["float32", "float64", "int32"]:
        for shape, v in [((4, 5), "c"), ((5, 4), "T"), ((3, 8), "step"), ((2, 3, 4), "rev")]:
            a = data(shape, dt, special=True)
            j, x = both(a, v)
            for axis in [None, 0, -1, [0, 1]]:
                o = {} if axis is None else {"axis": axis}
                ax = tuple(axis) if isinstance(axis, list) else axis
                for kd in [False, True]:
                    oo = {**o, "keepdims": True} if kd else o
                    add("nansum", [j], oo, np.nansum(x, axis=ax, keepdims=kd))
                    add("nanmax", [j], oo, np.nanmax(x, axis=ax, keepdims=kd))
                    add("nanmin", [j], oo, np.nanmin(x, axis=ax, keepdims=kd))
                    with np.errstate(all="ignore"):
                        add("ptp", [j], oo, np.ptp(x, axis=ax, keepdims=kd))
                add("nanmean", [j], o, np.nanmean(x, axis=ax))
                add("countNonzero", [j], o, np.count_nonzero(x, axis=ax))
    allnan = np.array([[np.nan, np.nan], [1.0, np.nan]])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        add("nanmax", [inp(allnan)], {"axis": 1}, np.nanmax(allnan, axis=1))
        add("nanmean", [inp(allnan)], {"axis": 1}, np.nanmean(allnan, axis=1))
    for dt in ["int16", "float32", "float64"]:
        a = data((3, 4), dt)
        w = np.array([1.0, 2.0, 0.5, 3.0])
        add("average", [inp(a)], {}, np.average(a))
        add("average", [inp(a)], {"axis": 1, "weights": {"nd": enc(w), "view": "c"}}, np.average(a, axis=1, weights=w))
        w2 = data((3, 4), "int32") + 7
        add("average", [inp(a)], {"axis": 0, "weights": {"nd": enc(w2), "view": "c"}}, np.average(a, axis=0, weights=w2))
        add("average", [inp(a)], {"weights": {"nd": enc(w2), "view": "c"}}, np.average(a, weights=w2))

    # linear algebra
    for dt in ["int32", "float32", "float64"]:
        m = data((3, 4), dt, seed=1)
        k = data((4, 5), dt, seed=2)
        vv = data((4,), dt, seed=3)
        add("dot", [inp(m), inp(k)], None, np.dot(m, k))
        add("dot", [inp(m), inp(vv)], None, np.dot(m, vv))
        add("dot", [inp(vv), inp(vv, "rev")], None, np.dot(vv, vv[::-1]))
        t3 = data((2, 3, 4), dt, seed=4)
        t4 = data((2, 4, 3), dt, seed=5)
        add("dot", [inp(t3), inp(t4)], None, np.dot(t3, t4))
        add("dot", [inp(t3), inp(vv)], None, np.dot(t3, vv))
        add("vdot", [inp(m), inp(m, "rev")], None, np.vdot(m, m[::-1]))
        add("inner", [inp(m), inp(m)], None, np.inner(m, m))
        add("inner", [inp(t3), inp(vv)], None, np.inner(t3, vv))
        add("outer", [inp(vv), inp(m)], None, np.outer(vv, m))
        add("tensordot", [inp(t3), inp(k), 1], None, np.tensordot(t3, k, axes=1))
        add("tensordot", [inp(t3), inp(t4), [[1, 2], [2, 1]]], None, np.tensordot(t3, t4, axes=([1, 2], [2, 1])))
        add("tensordot", [inp(t3), inp(data((3, 4), dt)), 2], None, np.tensordot(t3, data((3, 4), dt), axes=2))
        sq = data((4, 4), dt, seed=6)
        for off in [0, 1, -2, 5]:
            add("trace", [inp(sq)], {"offset": off}, np.trace(sq, offset=off))
            add("diagonal", [inp(m, "T")], {"offset": off}, np.diagonal(m.T, offset=off))
        add("trace", [inp(t3)], {"axis1": 1, "axis2": 2}, np.trace(t3, axis1=1, axis2=2))
        add("diagonal", [inp(t3)], {"axis1": 0, "axis2": 2, "offset": 1}, np.diagonal(t3, axis1=0, axis2=2, offset=1))
        add("norm", [inp(m)], {}, np.linalg.norm(m))
        add("norm", [inp(vv)], {}, np.linalg.norm(vv))
        for o in [1, 2, 3, 0, 0.5]:
            add("norm", [inp(vv)], {"ord": o}, np.linalg.norm(vv, ord=o))
            add("norm", [inp(m, "T")], {"ord": o, "axis": 0}, np.linalg.norm(m.T, ord=o, axis=0))
        add("norm", [inp(vv)], {"ord": "inf"}, np.linalg.norm(vv, ord=np.inf))
        add("norm", [inp(vv)], {"ord": "-inf"}, np.linalg.norm(vv, ord=-np.inf))
        for o in ["fro", 1, -1, "inf", "-inf"]:
            oo = {"inf": np.inf, "-inf": -np.inf}.get(o, o)
            add("norm", [inp(m)], {"ord": o}, np.linalg.norm(m, ord=oo))
            add("norm", [inp(t3)], {"ord": o, "axis": [2, 0]}, np.linalg.norm(t3, ord=oo, axis=(2, 0)))
        add("norm", [inp(t3)], {"axis": 1, "keepdims": True}, np.linalg.norm(t3, axis=1, keepdims=True))

    # selection
    for dt in ["int8", "uint64", "float32", "float64", "bool"]:
        a = data((3, 4), dt, special=True)
        t = data((2, 3, 4), dt, special=True)
        for v in ["c", "T", "step"]:
            j, x = both(a, v)
            add("take", [j, [2, 0, -1]], {}, np.take(x, [2, 0, -1]))
            add("take", [j, [1, 1, -2]], {"axis": 1}, np.take(x, [1, 1, -2], axis=1))
            add("take", [j, [[0, 1], [1, 0]]], {"axis": 0}, np.take(x, [[0, 1], [1, 0]], axis=0))
            add("nonzero", [j], None, np.nonzero(x))
            add("argwhere", [j], None, np.argwhere(x))
            add("flatnonzero", [j], None, np.flatnonzero(x))
            mask = data(x.shape, "bool", seed=2)
            add("extract", [inp(mask), j], None, np.extract(mask, x))
            add("compress", [[True, False, True], j], {"axis": 0}, np.compress([True, False, True], x, axis=0))
            add("compress", [[False, True], j], {"axis": 1}, np.compress([False, True], x, axis=1))
        j, x = both(t, "rev")
        add("take", [j, [2, 0]], {"axis": 1}, np.take(x, [2, 0], axis=1))
        add("take", [j, []], {"axis": 2}, np.take(x, np.array([], dtype=np.int64), axis=2))
        add("argwhere", [j], None, np.argwhere(x))
        add("unique", [j], None, np.unique(x))
        r = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
        add("unique", [j], {"returnIndex": True, "returnInverse": True, "returnCounts": True},
            {"values": r[0], "indices": r[1], "inverse": r[2], "counts": r[3]})
    rep = np.array([3.0, np.nan, -0.0, 1.0, np.nan, 3.0, 0.0, -np.inf])
    r = np.unique(rep, return_index=True, return_inverse=True, return_counts=True)
    add("unique", [inp(rep)], {"returnIndex": True, "returnInverse": True, "returnCounts": True},
        {"values": r[0], "indices": r[1], "inverse": r[2], "counts": r[3]})
    add("unique", [inp(np.zeros((0,), np.int32))], None, np.unique(np.zeros((0,), np.int32)))

    # slice assignment: (target shape, dtype, index, value) -> result
    assigns = []
    for dt in ["int16", "float64", "uint8"]:
        for idx, val in [
            (["1:3", "::2"], 7),
            (["::-1", ":"], [1, 2, 3, 4]),
            (["::2", "1:2"], [[5], [6]]),
            ([":", "2"], [9, 8, 7, 6]),
            (["...", "::3"], 2.75),
            ([":", ":"], "self_shifted"),
        ]:
            x = data((4, 4), dt)
            tgt = x
            np_idx = []
            for s in idx:
                if s == "...":
                    np_idx.append(Ellipsis)
                elif ":" in s:
                    parts = [int(p) if p else None for p in s.split(":")]
                    np_idx.append(slice(*parts))
                else:
                    np_idx.append(int(s))
            if val == "self_shifted":
                x[1:, :] = x[:-1, :]
                assigns.append({"dtype": dt, "index": ["1:", ":"], "value": "self_shifted", "result": enc(x)})
                continue
            if isinstance(val, list):
                x[tuple(np_idx)] = np.array(val).astype(dt)
            else:
                x[tuple(np_idx)] = val
            assigns.append({"dtype": dt, "index": idx, "value": val, "result": enc(tgt)})

    OUT.write_text(json.dumps({"numpy": np.__version__, "cases": cases, "assigns": assigns}))
    print(f"{len(cases)} cases, {len(assigns)} assignments -> {OUT}")


if __name__ == "__main__":
    main()
