/**
 * Covariance and correlation, as NumPy: `cov` (with `fweights`/`aweights`
 * and NumPy's normalization), `corrcoef`, and `convolve`.
 *
 * @module
 */
import { notRecordable } from "../engine/_record.ts";
import { NDArray, type Scalar, storageOf } from "../core/ndarray.ts";
import { array, zeros } from "../core/creation.ts";
import { resultType } from "../core/dtype.ts";
import {
  type ArrayLikeInput,
  asNd as nd,
  ufunc1,
  ufunc2,
} from "../ufunc/ufunc.ts";
import { any, meanAxis, sumAxis } from "./reduce.ts";
import { average } from "./derived.ts";
import { take } from "../array/indexing.ts";
import { matmul } from "../linalg/products.ts";
import { checkOptions, maxArgs, optionKeys } from "../_typed.ts";

/** Options of {@link cov}. */
export interface CovOptions {
  /** Rows are variables (default true); false: columns are. */
  rowvar?: boolean;
  /** Normalize by N (true) instead of N - 1. */
  bias?: boolean;
  /** Delta degrees of freedom, an integer (overrides `bias`). */
  ddof?: number;
  /** Integer frequency weights, one per observation. */
  fweights?: ArrayLikeInput;
  /** Observation weights ("importance"), one per observation. */
  aweights?: ArrayLikeInput;
}
export const COV_KEYS = optionKeys<CovOptions>({
  rowvar: 1,
  bias: 1,
  ddof: 1,
  fweights: 1,
  aweights: 1,
});

/**
 * The covariance matrix of the variables in `m` (NumPy's `cov`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.cov([1, 2, 3]), 1);
 * ```
 */
export function cov(
  m: ArrayLikeInput,
  options: CovOptions = {},
): NDArray | number {
  checkOptions(options, "cov", COV_KEYS);
  const c = covMatrix(m, options);
  return c.size === 1 ? (c.item() as number) : c;
}

/** One observation weight vector of `cov`, checked as NumPy checks it. */
function obsWeights(
  w: ArrayLikeInput,
  n: number,
  what: "fweights" | "aweights",
): NDArray {
  // NumPy's checks read the weights' values: not inside a job
  notRecordable("cov", `its ${what} checks need their values`);
  const x = nd(w).astype("float64");
  if (what === "fweights") {
    const r = storageOf(x.copy()) as Float64Array;
    // NaN fails NumPy's fweights == around(fweights) too
    if (r.some((v) => v !== Math.round(v))) {
      throw new TypeError("cov(): fweights must be integer");
    }
  }
  if (x.ndim > 1) {
    throw new RangeError(`cov(): cannot handle multidimensional ${what}`);
  }
  if (x.ndim === 0 || x.shape[0] !== n) {
    throw new RangeError(
      `cov(): incompatible numbers of samples and ${what}`,
    );
  }
  if (any(ufunc2("less", x, 0))) {
    throw new RangeError(`cov(): ${what} cannot be negative`);
  }
  return x;
}

/**
 * {@link cov}, always as a matrix (1 x 1 for one variable). NumPy's steps:
 * the (weighted) mean of each variable, the deviations, `X @ (X * w).T`
 * times `1 / fact`, where `fact` is `N - ddof`, or with weights `sum(w) -
 * ddof` (`- ddof * sum(w * aweights) / sum(w)` with aweights).
 */
export function covMatrix(
  m: ArrayLikeInput,
  options: CovOptions = {},
): NDArray {
  checkOptions(options, "covMatrix", COV_KEYS);
  const ddofOpt = options.ddof;
  if (ddofOpt !== undefined && ddofOpt !== null && !Number.isInteger(ddofOpt)) {
    throw new TypeError("cov(): ddof must be integer");
  }
  const m0 = nd(m);
  if (m0.ndim > 2) throw new RangeError("cov(): m has more than 2 dimensions");
  const dtype = resultType(m0.dtype, "float64");
  let X = m0.ndim < 2 ? m0.reshape(1, -1) : m0;
  if (options.rowvar === false && m0.ndim !== 1) X = X.T;
  X = X.astype(dtype);
  if (X.shape[0] === 0) return array([], { dtype }).reshape(0, 0);
  const N = X.shape[1]!;
  const ddof = ddofOpt ?? (options.bias ? 0 : 1);
  let w: NDArray | undefined;
  let aw: NDArray | undefined;
  if (options.fweights !== undefined) {
    w = obsWeights(options.fweights, N, "fweights");
  }
  if (options.aweights !== undefined) {
    aw = obsWeights(options.aweights, N, "aweights");
    w = w === undefined ? aw : ufunc2("multiply", w, aw);
  }
  let avg: NDArray, fact: number;
  if (w === undefined) {
    avg = meanAxis(X, { axis: 1, keepdims: true }) as NDArray;
    fact = N - ddof;
  } else {
    const [a, s] = average(X, { axis: 1, weights: w, returned: true });
    avg = (a as NDArray).reshape(-1, 1);
    const wSum = Number((s as NDArray).get(0));
    if (ddof === 0) fact = wSum;
    else if (aw === undefined) fact = wSum - ddof;
    else {
      const wa = sumAxis(ufunc2("multiply", w, aw)) as number;
      fact = wSum - ddof * wa / wSum;
    }
  }
  if (fact <= 0) fact = 0;
  const Xc = ufunc2("subtract", X, avg);
  const XT = w === undefined ? Xc.T : ufunc2("multiply", Xc, w).T;
  return ufunc2("multiply", matmul(Xc, XT), 1 / fact);
}

/** Options of {@link corrcoef}. */
export interface CorrcoefOptions {
  /** Rows are variables (default); `false`: columns are. */
  rowvar?: boolean;
}
export const CORRCOEF_KEYS = optionKeys<CorrcoefOptions>({ rowvar: 1 });

/**
 * Pearson correlation coefficients (NumPy's `corrcoef`), clipped to [-1, 1].
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const r = rp.corrcoef([[1, 2, 3], [2, 4, 6]]) as rp.NDArray;
 * assert.deepEqual(r.tolist(), [[1, 1], [1, 1]]);
 * ```
 */
export function corrcoef(
  x: ArrayLikeInput,
  options: CorrcoefOptions = {},
): NDArray | number {
  checkOptions(options, "corrcoef", CORRCOEF_KEYS);
  const c = cov(x, { rowvar: options.rowvar });
  if (!(c instanceof NDArray)) return c / c;
  const n = c.shape[0]!;
  const d = ufunc1(
    "sqrt",
    take(c.reshape(-1), Array.from({ length: n }, (_, i) => i * (n + 1))),
  );
  let r = ufunc2("divide", c, d.reshape(-1, 1));
  r = ufunc2("divide", r, d.reshape(1, -1));
  return ufunc2("minimum", ufunc2("maximum", r, -1), 1);
}

/**
 * The discrete linear convolution of two 1-d arrays (NumPy's
 * `convolve`; modes "full" (default), "same", "valid").
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.convolve([1, 2], [1, 1]).tolist(), [1n, 3n, 2n]);
 * ```
 */
export function convolve(
  a: ArrayLikeInput,
  v: ArrayLikeInput,
  mode: "full" | "same" | "valid" = "full",
): NDArray {
  maxArgs("convolve", arguments, 3);
  let x = nd(a), y = nd(v);
  if (x.ndim !== 1 || y.ndim !== 1) {
    throw new RangeError("convolve(): object too deep for desired array");
  }
  if (x.size === 0) throw new RangeError("convolve(): a cannot be empty");
  if (y.size === 0) throw new RangeError("convolve(): v cannot be empty");
  if (y.size > x.size) [x, y] = [y, x];
  const dtype = resultType(x.dtype, y.dtype);
  x = x.astype(dtype);
  const n = x.size, m = y.size;
  const full = zeros([n + m - 1], { dtype });
  const ys = y.astype(dtype).tolist() as Scalar[];
  // full[j + i] += x[i] * y[j], one native multiply-add pass per tap
  for (let j = 0; j < m; j++) {
    const dst = full.slice(`${j}:${j + n}`);
    ufunc2("add", dst, ufunc2("multiply", x, ys[j]!), { out: dst });
  }
  if (mode === "full") return full;
  if (mode === "same") {
    const start = Math.floor((m - 1) / 2);
    return full.slice(`${start}:${start + n}`).copy();
  }
  if (mode === "valid") return full.slice(`${m - 1}:${n}`).copy();
  throw new TypeError(
    `convolve(): mode must be "full", "same" or "valid", got ${mode}`,
  );
}
