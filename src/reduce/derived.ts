/**
 * Reductions NumPy builds from the basic ones: `nansum`, `nanmean`,
 * `nanmax`, `nanmin`, `ptp`, `average` (weights, `returned`),
 * `countNonzero`, and `variance`/`std` (two passes over the mean) (`src/reduce/reduce.ts` holds the basic reductions).
 *
 * @module
 */
import { native, statusError } from "../_native.ts";
import { notRecordable } from "../engine/_record.ts";
import { dtypeCode, kind, resultType } from "../core/dtype.ts";
import {
  directStorage,
  fresh,
  keepScalar,
  NDArray,
  numberResult,
  type Scalar,
  storageOf,
} from "../core/ndarray.ts";
import { array } from "../core/creation.ts";
import { normAxis } from "../core/_shape.ts";
import {
  type ArrayLikeInput,
  checkedNd,
  ufunc1,
  ufunc2,
  where,
} from "../ufunc/ufunc.ts";
import { checkOptions, optionKeys } from "../_typed.ts";
import {
  any,
  axesSize,
  type AxisKeepOptions,
  divideCount,
  EXTREMUM_KEYS,
  type ExtremumOptions,
  maskCount,
  MEAN_KEYS,
  meanAxis,
  meanDtype,
  type MeanOptions,
  reduceMasked,
  reduceNd,
  SUM_KEYS,
  type SumOptions,
  whereAxis,
  whereGiven,
  whereMask,
} from "./reduce.ts";
/** Options of `ptp` (NumPy's has no dtype). */
export type PtpOptions = AxisKeepOptions;
const PTP_KEYS = optionKeys<PtpOptions>({ axis: 1, keepdims: 1 });

const isFloat = (x: NDArray) => kind(x.dtype) === "f";

/**
 * Sum treating NaN as zero (NumPy's `nansum`: NaNs replaced by 0, then
 * `sum`, so float results match NumPy's bits).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.nansum([1, NaN, 3]), 4);
 * ```
 */
export function nansum(
  a: ArrayLikeInput,
  options: SumOptions = {},
): NDArray | Scalar {
  const x = checkedNd(options, "nansum", SUM_KEYS, a);
  if (!isFloat(x)) return reduceMasked("sum", x, options, "nansum");
  return reduceMasked(
    "sum",
    where(ufunc1("isnan", x), 0, x),
    options,
    "nansum",
  );
}

/**
 * Mean ignoring NaNs (NumPy's `nanmean`): the sum of the non-NaN values
 * over their count; an all-NaN slice gives NaN.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.nanmean([1, NaN, 3]), 2);
 * ```
 */
export function nanmean(
  a: ArrayLikeInput,
  options: MeanOptions = {},
): NDArray | Scalar {
  const x = checkedNd(options, "nanmean", MEAN_KEYS, a);
  if (!isFloat(x)) return meanAxis(x, options);
  const mask = ufunc1("isnan", x);
  const { axis, keepdims, where: w } = options;
  const cnt = reduceMasked(
    "sum",
    ufunc1("logicalNot", mask),
    { axis, keepdims, dtype: "int64", where: w },
    "nanmean",
  );
  const dtype = options.dtype ?? x.dtype;
  const tot = reduceMasked("sum", where(mask, 0, x), {
    axis,
    keepdims,
    dtype,
    where: w,
  }, "nanmean");
  return divideCount(tot, cnt, dtype);
}

/**
 * Maximum ignoring NaNs (NumPy's `nanmax`, `fmax.reduce`); an all-NaN slice
 * gives NaN (NumPy also warns).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.nanmax([1, NaN, 3]), 3);
 * ```
 */
export function nanmax(
  a: ArrayLikeInput,
  options: ExtremumOptions = {},
): NDArray | Scalar {
  return nanExtremum(a, options, "nanmax");
}
/**
 * Minimum ignoring NaNs (NumPy's `nanmin`); see {@link nanmax}.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.nanmin([1, NaN, 3]), 1);
 * ```
 */
export function nanmin(
  a: ArrayLikeInput,
  options: ExtremumOptions = {},
): NDArray | Scalar {
  return nanExtremum(a, options, "nanmin");
}

/** The reductions of nanmax and nanmin: [for floats, for other dtypes]. */
const NAN_EXTREMUM = {
  nanmax: ["fmax", "max"],
  nanmin: ["fmin", "min"],
} as const;

function nanExtremum(
  a: ArrayLikeInput,
  options: ExtremumOptions,
  fn: keyof typeof NAN_EXTREMUM,
): NDArray | Scalar {
  const x = checkedNd(options, fn, EXTREMUM_KEYS, a);
  return reduceMasked(NAN_EXTREMUM[fn][isFloat(x) ? 0 : 1], x, options, fn);
}

/**
 * Range of values, `max - min` (NumPy's `ptp`; integers wrap as NumPy's).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.ptp([3, 1, 7]), 6n);
 * ```
 */
export function ptp(
  a: ArrayLikeInput,
  options: PtpOptions = {},
): NDArray | Scalar {
  const x = checkedNd(options, "ptp", PTP_KEYS, a);
  const o = { axis: options.axis, keepdims: options.keepdims };
  const hi = reduceNd("max", x, o, "ptp"), lo = reduceNd("min", x, o, "ptp");
  const d = ufunc2(
    "subtract",
    hi instanceof NDArray ? hi : array(hi, { dtype: x.dtype }),
    lo instanceof NDArray ? lo : array(lo, { dtype: x.dtype }),
  );
  return hi instanceof NDArray ? keepScalar(hi, d) : d.item();
}

/** Options of {@link average}. */
export interface AverageOptions {
  /** The axis or axes to average over (default: all). */
  axis?: number | number[] | null;
  /** Weights: the shape of `a`, or 1-d along a single `axis`. */
  weights?: ArrayLikeInput;
  /** Keep the reduced axes with extent 1. */
  keepdims?: boolean;
  /** Also return the sum of the weights: `[average, sumOfWeights]`. */
  returned?: boolean;
}

const AVERAGE_KEYS = optionKeys<AverageOptions>({
  axis: 1,
  weights: 1,
  keepdims: 1,
  returned: 1,
});

/**
 * Weighted average (NumPy's `average`): `sum(a * w) / sum(w)` along the
 * axes, computed in float64 for integer inputs; without weights, `mean`.
 * Weights summing to zero throw. With `returned: true`, the pair
 * `[average, sumOfWeights]` (the weights' sum broadcast to the average's
 * shape; without weights, the element count in the average's dtype).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.average([1, 2, 3], { weights: [3, 1, 0] }), 1.25);
 * ```
 */
export function average(
  a: ArrayLikeInput,
  options: AverageOptions & { returned: true },
): [NDArray | Scalar, NDArray | Scalar];
/** With `returned: true`: the average and the sum of the weights, as NumPy's tuple. */
export function average(
  a: ArrayLikeInput,
  options?: AverageOptions,
): NDArray | Scalar;
export function average(
  a: ArrayLikeInput,
  options: AverageOptions = {},
): NDArray | Scalar | [NDArray | Scalar, NDArray | Scalar] {
  checkOptions(options, "average", AVERAGE_KEYS);
  const r = weightedAverage(a, options);
  if (!options.returned) return r.avg;
  let scl = r.scl;
  const avg = r.avg;
  if (avg instanceof NDArray) {
    const s = scl instanceof NDArray ? scl : array(scl, { dtype: avg.dtype });
    scl = s.broadcastTo(avg.shape.slice()).copy();
  }
  return [avg, scl];
}

function weightedAverage(
  a: ArrayLikeInput,
  options: AverageOptions,
): { avg: NDArray | Scalar; scl: NDArray | Scalar } {
  const x = a instanceof NDArray ? a : array(a);
  if (options.weights === undefined) {
    const avg = meanAxis(x, { axis: options.axis, keepdims: options.keepdims });
    // NumPy: avg.dtype.type(a.size / avg.size)
    const cnt = x.size / (avg instanceof NDArray ? avg.size : 1);
    const dt = avg instanceof NDArray
      ? avg.dtype
      : kind(x.dtype) === "f"
      ? x.dtype
      : "float64";
    return { avg, scl: dt === "float32" ? Math.fround(cnt) : cnt };
  }
  let w = options.weights instanceof NDArray
    ? options.weights
    : array(options.weights);
  const k = kind(x.dtype);
  const dtype = k === "i" || k === "u" || k === "b"
    ? resultType(resultType(x.dtype, w.dtype), "float64")
    : resultType(x.dtype, w.dtype);
  const sameShape = w.ndim === x.ndim &&
    w.shape.every((d, i) => d === x.shape[i]);
  if (!sameShape) {
    if (options.axis === undefined || options.axis === null) {
      throw new TypeError(
        "average(): Axis must be specified when shapes of a and weights differ.",
      );
    }
    if (Array.isArray(options.axis) || w.ndim !== 1) {
      throw new TypeError(
        "average(): 1D weights expected when shapes of a and weights differ.",
      );
    }
    const ax = normAxis(options.axis, x.ndim, "average");
    if (w.shape[0] !== x.shape[ax]) {
      throw new RangeError(
        "average(): Length of weights not compatible with specified axis.",
      );
    }
    w = w.reshape(x.shape.map((d, i) => (i === ax ? d : 1)));
  }
  const o = { axis: options.axis, keepdims: options.keepdims, dtype };
  // the zero-sum check reads the weights' sum: not inside a job
  notRecordable(
    "average",
    "with weights it checks that they do not sum to zero, which needs " +
      "their values",
  );
  const scl = reduceNd("sum", w, o, "average");
  const zero = scl instanceof NDArray
    ? (any(ufunc2("equal", scl, 0)) as boolean)
    : Number(scl) === 0;
  if (zero) {
    throw new RangeError(
      "average(): Weights sum to zero, can't be normalized",
    );
  }
  const num = reduceNd(
    "sum",
    ufunc2("multiply", x.astype(dtype), w.astype(dtype)),
    o,
    "average",
  );
  if (!(num instanceof NDArray)) {
    const v = Number(num) / Number(scl);
    return { avg: dtype === "float32" ? Math.fround(v) : v, scl };
  }
  return {
    avg: keepScalar(num, ufunc2("divide", num, scl as NDArray)),
    scl,
  };
}

/** Options of {@link countNonzero}. */
export type CountOptions = AxisKeepOptions;
const COUNT_KEYS = optionKeys<CountOptions>({ axis: 1, keepdims: 1 });

/**
 * Number of non-zero (truthy, NaN included) elements over the axes (NumPy's
 * `count_nonzero`): a number without `axis`, else an int64 array.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.countNonzero([0, 1, 2, 0]), 2);
 * ```
 */
export function countNonzero(
  a: ArrayLikeInput,
  options: CountOptions = {},
): NDArray | number {
  const x = checkedNd(options, "countNonzero", COUNT_KEYS, a);
  const b = x.dtype === "bool" ? x : x.astype("bool");
  const r = reduceNd("sum", b, { ...options, dtype: "int64" }, "countNonzero");
  return r instanceof NDArray && options.axis != null ? r : numberResult(r);
}

/** Options of {@link variance} and {@link std}. */
export interface VarOptions extends MeanOptions {
  /** Delta degrees of freedom: the divisor is `n - ddof` (default 0). */
  ddof?: number;
}
export const VAR_KEYS = optionKeys<VarOptions>({
  axis: 1,
  keepdims: 1,
  dtype: 1,
  ddof: 1,
  where: 1,
});

/**
 * var/std of a C-contiguous float array over its last axis or all axes,
 * by one kernel call (`rp_var_lanes`) that performs exactly the composed
 * form's operations (see {@link variance}). `undefined` where it does not
 * apply (a recording, another dtype or axis, a strided or empty array).
 */
function varLanes(
  x: NDArray,
  options: VarOptions,
  sqrt: boolean,
  fn: string,
): NDArray | number | undefined {
  const dt = x.dtype;
  if (
    whereGiven(options) || (dt !== "float64" && dt !== "float32") ||
    (options.dtype !== undefined && options.dtype !== dt)
  ) return undefined;
  const ax = options.axis;
  const nd = x.ndim;
  let full: boolean;
  if (ax === undefined || ax === null) full = true;
  else if (
    typeof ax === "number" && nd > 0 && normAxis(ax, nd, fn) === nd - 1
  ) {
    full = nd === 1;
  } else return undefined;
  const n = full ? x.size : x.shape[nd - 1]!;
  const lanes = x.size / n;
  const ddof = options.ddof ?? 0;
  const div = Math.max(n - ddof, 0);
  // float32 divides by n and by n - ddof as float32 values: only where
  // those are exact does the kernel's float32 division equal the composed
  // form's (which divides in float64 and rounds)
  if (dt === "float32" && (Math.fround(div) !== div || n > 2 ** 24)) {
    return undefined;
  }
  const st = directStorage(x, fn);
  if (st === undefined) return undefined;
  const out = fresh(
    dt,
    full
      ? x.shape.map(() => 1)
      : options.keepdims
      ? [...x.shape.slice(0, -1), 1]
      : x.shape.slice(0, -1),
  );
  const status = native.rp_var_lanes(
    dtypeCode(dt),
    st,
    x.size,
    lanes,
    n,
    div,
    sqrt ? 1 : 0,
    storageOf(out),
  );
  if (status !== 0) throw statusError(status, fn);
  return full && !options.keepdims ? storageOf(out)[0] as number : out;
}

/**
 * Variance over the given axes, computed as NumPy's `_var` does (mean with
 * keepdims, subtract, square, sum, divide by `n - ddof`), from the same
 * ufuncs and sums, so results match NumPy's. Integers and bools compute in
 * float64. Exported as `var` (`rp.var(a)`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.variance([1, 2, 3, 4]), 1.25);
 * ```
 */
export function variance(
  a: ArrayLikeInput,
  options: VarOptions = {},
): NDArray | Scalar {
  const x = checkedNd(options, "var", VAR_KEYS, a);
  if (whereGiven(options)) return varWhere(x, options, "var");
  const fast = varLanes(x, options, false, "var");
  if (fast !== undefined) return fast;
  const n = axesSize(x, options.axis, "var");
  const ddof = options.ddof ?? 0;
  const acc = meanDtype(x, options);
  const total = reduceNd("sum", x, {
    axis: options.axis,
    keepdims: true,
    dtype: acc,
  }, "var");
  const mean = ufunc2("divide", total as NDArray, n);
  let d = ufunc2("subtract", x.dtype === acc ? x : x.astype(acc), mean);
  d = ufunc2("multiply", d, d, { out: d });
  const s = reduceNd("sum", d, {
    axis: options.axis,
    keepdims: options.keepdims,
    dtype: acc,
  }, "var");
  d.dispose(); // a temporary: its buffer goes straight back to the pool
  const div = Math.max(n - ddof, 0);
  if (!(s instanceof NDArray)) {
    const v = Number(s) / div;
    return acc === "float32" ? Math.fround(v) : v;
  }
  return keepScalar(s, ufunc2("divide", s, div));
}

/**
 * `var` with a `where` mask, as NumPy's `_var`: the masked mean, the
 * squared deviations, their masked sum over `max(count - ddof, 0)`.
 */
function varWhere(x: NDArray, options: VarOptions, fn: string) {
  const acc = meanDtype(x, options);
  const m = whereMask(options.where!, x.shape, fn);
  const { keepdims } = options;
  const axis = whereAxis(x, options.axis);
  const n = maskCount(m, x.shape, axis, true, fn);
  const total = reduceMasked("sum", x, {
    axis,
    keepdims: true,
    dtype: acc,
    where: m,
  }, fn);
  const mean = divideCount(total, n, acc);
  let d = ufunc2("subtract", x.dtype === acc ? x : x.astype(acc), mean);
  d = ufunc2("multiply", d, d, { out: d });
  const s = reduceMasked(
    "sum",
    d,
    { axis, keepdims, dtype: acc, where: m },
    fn,
  );
  const cnt = maskCount(m, x.shape, axis, keepdims, fn);
  const ddof = options.ddof ?? 0;
  const div = cnt instanceof NDArray
    ? ufunc2("maximum", ufunc2("subtract", cnt, ddof), 0)
    : Math.max(Number(cnt) - ddof, 0);
  return divideCount(s, div, acc);
}

/**
 * Standard deviation: `sqrt(var(a))` (see {@link variance}).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.std([1, 2, 3, 4], { ddof: 1 }), 1.2909944487358056);
 * ```
 */
export function std(
  a: ArrayLikeInput,
  options: VarOptions = {},
): NDArray | Scalar {
  checkOptions(options, "std", VAR_KEYS);
  if (a instanceof NDArray) {
    const fast = varLanes(a, options, true, "std");
    if (fast !== undefined) return fast;
  }
  const v = variance(a, options);
  if (!(v instanceof NDArray)) {
    const r = Math.sqrt(Number(v));
    const acc = meanDtype(a instanceof NDArray ? a : array(a), options);
    if (acc === "float32") return Math.fround(r);
    // an integer dtype: NumPy's cast of the float root
    return kind(acc) === "f" ? r : array(r).astype(acc).item();
  }
  return keepScalar(v, ufunc1("sqrt", v));
}
