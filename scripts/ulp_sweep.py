"""Measures the maximum error in ulp of raptors' exp/expm1/log/tanh/sin/cos kernels.

Calls the native library through ctypes (the same C ABI the TypeScript
bindings use) on a dense sweep of each function's domain plus the special
values, and compares with a reference computed in x87 extended precision
(NumPy's longdouble: 64-bit significand, glibc's expl/logl/...), which is
within 2^-60 relative of the exact result: far below the 2^-53 of a float64
ulp. float32 results are compared with the float64-rounded longdouble
reference.

  python3 scripts/ulp_sweep.py [rust/target/release/libraptors.so] [N]
  python3 scripts/ulp_sweep.py --all-float32-trig [lib]   # ~2 min

The second form checks float32 sin and cos on every float32 of their
vectorized range (|x| <= 2^20, both signs: 2.5e9 values) against float64
NumPy (its error, ~2^-29 of a float32 ulp, is negligible here).

Prints one line per function and dtype: the maximum ulp error, where it
occurs, and how many points were checked. Exit status 1 when a bound in
BOUNDS is exceeded.
"""

import ctypes
import sys

import numpy as np

ALL_TRIG = "--all-float32-trig" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--all-float32-trig"]
LIB = ARGS[0] if len(ARGS) > 0 else "rust/target/release/libraptors.so"
N = int(ARGS[1]) if len(ARGS) > 1 else 2_000_000
lib = ctypes.CDLL(LIB)
lib.rp_unary.argtypes = [ctypes.c_uint32] * 2 + [ctypes.c_void_p] * 2 + [ctypes.c_uint32]
lib.rp_ufunc1.argtypes = [
    ctypes.c_uint32,
    ctypes.c_uint32,
    ctypes.c_void_p,
    ctypes.c_uint32,
    ctypes.c_void_p,
    ctypes.c_uint32,
    ctypes.c_uint32,
    ctypes.c_void_p,
]
DT = {np.float32: 9, np.float64: 10}
OPS = {"exp": 3, "log": 4, "sin": 5, "cos": 6, "tanh": 7, "expm1": 14}
# Bounds the tests assert (tests/vmath_test.ts) and the docs state.
BOUNDS = {
    ("exp", np.float64): 1.0,
    ("log", np.float64): 1.0,
    ("expm1", np.float64): 2.0,
    ("tanh", np.float64): 3.0,
    ("exp", np.float32): 1.0,
    ("log", np.float32): 1.0,
    ("expm1", np.float32): 2.0,
    ("tanh", np.float32): 3.0,
    # float64 sin/cos are the system libm's
    ("sin", np.float64): 1.0,
    ("cos", np.float64): 1.0,
    ("sin", np.float32): 1.0,
    ("cos", np.float32): 1.0,
}


def call(name, x):
    x = np.ascontiguousarray(x)
    out = np.empty_like(x)
    n = x.size
    if name == "expm1":
        meta = np.array([0, 0, n, 1, 1], dtype=np.float64)
        rc = lib.rp_ufunc1(OPS[name], DT[x.dtype.type], x.ctypes.data, n, out.ctypes.data, n, 1, meta.ctypes.data)
    else:
        rc = lib.rp_unary(OPS[name], DT[x.dtype.type], x.ctypes.data, out.ctypes.data, n)
    assert rc == 0, f"{name}: status {rc}"
    return out


REF = {
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "expm1": np.expm1,
    "sin": np.sin,
    "cos": np.cos,
}


def ulp_error(got, x, name, dt):
    ref = REF[name](x.astype(np.longdouble))
    info = np.finfo(dt)
    # Where the reference rounds to +-inf or is NaN, the result must match.
    rounded = ref.astype(dt)
    fin = np.isfinite(rounded)
    r = np.abs(ref[fin])
    # the ulp of the reference in the target type (subnormals: the smallest
    # subnormal)
    e = np.floor(np.log2(np.maximum(r, np.longdouble(info.tiny))))
    ulp = np.exp2(e - info.nmant).astype(np.longdouble)
    err = np.zeros(x.size, dtype=np.longdouble)
    err[fin] = np.abs(got[fin].astype(np.longdouble) - ref[fin]) / ulp
    bad = ~fin & ~((got == rounded) | (np.isnan(got) & np.isnan(rounded)))
    return err, bad


def sweep(name, dt, rng):
    info = np.finfo(dt)
    if name in ("sin", "cos"):
        x = rng.uniform(-100, 100, N)
        big = rng.uniform(-1, 1, N // 4) * np.exp2(rng.uniform(0, 40, N // 4))
        x = np.concatenate([x, big]).astype(dt)
    elif name == "log":
        # every binade, uniformly within each, plus values near 1
        if dt == np.float64:
            x = rng.integers(1, 0x7FF0000000000000, N, dtype=np.uint64).view(dt)
        else:
            x = rng.integers(1, 0x7F800000, N, dtype=np.uint32).view(dt)
        near1 = 1 + rng.uniform(-0.3, 0.42, N // 4)
        x = np.concatenate([x, near1.astype(dt)])
    else:
        hi = {"exp": 709.8, "expm1": 709.8, "tanh": 22.0}[name]
        lo = {"exp": -745.2, "expm1": -40.0, "tanh": -22.0}[name]
        if dt == np.float32:
            hi, lo = {"exp": (88.8, -104.0), "expm1": (88.8, -18.0), "tanh": (9.6, -9.6)}[name]
        x = rng.uniform(lo, hi, N)
        small = rng.uniform(-1, 1, N // 4) * np.exp2(rng.uniform(-40, 0, N // 4))
        x = np.concatenate([x, small]).astype(dt)
    special = np.array(
        [0.0, -0.0, np.inf, -np.inf, np.nan, info.tiny, -info.tiny, info.smallest_subnormal, info.max, -info.max, 1.0, -1.0],
        dtype=dt,
    )
    return np.concatenate([x, special])


def all_float32_trig():
    """Every float32 with |x| <= 2^20 through sin and cos."""
    top = int(np.float32(2**20).view(np.uint32))
    failed = False
    for name in ("sin", "cos"):
        worst, at = 0.0, 0.0
        for start in range(0, top + 1, 1 << 24):
            bits = np.arange(start, min(start + (1 << 24), top + 1), dtype=np.uint32)
            for sign in (0, 0x80000000):
                x = (bits | np.uint32(sign)).view(np.float32)
                got = call(name, x).astype(np.float64)
                ref = REF[name](x.astype(np.float64))
                r = np.abs(ref).astype(np.float32)
                ex = (r.view(np.uint32) >> 23).astype(np.int32) - 127
                ulp = np.where(r < np.finfo(np.float32).tiny, 2.0**-149, np.exp2(ex - 23.0))
                err = np.abs(got - ref) / ulp
                i = int(np.argmax(err))
                if err[i] > worst:
                    worst, at = float(err[i]), x[i]
        bound = BOUNDS[(name, np.float32)]
        status = "ok" if worst <= bound else "FAIL"
        failed |= status == "FAIL"
        print(f"{name:6s} float32  max {worst:.3f} ulp at x = {at!r} (bound {bound}; every float32 with |x| <= 2^20) {status}")
    sys.exit(1 if failed else 0)


def main():
    if ALL_TRIG:
        all_float32_trig()
    rng = np.random.default_rng(20261205)
    failed = False
    for dt in (np.float64, np.float32):
        for name in ("exp", "expm1", "log", "tanh", "sin", "cos"):
            x = sweep(name, dt, rng)
            got = call(name, x)
            with np.errstate(all="ignore"):
                err, bad = ulp_error(got, x, name, dt)
            i = int(np.argmax(err))
            worst = float(err[i])
            bound = BOUNDS[(name, dt)]
            status = "ok" if worst <= bound and not bad.any() else "FAIL"
            failed |= status == "FAIL"
            print(
                f"{name:6s} {np.dtype(dt).name:8s} max {worst:.3f} ulp at x = {x[i]!r} "
                f"(bound {bound}; {x.size} points; special-value mismatches {int(bad.sum())}) {status}"
            )
            if bad.any():
                j = np.nonzero(bad)[0][:5]
                print("   mismatches:", list(zip(x[j].tolist(), got[j].tolist())))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
