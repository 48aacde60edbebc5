#!/usr/bin/env python3
"""Generates tests/fixtures/ufunc.json: NumPy's results for the NDArray ufuncs.

Every binary ufunc over dtype pairs, broadcast shape pairs and
non-contiguous / reversed views; every unary ufunc over every dtype;
weak-scalar promotion. Operands are built in JS from the same recipe
(`values(dtype, shape)` then a view transform), so only results are stored.
Where NumPy raises, the expected error class is stored instead.

    python3 scripts/gen_fixtures_ufunc.py
"""
import json
import pathlib
import warnings

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ufunc.json"
warnings.simplefilter("ignore")

# The ufuncs of the op table (scripts/op_table.ts, via scripts/ops.json):
# JS name -> NumPy function.
_OPS = json.loads((pathlib.Path(__file__).resolve().parent / "ops.json").read_text())
BIN = {name: getattr(np, numpy) for name, numpy in _OPS["binary"].items()}
UN = {name: getattr(np, numpy) for name, numpy in _OPS["unary"].items()}


def values(dtype, shape, salt):
    """Must match tests/ufunc_test.ts: values(dtype, shape, salt)."""
    n = int(np.prod(shape)) if len(shape) else 1
    i = np.arange(n, dtype=np.int64)
    v = (i * 7 + salt * 5) % 23 - 11
    d = np.dtype(dtype)
    if d.kind == "b":
        a = (v % 3 == 0)
    elif d.kind == "u":
        a = np.abs(v).astype(d)
    elif d.kind == "i":
        a = v.astype(d)
    else:
        a = (v / 4).astype(d)
        if n > 3:
            a[(salt + 2) % n] = np.nan
    return a.reshape(shape)


def transform(a, t):
    if t == "T":
        return a.T
    if t == "rev":
        return a[::-1]
    return a


def run(f, *args):
    try:
        r = f(*args)
        if isinstance(r, np.ndarray) and r.dtype == np.float16:
            # raptors has no float16: it computes these in float32 (documented).
            r32 = f(*[x.astype(np.float32) if isinstance(x, np.ndarray) else x for x in args])
            return {"result": enc(r32), "numpyDtype": "float16"}
        return {"result": enc(r)}
    except TypeError as e:
        return {"error": "TypeError", "message": str(e)}
    except (ValueError, OverflowError) as e:
        return {"error": "RangeError" if isinstance(e, OverflowError) else "Error", "message": str(e)}


def main():
    dtypes = ["bool", "int8", "uint8", "int16", "int32", "uint32", "int64", "uint64", "float32", "float64"]
    pairs = [(d, d) for d in dtypes] + [("int8", "uint8"), ("int32", "float32"), ("uint64", "int64"),
                                        ("int16", "float64"), ("bool", "float32"), ("uint8", "int64")]
    layouts = [
        ((3, 4), "c", (4,), "c"),
        ((4, 3), "T", (3, 1), "c"),
        ((5,), "rev", (), "c"),
        ((2, 1, 3), "c", (4, 1), "rev"),
        ((0, 3), "c", (3,), "c"),
    ]
    binary = []
    for op, f in BIN.items():
        for da, db in pairs:
            for sa, ta, sb, tb in layouts:
                a = transform(values(da, sa, 1), ta)
                b = transform(values(db, sb, 2), tb)
                if op == "power" and np.dtype(db).kind in "iu":
                    b = np.abs(b) % 5  # NumPy rejects negative integer powers
                binary.append({"op": op, "a": [da, list(sa), ta, 1], "b": [db, list(sb), tb, 2],
                               "powAbs": op == "power" and np.dtype(db).kind in "iu", **run(f, a, b)})
    unary = []
    for op, f in UN.items():
        for d in dtypes:
            for s, t in [((3, 4), "T"), ((7,), "rev")]:
                a = transform(values(d, s, 3), t)
                unary.append({"op": op, "a": [d, list(s), t, 3], **run(f, a)})
    scalars = []
    for d in dtypes:
        for s in [True, 3, -2, 2.5, 300]:
            a = values(d, (4,), 4)
            for op in ["add", "multiply", "greater", "maximum"]:
                scalars.append({"op": op, "a": [d, [4], "c", 4], "scalar": s, **run(BIN[op], a, s)})
    doc = {"numpy": np.__version__, "binary": binary, "unary": unary, "scalars": scalars}
    OUT.write_text(json.dumps(doc, separators=(",", ":")))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes: {len(binary)} binary, {len(unary)} unary, {len(scalars)} scalar cases)")


if __name__ == "__main__":
    main()
