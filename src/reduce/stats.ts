/**
 * Statistics, as NumPy: `median`, `quantile` / `percentile` (methods
 * "linear" (default), "lower", "higher", "nearest", "midpoint"),
 * `nanmedian`, `nanquantile`, `nanpercentile`, `diff`, `bincount`,
 * `histogram`, `interp` (`cov`, `corrcoef`, `convolve`: `covariance.ts`).
 *
 * Quantiles sort each lane natively, then gather the needed order
 * statistics and interpolate with NumPy's own formula (`_lerp`: `a + d*t`
 * below t = 0.5, `b - d*(1-t)` from 0.5), so results match NumPy's bits.
 *
 * @module
 */
import { checkAlloc } from "../_limits.ts";
import { notRecordable } from "../engine/_record.ts";
import {
  NDArray,
  ownArray,
  type Scalar,
  scalarResult,
} from "../core/ndarray.ts";
import { full, linspace } from "../core/creation.ts";
import { type DType, kind } from "../core/dtype.ts";
import { normAxis } from "../core/_shape.ts";
import {
  type ArrayLikeInput,
  asNd as nd,
  checkedNd,
  ufunc1,
  ufunc2,
  where,
} from "../ufunc/ufunc.ts";
import { amax, amin, meanAxis } from "./reduce.ts";
import { nanmean } from "./derived.ts";
import { argsortNd, searchsorted, sortNd } from "../array/sorting.ts";
import { take } from "../array/indexing.ts";
import { concatenate } from "../array/manipulation.ts";
import { checkOptions, listArg, optionKeys } from "../_typed.ts";
import { show } from "../_show.ts";

/** Interpolation methods of {@link quantile}. */
export type QuantileMethod =
  | "linear"
  | "lower"
  | "higher"
  | "nearest"
  | "midpoint";

/** Options of the quantile functions. */
export interface QuantileOptions {
  /** One axis (default: the flattened array). */
  axis?: number | null;
  /** Interpolation method (default "linear"). */
  method?: QuantileMethod;
  /** Keep the reduced axis with extent 1. */
  keepdims?: boolean;
}
export const QUANTILE_KEYS = optionKeys<QuantileOptions>({
  axis: 1,
  method: 1,
  keepdims: 1,
});

/**
 * The lanes along `axis` of a sorted float array as rows of one C-order
 * buffer (`L` rows of `n`), with each row's count of non-NaN values (NaN
 * sorts last, so they are a prefix).
 */
function nanLanes(sorted: NDArray, axis: number) {
  const n = sorted.shape[axis]!;
  const perm = [...Array(sorted.ndim).keys()].filter((i) => i !== axis)
    .concat(axis);
  const lanes = sorted.transpose(perm).copy().reshape(-1, n);
  const L = lanes.shape[0]!;
  const data = lanes._read("nanLanes") as Float64Array | Float32Array;
  const valid = new Uint32Array(L);
  for (let l = 0; l < L; l++) {
    let m = n;
    while (m > 0 && Number.isNaN(data[l * n + m - 1]!)) m--;
    valid[l] = m;
  }
  return { data, L, valid };
}

/** Round half to even, as `np.around`. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * NumPy's quantile over one lane length `n`: (lower index, upper index,
 * gamma) for each q.
 */
function plan(n: number, qs: number[], method: QuantileMethod) {
  return qs.map((q) => {
    const vi = (n - 1) * q;
    switch (method) {
      case "lower": {
        const i = Math.floor(vi);
        return { lo: i, hi: i, g: 0 };
      }
      case "higher": {
        const i = Math.ceil(vi);
        return { lo: i, hi: i, g: 0 };
      }
      case "nearest": {
        const i = roundHalfEven(vi);
        return { lo: i, hi: i, g: 0 };
      }
      case "midpoint": {
        const v = 0.5 * (Math.floor(vi) + Math.ceil(vi));
        const lo = Math.floor(v);
        return { lo, hi: Math.min(lo + 1, n - 1), g: v % 1 === 0 ? 0 : 0.5 };
      }
      default: {
        const lo = Math.floor(vi);
        return { lo, hi: Math.min(lo + 1, n - 1), g: vi - lo };
      }
    }
  });
}

/**
 * NumPy's `_lerp` of neighbours `a`, `b` at `t`, in `dtype`. As NumPy, a
 * float lane's `b - a` is taken in the data's own dtype (float32 for
 * float32 data, even when the result is float64 because `q` was a list).
 * Integers subtract in `dtype` (float64): NumPy subtracts in the integer
 * dtype, which wraps (its quantile of int8 [-100, 100] at 0.5 is 128.0).
 */
function lerp(a: NDArray, b: NDArray, t: number, dtype: DType): NDArray {
  const d = kind(a.dtype) === "f"
    ? ufunc2("subtract", b, a).astype(dtype)
    : ufunc2("subtract", b.astype(dtype), a.astype(dtype));
  const A = a.astype(dtype), B = b.astype(dtype);
  if (t >= 0.5) return ufunc2("subtract", B, ufunc2("multiply", d, 1 - t));
  return ufunc2("add", A, ufunc2("multiply", d, t));
}

/**
 * The quantiles asked for, as a list: a number, a list of numbers, or an
 * array-like of them (NumPy takes any array_like `q`; a nested `q` is
 * flattened here, where NumPy would keep its shape).
 */
function qList(q: unknown, fn: string): number[] {
  if (typeof q === "number") return [q];
  if (q instanceof NDArray) {
    return (q.astype("float64").ravel().tolist() as number[]);
  }
  const qs = listArg<unknown>(q, fn, "q (a number or a list of numbers)");
  return qs.map((v) => {
    if (typeof v !== "number") {
      throw new TypeError(`${fn}(): q must hold numbers; got ${show(v)}`);
    }
    return v;
  });
}

function checkQ(q: number[], fn: string, scale: number): void {
  for (const v of q) {
    if (!(v >= 0 && v <= scale)) {
      throw new RangeError(
        scale === 1
          ? `${fn}(): Quantiles must be in the range [0, 1]`
          : `${fn}(): Percentiles must be in the range [0, 100]`,
      );
    }
  }
}

function quantileImpl(
  a: ArrayLikeInput,
  q: number | readonly number[],
  options: QuantileOptions,
  fn: string,
  nan: boolean,
): NDArray | Scalar {
  let x = nd(a);
  const method = options.method ?? "linear";
  if (!["linear", "lower", "higher", "nearest", "midpoint"].includes(method)) {
    throw new TypeError(`${fn}(): method ${show(method)} is not supported`);
  }
  if (x.dtype === "bool" && (method === "linear" || method === "midpoint")) {
    // NumPy interpolates by subtracting neighbours, which bools refuse
    throw new TypeError(
      `${fn}(): numpy boolean subtract, the \`-\` operator, is not ` +
        `supported (method ${method} interpolates; use lower, higher or ` +
        `nearest, or cast the array)`,
    );
  }
  const qs = qList(q, fn);
  const scalarQ = typeof q === "number";
  if (nan && x.size === 0) {
    // NumPy's nanquantile of an empty array is nanmean's: NaN over the
    // kept axes (and no axis for q)
    return nanmean(x, { axis: options.axis, keepdims: options.keepdims });
  }
  let axis: number;
  const flat = options.axis === undefined || options.axis === null;
  const origShape = x.shape.slice();
  if (flat) {
    x = x.ravel();
    axis = 0;
  } else axis = normAxis(options.axis!, x.ndim, fn);
  if (x.shape[axis] === 0 && !nan) {
    // NumPy: IndexError (nanquantile gives NaN: an all-NaN slice)
    throw new RangeError(`${fn}(): cannot compute quantiles of an empty axis`);
  }
  const discrete = method === "lower" || method === "higher" ||
    method === "nearest";
  const fk = kind(x.dtype);
  // NumPy: discrete methods keep the dtype; otherwise a weak (scalar) q
  // keeps a float dtype, while an array of q (float64) promotes to float64
  const outDtype = discrete
    ? x.dtype
    : fk === "f" && scalarQ
    ? x.dtype
    : "float64";
  const sorted = sortNd(x, { axis });
  const n = x.shape[axis]!;
  // values at the planned order statistics, stacked along a new first axis
  let parts: NDArray[];
  if (!nan || fk !== "f") {
    parts = plan(n, qs, method).map(({ lo, hi, g }) => {
      const va = take(sorted, [lo], { axis }),
        vb = take(sorted, [hi], { axis });
      let r = discrete ? va : lerp(va, vb, g, outDtype);
      if (fk === "f") {
        // NaN sorts last: a lane holding one gives NaN (NumPy)
        const last = take(sorted, [n - 1], { axis });
        r = where(ufunc1("isnan", last), NaN, r).astype(outDtype);
      }
      return r;
    });
  } else {
    // per lane: the non-NaN prefix of the sorted lane
    const { data, L, valid } = nanLanes(sorted, axis);
    const outs = qs.map(() => new Float64Array(L));
    const round = outDtype === "float32" ? Math.fround : (v: number) => v;
    // b - a in the data's dtype (see lerp)
    const diff = x.dtype === "float32" ? Math.fround : (v: number) => v;
    for (let l = 0; l < L; l++) {
      const m = valid[l]!;
      plan(Math.max(m, 1), qs, method).forEach(({ lo, hi, g }, k) => {
        if (m === 0) {
          outs[k]![l] = NaN;
          return;
        }
        const va = data[l * n + lo]!, vb = data[l * n + hi]!;
        if (discrete) outs[k]![l] = va;
        else {
          const d = diff(vb - va);
          outs[k]![l] = g >= 0.5
            ? round(vb - round(d * (1 - g)))
            : round(va + round(d * g));
        }
      });
    }
    const keptShape = x.shape.filter((_, i) => i !== axis);
    parts = outs.map((o) =>
      ownArray(o, "float64", [L]).astype(outDtype).reshape([
        ...keptShape.slice(0, axis),
        1,
        ...keptShape.slice(axis),
      ])
    );
  }
  // each part keeps a length-1 `axis`: drop it (or keep for keepdims)
  const shaped = parts.map((p) => {
    if (options.keepdims) {
      return flat ? p.reshape(origShape.map(() => 1)) : p;
    }
    return p.reshape(p.shape.filter((_, i) => i !== axis));
  });
  if (scalarQ) {
    const r = shaped[0]!;
    return r.ndim === 0 ? scalarResult(r) : r;
  }
  return concatenate(shaped.map((p) => p.expandDims(0)), { axis: 0 });
}

/**
 * The shared first steps of {@link quantile}, {@link percentile} and their
 * NaN-ignoring forms: the options, then `q` checked against `[0, scale]`
 * and divided by `scale` (100 for the percentiles).
 */
function quantileEntry(
  a: ArrayLikeInput,
  q: number | readonly number[],
  options: QuantileOptions,
  fn: string,
  scale: 1 | 100,
  skipNaN: boolean,
): NDArray | Scalar {
  checkOptions(options, fn, QUANTILE_KEYS);
  const qs = qList(q, fn);
  checkQ(qs, fn, scale);
  if (scale === 1) return quantileImpl(a, q, options, fn, skipNaN);
  const s = qs.map((v) => v / scale);
  return quantileImpl(
    a,
    typeof q === "number" ? s[0]! : s,
    options,
    fn,
    skipNaN,
  );
}

/**
 * The q-th quantiles (q in [0, 1]) along `axis` (NumPy's `quantile`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.quantile([1, 2, 3, 4], 0.5), 2.5);
 * ```
 */
export function quantile(
  a: ArrayLikeInput,
  q: number | readonly number[],
  options: QuantileOptions = {},
): NDArray | Scalar {
  return quantileEntry(a, q, options, "quantile", 1, false);
}

/**
 * The q-th percentiles (q in [0, 100]) along `axis` (NumPy's `percentile`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.percentile([1, 2, 3, 4], 25), 1.75);
 * ```
 */
export function percentile(
  a: ArrayLikeInput,
  q: number | readonly number[],
  options: QuantileOptions = {},
): NDArray | Scalar {
  return quantileEntry(a, q, options, "percentile", 100, false);
}

/**
 * {@link quantile} ignoring NaNs (all-NaN lanes give NaN).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.nanquantile([1, NaN, 3], 0.5), 2);
 * ```
 */
export function nanquantile(
  a: ArrayLikeInput,
  q: number | readonly number[],
  options: QuantileOptions = {},
): NDArray | Scalar {
  return quantileEntry(a, q, options, "nanquantile", 1, true);
}

/**
 * {@link percentile} ignoring NaNs.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.nanpercentile([1, NaN, 3], 50), 2);
 * ```
 */
export function nanpercentile(
  a: ArrayLikeInput,
  q: number | readonly number[],
  options: QuantileOptions = {},
): NDArray | Scalar {
  return quantileEntry(a, q, options, "nanpercentile", 100, true);
}

/** Options of {@link median} and {@link nanmedian}. */
export interface MedianOptions {
  /** The axis to reduce (default: all). */
  axis?: number | null;
  /** Keep the reduced axis with extent 1. */
  keepdims?: boolean;
}
export const MEDIAN_KEYS = optionKeys<MedianOptions>({ axis: 1, keepdims: 1 });

/**
 * The median along `axis` (NumPy's `median`: the mean of the middle one or
 * two sorted values; NaN if the lane holds one).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.median([3, 1, 4, 2]), 2.5);
 * ```
 */
export function median(
  a: ArrayLikeInput,
  options: MedianOptions = {},
): NDArray | Scalar {
  let x = checkedNd(options, "median", MEDIAN_KEYS, a);
  const flat = options.axis === undefined || options.axis === null;
  const origShape = x.shape.slice();
  let axis: number;
  if (flat) {
    x = x.ravel();
    axis = 0;
  } else axis = normAxis(options.axis!, x.ndim, "median");
  const n = x.shape[axis]!;
  if (n === 0) return emptyMedian(x, axis, flat, origShape, options.keepdims);
  const sorted = sortNd(x, { axis });
  const k = Math.floor(n / 2);
  const idx = n % 2 === 1 ? [k] : [k - 1, k];
  let r = meanAxis(take(sorted, idx, { axis }), {
    axis,
    keepdims: true,
  }) as NDArray;
  if (kind(x.dtype) === "f") {
    const last = take(sorted, [n - 1], { axis });
    r = where(ufunc1("isnan", last), NaN, r).astype(r.dtype);
  }
  if (options.keepdims) return flat ? r.reshape(origShape.map(() => 1)) : r;
  r = r.reshape(r.shape.filter((_, i) => i !== axis));
  return r.ndim === 0 ? scalarResult(r) : r;
}

/**
 * The median over an empty axis: NaN in each lane, in the mean's dtype
 * (NumPy's, which also warns "Mean of empty slice").
 */
function emptyMedian(
  x: NDArray,
  axis: number,
  flat: boolean,
  origShape: number[],
  keepdims: boolean | undefined,
): NDArray | Scalar {
  const dtype = x.dtype === "float32" ? "float32" : "float64";
  const kept = x.shape.filter((_, i) => i !== axis);
  let r = full(kept, NaN, { dtype });
  if (keepdims) {
    r = flat ? r.reshape(origShape.map(() => 1)) : r.expandDims(axis);
  }
  return r.ndim === 0 ? scalarResult(r) : r;
}

/**
 * {@link median} ignoring NaNs.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.nanmedian([3, NaN, 1]), 2);
 * ```
 */
export function nanmedian(
  a: ArrayLikeInput,
  options: MedianOptions = {},
): NDArray | Scalar {
  const x = checkedNd(options, "nanmedian", MEDIAN_KEYS, a);
  if (kind(x.dtype) !== "f") return median(x, options);
  return nanMedianImpl(x, options);
}

function nanMedianImpl(
  x: NDArray,
  options: { axis?: number | null; keepdims?: boolean },
): NDArray | Scalar {
  // the median of the non-NaN values: the mean of the middle one or two
  let a = x;
  const flat = options.axis === undefined || options.axis === null;
  const origShape = a.shape.slice();
  let axis: number;
  if (flat) {
    a = a.ravel();
    axis = 0;
  } else axis = normAxis(options.axis!, a.ndim, "nanmedian");
  const n = a.shape[axis]!;
  if (n === 0) return emptyMedian(a, axis, flat, origShape, options.keepdims);
  const sorted = sortNd(a, { axis });
  const { data, L, valid } = nanLanes(sorted, axis);
  const out = new Float64Array(L);
  const f32 = a.dtype === "float32";
  for (let l = 0; l < L; l++) {
    const m = valid[l]!;
    if (m === 0) {
      out[l] = NaN;
      continue;
    }
    const k = Math.floor(m / 2);
    if (m % 2 === 1) out[l] = data[l * n + k]!;
    else {
      const s = f32
        ? Math.fround(data[l * n + k - 1]! + data[l * n + k]!)
        : data[l * n + k - 1]! + data[l * n + k]!;
      out[l] = f32 ? Math.fround(s / 2) : s / 2;
    }
  }
  const kept = a.shape.filter((_, i) => i !== axis);
  let r = ownArray(out, "float64", [L]).astype(a.dtype).reshape(kept);
  if (options.keepdims) {
    r = flat ? r.reshape(origShape.map(() => 1)) : r.expandDims(axis);
  }
  return r.ndim === 0 ? scalarResult(r) : r;
}

/** Options of {@link diff}. */
export interface DiffOptions {
  /** Times to difference (default 1). */
  n?: number;
  /** The axis to difference along (default -1). */
  axis?: number;
  /** Values put before `a` along `axis` first. */
  prepend?: ArrayLikeInput;
  /** Values put after `a` along `axis` first. */
  append?: ArrayLikeInput;
}
const DIFF_KEYS = optionKeys<DiffOptions>({
  n: 1,
  axis: 1,
  prepend: 1,
  append: 1,
});

/**
 * The n-th discrete difference along `axis` (NumPy's `diff`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.diff([1, 4, 9]).tolist(), [3n, 5n]);
 * ```
 */
export function diff(a: ArrayLikeInput, options: DiffOptions = {}): NDArray {
  let x = checkedNd(options, "diff", DIFF_KEYS, a);
  const times = options.n ?? 1;
  if (!Number.isInteger(times) || times < 0) {
    throw new RangeError(`diff(): order must be non-negative but got ${times}`);
  }
  // NumPy returns the input itself for n = 0, before prepend/append/axis
  if (times === 0) return x;
  if (x.ndim === 0) {
    throw new RangeError(
      "diff(): requires input that is at least one dimensional",
    );
  }
  const axis = normAxis(options.axis ?? -1, x.ndim, "diff");
  const widen = (v: ArrayLikeInput) => {
    let p = nd(v);
    if (p.ndim === 0) {
      const shape = x.shape.slice();
      shape[axis] = 1;
      p = p.broadcastTo(shape);
    }
    return p;
  };
  const parts: NDArray[] = [];
  if (options.prepend !== undefined) parts.push(widen(options.prepend));
  parts.push(x);
  if (options.append !== undefined) parts.push(widen(options.append));
  if (parts.length > 1) x = concatenate(parts, { axis });
  const sel = (lo: string) => x.shape.map((_, i) => (i === axis ? lo : ":"));
  // after shape[axis] steps the axis is empty and stays so: n = 2**53 must
  // not loop 2**53 times
  const steps = Math.min(times, x.shape[axis]! + 1);
  for (let k = 0; k < steps; k++) {
    const hi = x.slice(...sel("1:")), lo = x.slice(...sel(":-1"));
    x = x.dtype === "bool"
      ? ufunc2("notEqual", hi, lo)
      : ufunc2("subtract", hi, lo);
  }
  return times === 0 ? x.copy() : x;
}

/** Options of {@link bincount}. */
export interface BincountOptions {
  /** Weights, one per element of `x`: the counts become float64 sums. */
  weights?: ArrayLikeInput;
  /** The least length of the result. */
  minlength?: number;
}
const BINCOUNT_KEYS = optionKeys<BincountOptions>({ weights: 1, minlength: 1 });

/**
 * Counts of each value of a non-negative integer array (NumPy's
 * `bincount`): int64 counts, or float64 sums of `weights`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.bincount([0, 1, 1, 3]).tolist(), [1n, 2n, 0n, 1n]);
 * ```
 */
export function bincount(
  x: ArrayLikeInput,
  options: BincountOptions = {},
): NDArray {
  const a = checkedNd(options, "bincount", BINCOUNT_KEYS, x);
  if (a.ndim !== 1) {
    throw new RangeError("bincount(): object too deep for desired array");
  }
  const k = kind(a.dtype);
  if (a.size > 0 && k !== "i" && k !== "u" && a.dtype !== "bool") {
    throw new TypeError(
      `bincount(): Cannot cast array data from dtype('${a.dtype}') to dtype('int64') according to the rule 'safe'`,
    );
  }
  const vals = a.astype("float64").copy()._read("bincount") as Float64Array;
  let max = -1;
  for (const v of vals) {
    if (v < 0) {
      throw new RangeError(
        "bincount(): 'list' argument must have no negative elements",
      );
    }
    if (v > max) max = v;
  }
  const minlength = options.minlength ?? 0;
  if (!Number.isInteger(minlength) || minlength < 0) {
    throw new RangeError("bincount(): 'minlength' must not be negative");
  }
  const len = Math.max(max + 1, minlength);
  checkAlloc("bincount", len, 8, "the counts");
  if (options.weights === undefined) {
    const out = new BigInt64Array(len);
    const counts = new Float64Array(len);
    for (const v of vals) counts[v]!++;
    for (let i = 0; i < len; i++) out[i] = BigInt(counts[i]!);
    return ownArray(out, "int64", [len]);
  }
  const w = nd(options.weights).astype("float64").copy();
  if (w.size !== a.size) {
    throw new RangeError(
      "bincount(): The weights and list don't have the same length.",
    );
  }
  const ws = w._read("bincount") as Float64Array;
  const out = new Float64Array(len);
  vals.forEach((v, i) => (out[v]! += ws[i]!));
  return ownArray(out, "float64", [len]);
}

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /** Number of equal-width bins (default 10) or the bin edges. */
  bins?: number | ArrayLikeInput;
  /** Lower and upper range of the bins (default: min and max of `a`). */
  range?: readonly [number, number];
  /** Return a probability density instead of counts. */
  density?: boolean;
  /** A weight per element of `x` (default: all 1). */
  weights?: ArrayLikeInput;
}
const HISTOGRAM_KEYS = optionKeys<HistogramOptions>({
  bins: 1,
  range: 1,
  density: 1,
  weights: 1,
});

/**
 * Counts of `a` in bins (NumPy's `histogram`): `{ hist, binEdges }`; the
 * last bin includes its right edge. Values outside the range are ignored.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const { hist, binEdges } = rp.histogram([1, 2, 2, 3], { bins: 2 });
 * assert.deepEqual(hist.tolist(), [1n, 3n]);
 * assert.deepEqual(binEdges.tolist(), [1, 2, 3]);
 * ```
 */
export function histogram(
  a: ArrayLikeInput,
  options: HistogramOptions = {},
): { hist: NDArray; binEdges: NDArray } {
  checkOptions(options, "histogram", HISTOGRAM_KEYS);
  notRecordable("histogram", "it counts the values in JS");
  const x0 = nd(a);
  const x = x0.ravel().astype("float64");
  const bins = options.bins ?? 10;
  let edges: NDArray;
  let uniform = false;
  let lo = 0, hi = 0, nbins = 0;
  if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 1) {
      throw new RangeError(
        "histogram(): `bins` must be positive, when an integer",
      );
    }
    if (options.range) [lo, hi] = options.range;
    else if (x.size === 0) [lo, hi] = [0, 1];
    else [lo, hi] = [amin(x) as number, amax(x) as number];
    if (!(lo <= hi)) {
      throw new RangeError(
        "histogram(): max must be larger than min in range parameter.",
      );
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      throw new RangeError(
        `histogram(): autodetected range of [${lo}, ${hi}] is not finite`,
      );
    }
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    nbins = bins;
    checkAlloc("histogram", bins + 1, 8, `${bins} bins`);
    edges = linspace(lo, hi, bins + 1);
    // NumPy's bin dtype: the data's for float32 (the edges are rounded to
    // it, and values compared with the rounded edges)
    if (x0.dtype === "float32") edges = edges.astype("float32");
    uniform = true;
  } else {
    // the edges as given (their own dtype, as NumPy)
    edges = nd(bins);
    nbins = edges.size - 1;
    const e = edges.astype("float64").copy()._read("histogram") as Float64Array;
    for (let i = 1; i < e.length; i++) {
      if (e[i]! < e[i - 1]!) {
        throw new RangeError(
          "histogram(): `bins` must increase monotonically, when an array",
        );
      }
    }
  }
  const xs = x.copy()._read("histogram") as Float64Array;
  const ws = options.weights === undefined
    ? undefined
    : nd(options.weights).ravel().astype("float64").copy()
      ._read("histogram") as Float64Array;
  const counts = new Float64Array(nbins);
  const e = edges.astype("float64").copy()._read("histogram") as Float64Array;
  if (uniform) {
    // NumPy's fast path: index from the scaled value, then fix rounding
    const norm = nbins / (hi - lo);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      if (!(v >= lo && v <= hi)) continue;
      let k = Math.floor((v - lo) * norm);
      if (k === nbins) k -= 1;
      if (v < e[k]!) k -= 1;
      else if (k !== nbins - 1 && v >= e[k + 1]!) k += 1;
      counts[k]! += ws ? ws[i]! : 1;
    }
  } else {
    const idx = searchsorted(edges, x, { side: "right" }) as NDArray;
    const is = idx._read("histogram") as BigInt64Array;
    for (let i = 0; i < xs.length; i++) {
      let k = Number(is[i]!) - 1;
      if (xs[i] === e[nbins]) k = nbins - 1;
      if (k < 0 || k >= nbins) continue;
      counts[k]! += ws ? ws[i]! : 1;
    }
  }
  let hist: NDArray;
  if (options.density) {
    const total = counts.reduce((s, c) => s + c, 0);
    const d = new Float64Array(nbins);
    for (let i = 0; i < nbins; i++) {
      d[i] = counts[i]! / (e[i + 1]! - e[i]!) / total;
    }
    hist = ownArray(d, "float64", [nbins]);
  } else if (ws) hist = ownArray(counts, "float64", [nbins]);
  else {
    const c = new BigInt64Array(nbins);
    counts.forEach((v, i) => (c[i] = BigInt(v)));
    hist = ownArray(c, "int64", [nbins]);
  }
  return { hist, binEdges: edges };
}

/** Options of {@link interp}. */
export interface InterpOptions {
  /** The value below `xp[0]` (default `fp[0]`). */
  left?: number;
  /** The value above `xp[-1]` (default `fp[-1]`). */
  right?: number;
  /**
   * The period of periodic x-coordinates: `left` and `right` are then
   * ignored (as NumPy) and `xp` need not be sorted.
   */
  period?: number;
}
const INTERP_KEYS = optionKeys<InterpOptions>({
  left: 1,
  right: 1,
  period: 1,
});

/**
 * One-dimensional linear interpolation (NumPy's `interp`): `xp` must be
 * increasing; below/above it `left`/`right` (default the end values).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.interp(1.5, [1, 2], [10, 20]), 15);
 * ```
 */
export function interp(
  x: ArrayLikeInput,
  xp: ArrayLikeInput,
  fp: ArrayLikeInput,
  options: InterpOptions = {},
): NDArray | number {
  let X = checkedNd(options, "interp", INTERP_KEYS, x);
  let XP = nd(xp).astype("float64"), FP = nd(fp).astype("float64");
  if (XP.ndim !== 1 || FP.ndim !== 1) {
    throw new RangeError("interp(): Data points must be 1-D sequences");
  }
  if (XP.size !== FP.size) {
    throw new RangeError("interp(): fp and xp are not of the same length.");
  }
  let { left, right } = options;
  const period = options.period;
  if (period !== undefined && period !== null) {
    if (typeof period !== "number") {
      throw new TypeError("interp(): period must be a number");
    }
    if (period === 0) {
      throw new RangeError("interp(): period must be a non-zero value");
    }
    // NumPy's normalization: both axes modulo the period, xp sorted, one
    // point wrapped onto each end (left and right do not apply)
    const p = Math.abs(period);
    left = right = undefined;
    X = ufunc2("mod", X.astype("float64"), p);
    XP = ufunc2("mod", XP, p);
    if (XP.size > 0) {
      const order = argsortNd(XP);
      XP = take(XP, order);
      FP = take(FP, order);
      XP = concatenate([
        ufunc2("subtract", XP.slice("-1:"), p),
        XP,
        ufunc2("add", XP.slice(":1"), p),
      ]);
      FP = concatenate([FP.slice("-1:"), FP, FP.slice(":1")]);
    }
  }
  const dx = XP.copy()._read("interp") as Float64Array;
  const dy = FP.copy()._read("interp") as Float64Array;
  if (dx.length === 0) {
    throw new RangeError("interp(): array of sample points is empty");
  }
  left ??= dy[0]!;
  right ??= dy[dy.length - 1]!;
  const xs = X.astype("float64").copy()._read("interp") as Float64Array;
  const out = new Float64Array(xs.length);
  const n = dx.length;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (Number.isNaN(v)) out[i] = v;
    else if (v > dx[n - 1]!) out[i] = right;
    else if (v < dx[0]!) out[i] = left;
    else if (v === dx[n - 1]!) out[i] = dy[n - 1]!;
    else if (n === 1) out[i] = dy[0]!;
    else {
      // last j with dx[j] <= v
      let lo = 0, hi = n - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (dx[mid]! <= v) lo = mid;
        else hi = mid;
      }
      const j = lo;
      const slope = (dy[j + 1]! - dy[j]!) / (dx[j + 1]! - dx[j]!);
      let r = slope * (v - dx[j]!) + dy[j]!;
      if (Number.isNaN(r)) {
        r = slope * (v - dx[j + 1]!) + dy[j + 1]!;
        if (Number.isNaN(r) && dy[j] === dy[j + 1]) r = dy[j]!;
      }
      out[i] = r;
    }
  }
  const r = ownArray(out, "float64", X.shape.slice());
  return r.ndim === 0 ? (r.item() as number) : r;
}
