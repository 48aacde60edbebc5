#!/usr/bin/env python3
"""Generates tests/fixtures/npy_hostile.json: what NumPy does with odd and
hostile .npy headers (accepts them, with which dtype and shape, or raises
which exception), and what it computes from bool arrays whose bytes are
not 0/1 (read by np.load and by np.frombuffer). tests/npy_hostile_test.ts
checks raptors against it.

    python3 scripts/gen_fixtures_npy_hostile.py
"""
import base64
import io
import json
import pathlib
import zipfile

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "npy_hostile.json"

DATA = 64  # zero bytes after every header


def npy(header, version=1):
    pre = 10 if version == 1 else 12
    pad = (64 - (pre + len(header) + 1) % 64) % 64
    h = (header + " " * pad + "\n").encode("latin1")
    size = len(h).to_bytes(2 if version == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + size + h + bytes(DATA)


def d(descr, shape, fortran="False"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


HEADERS = [
    # what NumPy writes, and the liberties of Python's literal syntax
    d("'<f8'", "(3,)"),
    d("'<f8'", "()"),
    d("'<f8'", "(2, 3)"),
    d("'<f8'", "(2, 3,)"),
    d("'<f8'", "(0,)"),
    d("'<f8'", "(2, 3)", "True"),
    d("'>i4'", "(4,)"),
    d("'f8'", "(2,)"),
    d("'=f8'", "(2,)"),
    d("'|b1'", "(5,)"),
    d("'<b1'", "(5,)"),
    '{"descr": "<f8", "fortran_order": False, "shape": (3,)}',
    "{'shape': (3,), 'fortran_order': False, 'descr': '<u2'}",
    "{'descr': '<f8', 'descr': '<i8', 'fortran_order': False, 'shape': (3,)}",
    "{'descr':'<f8','fortran_order':False,'shape':(3,)}",
    # shapes: extents NumPy accepts or refuses
    d("'<f8'", "(0, 99999999999999999999)"),
    d("'<f8'", "(0, 4294967296)"),
    d("'<f8'", "(0, 9007199254740991)"),
    d("'<f8'", "(0, 9007199254740993)"),
    d("'<f8'", "(0, 2305843009213693952)"),
    d("'<f8'", "(100000, 100000, 100000)"),
    d("'<f8'", "(-1,)"),
    d("'<f8'", "(0, -1)"),
    d("'<f8'", "(3)"),
    d("'<f8'", "[3]"),
    d("'<f8'", "3"),
    d("'<f8'", "(3.0,)"),
    d("'<f8'", "(True,)"),
    d("'<f8'", "(,)"),
    d("'<f8'", "(3,,)"),
    d("'<f8'", "(3 4)"),
    d("'<f8'", "(" + "1, " * 64 + ")"),
    d("'<f8'", "(" + "1, " * 65 + ")"),
    d("'<f8'", "((3,),)"),
    d("'<f8'", "(" * 2000 + ")" * 2000),
    # keys and values
    d("'<f8'", "(3,)", "0"),
    d("'<f8'", "(3,)", "'False'"),
    d("'<f8'", "(3,)", "Falsey"),
    "{'descr': '<f8', 'fortran_order': False}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1}",
    "{}",
    "[]",
    "",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)} junk",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,),,}",
    "{'descr': '<f8' 'fortran_order': False, 'shape': (3,)}",
    "{'descr': '<f8', 'fortran_order': False, 'shape': (3,)",
    "{'descr': '<f8, 'fortran_order': False, 'shape': (3,)}",
    "{" * 2000,
    # dtypes raptors lacks
    d("'<c16'", "(3,)"),
    d("'<U5'", "(3,)"),
    d("'|O'", "(3,)"),
    d("'<f2'", "(3,)"),
    d("[('a', '<f8')]", "(3,)"),
    d("3", "(3,)"),
]


def numpy_reads(b):
    try:
        a = np.load(io.BytesIO(b), allow_pickle=False)
        return {"ok": True, "dtype": a.dtype.name, "shape": list(a.shape)}
    except Exception as e:  # noqa: BLE001: recording what NumPy raises
        return {"ok": False, "error": type(e).__name__, "message": str(e)[:200]}


def bool_ops(a):
    """NumPy's results on a bool array (values as JSON numbers/booleans)."""
    return {
        "tolist": a.tolist(),
        "sum": int(a.sum()),
        "count_nonzero": int(np.count_nonzero(a)),
        "any": bool(a.any()),
        "all": bool(a.all()),
        "mean": float(a.mean()),
        "astype_uint8": a.astype(np.uint8).tolist(),
        "astype_float64": a.astype(np.float64).tolist(),
        "logical_not": np.logical_not(a).tolist(),
        "equal_true": (a == np.True_).tolist(),
        "equal_canonical": (a == (np.frombuffer(a.tobytes(), np.uint8) != 0)).tolist(),
        "where": np.where(a, 10, 20).tolist(),
        "nonzero": np.nonzero(a)[0].tolist(),
        "sort": np.sort(a).tolist(),
        "argmax": int(np.argmax(a)),
        "max": bool(a.max()),
        "min": bool(a.min()),
        "tobytes": list(a.tobytes()),
    }


def zip64_archive():
    """An np.savez archive with zip64 extra fields and a zip64 end record
    (Python writes them past 2 GiB; its limit is lowered to get them here)."""
    saved = zipfile.ZIP64_LIMIT
    zipfile.ZIP64_LIMIT = 100
    try:
        f = io.BytesIO()
        arrays = {"a": np.arange(40, dtype=np.int32).reshape(5, 8), "b": np.linspace(0, 1, 7)}
        np.savez(f, **arrays)
    finally:
        zipfile.ZIP64_LIMIT = saved
    data = f.getvalue()
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data, "no zip64 end record"
    back = np.load(io.BytesIO(data))
    return {
        "file": base64.b64encode(data).decode(),
        "members": {k: {"dtype": str(back[k].dtype), "shape": list(back[k].shape),
                        "values": back[k].astype(np.float64).tolist()} for k in back.files},
    }


def main():
    headers = []
    for h in HEADERS:
        for version in (1, 2):
            headers.append({"header": h, "version": version, "numpy": numpy_reads(npy(h, version))})
    raw = [0, 1, 2, 255, 0, 128, 1, 7]
    f = io.BytesIO()
    np.save(f, np.zeros(len(raw), dtype=bool))
    file = bytearray(f.getvalue())
    file[-len(raw):] = bytes(raw)
    loaded = np.load(io.BytesIO(bytes(file)))
    viewed = np.frombuffer(bytes(raw), dtype=np.bool_)
    out = {
        "numpy": np.__version__,
        "data_bytes": DATA,
        "headers": headers,
        "zip64": zip64_archive(),
        "bools": {
            "bytes": raw,
            "load": bool_ops(loaded),
            "frombuffer": bool_ops(viewed),
        },
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT} ({len(headers)} headers)")


if __name__ == "__main__":
    main()
