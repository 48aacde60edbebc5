#!/usr/bin/env python3
"""Generates tests/fixtures/manip.json: NumPy's manipulation and comparison results.

Each case names a raptors call with JSON arguments; arrays are given as
{"arange": [shape], "dtype": d, "view": v} recipes (np.arange(n).reshape(shape)
as dtype, then an optional view), rebuilt the same way in the test.

    python3 scripts/gen_fixtures_manip.py
"""
import json
import pathlib

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "manip.json"


def build(r):
    a = np.arange(int(np.prod(r["arange"]))).reshape(r["arange"]).astype(r.get("dtype", "int64"))
    v = r.get("view", "c")
    if v == "T":
        a = a.T
    elif v == "rev":
        a = a[::-1]
    return a


A = lambda shape, dtype="int64", view="c": {"arange": list(shape), "dtype": dtype, "view": view}


def main():
    cases = []

    def add(call, args, opts, result):
        if isinstance(result, list):
            res = {"list": [enc(r) for r in result]}
        elif isinstance(result, (bool, np.bool_)):
            res = {"bool": bool(result)}
        else:
            res = {"array": enc(result)}
        cases.append({"call": call, "args": args, "options": opts, **res})

    b = lambda r: build(r)
    for axis in [0, 1, -1]:
        add("concatenate", [[A((2, 3)), A((2, 3), "float32")]], {"axis": axis},
            np.concatenate([b(A((2, 3))), b(A((2, 3), "float32"))], axis=axis))
    add("concatenate", [[A((2, 3)), A((1, 3), "int8", "c"), A((3, 2), "int64", "T")]], {"axis": 0},
        np.concatenate([b(A((2, 3))), b(A((1, 3), "int8")), b(A((3, 2), "int64", "T"))], axis=0))
    for axis in [0, 1, 2, -1]:
        add("stack", [[A((2, 3)), A((2, 3), "int64", "c")]], {"axis": axis}, np.stack([b(A((2, 3))), b(A((2, 3)))], axis=axis))
    add("vstack", [[A((3,)), A((3,), "float64")]], {}, np.vstack([b(A((3,))), b(A((3,), "float64"))]))
    add("vstack", [[A((2, 3)), A((3,))]], {}, np.vstack([b(A((2, 3))), b(A((3,)))]))
    add("hstack", [[A((3,)), A((2,))]], {}, np.hstack([b(A((3,))), b(A((2,)))]))
    add("hstack", [[A((2, 3)), A((2, 1))]], {}, np.hstack([b(A((2, 3))), b(A((2, 1)))]))
    add("split", [A((6, 4)), 3], {}, np.split(b(A((6, 4))), 3))
    add("split", [A((6, 4)), [1, 3]], {"axis": 1}, np.split(b(A((6, 4))), [1, 3], axis=1))
    add("flip", [A((2, 3, 2))], {}, np.flip(b(A((2, 3, 2)))))
    add("flip", [A((2, 3, 2))], {"axis": 1}, np.flip(b(A((2, 3, 2))), axis=1))
    add("flip", [A((2, 3, 2), "int64", "T")], {"axis": [0, 2]}, np.flip(b(A((2, 3, 2), "int64", "T")), axis=(0, 2)))
    add("roll", [A((3, 4)), 2], {}, np.roll(b(A((3, 4))), 2))
    add("roll", [A((3, 4)), -1], {"axis": 1}, np.roll(b(A((3, 4))), -1, axis=1))
    add("roll", [A((3, 4)), 7], {"axis": 0}, np.roll(b(A((3, 4))), 7, axis=0))
    add("tile", [A((2, 3)), 2], {}, np.tile(b(A((2, 3))), 2))
    add("tile", [A((2, 3)), [2, 1, 2]], {}, np.tile(b(A((2, 3))), (2, 1, 2)))
    add("tile", [A((3,), "float32", "rev"), [2, 2]], {}, np.tile(b(A((3,), "float32", "rev")), (2, 2)))
    add("repeat", [A((2, 3)), 2], {}, np.repeat(b(A((2, 3))), 2))
    add("repeat", [A((2, 3)), 3], {"axis": 0}, np.repeat(b(A((2, 3))), 3, axis=0))
    add("repeat", [A((2, 3), "int64", "T"), 2], {"axis": 1}, np.repeat(b(A((2, 3), "int64", "T")), 2, axis=1))
    add("clip", [A((3, 4), "float64"), 2, 8], {}, np.clip(b(A((3, 4), "float64")), 2, 8))
    add("clip", [A((3, 4), "int32"), A((4,), "int32"), 9], {}, np.clip(b(A((3, 4), "int32")), b(A((4,), "int32")), 9))
    # where: broadcasting, promotion, scalars (cond from arange % 3 == 0)
    cond = lambda r: b(r) % 3 == 0
    cases.append({"call": "where", "args": [{"mod3": A((3, 4))}, A((3, 4), "float32"), A((4,), "int16")],
                  "options": None, "array": enc(np.where(cond(A((3, 4))), b(A((3, 4), "float32")), b(A((4,), "int16"))))})
    cases.append({"call": "where", "args": [{"mod3": A((4, 1))}, A((3,), "int64"), -1],
                  "options": None, "array": enc(np.where(cond(A((4, 1))), b(A((3,), "int64")), -1))})
    cases.append({"call": "where", "args": [{"mod3": A((2, 3), "int64", "T")}, 2.5, A((3, 2), "int8")],
                  "options": None, "array": enc(np.where(cond(A((2, 3), "int64", "T")), 2.5, b(A((3, 2), "int8"))))})
    # argmax/argmin with ties and NaN
    m = (np.arange(24).reshape(2, 3, 4) * 7 % 5).astype(np.float64)
    m[1, 2, 1] = np.nan
    mt = m.transpose(2, 0, 1)
    for fn, f in [("argmax", np.argmax), ("argmin", np.argmin)]:
        for arr_name, arr in [("m", m), ("mt", mt)]:
            for axis in [None, 0, 1, -1]:
                r = f(arr, axis=axis)
                cases.append({"call": fn, "args": [{"named": arr_name}], "options": {"axis": axis},
                              **({"int": int(r)} if axis is None else {"array": enc(r)})})
    # matmul: inputs (i*7 % 13 - 6) / 4 keep every sum exact in float32/64
    def q(shape, dtype, view="c"):
        n = int(np.prod(shape))
        v = (np.arange(n) * 7 % 13 - 6)
        arr = (v / 4 if np.dtype(dtype).kind == "f" else v).astype(dtype).reshape(shape)
        return arr.T if view == "T" else arr[..., ::2] if view == "step" else arr
    Q = lambda shape, dtype, view="c": {"q": list(shape), "dtype": dtype, "view": view}
    mm = [
        (Q((7, 9), "float64"), Q((9, 5), "float64")),
        (Q((65, 130), "float32"), Q((130, 17), "float32")),
        (Q((33, 20), "int32"), Q((20, 40), "int32")),
        (Q((9,), "float64"), Q((9, 4), "float64")),
        (Q((6, 9), "int64"), Q((9,), "int64")),
        (Q((9,), "float32"), Q((9,), "float32")),
        (Q((2, 1, 3, 4), "float64"), Q((5, 4, 2), "float64")),
        (Q((6, 5), "float64", "T"), Q((8, 6), "float32", "T")),
        (Q((3, 4), "int32"), Q((4, 2), "float32")),
        (Q((0, 4), "float64"), Q((4, 3), "float64")),
        # matrix-vector products (their own kernels): both orientations,
        # transposed and strided operands, float32/64 and exact integers
        (Q((40, 64), "float32"), Q((64,), "float32")),
        (Q((64,), "float32"), Q((64, 40), "float32")),
        (Q((64, 40), "float32", "T"), Q((64,), "float32")),
        (Q((64,), "float64"), Q((40, 64), "float64", "T")),
        (Q((300, 130), "float64"), Q((260,), "float64", "step")),
        (Q((37, 260), "float32", "step"), Q((130,), "float32")),
        (Q((130,), "float32"), Q((130, 74), "float32", "step")),
        (Q((1, 64), "float64"), Q((64,), "float64")),
        (Q((50, 30), "int64"), Q((30,), "int64")),
        (Q((30,), "int32"), Q((50, 30), "int32", "T")),
        (Q((20,), "uint8"), Q((20, 3), "uint8")),
        (Q((2000,), "float64", "step"), Q((1000,), "float64")),
    ]
    for x, y in mm:
        r = np.matmul(q(x["q"], x["dtype"], x["view"]), q(y["q"], y["dtype"], y["view"]))
        cases.append({"call": "matmul", "args": [x, y], "options": None, "array": enc(np.asarray(r))})
    doc = {"numpy": np.__version__, "cases": cases, "named": {"m": enc(m)}}
    x = [1.0, 1e10, 1e-7, np.inf, -np.inf, np.nan, 0.0]
    y = [1.0 + 1e-6, 1.00001e10, 1e-8, np.inf, np.inf, np.nan, 1e-9]
    doc["close"] = {
        "x": x, "y": y,
        "isclose": [bool(v) for v in np.isclose(x, y)],
        "isclose_nan": [bool(v) for v in np.isclose(x, y, equal_nan=True)],
        "isclose_tight": [bool(v) for v in np.isclose(x, y, rtol=1e-9, atol=0)],
        "allclose": bool(np.allclose(x[:3], y[:3])),
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":"), default=lambda v: None).replace("NaN", "null").replace("Infinity", "1e999"))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
