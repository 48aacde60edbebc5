"""Fixtures for tests/vmath_test.ts: inputs to exp/expm1/log/tanh in float64
and float32 with a reference from x87 extended precision (NumPy's
longdouble, within 2^-60 relative of exact), stored as a float64 pair
hi + lo, so the test can measure errors in ulp without a longdouble.

  python3 scripts/gen_fixtures_vmath.py   # writes tests/fixtures/vmath.json
"""

import json
import pathlib

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "vmath.json"
RNG = np.random.default_rng(5122026)
N = 1500
FNS = {"exp": np.exp, "expm1": np.expm1, "log": np.log, "tanh": np.tanh, "sin": np.sin, "cos": np.cos}
RANGE = {
    np.float64: {"exp": (-745.2, 709.8), "expm1": (-40.0, 709.8), "tanh": (-22.0, 22.0)},
    np.float32: {"exp": (-104.0, 88.8), "expm1": (-18.0, 88.8), "tanh": (-9.6, 9.6)},
}


def inputs(name, dt):
    info = np.finfo(dt)
    if name in ("sin", "cos"):
        x = RNG.uniform(-100, 100, N).astype(dt)
        big = (RNG.uniform(-1, 1, N // 3) * np.exp2(RNG.uniform(0, 30, N // 3))).astype(dt)
        edge = np.array([2.0**24, -(2.0**24), 2.0**24 + 2, 3e7, 1e30, -1e38, 1e-30, np.pi / 2, np.pi], dtype=dt)
        x = np.concatenate([x, big, edge])
    elif name == "log":
        if dt == np.float64:
            x = RNG.integers(1, 0x7FF0000000000000, N, dtype=np.uint64).view(dt)
        else:
            x = RNG.integers(1, 0x7F800000, N, dtype=np.uint32).view(dt)
        near1 = (1 + RNG.uniform(-0.3, 0.42, N // 3)).astype(dt)
        x = np.concatenate([x, near1, np.array([-1.0, -info.max, 2.0, 0.5, 10.0], dtype=dt)])
    else:
        lo, hi = RANGE[dt][name]
        x = RNG.uniform(lo, hi, N).astype(dt)
        small = (RNG.uniform(-1, 1, N // 3) * np.exp2(RNG.uniform(-30, 1, N // 3))).astype(dt)
        x = np.concatenate([x, small, np.array([lo, hi, 1e-30, -1e-30], dtype=dt)])
    special = np.array(
        [0.0, -0.0, np.inf, -np.inf, np.nan, info.tiny, -info.tiny, info.smallest_subnormal, info.max, -info.max, 1.0, -1.0],
        dtype=dt,
    )
    return np.concatenate([x, special])


def main():
    cases = []
    for dt in (np.float64, np.float32):
        for name, f in FNS.items():
            x = inputs(name, dt)
            with np.errstate(all="ignore"):
                ref = f(x.astype(np.longdouble))
                rounded = ref.astype(dt)  # +-inf where the result overflows dt
                hi = ref.astype(np.float64)
                lo = (ref - hi.astype(np.longdouble)).astype(np.float64)
            hi = np.where(np.isfinite(rounded), hi, rounded.astype(np.float64))
            lo = np.where(np.isfinite(rounded), lo, 0.0)
            cases.append({"fn": name, "dtype": np.dtype(dt).name, "x": enc(x), "hi": enc(hi), "lo": enc(lo)})
    with open(OUT, "w") as fh:
        json.dump({"cases": cases}, fh)


if __name__ == "__main__":
    main()
