/**
 * The flat API: zero-copy functions over plain TypedArrays.
 *
 * Each function checks its arguments in JS (typed errors naming the
 * problem), then runs either a native Rust kernel on the TypedArray's own
 * memory (no copy) or, below a measured per-op size where the FFI crossing
 * costs more than the work, an equivalent JS loop giving the same result.
 *
 * This module holds the hand-written ones (`clip`, `cumsum`, `sort`,
 * `argsort`, `fill`, `copy`, `info`) and re-exports the reductions of
 * `src/flat/reduce.ts` and the generated elementwise functions of
 * `src/flat/elementwise.ts`; each function also takes an NDArray or JS
 * list (NumPy's function, with its options).
 *
 * Integer semantics (NumPy's, where JS allows):
 * - `add`, `subtract`, `multiply`, `negative`, `abs`, `cumsum` wrap modulo
 *   2^bits in the array's own dtype, as NumPy does and as a TypedArray
 *   store does (`abs(int8 -128)` is -128).
 * - `divide` is true division: integer input gives a Float64Array
 *   (`x / 0` is ±Infinity, `0 / 0` NaN).
 * - `sum`/`dot` of 8..32-bit integers are exact; a result beyond
 *   `Number.MAX_SAFE_INTEGER` throws a `RangeError` rather than rounding.
 *   Of 64-bit integers they return a bigint that wraps modulo 2^64 (NumPy).
 * - Scalars for integer arrays must be integers inside the dtype's range
 *   (NumPy 2 raises OverflowError the same way), except for `divide`,
 *   which takes any number, and `clip`, whose bounds are clamped.
 *
 * @module
 */
import { DTYPE } from "../../ffi/symbols.ts";
import {
  type AnyArr,
  check,
  F64,
  jsScalar,
  outFor,
  putScalar,
  readSlot,
  type Scalar,
  slot,
  slotF64,
} from "./_shared.ts";
import { backend, library, native } from "../_native.ts";
import { JS_BELOW } from "../_thresholds.ts";
import { type NDArray, scalarResult } from "../core/ndarray.ts";
import { cumsumAxis, type ScanOptions } from "../reduce/reduce.ts";
import {
  argsortNd,
  checkSortOptions,
  SORT_KEYS,
  sortNd,
  type SortOptions,
} from "../array/sorting.ts";
import { clipNd } from "../array/manipulation.ts";
import {
  type ArrayLikeInput,
  isNdOperand,
  type UfuncOptions,
} from "../ufunc/ufunc.ts";
import {
  checkOptions,
  dtypeOf,
  given,
  isBig,
  isFloat,
  isGenuineF64,
  like,
  type NumericArray,
  unalias,
} from "../_typed.ts";
import { argsortSmall } from "../_js.ts";
import {
  taByteOffset,
  taFill,
  taLength,
  taSet,
  taSort,
} from "../_intrinsics.ts";

export * from "./elementwise.ts";
export * from "./reduce.ts";
export type { Operand } from "./_shared.ts";
export type {
  BigIntArray,
  FloatArray,
  IntArray,
  NumberArray,
  NumericArray,
} from "../_typed.ts";

// The Float64Array fast-path tests are local functions (here, in
// src/flat/reduce.ts and in the generated src/flat/elementwise.ts, whose
// `direction` also takes a second input): V8 reaches an imported function
// through its module cell, which cost 1-3 ns per call at n = 16 (measured
// A/B in one process).
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
 * Direction in which a JS loop writing `o` from `x` (one input: every
 * caller here) is correct even if the views overlap: +1 forward, -1
 * backward (when `o` starts after `x`: writing `o[i]` could clobber an
 * element of `x` not yet read). Comparing byte offsets is enough: over
 * different buffers either direction is correct, and it avoids the
 * `.buffer` getter (~30 ns in V8).
 */
function direction(o: Float64Array, x: Float64Array): number {
  return taByteOffset(o) > taByteOffset(x) ? -1 : 1;
}

/**
 * Limits values to `[aMin, aMax]`: NumPy's `clip`, i.e.
 * `minimum(maximum(a, aMin), aMax)`, so `aMax` wins when `aMin > aMax`,
 * NaN in `a` stays NaN, and a NaN bound makes every element NaN. Integer
 * bounds beyond the dtype's range are clamped to it.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.clip(rp.array([1, 5, 9]), 2, 6).tolist(), [2n, 5n, 6n]);
 * ```
 */
export function clip(
  a: NDArray | readonly unknown[],
  aMin: ArrayLikeInput,
  aMax: ArrayLikeInput,
  options?: UfuncOptions,
): NDArray;
/** Of a TypedArray: a new TypedArray of its type, or `out` (may be `a`). */
export function clip<A extends NumericArray>(
  a: A,
  aMin: number | bigint,
  aMax: number | bigint,
  out?: A,
): A;
export function clip<A extends NumericArray>(
  a: A | NDArray | readonly unknown[],
  aMin: number | bigint | ArrayLikeInput,
  aMax: number | bigint | ArrayLikeInput,
  out?: A | UfuncOptions,
): A | NDArray {
  if (
    f64(a) && f64(out) && typeof aMin === "number" && typeof aMax === "number"
  ) {
    const n = taLength(a);
    if (
      n !== 0 && n < JS_BELOW.binary && taLength(out) === n && aMin === aMin &&
      aMax === aMax && direction(out, a) > 0
    ) {
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        const y = v < aMin ? aMin : v;
        out[i] = y > aMax ? aMax : y;
      }
      return out;
    }
  }
  return clipGeneral(a as A, aMin as Scalar, aMax as Scalar, out as A);
}

/** General path of {@link clip}: every dtype and check. */
function clipGeneral<A extends NumericArray>(
  a: A,
  aMin: number | bigint,
  aMax: number | bigint,
  out?: A,
): A {
  if (isNdOperand(a) || jsScalar(a)) {
    const r = clipNd(
      a as unknown as ArrayLikeInput,
      aMin,
      aMax,
      out as unknown as UfuncOptions,
    );
    return (jsScalar(a) && out === undefined
      ? scalarResult(r)
      : r) as unknown as A;
  }
  if (
    f64(a) && typeof aMin === "number" && typeof aMax === "number" &&
    aMin === aMin && aMax === aMax
  ) {
    const n = taLength(a);
    if (n !== 0 && (out === undefined || (f64(out) && taLength(out) === n))) {
      const o = (out ?? new Float64Array(n)) as Float64Array;
      // The loop runs backward when `o` starts after `a` (see direction).
      if (n < JS_BELOW.binary) {
        const back = direction(o, a) < 0;
        for (let k = 0; k < n; k++) {
          const i = back ? n - 1 - k : k;
          const v = a[i]!;
          const y = v < aMin ? aMin : v;
          o[i] = y > aMax ? aMax : y;
        }
        return o as A;
      }
      slotF64[0] = aMin;
      slotF64[1] = aMax;
      if (native.rp_clip(F64, a, o, n, slot) === 0) return o as A;
    }
  }
  const dt = dtypeOf(a, "clip");
  const n = taLength(a);
  const o = outFor(out, () => like(a), dt, n, "clip");
  if (isFloat(dt) && (Number.isNaN(aMin) || Number.isNaN(aMax))) {
    taFill(o, NaN);
    return o;
  }
  putScalar(dt, aMin, "clip", 0, true);
  putScalar(dt, aMax, "clip", 1, true);
  check(native.rp_clip(dt, a, o, n, slot), "clip");
  return o;
}

/**
 * Running sum, added left to right (bit-identical to NumPy's `cumsum` for
 * floats). The result has the input's type; integers wrap modulo 2^bits
 * (NumPy widens small integers to int64 instead). `out` may be `a`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.cumsum(rp.array([1, 2, 3])).tolist(), [1n, 3n, 6n]);
 * ```
 */
export function cumsum(
  a: NDArray | readonly unknown[],
  options?: ScanOptions,
): NDArray;
/** Of a TypedArray: the running sums in its own dtype (integers wrap), a new TypedArray or `out`. */
export function cumsum<A extends NumericArray>(a: A, out?: A): A;
export function cumsum<A extends NumericArray>(
  a: A | NDArray | readonly unknown[],
  out?: A | ScanOptions,
): A | NDArray {
  if (isNdOperand(a) || jsScalar(a)) {
    return cumsumAxis(a as ArrayLikeInput, out as ScanOptions);
  }
  if (f64(a) && f64(out)) {
    const n = taLength(a);
    if (
      n !== 0 && n < 64 && n < JS_BELOW.cumsum && taLength(out) === n &&
      direction(out, a) > 0
    ) {
      let acc = 0;
      for (let i = 0; i < n; i++) out[i] = acc += a[i]!;
      return out;
    }
  }
  return cumsumGeneral(a as A, out as A | undefined);
}

/** General path of {@link cumsum}: every dtype and check. */
function cumsumGeneral<A extends NumericArray>(a: A, out?: A): A {
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && (out === undefined || (f64(out) && taLength(out) === n))) {
      const o = (out ?? new Float64Array(n)) as Float64Array;
      // A running sum must go forward: only when `o` does not start after `a`.
      if (n < JS_BELOW.cumsum && direction(o, a) > 0) {
        let acc = 0;
        for (let i = 0; i < n; i++) o[i] = acc += a[i]!;
        return o as A;
      }
      if (native.rp_cumsum(F64, a, o, n) === 0) return o as A;
    }
  }
  const dt = dtypeOf(a, "cumsum");
  const n = taLength(a);
  const o = outFor(out, () => like(a), dt, n, "cumsum");
  if (n < JS_BELOW.cumsum) {
    const x = unalias(a, o) as AnyArr, y = o as AnyArr;
    if (isBig(dt)) {
      let acc = 0n;
      for (let i = 0; i < n; i++) y[i] = acc = acc + x[i];
    } else if (dt === DTYPE.float32) {
      let acc = 0;
      for (let i = 0; i < n; i++) y[i] = acc = Math.fround(acc + x[i]);
    } else {
      let acc = 0;
      for (let i = 0; i < n; i++) y[i] = acc = acc + x[i];
    }
    return o;
  }
  check(native.rp_cumsum(dt, a, o, n), "cumsum");
  return o;
}

/**
 * Sorts a TypedArray in place, ascending, NaNs last (as NumPy), and returns
 * it (pattern-defeating quicksort over order-preserving integer keys,
 * parallel runs merged for large inputs). An NDArray (1-d) gives a sorted
 * copy, as NumPy's `np.sort`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...rp.sort(new Float64Array([3, 1, 2]))], [1, 2, 3]);
 * ```
 */
export function sort(a: NDArray, options?: SortOptions): NDArray;
/** Of a TypedArray: sorted in place (NaN last) and returned. */
export function sort<A extends NumericArray>(a: A): A;
export function sort<A extends NumericArray>(
  x: A | NDArray,
  options?: SortOptions,
): A | NDArray {
  checkOptions(options, "sort", SORT_KEYS);
  if (given(options) && !isNdOperand(x)) checkSortOptions(options!, 1, "sort");
  if (isNdOperand(x)) return sortNd(x as unknown as ArrayLikeInput, options);
  const a = x as A;
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0) {
      if (n < JS_BELOW.sort) {
        taSort(a);
        return a;
      }
      if (native.rp_sort(F64, a, n) === 0) return a;
    }
  }
  const dt = dtypeOf(a, "sort");
  const n = taLength(a);
  if (n < JS_BELOW.sort) {
    taSort(a);
    return a;
  }
  check(native.rp_sort(dt, a, n), "sort");
  return a;
}

/** Options of {@link argsort}. */
export interface ArgsortOptions {
  /**
   * Keep equal elements in index order. Accepted for NumPy compatibility:
   * raptors' argsort is always stable (-0 and 0 count as equal).
   */
  stable?: boolean;
}

/**
 * Indices that sort `a` ascending, NaNs last, ties in index order.
 *
 * @returns A Uint32Array of indices.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...rp.argsort(new Float64Array([3, 1, 2]))], [1, 2, 0]);
 * ```
 */
export function argsort(a: NDArray, options?: SortOptions): NDArray;
/** Of a TypedArray: the indices that sort it (stable), as a Uint32Array. */
export function argsort(a: NumericArray, options?: ArgsortOptions): Uint32Array;
export function argsort(
  x: NumericArray | NDArray,
  options?: ArgsortOptions & SortOptions,
): Uint32Array | NDArray {
  checkOptions(options, "argsort", SORT_KEYS);
  if (given(options) && !isNdOperand(x)) {
    checkSortOptions(options!, 1, "argsort");
  }
  if (isNdOperand(x)) {
    return argsortNd(x as unknown as ArrayLikeInput, options);
  }
  const a = x as NumericArray;
  const dt = dtypeOf(a, "argsort");
  const n = taLength(a);
  if (n < JS_BELOW.argsort) return argsortSmall(a);
  const idx = new Uint32Array(n);
  check(native.rp_argsort(dt, a, n, idx), "argsort");
  return idx;
}

/**
 * Sets every element to `value` (checked like a scalar) and returns `a`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const a = new Float64Array(3);
 * rp.fill(a, 1.5);
 * assert.deepEqual([...a], [1.5, 1.5, 1.5]);
 * ```
 */
export function fill<A extends NumericArray>(a: A, value: number | bigint): A {
  if (f64(a) && typeof value === "number") {
    const n = taLength(a);
    if (n !== 0 && n < 64) {
      for (let i = 0; i < n; i++) a[i] = value;
      return a;
    }
  }
  return fillGeneral(a, value);
}

/** General path of {@link fill}: every dtype and check. */
function fillGeneral<A extends NumericArray>(a: A, value: number | bigint): A {
  if (f64(a) && typeof value === "number") {
    const n = taLength(a);
    if (n !== 0 && n < JS_BELOW.fill) {
      // A loop beats the fill() builtin's call overhead on short arrays.
      if (n < 64) { for (let i = 0; i < n; i++) a[i] = value; }
      else taFill(a, value);
      return a as A;
    }
  }
  const dt = dtypeOf(a, "fill");
  const n = taLength(a);
  putScalar(dt, value, "fill");
  if (n < JS_BELOW.fill) {
    taFill(a, readSlot(dt));
    return a;
  }
  check(native.rp_fill(dt, a, n, slot), "fill");
  return a;
}

/**
 * A copy of `a`, into `out` if given (same type and length).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const src = new Int32Array([1, 2]), dst = new Int32Array(2);
 * rp.copy(src, dst);
 * assert.deepEqual([...dst], [1, 2]);
 * ```
 */
export function copy<A extends NumericArray>(a: A, out?: A): A {
  if (f64(a) && f64(out)) {
    const n = taLength(a);
    if (n !== 0 && n < 64 && taLength(out) === n && direction(out, a) > 0) {
      for (let i = 0; i < n; i++) out[i] = a[i]!;
      return out;
    }
  }
  return copyGeneral(a, out);
}

/** General path of {@link copy}: every dtype and check. */
function copyGeneral<A extends NumericArray>(a: A, out?: A): A {
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && n < JS_BELOW.copy) {
      if (out === undefined || (f64(out) && taLength(out) === n)) {
        const o = (out ?? new Float64Array(n)) as Float64Array;
        // A loop beats the set() builtin's call overhead on short arrays.
        if (n < 64 && direction(o, a) > 0) {
          for (let i = 0; i < n; i++) o[i] = a[i]!;
        } else taSet(o, a);
        return o as A;
      }
    }
  }
  const dt = dtypeOf(a, "copy");
  const n = taLength(a);
  const o = outFor(out, () => like(a), dt, n, "copy");
  if (n < JS_BELOW.copy) {
    taSet(o, a as ArrayLike<number | bigint>);
    return o;
  }
  check(native.rp_copy(dt, a, o, n), "copy");
  return o;
}

/**
 * What is running: backend, library path, SIMD level, kernel threads (the
 * current setting: `setNumThreads`, `RAPTORS_NUM_THREADS`, else the cores;
 * on wasm at most `backend.threads`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.ok(["native", "wasm"].includes(rp.info().backend));
 * ```
 */
export function info(): {
  backend: "native" | "wasm";
  path: string;
  source: string;
  simd: "baseline" | "avx2" | "avx512" | "simd128" | "relaxed-simd";
  threads: number;
} {
  const level = native.rp_simd_level();
  return {
    backend: backend.name,
    path: library.path,
    source: library.source,
    simd: library.simd ??
      (level === 3 ? "avx512" : level === 2 ? "avx2" : "baseline"),
    threads: native.rp_num_threads(),
  };
}

/**
 * Sets how many threads large kernels may use (0 restores the default).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const n = rp.info().threads;
 * rp.setNumThreads(1); // kernels on the calling thread only
 * assert.equal(rp.info().threads, 1);
 * rp.setNumThreads(n);
 * ```
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 1024) {
    throw new RangeError(
      `setNumThreads(): expected an integer in 0..1024; got ${n}`,
    );
  }
  native.rp_set_num_threads(n);
}
