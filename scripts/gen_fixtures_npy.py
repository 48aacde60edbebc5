#!/usr/bin/env python3
"""Generates tests/fixtures/npy.json: .npy files written by NumPy (every
dtype, little and big endian, C and Fortran order, 0-d and empty, format
versions 1.0, 2.0 and 3.0), base64-encoded with the values they hold, and
the exact bytes np.save writes for C-order little-endian arrays (raptors'
toNpy must produce the same bytes, which is how we know NumPy reads ours).

    python3 scripts/gen_fixtures_npy.py
"""
import base64
import io
import json
import pathlib

import numpy as np
from numpy.lib import format as npf

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "npy.json"


def npy(a, version=None):
    f = io.BytesIO()
    if version is None:
        np.save(f, a)
    else:
        npf.write_array(f, a, version=version)
    return base64.b64encode(f.getvalue()).decode()


def vals(a):
    """Values as JSON-safe nested lists (NaN and infinities as strings)."""
    def conv(x):
        if isinstance(x, list):
            return [conv(y) for y in x]
        if x != x:
            return "nan"
        if x in (float("inf"), float("-inf")):
            return "inf" if x > 0 else "-inf"
        return x
    return conv(np.asarray(a, dtype=np.float64).tolist())


def main():
    files = []
    dtypes = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]
    for dt in dtypes:
        base = (np.arange(12) * 37 % 11 - 5)
        if dt == "bool":
            a = (base % 2 == 0).reshape(3, 4)
        elif dt.startswith("uint"):
            a = np.abs(base).astype(dt).reshape(3, 4)
        else:
            a = (base / (4 if dt.startswith("float") else 1)).astype(dt).reshape(3, 4)
        if dt.startswith("float"):
            a.flat[2] = np.nan
            a.flat[5] = -np.inf
        for order in ["C", "F"]:
            for endian in ["<", ">"]:
                b = np.asarray(a, order=order)
                if endian == ">" and b.dtype.itemsize > 1:
                    b = b.astype(b.dtype.newbyteorder(">"))
                files.append({"name": f"{dt}-{order}-{endian}", "file": npy(b),
                              "dtype": dt, "shape": list(a.shape), "values": vals(a)})
        files.append({"name": f"{dt}-c-exact", "file": npy(np.ascontiguousarray(a)), "dtype": dt, "shape": [3, 4],
                      "values": vals(a), "exact": True})
    for name, a in [("0d", np.array(3.5)), ("empty", np.zeros((0, 3))), ("1d", np.arange(5, dtype=np.int32)),
                    ("3d", np.arange(24, dtype=np.int16).reshape(2, 3, 4))]:
        files.append({"name": name, "file": npy(a), "dtype": str(a.dtype), "shape": list(a.shape),
                      "values": vals(a), "exact": True})
    for v in [(2, 0), (3, 0)]:
        a = np.arange(6, dtype=np.float64).reshape(2, 3)
        files.append({"name": f"v{v[0]}", "file": npy(a, v), "dtype": "float64", "shape": [2, 3],
                      "values": vals(a)})
    # .npz archives written by NumPy: stored and deflated (zip64 fields)
    archives = []
    members = {"a": np.arange(10, dtype=np.float64) / 3, "b": np.arange(6, dtype=np.int32).reshape(2, 3),
               "mask": np.array([True, False, True])}
    for compressed in [False, True]:
        f = io.BytesIO()
        (np.savez_compressed if compressed else np.savez)(f, **members)
        archives.append({"compressed": compressed, "file": base64.b64encode(f.getvalue()).decode(),
                         "members": {k: {"dtype": str(v.dtype), "shape": list(v.shape), "values": vals(v)}
                                     for k, v in members.items()}})
    f = io.BytesIO()
    np.savez(f, np.arange(3), np.ones(2))
    archives.append({"compressed": False, "file": base64.b64encode(f.getvalue()).decode(),
                     "members": {"arr_0": {"dtype": "int64", "shape": [3], "values": [0.0, 1.0, 2.0]},
                                 "arr_1": {"dtype": "float64", "shape": [2], "values": [1.0, 1.0]}}})
    OUT.write_text(json.dumps({"numpy": np.__version__, "files": files, "archives": archives}))
    print(f"{len(files)} files, {len(archives)} archives -> {OUT}")


if __name__ == "__main__":
    main()
