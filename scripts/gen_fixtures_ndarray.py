#!/usr/bin/env python3
"""Generates tests/fixtures/ndarray.json: NumPy's answers for NDArray basics.

Creation functions, views (slicing with steps and negative steps, newaxis,
ellipsis, integer indices), reshape/transpose/swapaxes/expand_dims/squeeze/
broadcast_to (shape, byte strides, contiguity, values), astype casts, and
str()/repr() text. Values are base64 of C-order little-endian bytes.

    python3 scripts/gen_fixtures_ndarray.py
"""
import json
import pathlib

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ndarray.json"


def describe(a):
    return {
        **enc(a),
        "strides": list(a.strides),
        "c": bool(a.flags.c_contiguous),
        "f": bool(a.flags.f_contiguous),
        "str": str(a),
        "repr": repr(a),
    }


def to_index(spec):
    out = []
    for s in spec:
        if s is None:
            out.append(None)
        elif s == "...":
            out.append(Ellipsis)
        elif isinstance(s, int):
            out.append(s)
        else:
            parts = [int(p) if p.strip() else None for p in s.split(":")]
            out.append(slice(*parts) if len(parts) > 1 else parts[0])
    return tuple(out)


def main():
    creation = [
        ("zeros", [[2, 3]], {}, np.zeros((2, 3))),
        ("ones", [4], {"dtype": "int32"}, np.ones(4, dtype=np.int32)),
        ("full", [[2, 2], 7], {}, np.full((2, 2), 7)),
        ("full", [3, 2.5], {}, np.full(3, 2.5)),
        ("full", [2, True], {}, np.full(2, True)),
        ("arange", [5], {}, np.arange(5)),
        ("arange", [1, 2, 0.25], {}, np.arange(1, 2, 0.25)),
        ("arange", [10, 0, -3], {}, np.arange(10, 0, -3)),
        ("arange", [0.5, 3], {}, np.arange(0.5, 3)),
        ("arange", [0, 5, 1], {"dtype": "float32"}, np.arange(0, 5, 1, dtype=np.float32)),
        ("linspace", [0, 1, 5], {}, np.linspace(0, 1, 5)),
        ("linspace", [0, 1, 5], {"endpoint": False}, np.linspace(0, 1, 5, endpoint=False)),
        ("linspace", [2, 3, 1], {}, np.linspace(2, 3, 1)),
        ("linspace", [-1.5, 7.25, 13], {}, np.linspace(-1.5, 7.25, 13)),
        ("eye", [3], {}, np.eye(3)),
        ("eye", [3, 4], {"k": 1}, np.eye(3, 4, k=1)),
        ("eye", [4, None], {"k": -2, "dtype": "int32"}, np.eye(4, k=-2, dtype=np.int32)),
        ("identity", [3], {"dtype": "uint8"}, np.identity(3, dtype=np.uint8)),
        ("array", [[[1, 2], [3, 4]]], {}, np.array([[1, 2], [3, 4]])),
        ("array", [[1.5, 2]], {}, np.array([1.5, 2])),
        ("array", [[True, False]], {}, np.array([True, False])),
        ("array", [[[1, 2], [3, 4]]], {"dtype": "float32"}, np.array([[1, 2], [3, 4]], dtype=np.float32)),
        ("array", [7], {}, np.array(7)),
        ("array", [[]], {}, np.array([])),
    ]
    base = np.arange(24).reshape(2, 3, 4)
    slices = [
        ["1"], ["-1", ":", "::2"], ["0", "::-1"], [None, "...", "1"], ["...", "1:3", None],
        ["1:", "::-1", "1:3"], [":", "-2:", "3:0:-2"], ["...", "::-3"], ["0", "0", "0"],
        ["5:", ":"], [":", "1:1"], [None, None, "1"], ["::-1", "::-1", "::-1"], [":", 2, "1:"],
    ]
    views = []
    for spec in slices:
        r = base[to_index(spec)]
        if not isinstance(r, np.ndarray):
            # slice() always returns a view: NumPy's 0-d view is base[idx + (...,)]
            r = base[to_index(spec) + (Ellipsis,)]
        views.append({"index": spec, "result": describe(r)})
    shapes = [
        ("reshape", [[6, 4]], base.reshape(6, 4)),
        ("reshape", [[4, -1]], base.reshape(4, -1)),
        ("reshape", [[-1]], base.reshape(-1)),
        ("T", [], base.T),
        ("transpose", [[1, 0, 2]], base.transpose(1, 0, 2)),
        ("swapaxes", [0, 2], base.swapaxes(0, 2)),
        ("expandDims", [1], np.expand_dims(base, 1)),
        ("expandDims", [-1], np.expand_dims(base, -1)),
        ("broadcastTo", [[3, 2, 3, 4]], np.broadcast_to(base, (3, 2, 3, 4))),
        ("ravel", [], base.ravel()),
        ("flatten", [], base.flatten()),
    ]
    shape_ops = [{"op": op, "args": args, "result": describe(r)} for op, args, r in shapes]
    # transpose then reshape cannot be a view: NumPy copies
    shape_ops.append({"op": "T.reshape", "args": [[4, 6]], "result": describe(base.T.reshape(4, 6))})
    sq = np.arange(6).reshape(1, 2, 1, 3)
    casts_src = {
        "float64": np.array([-2.7, -0.5, 0.0, 0.5, 2.7, 100.9]),
        "int32": np.array([300, -129, 0, 7, -1, 65535], dtype=np.int32),
        "uint8": np.array([0, 1, 127, 128, 200, 255], dtype=np.uint8),
        "bool": np.array([True, False, True, True, False, False]),
    }
    casts = []
    for src_dt, src in casts_src.items():
        for to in ["bool", "int8", "uint8", "int16", "int32", "int64", "uint64", "float32", "float64"]:
            if src_dt == "float64" and to.startswith("uint") and to != "uint8":
                continue  # negative float -> unsigned is undefined in NumPy
            if src_dt == "float64" and to == "uint8":
                continue
            casts.append({"src": enc(src), "to": to, "result": enc(src.astype(to))})
    printing = []
    for name, a in [
        ("mixed floats", np.array([1.0, 2.5, 3])),
        ("negative floats", np.array([-1.25, 0.5, 10])),
        ("tiny", np.array([1e-5, 1.0])),
        ("tiny2", np.array([1.5e-5, 1.0])),
        ("huge", np.array([1e20, 1.0])),
        ("specials", np.array([np.nan, np.inf, -1.5, -np.inf])),
        ("ints 2d", np.array([[1, 2], [30, -4]])),
        ("3d", np.arange(8).reshape(2, 2, 2)),
        ("bool", np.array([True, False])),
        ("float32", np.array([0.1, 0.2, 1 / 3], dtype=np.float32)),
        ("int32", np.array([1, 2], dtype=np.int32)),
        ("empty", np.zeros(0)),
        ("summarised", np.arange(2000)),
        ("summarised 2d", np.arange(2000).reshape(40, 50)),
        ("scalar float", np.array(2.5)),
        ("integral floats", np.array([[1.0, 2.0], [3.0, 4.0]])),
        ("precision 8", np.array([0.6000000000000001, 1 / 3, 2 / 3, 1e-3])),
        ("sci precision", np.array([1 / 3 * 1e-7, 1.0, 12345.678901234])),
    ]:
        printing.append({"name": name, "array": enc(a), "str": str(a), "repr": repr(a)})
    doc = {
        "numpy": np.__version__,
        "creation": [{"fn": fn, "args": args, "options": opts, "result": describe(r)} for fn, args, opts, r in creation],
        "views": views,
        "shape_ops": shape_ops,
        "squeeze": {"src": enc(sq), "all": describe(sq.squeeze()), "axis2": describe(sq.squeeze(2))},
        "casts": casts,
        "printing": printing,
    }
    OUT.write_text(json.dumps(doc, indent=0))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
