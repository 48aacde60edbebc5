/**
 * Small-input paths in plain JS. Below a per-op size the FFI crossing costs
 * more than the work, so these run instead; each gives exactly the result
 * the native kernel gives (same order of float operations, same wrapping),
 * except the transcendental functions, which use the runtime's Math (within
 * 1 ulp of the native libm).
 *
 * @module
 */
import { taLength } from "./_intrinsics.ts";
import type {
  BigIntArray,
  FloatArray,
  NumberArray,
  NumericArray,
} from "./_typed.ts";
import type { DType, Storage } from "./core/dtype.ts";
import type { Op2 } from "./ufunc/_rules.ts";

/** NumPy's pairwise sum of `a[lo..lo+n)` in float64 (see rust reduce.rs). */
export function pairwiseF64(a: Float64Array, lo: number, n: number): number {
  if (n <= 128) return leafF64(a, lo, n);
  let n2 = n >> 1;
  n2 -= n2 % 8;
  return pairwiseF64(a, lo, n2) + pairwiseF64(a, lo + n2, n - n2);
}

/**
 * One pairwise leaf (`n <= 128`) as NumPy computes it, without recursion so
 * the JIT can inline it into the Float64Array fast paths.
 */
export function leafF64(a: Float64Array, lo: number, n: number): number {
  const end = lo + n;
  if (n < 8) {
    let res = 0;
    for (let i = lo; i < end; i++) res += a[i]!;
    return res;
  }
  let r0 = a[lo]!, r1 = a[lo + 1]!, r2 = a[lo + 2]!, r3 = a[lo + 3]!;
  let r4 = a[lo + 4]!, r5 = a[lo + 5]!, r6 = a[lo + 6]!, r7 = a[lo + 7]!;
  const whole = end - (n % 8);
  let i = lo + 8;
  for (; i < whole; i += 8) {
    r0 += a[i]!;
    r1 += a[i + 1]!;
    r2 += a[i + 2]!;
    r3 += a[i + 3]!;
    r4 += a[i + 4]!;
    r5 += a[i + 5]!;
    r6 += a[i + 6]!;
    r7 += a[i + 7]!;
  }
  let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
  for (; i < end; i++) res += a[i]!;
  return res;
}

/** The same in float32 arithmetic (every operation rounded). */
export function pairwiseF32(
  a: ArrayLike<number>,
  lo: number,
  n: number,
): number {
  const f = Math.fround;
  if (n < 8) {
    let res = 0;
    for (let i = lo; i < lo + n; i++) res = f(res + a[i]!);
    return res;
  }
  if (n <= 128) {
    let r0 = a[lo]!, r1 = a[lo + 1]!, r2 = a[lo + 2]!, r3 = a[lo + 3]!;
    let r4 = a[lo + 4]!, r5 = a[lo + 5]!, r6 = a[lo + 6]!, r7 = a[lo + 7]!;
    const whole = lo + n - (n % 8);
    let i = lo + 8;
    for (; i < whole; i += 8) {
      r0 = f(r0 + a[i]!);
      r1 = f(r1 + a[i + 1]!);
      r2 = f(r2 + a[i + 2]!);
      r3 = f(r3 + a[i + 3]!);
      r4 = f(r4 + a[i + 4]!);
      r5 = f(r5 + a[i + 5]!);
      r6 = f(r6 + a[i + 6]!);
      r7 = f(r7 + a[i + 7]!);
    }
    let res = f(f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)));
    for (; i < lo + n; i++) res = f(res + a[i]!);
    return res;
  }
  let n2 = n >> 1;
  n2 -= n2 % 8;
  return f(pairwiseF32(a, lo, n2) + pairwiseF32(a, lo + n2, n - n2));
}

/**
 * `pairwiseF64` of the squares `a[i] * a[i]` (each rounded, as the
 * `multiply` kernel rounds them), in the same order: the sum of squares
 * that `sum(multiply(a, a))` computes, without the intermediate array.
 */
export function pairwiseSqF64(a: Float64Array, lo: number, n: number): number {
  if (n > 128) {
    let n2 = n >> 1;
    n2 -= n2 % 8;
    return pairwiseSqF64(a, lo, n2) + pairwiseSqF64(a, lo + n2, n - n2);
  }
  const end = lo + n;
  if (n < 8) {
    let res = 0;
    for (let i = lo; i < end; i++) res += a[i]! * a[i]!;
    return res;
  }
  let r0 = a[lo]! * a[lo]!, r1 = a[lo + 1]! * a[lo + 1]!;
  let r2 = a[lo + 2]! * a[lo + 2]!, r3 = a[lo + 3]! * a[lo + 3]!;
  let r4 = a[lo + 4]! * a[lo + 4]!, r5 = a[lo + 5]! * a[lo + 5]!;
  let r6 = a[lo + 6]! * a[lo + 6]!, r7 = a[lo + 7]! * a[lo + 7]!;
  const whole = end - (n % 8);
  let i = lo + 8;
  for (; i < whole; i += 8) {
    r0 += a[i]! * a[i]!;
    r1 += a[i + 1]! * a[i + 1]!;
    r2 += a[i + 2]! * a[i + 2]!;
    r3 += a[i + 3]! * a[i + 3]!;
    r4 += a[i + 4]! * a[i + 4]!;
    r5 += a[i + 5]! * a[i + 5]!;
    r6 += a[i + 6]! * a[i + 6]!;
    r7 += a[i + 7]! * a[i + 7]!;
  }
  let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
  for (; i < end; i++) res += a[i]! * a[i]!;
  return res;
}

/** The same in float32 arithmetic (every product and sum rounded). */
export function pairwiseSqF32(a: Float32Array, lo: number, n: number): number {
  const f = Math.fround;
  if (n > 128 && n >= 8) {
    let n2 = n >> 1;
    n2 -= n2 % 8;
    return f(pairwiseSqF32(a, lo, n2) + pairwiseSqF32(a, lo + n2, n - n2));
  }
  const end = lo + n;
  if (n < 8) {
    let res = 0;
    for (let i = lo; i < end; i++) res = f(res + f(a[i]! * a[i]!));
    return res;
  }
  let r0 = f(a[lo]! * a[lo]!), r1 = f(a[lo + 1]! * a[lo + 1]!);
  let r2 = f(a[lo + 2]! * a[lo + 2]!), r3 = f(a[lo + 3]! * a[lo + 3]!);
  let r4 = f(a[lo + 4]! * a[lo + 4]!), r5 = f(a[lo + 5]! * a[lo + 5]!);
  let r6 = f(a[lo + 6]! * a[lo + 6]!), r7 = f(a[lo + 7]! * a[lo + 7]!);
  const whole = end - (n % 8);
  let i = lo + 8;
  for (; i < whole; i += 8) {
    r0 = f(r0 + f(a[i]! * a[i]!));
    r1 = f(r1 + f(a[i + 1]! * a[i + 1]!));
    r2 = f(r2 + f(a[i + 2]! * a[i + 2]!));
    r3 = f(r3 + f(a[i + 3]! * a[i + 3]!));
    r4 = f(r4 + f(a[i + 4]! * a[i + 4]!));
    r5 = f(r5 + f(a[i + 5]! * a[i + 5]!));
    r6 = f(r6 + f(a[i + 6]! * a[i + 6]!));
    r7 = f(r7 + f(a[i + 7]! * a[i + 7]!));
  }
  let res = f(f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)));
  for (; i < end; i++) res = f(res + f(a[i]! * a[i]!));
  return res;
}

/** Exact sum of number elements (integers: exact while below 2^53). */
export function sumNumbers(a: NumberArray): number {
  let s = 0;
  for (let i = 0, n = taLength(a); i < n; i++) s += a[i]!;
  return s;
}

/** Exact sum of bigint elements (not wrapped). */
export function sumBig(a: BigIntArray): bigint {
  let s = 0n;
  for (let i = 0, n = taLength(a); i < n; i++) s += a[i]!;
  return s;
}

/** Extreme of a non-empty array, NaN if any NaN (NumPy's max/min). */
export function extreme(a: NumericArray, max: boolean): number | bigint {
  let m = a[0]!;
  if (typeof m === "number") {
    const x = a as FloatArray;
    for (let i = 0, n = taLength(x); i < n; i++) {
      const v = x[i]!;
      if (v !== v) return v;
      if (max ? v > m : v < m) m = v;
    }
    return m;
  }
  const x = a as BigIntArray;
  for (let i = 1, n = taLength(x); i < n; i++) {
    const v = x[i]!;
    if (max ? v > m : v < m) m = v;
  }
  return m;
}

/** Index of the first extreme (or first NaN). */
export function argExtreme(a: NumericArray, max: boolean): number {
  let m = a[0]!;
  let at = 0;
  if (typeof m === "number") {
    const x = a as FloatArray;
    if (m !== m) return 0;
    for (let i = 1, n = taLength(x); i < n; i++) {
      const v = x[i]!;
      if (v !== v) return i;
      if (max ? v > m : v < m) {
        m = v;
        at = i;
      }
    }
    return at;
  }
  const x = a as BigIntArray;
  for (let i = 1, n = taLength(x); i < n; i++) {
    const v = x[i]!;
    if (max ? v > m : v < m) {
      m = v;
      at = i;
    }
  }
  return at;
}

/** Stable argsort with NaNs last, for small inputs. */
export function argsortSmall(a: NumericArray): Uint32Array {
  const n = taLength(a);
  const idx: number[] = new Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const x = a as ArrayLike<number | bigint>;
  idx.sort((i, j) => {
    const u = x[i]!, v = x[j]!;
    if (u < v) return -1;
    if (u > v) return 1;
    // Equal (-0 equals 0, as in NumPy), or NaN involved: NaN after
    // everything, then index order (stable).
    const un = u !== u, vn = v !== v;
    if (un !== vn) return un ? 1 : -1;
    return i - j;
  });
  return Uint32Array.from(idx);
}

/**
 * `out = a op b` in JS for the ops whose IEEE result a JS double gives
 * exactly (float32: rounded once with fround, which is exact for +, -, *,
 * / of float32 values). Returns false for any other op. The NDArray
 * fast path's loop for fewer than 24 elements (`src/ufunc/ufunc.ts`).
 */
export function jsBinary(
  op: Op2,
  dtype: DType,
  a: Storage,
  ao: number,
  b: Storage,
  bo: number,
  bs: number,
  out: Storage,
  oo: number,
  n: number,
): boolean {
  const x = a as Float64Array, y = b as Float64Array, o = out as Float64Array;
  const f32 = dtype === "float32";
  switch (op) {
    case "add":
      if (f32) {
        for (let i = 0; i < n; i++) {
          o[oo + i] = Math.fround(x[ao + i]! + y[bo + i * bs]!);
        }
      } else {for (let i = 0; i < n; i++) {
          o[oo + i] = x[ao + i]! + y[bo + i * bs]!;
        }}
      return true;
    case "subtract":
      if (f32) {
        for (let i = 0; i < n; i++) {
          o[oo + i] = Math.fround(x[ao + i]! - y[bo + i * bs]!);
        }
      } else {for (let i = 0; i < n; i++) {
          o[oo + i] = x[ao + i]! - y[bo + i * bs]!;
        }}
      return true;
    case "multiply":
      if (f32) {
        for (let i = 0; i < n; i++) {
          o[oo + i] = Math.fround(x[ao + i]! * y[bo + i * bs]!);
        }
      } else {for (let i = 0; i < n; i++) {
          o[oo + i] = x[ao + i]! * y[bo + i * bs]!;
        }}
      return true;
    case "divide":
      if (f32) {
        for (let i = 0; i < n; i++) {
          o[oo + i] = Math.fround(x[ao + i]! / y[bo + i * bs]!);
        }
      } else {for (let i = 0; i < n; i++) {
          o[oo + i] = x[ao + i]! / y[bo + i * bs]!;
        }}
      return true;
    case "less":
      for (let i = 0; i < n; i++) {
        o[oo + i] = x[ao + i]! < y[bo + i * bs]! ? 1 : 0;
      }
      return true;
    case "greater":
      for (let i = 0; i < n; i++) {
        o[oo + i] = x[ao + i]! > y[bo + i * bs]! ? 1 : 0;
      }
      return true;
    default:
      return false;
  }
}
