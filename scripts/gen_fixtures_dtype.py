#!/usr/bin/env python3
"""Generates tests/fixtures/dtype.json: NumPy 2's type promotion (NEP 50).

For every pair of dtypes, np.result_type; for every dtype and a weak Python
scalar (bool, int, float), the dtype of `array + scalar`; np.can_cast(...,
'safe') for every pair. Run: python3 scripts/gen_fixtures_dtype.py
"""
import json
import pathlib

import numpy as np

DTYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]
OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "dtype.json"


def main():
    pairs = {f"{a},{b}": str(np.result_type(a, b)) for a in DTYPES for b in DTYPES}
    safe = {f"{a},{b}": bool(np.can_cast(a, b, "safe")) for a in DTYPES for b in DTYPES}
    scalars = {}
    for d in DTYPES:
        arr = np.zeros(1, dtype=d)
        for name, s in [("bool", True), ("int", 1), ("float", 1.5)]:
            scalars[f"{d},{name}"] = str((arr + s).dtype)
    OUT.write_text(json.dumps({"numpy": np.__version__, "result_type": pairs, "can_cast_safe": safe, "scalar": scalars}, indent=0))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
