#!/usr/bin/env python3
"""Generates tests/fixtures/stats.json: NumPy's median, quantile/percentile
(5 methods), nanmedian, nanquantile/nanpercentile, diff, bincount,
histogram, interp, cov, corrcoef and convolve over dtypes, axes, views and
special values. Each case is {call, args (encoded arrays or plain JSON),
options, result}.

    python3 scripts/gen_fixtures_stats.py
"""
import json
import pathlib
import warnings

import numpy as np
from _fixture_enc import enc as enc_nd

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "stats.json"


def enc(a):
    return {"nd": enc_nd(a)}


def data(shape, dtype, seed=0, nan=False):
    n = int(np.prod(shape))
    v = ((np.arange(n) * 7919 + seed * 131) % 29 - 14).astype(np.float64)
    if dtype.startswith("float"):
        v = v / 4
        if nan and n > 6:
            v[2] = np.nan
            v[5] = np.nan
    if dtype.startswith("uint"):
        v = np.abs(v)
    return v.astype(dtype).reshape(shape)


def main():
    cases = []

    def add(call, args, opts, result):
        res = {k: enc(v) for k, v in result.items()} if isinstance(result, dict) else enc(result)
        cases.append({"call": call, "args": args, "options": opts, "result": res})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for dt in ["int32", "uint8", "float32", "float64"]:
            for shape in [(7,), (4, 6), (3, 4, 5)]:
                a = data(shape, dt, seed=len(cases), nan=False)
                an = data(shape, dt, seed=len(cases), nan=True)
                for axis in [None, 0, -1]:
                    if axis == 0 and len(shape) == 1:
                        continue
                    o = {} if axis is None else {"axis": axis}
                    add("median", [enc(a)], o, np.median(a, axis=axis))
                    add("median", [enc(an)], {**o, "keepdims": True}, np.median(an, axis=axis, keepdims=True))
                    for method in ["linear", "lower", "higher", "nearest", "midpoint"]:
                        qs = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0]
                        add("quantile", [enc(a), qs], {**o, "method": method}, np.quantile(a, qs, axis=axis, method=method))
                        add("percentile", [enc(an), 37.5], {**o, "method": method}, np.percentile(an, 37.5, axis=axis, method=method))
                        if dt.startswith("float"):
                            add("nanquantile", [enc(an), qs], {**o, "method": method}, np.nanquantile(an, qs, axis=axis, method=method))
                            add("nanpercentile", [enc(an), 62.5], {**o, "method": method}, np.nanpercentile(an, 62.5, axis=axis, method=method))
                    if dt.startswith("float"):
                        add("nanmedian", [enc(an)], o, np.nanmedian(an, axis=axis))
                for axis in [-1, 0]:
                    if axis == 0 and len(shape) == 1:
                        continue
                    for n in [1, 2]:
                        add("diff", [enc(a)], {"n": n, "axis": axis}, np.diff(a, n=n, axis=axis))
            add("diff", [enc(data((6,), dt))], {"prepend": 0, "append": enc(data((2,), dt, 4))},
                np.diff(data((6,), dt), prepend=0, append=data((2,), dt, 4)))
        add("diff", [enc(np.array([True, False, False, True]))], {}, np.diff(np.array([True, False, False, True])))
        allnan = np.array([[np.nan, np.nan], [1.0, np.nan]])
        add("nanmedian", [enc(allnan)], {"axis": 1}, np.nanmedian(allnan, axis=1))
        add("nanquantile", [enc(allnan), 0.5], {"axis": 1}, np.nanquantile(allnan, 0.5, axis=1))
        # bincount
        x = np.array([0, 1, 1, 3, 2, 1, 7], dtype=np.int64)
        w = np.array([0.3, 0.5, 0.2, 0.7, 1.0, -0.6, 0.25])
        add("bincount", [enc(x)], {}, np.bincount(x))
        add("bincount", [enc(x.astype(np.uint8))], {"minlength": 10}, np.bincount(x, minlength=10))
        add("bincount", [enc(x)], {"weights": enc(w)}, np.bincount(x, weights=w))
        # histogram
        h = data((200,), "float64", 3) * 1.37 + 0.1
        for bins in [10, 7, 1]:
            r = np.histogram(h, bins=bins)
            add("histogram", [enc(h)], {"bins": bins}, {"hist": r[0], "binEdges": r[1]})
        r = np.histogram(h, bins=5, range=(-2.0, 3.0), density=True)
        add("histogram", [enc(h)], {"bins": 5, "range": [-2.0, 3.0], "density": True}, {"hist": r[0], "binEdges": r[1]})
        edges = np.array([-5.0, -1.0, 0.0, 0.5, 4.0])
        r = np.histogram(h, bins=edges, weights=np.linspace(0, 1, 200))
        add("histogram", [enc(h)], {"bins": enc(edges), "weights": enc(np.linspace(0, 1, 200))}, {"hist": r[0], "binEdges": r[1]})
        hi = data((50,), "int32", 2)
        r = np.histogram(hi, bins=4)
        add("histogram", [enc(hi)], {"bins": 4}, {"hist": r[0], "binEdges": r[1]})
        # interp
        xp = np.array([0.0, 1.0, 2.5, 4.0, 7.0])
        fp = np.array([1.0, -2.0, 0.5, 0.5, 3.0])
        xs = np.array([-1.0, 0.0, 0.3, 1.0, 2.0, 3.3, 4.0, 6.9, 7.0, 9.0, np.nan])
        add("interp", [enc(xs), enc(xp), enc(fp)], {}, np.interp(xs, xp, fp))
        add("interp", [enc(xs), enc(xp), enc(fp)], {"left": -9.0, "right": 9.0}, np.interp(xs, xp, fp, left=-9.0, right=9.0))
        # cov / corrcoef
        m = data((3, 8), "float64", 5)
        add("cov", [enc(m)], {}, np.cov(m))
        add("cov", [enc(m.T)], {"rowvar": False}, np.cov(m.T, rowvar=False))
        add("cov", [enc(m)], {"bias": True}, np.cov(m, bias=True))
        add("cov", [enc(m)], {"ddof": 2}, np.cov(m, ddof=2))
        add("cov", [enc(data((8,), "int32", 1))], {}, np.cov(data((8,), "int32", 1)))
        add("corrcoef", [enc(m)], {}, np.corrcoef(m))
        # convolve
        for dt in ["int32", "float64"]:
            a = data((9,), dt, 1)
            v = data((4,), dt, 2)
            for mode in ["full", "same", "valid"]:
                add("convolve", [enc(a), enc(v), mode], {}, np.convolve(a, v, mode=mode))
                add("convolve", [enc(v), enc(a), mode], {}, np.convolve(v, a, mode=mode))
    OUT.write_text(json.dumps({"numpy": np.__version__, "cases": cases}))
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
