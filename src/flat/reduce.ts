/**
 * The flat API's reductions over TypedArrays (re-exported by `src/flat/ops.ts`):
 * `sum`, `mean`, `min`, `max`, `argmin`, `argmax`, `dot`, `norm`. Each
 * takes an NDArray or JS list too (NumPy's function, with its options).
 *
 * @module
 */
import { DTYPE } from "../../ffi/symbols.ts";
import {
  check,
  exactNumber,
  F64,
  jsScalar,
  readSlot,
  slot,
  slotF64,
} from "./_shared.ts";
import { native } from "../_native.ts";
import { JS_BELOW } from "../_thresholds.ts";
import { taLength } from "../_intrinsics.ts";
import type { NDArray, Scalar as NdScalar } from "../core/ndarray.ts";
import {
  amax,
  amin,
  ARG_KEYS,
  argmaxAxis,
  argminAxis,
  type ArgOptions,
  EXTREMUM_KEYS,
  type ExtremumOptions,
  MEAN_KEYS,
  meanAxis,
  type MeanOptions,
  SUM_KEYS,
  sumAxis,
  type SumOptions,
} from "../reduce/reduce.ts";
import {
  dotNd,
  NORM_KEYS,
  normNd,
  type NormOptions,
} from "../linalg/products.ts";
import {
  type ArrayLikeInput,
  isNdOperand,
  type JsScalar,
} from "../ufunc/ufunc.ts";
import {
  type BigIntArray,
  checkOptions,
  checkSame,
  dtypeOf,
  given,
  type IntArray,
  isBig,
  isGenuineF64,
  maxArgs,
  type NumberArray,
  type NumericArray,
} from "../_typed.ts";
import {
  argExtreme,
  extreme,
  leafF64,
  pairwiseF32,
  pairwiseF64,
  sumBig,
  sumNumbers,
} from "../_js.ts";

// Local, as in src/flat/ops.ts: an imported function is reached through its
// module cell (1-3 ns per call at n = 16).
/**
 * Float64Array fast paths. Each public function first checks for the common
 * case (all operands Float64Array, non-empty, lengths agree, no partial
 * overlap) and runs a monomorphic loop or calls the kernel directly; any
 * other input falls through to the general path, which does every check.
 */
function f64(x: unknown): x is Float64Array {
  return x instanceof Float64Array && isGenuineF64(x);
}

/**
 * Sum of the elements. Floats are summed pairwise in NumPy's order, so the
 * result is bit-identical to `numpy.sum`; float32 input sums in float32.
 *
 * @param a The array.
 * @returns A number, or a bigint (wrapping modulo 2^64) for 64-bit input.
 * @throws {RangeError} if an 8..32-bit integer sum exceeds 2^53 - 1.
 * @example
 * ```ts
 * import { sum } from "@raptors/raptors/ops";
 * sum(new Float64Array([1, 2, 3.5])); // 6.5
 * ```
 */
export function sum(a: JsScalar, options?: SumOptions): NdScalar;
/** Of an NDArray or a JS list: NumPy's `np.sum` with its options, a scalar or (with `axis`) an NDArray. */
export function sum(
  a: NDArray | readonly unknown[],
  options?: SumOptions,
): NDArray | NdScalar;
/** Of a BigInt64Array or BigUint64Array: a bigint (wrapping modulo 2^64). */
export function sum(a: BigIntArray): bigint;
/** Of any other TypedArray: a number. */
export function sum(a: NumberArray): number;
/** Of any TypedArray. */
export function sum(a: NumericArray): number | bigint;
export function sum(
  a: NumericArray | NDArray | readonly unknown[] | JsScalar,
  options?: SumOptions,
): number | bigint | NDArray | NdScalar {
  checkOptions(options, "sum", SUM_KEYS);
  if (given(options)) return sumAxis(a as ArrayLikeInput, options);
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && n <= 128 && n < JS_BELOW.sum) return 0 + leafF64(a, 0, n);
  }
  return sumGeneral(a as NumericArray, options);
}

/** General path of {@link sum}: every dtype and check. */
function sumGeneral(
  a: NumericArray,
  options?: SumOptions,
): number | bigint | NDArray | NdScalar {
  if (isNdOperand(a) || jsScalar(a)) {
    return sumAxis(a as unknown as ArrayLikeInput, options);
  }
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0) {
      if (n < JS_BELOW.sum) {
        return 0 + (n <= 128 ? leafF64(a, 0, n) : pairwiseF64(a, 0, n));
      }
      if (native.rp_sum(F64, a, n, slot) === 0) return slotF64[0]!;
    }
  }
  const dt = dtypeOf(a, "sum");
  const n = taLength(a);
  if (n < JS_BELOW.sum) {
    if (dt === DTYPE.float64) return 0 + pairwiseF64(a as Float64Array, 0, n);
    if (dt === DTYPE.float32) return 0 + pairwiseF32(a as Float32Array, 0, n);
    if (dt === DTYPE.int64) return BigInt.asIntN(64, sumBig(a as BigIntArray));
    if (dt === DTYPE.uint64) {
      return BigInt.asUintN(64, sumBig(a as BigIntArray));
    }
    return sumNumbers(a as IntArray);
  }
  check(native.rp_sum(dt, a, n, slot), "sum");
  return readSlot(dt);
}

/**
 * Arithmetic mean as a number (float32 input: rounded to float32, as
 * NumPy). NaN for an empty array, as NumPy (which also warns).
 *
 * @example
 * ```ts
 * import { mean } from "@raptors/raptors/ops";
 * mean(new Int32Array([1, 2])); // 1.5
 * ```
 */
export function mean(a: JsScalar, options?: MeanOptions): NdScalar;
/** Of an NDArray or a JS list: NumPy's `np.mean` with its options. */
export function mean(
  a: NDArray | readonly unknown[],
  options?: MeanOptions,
): NDArray | NdScalar;
/** Of a TypedArray: a number. */
export function mean(a: NumericArray): number;
export function mean(
  a: NumericArray | NDArray | readonly unknown[] | JsScalar,
  options?: MeanOptions,
): number | NDArray | NdScalar {
  checkOptions(options, "mean", MEAN_KEYS);
  if (given(options)) return meanAxis(a as ArrayLikeInput, options);
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && n <= 128 && n < JS_BELOW.mean) return leafF64(a, 0, n) / n;
  }
  return meanGeneral(a as NumericArray, options);
}

/** General path of {@link mean}: every dtype and check. */
function meanGeneral(
  a: NumericArray,
  options?: MeanOptions,
): number | NDArray | NdScalar {
  if (isNdOperand(a) || jsScalar(a)) {
    return meanAxis(a as unknown as ArrayLikeInput, options);
  }
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0) {
      if (n < JS_BELOW.mean) {
        return (n <= 128 ? leafF64(a, 0, n) : pairwiseF64(a, 0, n)) / n;
      }
      if (native.rp_mean(F64, a, n, slot) === 0) return slotF64[0]!;
    }
  }
  const dt = dtypeOf(a, "mean");
  const n = taLength(a);
  if (n < JS_BELOW.mean) {
    if (dt === DTYPE.float64) return pairwiseF64(a as Float64Array, 0, n) / n;
    if (dt === DTYPE.float32) {
      return Math.fround(pairwiseF32(a as Float32Array, 0, n) / n);
    }
    if (isBig(dt)) return Number(sumBig(a as BigIntArray)) / n;
    return sumNumbers(a as IntArray) / n;
  }
  check(native.rp_mean(dt, a, n, slot), "mean");
  return slotF64[0]!;
}

function emptyReduction(fn: string, op: string): RangeError {
  return new RangeError(
    `${fn}(): zero-size array to reduction operation ${op} which has no identity`,
  );
}

/**
 * Smallest element; NaN if any element is NaN (NumPy's `min`).
 *
 * @throws {RangeError} for an empty array.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.min(new Float64Array([4, 1, 2])), 1);
 * ```
 */
export function min(a: JsScalar, options?: ExtremumOptions): NdScalar;
/** Of an NDArray or a JS list: NumPy's `np.min` with its options. */
export function min(
  a: NDArray | readonly unknown[],
  options?: ExtremumOptions,
): NDArray | NdScalar;
/** Of a BigInt64Array or BigUint64Array: a bigint. */
export function min(a: BigIntArray): bigint;
/** Of any other TypedArray: a number. */
export function min(a: NumberArray): number;
/** Of any TypedArray. */
export function min(a: NumericArray): number | bigint;
export function min(
  a: NumericArray | NDArray | readonly unknown[] | JsScalar,
  options?: ExtremumOptions,
): number | bigint | NDArray | NdScalar {
  checkOptions(options, "min", EXTREMUM_KEYS);
  if (given(options)) return amin(a as ArrayLikeInput, options);
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && n < JS_BELOW.minmax) {
      let m = a[0]!;
      for (let i = 1; i < n; i++) {
        const v = a[i]!;
        if (v < m || v !== v) {
          if (v !== v) return v;
          m = v;
        }
      }
      return m;
    }
  }
  return extremumGeneral(a as NumericArray, options, false);
}

/**
 * Largest element; NaN if any element is NaN (NumPy's `max`).
 *
 * @throws {RangeError} for an empty array.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.max(new Float64Array([4, 1, 2])), 4);
 * ```
 */
export function max(a: JsScalar, options?: ExtremumOptions): NdScalar;
/** Of an NDArray or a JS list: NumPy's `np.max` with its options. */
export function max(
  a: NDArray | readonly unknown[],
  options?: ExtremumOptions,
): NDArray | NdScalar;
/** Of a BigInt64Array or BigUint64Array: a bigint. */
export function max(a: BigIntArray): bigint;
/** Of any other TypedArray: a number. */
export function max(a: NumberArray): number;
/** Of any TypedArray. */
export function max(a: NumericArray): number | bigint;
export function max(
  a: NumericArray | NDArray | readonly unknown[] | JsScalar,
  options?: ExtremumOptions,
): number | bigint | NDArray | NdScalar {
  checkOptions(options, "max", EXTREMUM_KEYS);
  if (given(options)) return amax(a as ArrayLikeInput, options);
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && n < JS_BELOW.minmax) {
      let m = a[0]!;
      for (let i = 1; i < n; i++) {
        const v = a[i]!;
        if (v > m || v !== v) {
          if (v !== v) return v;
          m = v;
        }
      }
      return m;
    }
  }
  return extremumGeneral(a as NumericArray, options, true);
}

/**
 * General path of {@link min} (`max` false) and {@link max}: every dtype
 * and check. (A Float64Array below `JS_BELOW.minmax` took the fast path.)
 */
function extremumGeneral(
  a: NumericArray,
  options: ExtremumOptions | undefined,
  max: boolean,
): number | bigint | NDArray | NdScalar {
  if (isNdOperand(a) || jsScalar(a)) {
    return (max ? amax : amin)(a as unknown as ArrayLikeInput, options);
  }
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0) {
      const status = max
        ? native.rp_max(F64, a, n, slot)
        : native.rp_min(F64, a, n, slot);
      if (status === 0) return slotF64[0]!;
    }
  }
  const fn = max ? "max" : "min";
  const dt = dtypeOf(a, fn);
  const n = taLength(a);
  if (n === 0) throw emptyReduction(fn, max ? "maximum" : "minimum");
  if (n < JS_BELOW.minmax) return extreme(a, max);
  check(
    max ? native.rp_max(dt, a, n, slot) : native.rp_min(dt, a, n, slot),
    fn,
  );
  return readSlot(dt);
}

/**
 * Index of the first smallest element (of the first NaN, if any).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.argmin(new Float64Array([4, 1, 2])), 1);
 * ```
 */
export function argmin(a: JsScalar, options?: ArgOptions): number;
/** Of an NDArray or a JS list: NumPy's `np.argmin` with its options. */
export function argmin(
  a: NDArray | readonly unknown[],
  options?: ArgOptions,
): NDArray | number;
/** Of a TypedArray: the index, a number. */
export function argmin(a: NumericArray): number;
export function argmin(
  a: NumericArray | NDArray | readonly unknown[] | JsScalar,
  options?: ArgOptions,
): number | NDArray {
  checkOptions(options, "argmin", ARG_KEYS);
  if (given(options)) return argminAxis(a as ArrayLikeInput, options);
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && n < JS_BELOW.arg) {
      let m = a[0]!, k = 0;
      if (m !== m) return 0;
      for (let i = 1; i < n; i++) {
        const v = a[i]!;
        if (v < m) {
          m = v;
          k = i;
        } else if (v !== v) return i;
      }
      return k;
    }
  }
  return argGeneral(a as NumericArray, options, false);
}

/**
 * Index of the first largest element (of the first NaN, if any).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.argmax(new Float64Array([4, 1, 2])), 0);
 * ```
 */
export function argmax(a: JsScalar, options?: ArgOptions): number;
/** Of an NDArray or a JS list: NumPy's `np.argmax` with its options. */
export function argmax(
  a: NDArray | readonly unknown[],
  options?: ArgOptions,
): NDArray | number;
/** Of a TypedArray: the index, a number. */
export function argmax(a: NumericArray): number;
export function argmax(
  a: NumericArray | NDArray | readonly unknown[] | JsScalar,
  options?: ArgOptions,
): number | NDArray {
  checkOptions(options, "argmax", ARG_KEYS);
  if (given(options)) return argmaxAxis(a as ArrayLikeInput, options);
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && n < JS_BELOW.arg) {
      let m = a[0]!, k = 0;
      if (m !== m) return 0;
      for (let i = 1; i < n; i++) {
        const v = a[i]!;
        if (v > m) {
          m = v;
          k = i;
        } else if (v !== v) return i;
      }
      return k;
    }
  }
  return argGeneral(a as NumericArray, options, true);
}

/**
 * General path of {@link argmin} (`max` false) and {@link argmax}: every
 * dtype and check. (A Float64Array below `JS_BELOW.arg` took the fast path.)
 */
function argGeneral(
  a: NumericArray,
  options: ArgOptions | undefined,
  max: boolean,
): number | NDArray {
  if (isNdOperand(a) || jsScalar(a)) {
    return (max ? argmaxAxis : argminAxis)(
      a as unknown as ArrayLikeInput,
      options,
    );
  }
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0) {
      const status = max
        ? native.rp_argmax(F64, a, n, slot)
        : native.rp_argmin(F64, a, n, slot);
      if (status === 0) return slotF64[0]!;
    }
  }
  const fn = max ? "argmax" : "argmin";
  const dt = dtypeOf(a, fn);
  const n = taLength(a);
  if (n === 0) {
    throw new RangeError(`${fn}(): attempt to get ${fn} of an empty sequence`);
  }
  if (n < JS_BELOW.arg) return argExtreme(a, max);
  check(
    max ? native.rp_argmax(dt, a, n, slot) : native.rp_argmin(dt, a, n, slot),
    fn,
  );
  return slotF64[0]!;
}

/**
 * Inner product of two arrays of the same type and length. Floats are
 * computed in their own precision (16 interleaved partial sums); 8..32-bit
 * integers exactly; 64-bit integers modulo 2^64 (NumPy).
 *
 * @throws {TypeError} if the types differ; {RangeError} if the lengths do.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.dot(new Float64Array([1, 2]), new Float64Array([3, 4])), 11);
 * ```
 */
export function dot(
  a: NDArray | readonly unknown[],
  b: ArrayLikeInput,
): NDArray | NdScalar;
/** Of two BigInt64Arrays or BigUint64Arrays: a bigint (wrapping modulo 2^64). */
export function dot(a: BigIntArray, b: BigIntArray): bigint;
/** Of two other TypedArrays of one type: a number. */
export function dot(a: NumberArray, b: NumberArray): number;
/** Of two TypedArrays of one type. */
export function dot(a: NumericArray, b: NumericArray): number | bigint;
/** With an NDArray or JS list operand: NumPy's `np.dot`. */
export function dot(
  a: NumericArray | NDArray | readonly unknown[],
  b: NumericArray | ArrayLikeInput,
): number | bigint | NDArray | NdScalar;
export function dot(
  a: NumericArray | NDArray | readonly unknown[],
  b: NumericArray | ArrayLikeInput,
): number | bigint | NDArray | NdScalar {
  maxArgs("dot", arguments, 2);
  if (f64(a) && f64(b)) {
    const n = taLength(a);
    if (n !== 0 && n < JS_BELOW.dot && taLength(b) === n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
      return s;
    }
  }
  if (isNdOperand(a) || isNdOperand(b) || (jsScalar(a) && jsScalar(b))) {
    return dotNd(a as ArrayLikeInput, b as ArrayLikeInput);
  }
  return dotGeneral(a as NumericArray, b as NumericArray);
}

/** General path of {@link dot}: every dtype and check. */
function dotGeneral(a: NumericArray, b: NumericArray): number | bigint {
  if (f64(a) && f64(b)) {
    const n = taLength(a);
    if (n !== 0 && taLength(b) === n) {
      if (n < JS_BELOW.dot) {
        let s = 0;
        for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
        return s;
      }
      if (native.rp_dot(F64, a, b, n, slot) === 0) return slotF64[0]!;
    }
  }
  const dt = dtypeOf(a, "dot");
  const n = taLength(a);
  checkSame(b, dt, n, "dot", "b");
  if (n < JS_BELOW.dot) {
    if (dt === DTYPE.float32) {
      let s = 0;
      const x = a as Float32Array, y = b as Float32Array;
      for (let i = 0; i < n; i++) {
        s = Math.fround(s + Math.fround(x[i]! * y[i]!));
      }
      return s;
    }
    if (dt === DTYPE.float64 || dt <= DTYPE.uint16) {
      let s = 0;
      const x = a as NumberArray, y = b as NumberArray;
      for (let i = 0; i < n; i++) s += x[i]! * y[i]!;
      return s;
    }
    let s = 0n;
    for (let i = 0; i < n; i++) s += BigInt(a[i]!) * BigInt(b[i]!);
    if (dt === DTYPE.int64) return BigInt.asIntN(64, s);
    if (dt === DTYPE.uint64) return BigInt.asUintN(64, s);
    return exactNumber(s, "dot", dt);
  }
  check(native.rp_dot(dt, a, b, n, slot), "dot");
  return readSlot(dt);
}

/**
 * Euclidean norm `sqrt(sum(a * a))` (NumPy's `linalg.norm` of a vector).
 * float32 input is computed in float32; integers in float64.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.norm(new Float64Array([3, 4])), 5);
 * ```
 */
export function norm(
  a: NDArray | readonly unknown[],
  options?: NormOptions,
): NDArray | number;
/** Of a TypedArray: the Euclidean norm, a number. */
export function norm(a: NumericArray): number;
export function norm(
  a: NumericArray | NDArray | readonly unknown[],
  options?: NormOptions,
): number | NDArray {
  checkOptions(options, "norm", NORM_KEYS);
  if (given(options)) return normNd(a as ArrayLikeInput, options);
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && n < JS_BELOW.dot) {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i]! * a[i]!;
      return Math.sqrt(s);
    }
  }
  if (isNdOperand(a) || jsScalar(a)) {
    return normNd(a as ArrayLikeInput, options);
  }
  return normGeneral(a as NumericArray);
}

/** General path of {@link norm}: every dtype and check. */
function normGeneral(a: NumericArray): number {
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0) {
      if (n < JS_BELOW.dot) {
        let s = 0;
        for (let i = 0; i < n; i++) s += a[i]! * a[i]!;
        return Math.sqrt(s);
      }
      if (native.rp_norm(F64, a, n, slot) === 0) return slotF64[0]!;
    }
  }
  const dt = dtypeOf(a, "norm");
  const n = taLength(a);
  if (n < JS_BELOW.dot) {
    let s = 0;
    if (dt === DTYPE.float32) {
      const x = a as Float32Array;
      for (let i = 0; i < n; i++) {
        s = Math.fround(s + Math.fround(x[i]! * x[i]!));
      }
      return Math.fround(Math.sqrt(s));
    }
    for (let i = 0; i < n; i++) {
      const v = Number(a[i]!);
      s += v * v;
    }
    return Math.sqrt(s);
  }
  check(native.rp_norm(dt, a, n, slot), "norm");
  return slotF64[0]!;
}

// ---- library information --------------------------------------------------
