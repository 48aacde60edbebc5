/**
 * NumPy ufuncs over NDArrays: broadcasting, NEP 50 type promotion, an
 * optional `out`, computed by the strided Rust engine (`rp_ufunc1`,
 * `rp_ufunc2`).
 *
 * Operands may be NDArrays, nested JS arrays, TypedArrays or scalars (JS
 * scalars are "weak", as Python's are in NumPy 2: `int8Array + 1` stays
 * int8, and an integer scalar outside the dtype's range is an error).
 *
 * @module
 */
import { taByteOffset, taLength } from "../_intrinsics.ts";
import {
  argView,
  checkWritable,
  kernel,
  metaWords,
  notRecordable,
} from "../engine/_record.ts";
import { overlaps } from "../core/_arena.ts";
import { allocStorage } from "../core/_pool.ts";
import { UFUNC1, UFUNC2 } from "../../ffi/symbols.ts";
import {
  BOOL_AS,
  BOOL_ERROR1,
  BOOL_ERROR2,
  BOOL_INT8,
  BOOL_INT8_1,
  BOOL_OUT,
  COMPARISONS,
  FLOAT_FNS,
  IDENTITY_BOOL,
  IDENTITY_INT,
  LOGICAL,
  LOOP_FLOAT,
  LOOP_FLOAT64,
  LOOP_INTEGER,
  type Op1,
  type Op2,
  PREDICATES,
} from "./_rules.ts";
import { statusError } from "../_native.ts";
import {
  type DType,
  dtypeCode,
  intRange,
  itemsize,
  kind,
  resultType,
  resultTypeWithScalar,
  type Storage,
  storageCtor,
} from "../core/dtype.ts";
import {
  copyInto,
  frozen,
  NDArray,
  ownArray,
  type Scalar,
  SCALAR_RESULT,
  scalarResult,
  storageOf,
  toStored,
  wrap,
} from "../core/ndarray.ts";
import { array } from "../core/creation.ts";
import {
  broadcastShapes,
  broadcastStrides,
  cStrides,
  fmtShape,
  kStrides,
  sizeOf,
} from "../core/_shape.ts";
import { checkOptions, type OptionKeys, optionKeys } from "../_typed.ts";
import { show } from "../_show.ts";
import { fastBinary, fastUnary } from "./_fast.ts";

/** Anything a ufunc accepts as an operand. */
export type ArrayLikeInput =
  | NDArray
  | Scalar
  | readonly unknown[]
  | ArrayBufferView;

/** The default options (identity marks "none given": the fast path). */
const NO_OPTIONS: UfuncOptions = Object.freeze({});

/** Options of every ufunc. */
export interface UfuncOptions {
  /** Where to write the result (its shape and dtype must match the result's). */
  out?: NDArray;
}
/** The keys of {@link UfuncOptions}. */
export const UFUNC_KEYS = optionKeys<UfuncOptions>({ out: 1 });

function isScalar(x: unknown): x is Scalar {
  return typeof x === "number" || typeof x === "bigint" ||
    typeof x === "boolean";
}

/** An NDArray as is, anything else through `array()`. */
export function asNd(x: ArrayLikeInput): NDArray {
  return x instanceof NDArray ? x : array(x);
}

/**
 * The first two steps of most public NDArray functions, in that order:
 * {@link checkOptions}, then the operand `a` as an NDArray (itself when it
 * is one, else `array(a)`).
 */
export function checkedNd(
  options: unknown,
  fn: string,
  keys: OptionKeys,
  a: ArrayLikeInput,
): NDArray {
  checkOptions(options, fn, keys);
  return asNd(a);
}

/** The float dtype NumPy computes float functions of `d` in (no float16 here: float32). */
function floatFor(d: DType): DType {
  if (kind(d) === "f") return d;
  return d === "bool" || d === "int8" || d === "uint8" || d === "int16" ||
      d === "uint16"
    ? "float32"
    : "float64";
}

/**
 * The dtype of binary op `op`'s float loop for promoted dtype `d`
 * (`float64` rule: integers and bools to float64; `float`: the smallest
 * float holding them), or `undefined` when the op's loop is not float.
 */
function floatLoop(op: Op2, d: DType): DType | undefined {
  if (LOOP_FLOAT64.has(op)) return kind(d) === "f" ? d : "float64";
  if (LOOP_FLOAT.has(op)) return floatFor(d);
  return undefined;
}

/** A 0-d array holding a weak scalar converted to `dtype` (checked). */
function scalarArray(s: Scalar, dtype: DType, fn: string): NDArray {
  const st = argView(
    storageCtor(dtype) as unknown as {
      new (b: ArrayBuffer, o: number, n: number): Storage;
      new (n: number): Storage;
    },
    1,
    itemsize(dtype),
  );
  let v: Scalar = s;
  if (kind(dtype) === "f" && typeof v === "bigint") v = Number(v);
  (st as unknown as Array<number | bigint>)[0] = toStored(dtype, v, fn);
  return ownArray(st, dtype, []);
}

/**
 * NumPy's default output layout (order "K"): the axis order of the first
 * operand with the full shape and no broadcast axes, so `f(a.T)` keeps
 * `a.T`'s memory layout (and later sums walk memory in NumPy's order).
 */
function kOrderStrides(shape: number[], like: NDArray[]): number[] {
  const nd = shape.length;
  const src = like.find((x) =>
    x.ndim === nd && x.shape.every((d, i) => d === shape[i]) &&
    x._strides.every((st) => st !== 0)
  );
  return src ? kStrides(shape, src._strides) : cStrides(shape);
}

function prepareOut(
  out: NDArray | undefined,
  shape: number[],
  dtype: DType,
  fn: string,
  like: NDArray[] = [],
): NDArray {
  if (out === undefined) {
    // raptors' own storage and layout: wrapped, not re-checked
    return wrap(
      allocStorage(dtype, sizeOf(shape)),
      dtype,
      frozen(shape),
      frozen(kOrderStrides(shape, like)),
    );
  }
  if (!(out instanceof NDArray)) {
    throw new TypeError(`${fn}(): 'out' must be an NDArray`);
  }
  out._live(fn);
  checkWritable(storageOf(out), fn);
  if (
    out.shape.length !== shape.length ||
    out.shape.some((d, i) => d !== shape[i])
  ) {
    throw new RangeError(
      `${fn}(): non-broadcastable output operand with shape ${
        fmtShape(out.shape)
      } doesn't match the broadcast shape ${fmtShape(shape)}`,
    );
  }
  if (out.dtype !== dtype) {
    throw new TypeError(
      `${fn}(): Cannot cast ufunc '${fn}' output from dtype('${dtype}') to dtype('${out.dtype}') (raptors requires 'out' to have the result dtype)`,
    );
  }
  return out;
}

/** An input overlapping `out` in any way but exactly is copied first. */
function unaliasInput(x: NDArray, xStrides: number[], out: NDArray): NDArray {
  if (!overlaps(storageOf(x), storageOf(out))) return x;
  const same = taByteOffset(storageOf(x)) === taByteOffset(storageOf(out)) &&
    x._offset === out._offset &&
    xStrides.every((s, i) => s === out._strides[i]);
  return same ? x : x.copy();
}

/**
 * NumPy 2 lets a comparison take an integer scalar outside the array's
 * range (`int8_array > 300` is all False) where arithmetic raises: compare
 * in int64, or in float64 when the scalar is outside int64 too.
 */
function comparisonDtype(op: Op2, dtype: DType, s: Scalar): DType {
  if (
    !(COMPARISONS.has(op) || LOGICAL.has(op)) || typeof s === "boolean" ||
    kind(dtype) === "f"
  ) {
    return dtype;
  }
  if (typeof s === "number" && !Number.isInteger(s)) return dtype;
  const v = BigInt(s);
  const [lo, hi] = intRange(dtype);
  if (v >= lo && v <= hi) return dtype;
  const [l64, h64] = intRange("int64");
  return dtype !== "uint64" && v >= l64 && v <= h64 ? "int64" : "float64";
}

/**
 * Two operands as NDArrays and their common dtype (NEP 50): arrays
 * promote with `resultType`; a JS scalar is weak, takes the other operand's
 * dtype when its kind allows (`adjust` may widen it, e.g. for comparisons),
 * and becomes a checked 0-d array of that dtype.
 */
function promoteOperands(
  x: ArrayLikeInput,
  y: ArrayLikeInput,
  adjust: (dtype: DType, scalar: Scalar) => DType,
  fn: string,
): [NDArray, NDArray, DType] {
  if (isScalar(y) && !isScalar(x)) {
    const a = asNd(x);
    const dtype = adjust(resultTypeWithScalar(a.dtype, y), y);
    return [a, scalarArray(y, dtype, fn), dtype];
  }
  if (isScalar(x) && !isScalar(y)) {
    const b = asNd(y);
    const dtype = adjust(resultTypeWithScalar(b.dtype, x), x);
    return [scalarArray(x, dtype, fn), b, dtype];
  }
  const a = asNd(x), b = asNd(y);
  return [a, b, resultType(a.dtype, b.dtype)];
}

const EXACT_CMP: Partial<Record<Op2, (x: bigint, y: bigint) => boolean>> = {
  equal: (x, y) => x === y,
  notEqual: (x, y) => x !== y,
  less: (x, y) => x < y,
  lessEqual: (x, y) => x <= y,
  greater: (x, y) => x > y,
  greaterEqual: (x, y) => x >= y,
};

/**
 * A comparison of uint64 with int64, exact as NumPy 2's (their common
 * dtype is float64, which cannot tell 2**63 from 2**63 - 1): the values
 * are compared as bigints.
 */
function compare64(
  op: Op2,
  f: (x: bigint, y: bigint) => boolean,
  a: NDArray,
  b: NDArray,
  out: NDArray | undefined,
): NDArray {
  notRecordable(
    op,
    "uint64 against int64 is compared exactly in JS (bigints), which " +
      "needs the values",
  );
  const shape = broadcastShapes([a.shape, b.shape], op);
  const x = a.broadcastTo(shape).copy()._read(op) as BigInt64Array;
  const y = b.broadcastTo(shape).copy()._read(op) as BigInt64Array;
  const r = new Uint8Array(x.length);
  for (let i = 0; i < r.length; i++) r[i] = f(x[i]!, y[i]!) ? 1 : 0;
  const res = ownArray(r, "bool", shape);
  return out === undefined ? res : prepareOutCopy(res, out, op);
}

/** Runs binary ufunc `op` with NumPy's dtype rules. */
export function ufunc2(
  op: Op2,
  x: ArrayLikeInput,
  y: ArrayLikeInput,
  options: UfuncOptions = NO_OPTIONS,
): NDArray {
  outGiven = false;
  if (options === NO_OPTIONS) {
    const r = fastBinary(op, x, y);
    if (r !== undefined) return r;
  }
  checkOptions(options, op, UFUNC_KEYS);
  // read once: a getter could answer differently to a second read
  const given = options?.out;
  outGiven = given !== undefined;
  if (given !== undefined) {
    const r = fastBinary(op, x, y, given);
    if (r !== undefined) return r;
  }
  let [a, b, dtype] = promoteOperands(
    x,
    y,
    // float loops (divide, arctan2) take integers: a JS integer goes
    // there unchecked against the integer dtype (divide(-1, uint64) is
    // -0.5, as NumPy)
    (d, sc) =>
      typeof sc !== "boolean" && (kind(d) === "i" || kind(d) === "u")
        ? floatLoop(op, d) ?? comparisonDtype(op, d, sc)
        : comparisonDtype(op, d, sc),
    op,
  );
  a._live(op);
  b._live(op);
  // The dtype the loop runs in, per NumPy's loops.
  let opCode = UFUNC2[op];
  const float = floatLoop(op, dtype);
  if (float !== undefined) dtype = float;
  else if (dtype === "bool") {
    const as = BOOL_AS[op], error = BOOL_ERROR2[op];
    if (as !== undefined) opCode = UFUNC2[as];
    else if (error !== undefined) throw new TypeError(`${op}(): ${error}`);
    else if (BOOL_INT8.has(op)) dtype = "int8";
  }
  if (LOOP_INTEGER.has(op) && kind(dtype) === "f") {
    throw new TypeError(
      `${op}(): ufunc '${op}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''`,
    );
  }
  const outDtype: DType = BOOL_OUT.has(op) ? "bool" : dtype;
  const exact = EXACT_CMP[op];
  if (
    exact !== undefined &&
    ((a.dtype === "uint64" && b.dtype === "int64") ||
      (a.dtype === "int64" && b.dtype === "uint64"))
  ) return compare64(op, exact, a, b, given);
  if (a.dtype !== dtype) a = a.astype(dtype);
  if (b.dtype !== dtype) b = b.astype(dtype);
  const shape = broadcastShapes([a.shape, b.shape], op);
  const out = prepareOut(given, shape, outDtype, op, [a, b]);
  a = unaliasInput(a, broadcastStrides(a.shape, a._strides, shape), out);
  b = unaliasInput(b, broadcastStrides(b.shape, b._strides, shape), out);
  const nd = shape.length;
  const meta = metaWords(3 + 4 * nd);
  meta[0] = a._offset;
  meta[1] = b._offset;
  meta[2] = out._offset;
  const as2 = broadcastStrides(a.shape, a._strides, shape);
  const bs2 = broadcastStrides(b.shape, b._strides, shape);
  for (let i = 0; i < nd; i++) {
    meta[3 + i] = shape[i]!;
    meta[3 + nd + i] = as2[i]!;
    meta[3 + 2 * nd + i] = bs2[i]!;
    meta[3 + 3 * nd + i] = out._strides[i]!;
  }
  if (sizeOf(shape) === 0) return out;
  const status = kernel(
    "rp_ufunc2",
    opCode,
    dtypeCode(dtype),
    storageOf(a),
    taLength(storageOf(a)),
    storageOf(b),
    taLength(storageOf(b)),
    storageOf(out),
    taLength(storageOf(out)),
    nd,
    meta,
  );
  if (status !== 0) throw statusError(status, op);
  return out;
}

/** Runs unary ufunc `op` with NumPy's dtype rules. */
export function ufunc1(
  op: Op1,
  x: ArrayLikeInput,
  options: UfuncOptions = NO_OPTIONS,
): NDArray {
  outGiven = false;
  if (options === NO_OPTIONS) {
    const r = fastUnary(op, x);
    if (r !== undefined) return r;
  }
  checkOptions(options, op, UFUNC_KEYS);
  const given = options?.out;
  outGiven = given !== undefined;
  if (given !== undefined) {
    const r = fastUnary(op, x, given);
    if (r !== undefined) return r;
  }
  let a = asNd(x);
  a._live(op);
  let dtype = a.dtype;
  const k = kind(dtype);
  if (
    ((k === "i" || k === "u") && IDENTITY_INT.has(op)) ||
    (k === "b" && IDENTITY_BOOL.has(op))
  ) {
    // NumPy 2: integers (and bools, for floor/ceil) round to themselves
    return prepareOutCopy(a, given, op);
  }
  if (FLOAT_FNS.has(op)) dtype = floatFor(dtype);
  else if (k === "b") {
    const error = BOOL_ERROR1[op];
    if (error !== undefined) throw new TypeError(`${op}(): ${error}`);
    if (BOOL_INT8_1.has(op)) dtype = "int8";
  }
  const outDtype: DType = PREDICATES.has(op) ? "bool" : dtype;
  if (a.dtype !== dtype) a = a.astype(dtype);
  const shape = a.shape.slice();
  const out = prepareOut(given, shape, outDtype, op, [a]);
  a = unaliasInput(a, a._strides.slice(), out);
  const nd = shape.length;
  const meta = metaWords(2 + 3 * nd);
  meta[0] = a._offset;
  meta[1] = out._offset;
  for (let i = 0; i < nd; i++) {
    meta[2 + i] = shape[i]!;
    meta[2 + nd + i] = a._strides[i]!;
    meta[2 + 2 * nd + i] = out._strides[i]!;
  }
  if (sizeOf(shape) === 0) return out;
  const status = kernel(
    "rp_ufunc1",
    UFUNC1[op],
    dtypeCode(dtype),
    storageOf(a),
    taLength(storageOf(a)),
    storageOf(out),
    taLength(storageOf(out)),
    nd,
    meta,
  );
  if (status !== 0) throw statusError(status, op);
  return out;
}

function prepareOutCopy(
  a: NDArray,
  out: NDArray | undefined,
  fn: string,
): NDArray {
  if (out === undefined) return a.copy();
  copyInto(a, prepareOut(out, a.shape.slice(), a.dtype, fn));
  return out;
}

/** True for operands that take the NDArray path (not plain TypedArrays). */
export function isNdOperand(x: unknown): boolean {
  return x instanceof NDArray || Array.isArray(x);
}

/** A JS scalar operand: NumPy's Python scalars (`1` int, `1.5` float). */
export type JsScalar = number | bigint | boolean;

/**
 * A binary ufunc: NDArray operands give an NDArray; two JS scalars give a
 * JS scalar, as NumPy gives a scalar for `np.add(1, 2)`.
 */
export type BinaryUfunc = {
  (a: JsScalar, b: JsScalar, options?: { out?: undefined }): Scalar;
  (a: ArrayOperand, b: ArrayLikeInput, options?: UfuncOptions): NDArray;
  (a: ArrayLikeInput, b: ArrayOperand, options?: UfuncOptions): NDArray;
  (
    a: ArrayLikeInput,
    b: ArrayLikeInput,
    options?: UfuncOptions,
  ): NDArray | Scalar;
};
/** A unary ufunc; a JS scalar gives a JS scalar. */
export type UnaryUfunc = {
  (a: JsScalar, options?: { out?: undefined }): Scalar;
  (a: ArrayOperand, options?: UfuncOptions): NDArray;
  (a: ArrayLikeInput, options?: UfuncOptions): NDArray | Scalar;
};
/** An operand that is an array (an NDArray, TypedArray or JS list). */
export type ArrayOperand = NDArray | readonly unknown[] | ArrayBufferView;

/** Whether `x` is a JS scalar operand. */
export function isJsScalar(x: unknown): x is JsScalar {
  const t = typeof x;
  return t === "number" || t === "bigint" || t === "boolean";
}

/**
 * A JS scalar, or the 0-d array that stands for a scalar result while an
 * engine job is recorded (`rp.sum(x)` there): a ufunc of such operands only
 * gives a scalar result, as it does outside the job.
 */
export function isScalarLike(x: unknown): boolean {
  return isJsScalar(x) || (x instanceof NDArray && SCALAR_RESULT.has(x));
}

/**
 * Whether the last {@link ufunc1}/{@link ufunc2} call was given an `out`
 * (read once there: a getter on the options is not asked twice).
 */
let outGiven = false;

/** The binary ufunc `op` as a function (`src/ufunc/ufuncs.ts`). */
export const bin = (op: Op2): BinaryUfunc =>
  ((a: ArrayLikeInput, b: ArrayLikeInput, o?: UfuncOptions) => {
    const r = ufunc2(op, a, b, o);
    return isScalarLike(a) && isScalarLike(b) && !outGiven
      ? scalarResult(r)
      : r;
  }) as BinaryUfunc;
/** The unary ufunc `op` as a function (`src/ufunc/ufuncs.ts`). */
export const un = (op: Op1): UnaryUfunc =>
  ((a: ArrayLikeInput, o?: UfuncOptions) => {
    const r = ufunc1(op, a, o);
    return isScalarLike(a) && !outGiven ? scalarResult(r) : r;
  }) as UnaryUfunc;

/** Options of {@link round}. */
export interface RoundOptions extends UfuncOptions {
  /**
   * Decimal places to round to (default 0); negative: places left of the
   * decimal point. An integer.
   */
  decimals?: number;
}
const ROUND_KEYS = optionKeys<RoundOptions>({ out: 1, decimals: 1 });

/** NumPy's `power_of_ten`: exact up to 1e22, then repeated products. */
function powerOfTen(n: number): number {
  if (n < 9) return 10 ** n;
  let r = 1e9;
  // past 1e308 the product is Infinity for good
  while (n-- > 9 && r !== Infinity) r *= 10;
  return r;
}

/**
 * Round half to even to `decimals` places (NumPy's `round`/`around`).
 * As NumPy, floats are scaled by `10 ** decimals`, rounded and scaled
 * back in their own dtype (so `round(2.675, 2)` is `2.68`, and the result
 * carries the error of the scaling); integers round to themselves for
 * `decimals >= 0` and through float64 for negative ones (`round(25, -1)`
 * is `20`); bools only take `decimals: 0`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.round([0.5, 1.5, 2.5, -0.5]).tolist(), [0, 2, 2, -0]);
 * assert.deepEqual(rp.round([2.675, 1.005], { decimals: 2 }).tolist(), [2.68, 1]);
 * assert.equal(rp.round(25, { decimals: -1 }), 20n);
 * ```
 */
export function round(
  a: JsScalar,
  options?: RoundOptions & { out?: undefined },
): Scalar;
/** Of an array: a new NDArray (or `out`). */
export function round(a: ArrayLikeInput, options?: RoundOptions): NDArray;
export function round(
  a: ArrayLikeInput,
  options?: RoundOptions,
): NDArray | Scalar {
  const r = roundNd(a, options);
  return isScalarLike(a) && !outGiven ? scalarResult(r) : r;
}

function roundNd(a: ArrayLikeInput, options?: RoundOptions): NDArray {
  checkOptions(options, "round", ROUND_KEYS);
  const d = options?.decimals ?? 0;
  if (!Number.isInteger(d)) {
    throw new TypeError(
      `round(): decimals must be an integer, got ${show(d)}`,
    );
  }
  if (d < -2147483648 || d > 2147483647) {
    // NumPy's decimals is a C int
    throw new RangeError(
      `round(): decimals ${d} does not fit a C int (NumPy's OverflowError)`,
    );
  }
  const out = options?.out;
  const o = out === undefined ? undefined : { out };
  try {
    return roundTo(a, d, o);
  } finally {
    // read once above; round() asks this, not the options, again
    outGiven = out !== undefined;
  }
}

function roundTo(
  a: ArrayLikeInput,
  d: number,
  o: { out: NDArray } | undefined,
): NDArray {
  if (d === 0) return ufunc1("round", a, o);
  const x = asNd(a);
  const k = kind(x.dtype);
  if (k === "b") {
    throw new TypeError(
      "round(): bool arrays take only decimals: 0 (NumPy cannot cast the " +
        "scaled values back to bool)",
    );
  }
  const int = k === "i" || k === "u";
  if (int && d > 0) return ufunc1("round", x, o);
  const f = powerOfTen(Math.abs(d));
  const scale: Op2 = d > 0 ? "multiply" : "divide";
  const unscale: Op2 = d > 0 ? "divide" : "multiply";
  const src = int ? x.astype("float64") : x;
  const r = ufunc2(unscale, ufunc1("round", ufunc2(scale, src, f)), f);
  const res = int ? r.astype(x.dtype) : r;
  return o === undefined ? res : prepareOutCopy(res, o.out, "round");
}

/**
 * `x` where `cond` is true, else `y`, with broadcasting (NumPy's
 * three-argument `where`); the result dtype is `x` and `y` promoted.
 * `out` (an extension: NumPy's `where` has none) receives the result and
 * may be one of the inputs.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.where([true, false], 1, 2).tolist(), [1n, 2n]);
 * ```
 */
export function where(
  cond: ArrayLikeInput,
  x: ArrayLikeInput,
  y: ArrayLikeInput,
  options?: UfuncOptions,
): NDArray {
  checkOptions(options, "where", UFUNC_KEYS);
  let c = asNd(cond);
  if (c.dtype !== "bool") c = ufunc2("notEqual", c, 0);
  let [a, b, dtype] = promoteOperands(x, y, (d) => d, "where");
  if (a.dtype !== dtype) a = a.astype(dtype);
  if (b.dtype !== dtype) b = b.astype(dtype);
  const shape = broadcastShapes([c.shape, a.shape, b.shape], "where");
  const out = prepareOut(options?.out, shape, dtype, "where", [a, b, c]);
  c = unaliasInput(c, broadcastStrides(c.shape, c._strides, shape), out);
  a = unaliasInput(a, broadcastStrides(a.shape, a._strides, shape), out);
  b = unaliasInput(b, broadcastStrides(b.shape, b._strides, shape), out);
  const nd = shape.length;
  const meta = metaWords(4 + 5 * nd);
  const ops = [c, a, b];
  ops.forEach((o, k) => (meta[k] = o._offset));
  meta[3] = out._offset;
  const sts = ops.map((o) => broadcastStrides(o.shape, o._strides, shape));
  for (let i = 0; i < nd; i++) {
    meta[4 + i] = shape[i]!;
    for (let k = 0; k < 3; k++) meta[4 + (k + 1) * nd + i] = sts[k]![i]!;
    meta[4 + 4 * nd + i] = out._strides[i]!;
  }
  if (sizeOf(shape) === 0) return out;
  const status = kernel(
    "rp_where",
    dtypeCode(dtype),
    storageOf(c),
    taLength(storageOf(c)),
    storageOf(a),
    taLength(storageOf(a)),
    storageOf(b),
    taLength(storageOf(b)),
    storageOf(out),
    taLength(storageOf(out)),
    nd,
    meta,
  );
  if (status !== 0) throw statusError(status, "where");
  return out;
}
