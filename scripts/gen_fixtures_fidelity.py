#!/usr/bin/env python3
"""Generates tests/fixtures/fidelity.json: NumPy programs and their results,
which tests/fidelity_test.ts replays through raptors' public API.

Two parts:
- "cases": hand-written programs, one per NumPy behaviour raptors once got
  wrong or ignored (keywords such as where/initial/decimals/sorter/axis,
  empty inputs, result dtypes, exact comparisons, errors NumPy raises).
- "random": a differential run: programs drawn from a seeded generator
  over reductions, ufuncs (with JS-scalar operands), shape functions,
  sorting and statistics, with random dtypes, shapes, axes, keepdims,
  where masks and bad arguments. NumPy's result (or the class of the error
  it raises) is recorded; raptors must give the same values, dtype and
  shape, or throw a typed error naming the function.

Each program is {fn, args, kw, expect}: `fn` is raptors' name
(`linalg.matrixRank`, `rng.integers`), args and kw values are JSON
encodings (see `val`), `expect` is {"nd": array} (0-d for NumPy scalars),
{"tuple": [...]}, {"obj": {...}} or {"error": "ValueError"}.

    python3 scripts/gen_fixtures_fidelity.py            # the committed fixture
    python3 scripts/gen_fixtures_fidelity.py SEED OUT   # another draw, e.g.
    FIDELITY_FIXTURE=OUT deno test -A tests/fidelity_test.ts
"""
import json
import pathlib
import random
import warnings

import numpy as np
from _fixture_enc import enc as enc_nd

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "fidelity.json"
SEED = 20261204
N_RANDOM = 3000

SNAKE = {
    "keepdims": "keepdims",
    "returnIndex": "return_index",
    "returnInverse": "return_inverse",
    "returnCounts": "return_counts",
    "equalNan": "equal_nan",
    "fullMatrices": "full_matrices",
    "computeUv": "compute_uv",
}


class Arr:
    """An argument passed as an NDArray (not a JS list)."""

    def __init__(self, a):
        self.a = np.asarray(a)


def val(x):
    """The JSON encoding of one argument or option value."""
    if isinstance(x, Arr):
        return {"nd": enc_nd(x.a)}
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        if abs(x) > 2**53:
            return {"big": str(x)}
        return x
    if isinstance(x, float):
        if x != x:
            return {"num": "nan"}
        if x in (float("inf"), float("-inf")):
            return {"num": "inf" if x > 0 else "-inf"}
        return x
    if isinstance(x, (list, tuple)):
        return {"list": [val(v) for v in x]}
    if isinstance(x, str) or x is None:
        return x
    raise TypeError(f"cannot encode {x!r}")


def npval(x):
    if isinstance(x, Arr):
        return x.a
    if isinstance(x, list):
        return [npval(v) for v in x]
    return x


def result(r):
    if isinstance(r, tuple):
        return {"tuple": [result(v) for v in r]}
    if isinstance(r, dict):
        return {"obj": {k: result(v) for k, v in r.items()}}
    if isinstance(r, list):
        return {"tuple": [result(v) for v in r]}
    a = np.asarray(r)
    if a.dtype == object:
        raise TypeError("object result")
    return {"nd": enc_nd(a)}


def unique_np(a, **kw):
    names = [("returnIndex", "indices"), ("returnInverse", "inverse"), ("returnCounts", "counts")]
    want = [n for k, n in names if kw.get(SNAKE[k])]
    r = np.unique(a, **kw)
    if not want:
        return r
    return {"values": r[0], **{n: r[i + 1] for i, n in enumerate(want)}}


def integers_np(seed, low, high, size, **kw):
    return np.random.default_rng(seed).integers(low, high, size, **kw)


NP = {
    "linalg.matrixRank": np.linalg.matrix_rank,
    "linalg.norm": np.linalg.norm,
    "expandDims": np.expand_dims,
    "broadcastTo": np.broadcast_to,
    "countNonzero": np.count_nonzero,
    "arrayEqual": np.array_equal,
    "floorDivide": np.floor_divide,
    "greaterEqual": np.greater_equal,
    "lessEqual": np.less_equal,
    "notEqual": np.not_equal,
    "logicalAnd": np.logical_and,
    "logicalOr": np.logical_or,
    "logicalXor": np.logical_xor,
    "logicalNot": np.logical_not,
    "bitwiseAnd": np.bitwise_and,
    "bitwiseOr": np.bitwise_or,
    "bitwiseXor": np.bitwise_xor,
    "takeAlongAxis": np.take_along_axis,
    "atleast1d": np.atleast_1d,
    "atleast2d": np.atleast_2d,
    "atleast3d": np.atleast_3d,
    "unique": unique_np,
    "rng.integers": integers_np,
}


def np_fn(name):
    return NP.get(name) or getattr(np, name)


def as_f32(x):
    """int8/uint8/bool arrays as float32 (see the float16 rule in run)."""
    if isinstance(x, Arr) and x.a.dtype in (np.int8, np.uint8, np.bool_):
        return Arr(x.a.astype(np.float32))
    if isinstance(x, bool):
        return Arr(np.float32(x))
    return x


def run(name, args, kw):
    f = np_fn(name)  # outside the try: a wrong name is a generator bug
    kw_np = {SNAKE.get(k, k): npval(v) for k, v in kw.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = f(*[npval(a) for a in args], **kw_np)
            if isinstance(r, (np.ndarray, np.generic)) and r.dtype == np.float16:
                # raptors has no float16 and computes these in float32
                # (docs/COMPATIBILITY.md): NumPy's result in float32
                r = f(*[npval(as_f32(a)) for a in args], **kw_np)
        except Exception as e:  # noqa: BLE001 - the class is the result
            return {"error": type(e).__name__}
    return result(r)


def case(name, args, kw=None, expect=None):
    kw = kw or {}
    return {
        "fn": name,
        "args": [val(a) for a in args],
        "kw": {k: val(v) for k, v in kw.items()},
        "expect": expect if expect is not None else run(name, args, kw),
    }


def hand_cases():
    c = []
    a22 = Arr(np.array([[1, 2], [3, 4]]))
    f = Arr(np.array([1.234, -5.678, 2.675, 0.125, -0.5, 1.5]))
    # round decimals
    c.append(case("round", [f], {"decimals": 1}))
    c.append(case("round", [f], {"decimals": 2}))
    c.append(case("round", [Arr(f.a.astype(np.float32))], {"decimals": 2}))
    c.append(case("round", [Arr(np.array([1234.5678, -55.5]))], {"decimals": -2}))
    c.append(case("round", [Arr(np.array([15, 25, -35], dtype=np.int32))], {"decimals": -1}))
    c.append(case("round", [Arr(np.array([250], dtype=np.uint8))], {"decimals": -2}))
    c.append(case("round", [Arr(np.array([7, 8], dtype=np.int64))], {"decimals": 3}))
    c.append(case("round", [Arr(np.array([True]))], {"decimals": 1}))
    c.append(case("round", [2.5]))
    # searchsorted sorter
    c.append(case("searchsorted", [Arr([3, 1, 2]), Arr([1.5, 2.5])], {"sorter": Arr([1, 2, 0])}))
    c.append(case("searchsorted", [Arr([3, 1, 2]), Arr([1.5, 2.5])], {"sorter": Arr([1, 2, 0]), "side": "right"}))
    c.append(case("searchsorted", [Arr([3, 1, 2]), Arr([1.5])], {"sorter": Arr([1, 2])}))
    c.append(case("searchsorted", [Arr([3, 1, 2]), Arr([1.5])], {"sorter": Arr([1.0, 2, 0])}))
    # reductions where / initial
    m = Arr([True, False])
    for fn in ["sum", "prod", "all", "any", "mean", "var", "std", "nansum", "nanmean"]:
        arr = Arr(a22.a > 2) if fn in ("all", "any") else a22
        c.append(case(fn, [arr], {"where": m}))
        c.append(case(fn, [arr], {"where": Arr([[True, False], [True, True]]), "axis": 0}))
        c.append(case(fn, [arr], {"where": m, "axis": 1, "keepdims": True}))
    for fn in ["max", "min", "nanmax", "nanmin"]:
        c.append(case(fn, [a22], {"where": m}))
        c.append(case(fn, [a22], {"where": m, "initial": -10 if fn.endswith("max") else 10}))
        c.append(case(fn, [a22], {"initial": 10}))
        c.append(case(fn, [Arr(np.array([]))], {"initial": 3}))
    c.append(case("sum", [Arr(np.array([1, 2], dtype=np.int32))], {"initial": 5}))
    c.append(case("sum", [Arr(np.array([1.5], dtype=np.float32))], {"initial": 1}))
    c.append(case("prod", [a22], {"axis": 1, "initial": 2, "where": Arr([False, True])}))
    c.append(case("sum", [a22], {"where": False}))
    c.append(case("mean", [a22], {"where": False}))
    c.append(case("sum", [a22], {"where": Arr(np.array([1, 0]))}))
    c.append(case("sum", [a22], {"where": [1, 0]}))
    c.append(case("sum", [Arr([1, 2])], {"where": Arr([[True], [False]])}))
    c.append(case("std", [a22], {"axis": 1, "where": Arr([True, True]), "ddof": 1}))
    c.append(case("nanmax", [Arr([1.0, np.nan, 3.0])], {"where": Arr([True, True, False]), "initial": -5}))
    # unique axis
    u = Arr(np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1], [np.nan, 0, 0], [np.nan, 0, 0]]))
    c.append(case("unique", [u], {"axis": 0}))
    c.append(case("unique", [u], {"axis": 1}))
    c.append(case("unique", [u], {"axis": 0, "returnIndex": True, "returnInverse": True, "returnCounts": True}))
    c.append(case("unique", [Arr(np.array([[3, 1], [3, 1], [2, 5]], dtype=np.int32))], {"axis": 0, "returnInverse": True}))
    c.append(case("unique", [Arr(np.zeros((0, 3)))], {"axis": 0}))
    c.append(case("unique", [u], {"axis": 3}))
    c.append(case("unique", [Arr(np.array([[True, False], [True, False]]))], {"axis": 1}))
    # cov weights, normalization, errors
    cm = Arr(np.array([[1.0, 2, 4, 7], [0, 3, 1, 2]]))
    c.append(case("cov", [cm], {"fweights": Arr([1, 2, 1, 3])}))
    c.append(case("cov", [cm], {"aweights": Arr([0.5, 1, 2, 1])}))
    c.append(case("cov", [cm], {"fweights": Arr([1, 2, 1, 3]), "aweights": Arr([0.5, 1, 2, 1]), "ddof": 0}))
    c.append(case("cov", [cm], {"fweights": Arr([1, 2, 1, 3]), "aweights": Arr([0.5, 1, 2, 1]), "ddof": 2}))
    c.append(case("cov", [cm], {"ddof": 1.5}))
    c.append(case("cov", [cm], {"fweights": Arr([1.5, 2, 1, 3])}))
    c.append(case("cov", [cm], {"fweights": Arr([1, 2, 1])}))
    c.append(case("cov", [cm], {"aweights": Arr([1, -2, 1, 1])}))
    c.append(case("cov", [Arr(np.array([[1.0, 2, 3]]))], {"rowvar": False, "bias": True}))
    c.append(case("cov", [Arr(np.array([1.0, 2, 3]))], {"rowvar": False, "bias": True}))
    c.append(case("cov", [Arr(np.zeros((0, 3)))]))
    # interp period, average returned
    c.append(case("interp", [Arr([-180, -170, -185, 185, -10, -5, 0, 365]), Arr([190, -190, 350, -350]), Arr([5, 10, 3, 4])], {"period": 360}))
    c.append(case("interp", [Arr([0.5, 1.7]), Arr([0, 1]), Arr([0, 2])], {"period": -1.5}))
    c.append(case("interp", [Arr([0.5]), Arr([0, 1]), Arr([0, 2])], {"period": 0}))
    c.append(case("average", [a22], {"returned": True}))
    c.append(case("average", [a22], {"axis": 0, "returned": True}))
    c.append(case("average", [a22], {"axis": 1, "weights": Arr([1, 3]), "returned": True, "keepdims": True}))
    c.append(case("average", [Arr(a22.a.astype(np.float32))], {"axis": 0, "returned": True}))
    # Generator.integers dtype (args: seed, low, high, size)
    for dt in ["int32", "uint32", "uint64", "int64"]:
        c.append(case("rng.integers", [42, -5 if dt.startswith("int") else 0, 100, 7], {"dtype": dt}))
    c.append(case("rng.integers", [42, 0, 2**32 - 1, 5], {"dtype": "uint32"}))
    c.append(case("rng.integers", [42, -1, 10, 3], {"dtype": "uint32"}))
    # result dtypes
    i32 = Arr(np.arange(6, dtype=np.int32).reshape(2, 3))
    c.append(case("einsum", ["ij->j", i32]))
    c.append(case("einsum", ["ij->j", Arr(i32.a.astype(np.uint8))]))
    c.append(case("einsum", ["ij,ij->", i32, i32]))
    c.append(case("histogram", [Arr(np.array([0, 1, 2.5, 7], dtype=np.float32))], {"bins": 4}))
    c.append(case("histogram", [Arr(np.array([0.1, 0.2, 0.3], dtype=np.float32))], {"bins": 3}))
    c.append(case("histogram", [Arr(np.array([0, 1, 2.5, 7], dtype=np.float32))], {"bins": [0, 1, 5]}))
    # empty and degenerate inputs
    c.append(case("median", [Arr(np.array([]))]))
    c.append(case("median", [Arr(np.array([], dtype=np.float32))]))
    c.append(case("median", [Arr(np.zeros((0, 3)))], {"axis": 0}))
    c.append(case("median", [Arr(np.zeros((0, 3)))], {"axis": 0, "keepdims": True}))
    c.append(case("nanmedian", [Arr(np.array([]))]))
    c.append(case("nanmedian", [Arr(np.zeros((2, 0)))], {"axis": 1}))
    c.append(case("partition", [Arr(np.array([], dtype=np.int32)), 0]))
    c.append(case("argpartition", [Arr(np.array([], dtype=np.int32)), 3]))
    c.append(case("partition", [Arr([3, 1, 2]), 5]))
    c.append(case("linalg.matrixRank", [Arr(np.zeros((2, 0)))]))
    c.append(case("diff", [Arr([1, 2, 4])], {"n": 0, "prepend": 0}))
    c.append(case("diff", [Arr([1, 2, 4])], {"prepend": 0, "append": Arr([5, 6])}))
    # errors NumPy raises
    c.append(case("percentile", [Arr([False]), 50]))
    c.append(case("quantile", [Arr([True, False, True]), 0.5], {"method": "lower"}))
    # exactness
    u64 = Arr(np.array([2**63, 2**64 - 1, 5], dtype=np.uint64))
    i64 = Arr(np.array([2**63 - 1, -1, 5], dtype=np.int64))
    for fn in ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"]:
        c.append(case(fn, [u64, i64]))
        c.append(case(fn, [i64, u64]))
    c.append(case("sign", [Arr(np.array([-0.0, 0.0, np.nan, -3.0, 2.0]))]))
    c.append(case("sign", [Arr(np.array([-0.0, 1.0], dtype=np.float32))]))
    # JS scalars in ufuncs
    c.append(case("add", [1, 2]))
    c.append(case("divide", [2.5, 3]))
    c.append(case("arctan2", [1, 1]))
    c.append(case("maximum", [1, 2.5]))
    c.append(case("sqrt", [4]))
    c.append(case("exp", [0.5]))
    c.append(case("power", [2, 10]))
    c.append(case("equal", [1, 1]))
    c.append(case("sum", [5]))
    c.append(case("mean", [5]))
    # function forms of the shape methods
    s3 = Arr(np.arange(24).reshape(2, 3, 4))
    c.append(case("reshape", [s3, [4, -1]]))
    c.append(case("ravel", [s3]))
    c.append(case("transpose", [s3]))
    c.append(case("transpose", [s3, [1, 0, 2]]))
    c.append(case("swapaxes", [s3, 0, 2]))
    c.append(case("moveaxis", [s3, 0, -1]))
    c.append(case("moveaxis", [s3, [0, 1], [-1, -2]]))
    c.append(case("expandDims", [s3, (0, 4)]))
    c.append(case("squeeze", [Arr(np.zeros((1, 2, 1))), (0, 2)]))
    c.append(case("squeeze", [Arr(np.zeros((1, 2, 1))), 1]))
    c.append(case("broadcastTo", [Arr([1, 2, 3]), [2, 3]]))
    c.append(case("atleast2d", [Arr([1, 2, 3])]))
    c.append(case("atleast3d", [Arr(np.zeros((2, 3)))]))
    return c


DTYPES = ["bool", "int8", "uint8", "int32", "int64", "uint64", "float32", "float64"]


def rand_array(rng, dtype=None, shape=None, allow_nan=True):
    dtype = dtype or rng.choice(DTYPES)
    if shape is None:
        nd = rng.choice([0, 1, 1, 2, 2, 3])
        shape = tuple(rng.randint(0 if rng.random() < 0.08 else 1, 4) for _ in range(nd))
    n = int(np.prod(shape)) if shape else 1
    if dtype == "bool":
        v = np.array([rng.random() < 0.5 for _ in range(n)])
    elif dtype.startswith("float"):
        v = np.array([rng.choice([rng.randint(-8, 8) / 4, rng.uniform(-10, 10)]) for _ in range(n)])
        if allow_nan and n > 2 and rng.random() < 0.15:
            v[rng.randrange(n)] = np.nan
    elif dtype.startswith("uint"):
        v = np.array([rng.randint(0, 9) for _ in range(n)])
    else:
        v = np.array([rng.randint(-9, 9) for _ in range(n)])
    return v.astype(dtype).reshape(shape)


def rand_axis(rng, nd, multi=True):
    r = rng.random()
    if r < 0.3:
        return None
    if nd == 0:
        return 0 if r < 0.4 else None
    if multi and r > 0.85 and nd >= 2:
        return tuple(rng.randrange(-nd, nd) for _ in range(2))
    if r > 0.97:
        return nd  # out of range
    return rng.randrange(-nd, nd)


REDUCTIONS = ["sum", "prod", "mean", "max", "min", "all", "any", "var", "std", "nansum", "nanmean",
              "nanmax", "nanmin", "ptp", "argmax", "argmin", "cumsum", "cumprod", "median", "countNonzero"]
UNARY = ["abs", "negative", "sqrt", "exp", "log", "sin", "cos", "tanh", "floor", "ceil", "round", "sign",
         "square", "isnan", "isfinite", "expm1", "log1p", "arctan", "logicalNot"]
BINARY = ["add", "subtract", "multiply", "divide", "floorDivide", "mod", "power", "maximum", "minimum",
          "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "arctan2", "logicalAnd",
          "logicalOr", "fmax", "fmin"]


def rand_program(rng):
    kind = rng.random()
    if kind < 0.35:
        fn = rng.choice(REDUCTIONS)
        a = rand_array(rng)
        kw = {}
        single = fn in ("argmax", "argmin", "cumsum", "cumprod", "median")
        ax = rand_axis(rng, a.ndim, multi=not single)
        if ax is not None:
            kw["axis"] = ax
        if fn not in ("cumsum", "cumprod") and rng.random() < 0.3:
            kw["keepdims"] = True
        if fn in ("var", "std") and rng.random() < 0.4:
            kw["ddof"] = rng.randint(0, 2)
        if fn in ("sum", "prod", "mean", "all", "any", "max", "min", "var", "std", "nansum", "nanmean",
                  "nanmax", "nanmin") and rng.random() < 0.25:
            kw["where"] = Arr(rand_array(rng, "bool", a.shape[rng.randint(0, a.ndim):] if a.ndim else ()))
        if fn in ("sum", "prod", "max", "min", "nansum", "nanmax", "nanmin") and rng.random() < 0.25:
            kw["initial"] = rng.randint(-3, 3) if not a.dtype.kind == "u" else rng.randint(0, 3)
        if fn in ("sum", "prod", "mean") and rng.random() < 0.1:
            # mean in an integer dtype casts its (possibly NaN) float mean to
            # int: NumPy leaves NaN -> int to the platform (INT64_MIN on x86,
            # raptors saturates), so mean draws float dtypes only
            kw["dtype"] = rng.choice(["float64", "float32"] + (["int64"] if fn != "mean" else []))
        return fn, [Arr(a)], kw
    if kind < 0.55:
        fn = rng.choice(UNARY)
        if rng.random() < 0.15:
            return fn, [rng.choice([rng.randint(-5, 5), rng.uniform(-3, 3), True])], {}
        return fn, [Arr(rand_array(rng))], {}
    if kind < 0.75:
        fn = rng.choice(BINARY)
        a = rand_array(rng)
        r = rng.random()
        if r < 0.2:
            b = rng.choice([rng.randint(-5, 5), rng.uniform(-3, 3), True])
        elif r < 0.35:
            b = Arr(rand_array(rng, shape=a.shape[-1:] if a.ndim else ()))
        elif r < 0.45:
            b = Arr(rand_array(rng))  # often not broadcastable
        else:
            b = Arr(rand_array(rng, shape=a.shape))
        if rng.random() < 0.5:
            return fn, [Arr(a), b], {}
        return fn, [b, Arr(a)], {}
    if kind < 0.9:
        a = rand_array(rng)
        nd = a.ndim
        choice = rng.choice(["reshape", "transpose", "swapaxes", "moveaxis", "expandDims", "squeeze",
                             "flip", "roll", "concatenate", "stack", "repeat", "tile", "sort", "argsort",
                             "unique", "diff", "take", "partition"])
        if choice == "reshape":
            return choice, [Arr(a), [-1] if rng.random() < 0.5 else [a.size, 1]], {}
        if choice == "transpose":
            return choice, [Arr(a)], {}
        if choice == "swapaxes":
            return choice, [Arr(a), rng.randrange(-nd - 1, nd + 1), rng.randrange(-nd - 1, nd + 1)] if nd else [Arr(a), 0, 0], {}
        if choice == "moveaxis":
            return choice, [Arr(a), rng.randrange(-nd, nd + 1) if nd else 0, rng.randrange(-nd, nd) if nd else 0], {}
        if choice == "expandDims":
            return choice, [Arr(a), rng.randrange(-nd - 1, nd + 1)], {}
        if choice == "squeeze":
            return choice, [Arr(a)], {}
        if choice == "flip":
            ax = rand_axis(rng, nd, multi=False)
            return choice, [Arr(a)], ({"axis": ax} if ax is not None else {})
        if choice == "roll":
            ax = rand_axis(rng, nd, multi=False)
            return choice, [Arr(a), rng.randint(-4, 4)], ({"axis": ax} if ax is not None else {})
        if choice in ("concatenate", "stack"):
            b = rand_array(rng, shape=a.shape if rng.random() < 0.8 else None)
            kw = {"axis": rng.randrange(-nd - 1, nd + 1)} if nd and rng.random() < 0.6 else {}
            return choice, [[Arr(a), Arr(b)]], kw
        if choice == "repeat":
            ax = rand_axis(rng, nd, multi=False)
            return choice, [Arr(a), rng.randint(0, 3)], ({"axis": ax} if ax is not None else {})
        if choice == "tile":
            return choice, [Arr(a), rng.choice([2, [2, 1], [1, 2, 2]])], {}
        if choice in ("sort", "argsort"):
            ax = rand_axis(rng, nd, multi=False)
            kw = {"axis": ax} if ax is not None else {}
            # NumPy's argsort is not stable by default; raptors' always is
            if choice == "argsort":
                kw["kind"] = "stable"
            return choice, [Arr(a)], kw
        if choice == "unique":
            return choice, [Arr(a)], ({"returnCounts": True} if rng.random() < 0.3 else {})
        if choice == "diff":
            kw = {"n": rng.randint(0, 2)}
            if nd and rng.random() < 0.5:
                kw["axis"] = rng.randrange(-nd, nd)
            return choice, [Arr(a)], kw
        if choice == "take":
            ind = [rng.randint(-3, 3) for _ in range(rng.randint(0, 3))]
            kw = {"axis": rng.randrange(-nd, nd)} if nd and rng.random() < 0.5 else {}
            return choice, [Arr(a), ind], kw
        if choice == "partition":
            kth = rng.randint(-2, 2)
            return choice, [Arr(a), kth], {}
    # statistics
    a = rand_array(rng, rng.choice(["float64", "float32", "int32", "int64"]))
    fn = rng.choice(["quantile", "percentile", "nanquantile", "average", "ptp", "clip", "searchsorted"])
    if fn in ("quantile", "nanquantile"):
        kw = {"method": rng.choice(["linear", "lower", "higher", "nearest", "midpoint"])}
        ax = rand_axis(rng, a.ndim, multi=False)
        if ax is not None:
            kw["axis"] = ax
        return fn, [Arr(a), rng.choice([0.5, 0.25, [0.1, 0.9]])], kw
    if fn == "percentile":
        return fn, [Arr(a), rng.choice([50, 90, [10, 75]])], {}
    if fn == "average":
        kw = {}
        if a.ndim and rng.random() < 0.5:
            kw["axis"] = rng.randrange(-a.ndim, a.ndim)
            kw["weights"] = Arr(rand_array(rng, "float64", (a.shape[kw["axis"]],)))
        if rng.random() < 0.3:
            kw["returned"] = True
        return fn, [Arr(a)], kw
    if fn == "ptp":
        ax = rand_axis(rng, a.ndim, multi=False)
        return fn, [Arr(a)], ({"axis": ax} if ax is not None else {})
    if fn == "clip":
        return fn, [Arr(a), rng.randint(-3, 0), rng.randint(0, 3)], {}
    s = np.sort(rand_array(rng, a.dtype.name, (rng.randint(1, 6),), allow_nan=False))
    return fn, [Arr(s), Arr(a)], ({"side": "right"} if rng.random() < 0.5 else {})


def main():
    import sys

    seed = int(sys.argv[1]) if len(sys.argv) > 1 else SEED
    out = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else OUT
    hand = hand_cases()
    rng = random.Random(seed)
    rand = []
    while len(rand) < N_RANDOM:
        fn, args, kw = rand_program(rng)
        try:
            rand.append(case(fn, args, kw))
        except TypeError:
            continue  # an object result NumPy gives (not an array)
    out.write_text(json.dumps({"numpy": np.__version__, "seed": seed, "cases": hand, "random": rand}))
    print(f"{out}: {len(hand)} hand-written, {len(rand)} random programs")


if __name__ == "__main__":
    main()
