/**
 * `*Async` variants of the heavy operations: each submits one job to the
 * {@link defaultEngine} (see `engine.ts` for the memory semantics: inputs
 * are copied at submission, results are new arrays handed out on success)
 * and accepts `{ signal, timeout, priority }` besides its own options.
 * Async variants take no `out`: a job never writes into caller memory.
 *
 * @module
 */
import { NDArray, type Scalar } from "../core/ndarray.ts";
import { ASYNC_KEYS, type AsyncOptions } from "./engine.ts";
import {
  argsortNd,
  SORT_KEYS,
  sortNd,
  type SortOptions,
} from "../array/sorting.ts";
import {
  cholesky,
  eigh,
  inv,
  pinv,
  PINV_KEYS,
  type PinvOptions,
  qr,
  solve,
  svd,
  SVD_KEYS,
  type SvdOptions,
} from "../linalg/dense.ts";
import { einsumKeep as einsumNd } from "../linalg/einsum.ts";
import { normAxis } from "../core/_shape.ts";
import * as la from "../linalg/products.ts";
import * as red from "../reduce/reduce.ts";
import * as rd from "../reduce/derived.ts";
import * as st from "../reduce/stats.ts";
import * as cv from "../reduce/covariance.ts";
import * as uf from "../ufunc/ufunc.ts";
import { checkOptions } from "../_typed.ts";
import { job, nd, own, withJob } from "./_async_job.ts";
import type { ArrayLikeInput } from "../ufunc/ufunc.ts";
export type { BinaryAsync, UnaryAsync } from "./_async_job.ts";

const REDUCE_JOB = withJob(() => red.REDUCE_KEYS);
const EXTREMUM_JOB = withJob(() => new Set(["axis", "keepdims"]));
const VAR_JOB = withJob(() =>
  new Set([...rd.VAR_KEYS].filter((k) => k !== "where"))
);
const ARG_JOB = withJob(() => red.ARG_KEYS);
const SCAN_JOB = withJob(() => red.SCAN_KEYS);
const SORT_JOB = withJob(() => SORT_KEYS);
const SVD_JOB = withJob(() => SVD_KEYS);
const PINV_JOB = withJob(() => PINV_KEYS);
const MEDIAN_JOB = withJob(() => st.MEDIAN_KEYS);
const QUANTILE_JOB = withJob(() => st.QUANTILE_KEYS);
// weights are checked by value (NumPy's checks): cov with them is sync only
const COV_JOB = withJob(() =>
  new Set([...cv.COV_KEYS].filter((k) => k !== "fweights" && k !== "aweights"))
);
const CORRCOEF_JOB = withJob(() => cv.CORRCOEF_KEYS);
const QR_JOB = withJob(() => new Set(["mode"]));
const EIGH_JOB = withJob(() => new Set(["UPLO"]));

/**
 * `matmul` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const y = await rp.matmulAsync([[1, 2], [3, 4]], [[1], [1]]);
 * assert.deepEqual(y.tolist(), [[3n], [7n]]);
 * ```
 */
export function matmulAsync(
  a: ArrayLikeInput,
  b: ArrayLikeInput,
  options: AsyncOptions = {},
): Promise<NDArray> {
  checkOptions(options, "matmulAsync", ASYNC_KEYS);
  return job(() => la.matmul(nd(a), nd(b)), options);
}

/**
 * `dot` on the engine (a JS scalar for two vectors).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.dotAsync([1, 2], [3, 4]), 11n);
 * ```
 */
export async function dotAsync(
  a: ArrayLikeInput,
  b: ArrayLikeInput,
  options: AsyncOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "dotAsync", ASYNC_KEYS);
  const x = nd(a), y = nd(b);
  const r = await job(() => {
    if (x.ndim === 0 || y.ndim === 0) return uf.ufunc2("multiply", x, y);
    if ((x.ndim <= 2 && y.ndim <= 2) || y.ndim === 1) return la.matmul(x, y);
    return la.tensordot(x, y, [[x.ndim - 1], [y.ndim - 2]]);
  }, options);
  return r.ndim === 0 ? r.item() : r;
}

/** Options of the async reductions: the reduction's and the job's. */
export type ReduceAsyncOptions = red.ReduceOptions & AsyncOptions;

/** Runs a reduction; a full reduction resolves to a JS scalar as the sync one. */
async function reduceAsync(
  fn: (a: NDArray, o: red.ReduceOptions) => NDArray | Scalar,
  a: ArrayLikeInput,
  options: ReduceAsyncOptions,
): Promise<NDArray | Scalar> {
  const x = nd(a);
  const axes = options.axis === undefined || options.axis === null
    ? x.shape.map((_, i) => i)
    : (Array.isArray(options.axis) ? options.axis : [options.axis]);
  const all = new Set(axes.map((i) => normAxis(i, x.ndim, "reduce"))).size ===
    x.ndim;
  const scalar = all && !options.keepdims;
  const r = await job(
    () =>
      fn(x, { ...own(options), keepdims: scalar ? true : options.keepdims }),
    options,
  );
  return scalar ? (r as NDArray).item() : r;
}

/**
 * `sum` along axes on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.sumAsync([1, 2, 3]), 6n);
 * ```
 */
export function sumAsync(
  a: ArrayLikeInput,
  options: ReduceAsyncOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "sumAsync", REDUCE_JOB());
  return reduceAsync(red.sumAxis, a, options);
}
/**
 * `mean` along axes on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.meanAsync([1, 2, 3, 4]), 2.5);
 * ```
 */
export function meanAsync(
  a: ArrayLikeInput,
  options: ReduceAsyncOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "meanAsync", REDUCE_JOB());
  return reduceAsync(red.meanAxis, a, options);
}
/**
 * `prod` along axes on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.prodAsync([1, 2, 3]), 6n);
 * ```
 */
export function prodAsync(
  a: ArrayLikeInput,
  options: ReduceAsyncOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "prodAsync", REDUCE_JOB());
  return reduceAsync(red.prod, a, options);
}
/**
 * `max` along axes on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.maxAsync([1, 5, 2]), 5n);
 * ```
 */
export function maxAsync(
  a: ArrayLikeInput,
  options: rd.PtpOptions & AsyncOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "maxAsync", EXTREMUM_JOB());
  return reduceAsync(red.amax, a, options);
}
/**
 * `min` along axes on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.minAsync([1, 5, 2]), 1n);
 * ```
 */
export function minAsync(
  a: ArrayLikeInput,
  options: rd.PtpOptions & AsyncOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "minAsync", EXTREMUM_JOB());
  return reduceAsync(red.amin, a, options);
}
/**
 * `var` along axes on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.varAsync([1, 2, 3, 4]), 1.25);
 * ```
 */
export function varAsync(
  a: ArrayLikeInput,
  options: rd.VarOptions & AsyncOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "varAsync", VAR_JOB());
  return reduceAsync(rd.variance, a, options);
}
/**
 * `std` along axes on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.stdAsync([1, 2, 3, 4]), 1.118033988749895);
 * ```
 */
export function stdAsync(
  a: ArrayLikeInput,
  options: rd.VarOptions & AsyncOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "stdAsync", VAR_JOB());
  return reduceAsync(rd.std, a, options);
}

async function argAsync(
  max: boolean,
  a: ArrayLikeInput,
  options: red.ArgOptions & AsyncOptions,
): Promise<NDArray | number> {
  const x = nd(a);
  const f = max ? red.argmaxAxis : red.argminAxis;
  if (options.axis === undefined || options.axis === null) {
    const r = await job(
      () => f(x.ravel(), { axis: 0, keepdims: true }) as NDArray,
      options,
    );
    return Number(r.item());
  }
  return await job(() => f(x, own(options)), options);
}
/**
 * `argmax` (flattened or along `axis`) on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.argmaxAsync([1, 5, 2]), 1);
 * ```
 */
export function argmaxAsync(
  a: ArrayLikeInput,
  options: red.ArgOptions & AsyncOptions = {},
): Promise<NDArray | number> {
  checkOptions(options, "argmaxAsync", ARG_JOB());
  return argAsync(true, a, options);
}
/**
 * `argmin` (flattened or along `axis`) on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.argminAsync([1, 5, 2]), 0);
 * ```
 */
export function argminAsync(
  a: ArrayLikeInput,
  options: red.ArgOptions & AsyncOptions = {},
): Promise<NDArray | number> {
  checkOptions(options, "argminAsync", ARG_JOB());
  return argAsync(false, a, options);
}

/**
 * `cumsum` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const c = (await rp.cumsumAsync([1, 2, 3])) as rp.NDArray;
 * assert.deepEqual(c.tolist(), [1n, 3n, 6n]);
 * ```
 */
export function cumsumAsync(
  a: ArrayLikeInput,
  options: red.ScanOptions & AsyncOptions = {},
): Promise<NDArray> {
  checkOptions(options, "cumsumAsync", SCAN_JOB());
  return job(() => red.cumsumAxis(nd(a), own(options)), options);
}

/**
 * A sorted copy along `axis` (NumPy's `np.sort`; NaN last) on the engine.
 * A TypedArray input gives a TypedArray of its type.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const s = await rp.sortAsync(rp.array([3, 1, 2]));
 * assert.deepEqual(s.tolist(), [1n, 2n, 3n]);
 * ```
 */
export async function sortAsync<A extends ArrayLikeInput>(
  a: A,
  options: SortOptions & AsyncOptions = {},
): Promise<A extends NDArray ? NDArray : A> {
  checkOptions(options, "sortAsync", SORT_JOB());
  const x = nd(a);
  const r = await job(() => sortNd(x, own(options)), options);
  return (a instanceof NDArray ? r : r.data) as A extends NDArray ? NDArray
    : A;
}

/**
 * Stable `argsort` along `axis` on the engine (int64 indices).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const i = await rp.argsortAsync(rp.array([3, 1, 2]));
 * assert.deepEqual(i.tolist(), [1n, 2n, 0n]);
 * ```
 */
export function argsortAsync(
  a: ArrayLikeInput,
  options: SortOptions & AsyncOptions = {},
): Promise<NDArray> {
  checkOptions(options, "argsortAsync", SORT_JOB());
  return job(() => argsortNd(nd(a), own(options)), options);
}

/**
 * `where(cond, x, y)` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const w = await rp.whereAsync([true, false], [1, 2], [3, 4]);
 * assert.deepEqual(w.tolist(), [1n, 4n]);
 * ```
 */
export function whereAsync(
  cond: ArrayLikeInput,
  x: ArrayLikeInput,
  y: ArrayLikeInput,
  options: AsyncOptions = {},
): Promise<NDArray> {
  checkOptions(options, "whereAsync", ASYNC_KEYS);
  return job(() => uf.where(nd(cond), nd(x), nd(y)), options);
}

/**
 * `linalg.solve` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const x = await rp.solveAsync([[2, 0], [0, 4]], [2, 4]);
 * assert.deepEqual(x.tolist(), [1, 1]);
 * ```
 */
export function solveAsync(
  a: ArrayLikeInput,
  b: ArrayLikeInput,
  options: AsyncOptions = {},
): Promise<NDArray> {
  checkOptions(options, "solveAsync", ASYNC_KEYS);
  return job(() => solve(nd(a), nd(b)), options);
}
/**
 * `linalg.inv` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const m = await rp.invAsync([[2, 0], [0, 4]]);
 * assert.deepEqual(m.tolist(), [[0.5, 0], [0, 0.25]]);
 * ```
 */
export function invAsync(
  a: ArrayLikeInput,
  options: AsyncOptions = {},
): Promise<NDArray> {
  checkOptions(options, "invAsync", ASYNC_KEYS);
  return job(() => inv(nd(a)), options);
}
/**
 * `linalg.cholesky` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const l = await rp.choleskyAsync([[4, 0], [0, 9]]);
 * assert.deepEqual(l.tolist(), [[2, 0], [0, 3]]);
 * ```
 */
export function choleskyAsync(
  a: ArrayLikeInput,
  options: AsyncOptions = {},
): Promise<NDArray> {
  checkOptions(options, "choleskyAsync", ASYNC_KEYS);
  return job(() => cholesky(nd(a)), options);
}
/**
 * `linalg.qr` (reduced or complete) on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const { Q, R } = await rp.qrAsync([[2, 0], [0, 3]]);
 * assert.deepEqual(rp.matmul(Q, R).tolist(), [[2, 0], [0, 3]]);
 * ```
 */
export function qrAsync(
  a: ArrayLikeInput,
  options: AsyncOptions & { mode?: "reduced" | "complete" } = {},
): Promise<{ Q: NDArray; R: NDArray }> {
  checkOptions(options, "qrAsync", QR_JOB());
  return job(() => qr(nd(a), options.mode ?? "reduced"), options);
}
/**
 * `linalg.eigh` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const { eigenvalues } = await rp.eighAsync([[2, 0], [0, 3]]);
 * assert.deepEqual(eigenvalues.tolist(), [2, 3]);
 * ```
 */
export function eighAsync(
  a: ArrayLikeInput,
  options: AsyncOptions & { UPLO?: "L" | "U" } = {},
): Promise<{ eigenvalues: NDArray; eigenvectors: NDArray }> {
  checkOptions(options, "eighAsync", EIGH_JOB());
  return job(() => eigh(nd(a), options.UPLO ?? "L"), options);
}
/**
 * `linalg.svd` on the engine (`computeUv: false` gives the values).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const { S } = await rp.svdAsync([[3, 0], [0, 4]]);
 * assert.deepEqual(S.tolist(), [4, 3]);
 * ```
 */
export function svdAsync(
  a: ArrayLikeInput,
  options: AsyncOptions & SvdOptions & { computeUv: false },
): Promise<NDArray>;
/** With `computeUv: false`: the singular values only. */
export function svdAsync(
  a: ArrayLikeInput,
  options?: AsyncOptions & SvdOptions,
): Promise<{ U: NDArray; S: NDArray; Vh: NDArray }>;
export function svdAsync(
  a: ArrayLikeInput,
  options: AsyncOptions & SvdOptions = {},
): Promise<NDArray | { U: NDArray; S: NDArray; Vh: NDArray }> {
  checkOptions(options, "svdAsync", SVD_JOB());
  return job(() => svd(nd(a), own(options)), options);
}
/**
 * `linalg.pinv` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const p = await rp.pinvAsync([[2, 0], [0, 4]]);
 * assert.deepEqual(p.tolist(), [[0.5, 0], [0, 0.25]]);
 * ```
 */
export function pinvAsync(
  a: ArrayLikeInput,
  options: AsyncOptions & PinvOptions = {},
): Promise<NDArray> {
  checkOptions(options, "pinvAsync", PINV_JOB());
  return job(() => pinv(nd(a), own(options)), options);
}
/**
 * Runs a reduction along one axis (or all) on the engine with kept
 * dimensions (a job's result must be an array), then drops them as the
 * synchronous function would: `lead` leading result axes (quantiles) come
 * before the reduced ones.
 */
async function reduceJob(
  x: NDArray,
  axis: number | null | undefined,
  keepdims: boolean | undefined,
  lead: number[],
  fn: () => NDArray | Scalar,
  options: AsyncOptions,
): Promise<NDArray | Scalar> {
  const r = await job(() => fn() as NDArray, options);
  if (keepdims) return r;
  const shape = r.shape.slice(lead.length);
  const rest = axis === undefined || axis === null
    ? []
    : shape.filter((_, i) => i !== normAxis(axis, x.ndim, "reduce"));
  const out = r.reshape([...lead, ...rest]);
  return out.ndim === 0 ? out.item() : out;
}

/** Options of `medianAsync`: the job's, `axis` and `keepdims`. */
export type StatOptions = AsyncOptions & {
  /** The axis to reduce (default: all). */
  axis?: number | null;
  /** Keep the reduced axis with extent 1. */
  keepdims?: boolean;
};

/**
 * `median` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.medianAsync([3, 1, 2]), 2);
 * ```
 */
export function medianAsync(
  a: ArrayLikeInput,
  options: StatOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "medianAsync", MEDIAN_JOB());
  const x = nd(a);
  const o = { axis: options.axis, keepdims: true };
  return reduceJob(
    x,
    options.axis,
    options.keepdims,
    [],
    () => st.median(x, o),
    options,
  );
}
type QuantileFn = (
  a: ArrayLikeInput,
  q: number | readonly number[],
  o?: st.QuantileOptions,
) => NDArray | Scalar;
/** `quantileAsync` / `percentileAsync`. */
export type QuantileAsync = (
  a: ArrayLikeInput,
  q: number | readonly number[],
  options?: AsyncOptions & st.QuantileOptions,
) => Promise<NDArray | Scalar>;

function quantileAsyncOf(f: QuantileFn, name: string): QuantileAsync {
  return (a, q, options = {}) => {
    checkOptions(options, name, QUANTILE_JOB());
    const x = nd(a);
    const o = { axis: options.axis, method: options.method, keepdims: true };
    const lead = typeof q === "number" ? [] : [q.length];
    return reduceJob(
      x,
      options.axis,
      options.keepdims,
      lead,
      () => f(x, q, o),
      options,
    );
  };
}
/**
 * `quantile` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.quantileAsync([1, 2, 3, 4], 0.5), 2.5);
 * ```
 */
export const quantileAsync: QuantileAsync = quantileAsyncOf(
  st.quantile,
  "quantileAsync",
);
/**
 * `percentile` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.percentileAsync([1, 2, 3, 4], 50), 2.5);
 * ```
 */
export const percentileAsync: QuantileAsync = quantileAsyncOf(
  st.percentile,
  "percentileAsync",
);
/**
 * `cov` on the engine (a JS number for a single variable, as `cov`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.covAsync([1, 2, 3]), 1);
 * ```
 */
export async function covAsync(
  m: ArrayLikeInput,
  options: AsyncOptions & cv.CovOptions = {},
): Promise<NDArray | number> {
  checkOptions(options, "covAsync", COV_JOB());
  // the job's result must be an array: 1 x 1 for a single variable
  const r = await job(() => cv.covMatrix(nd(m), own(options)), options);
  return r.size === 1 ? Number(r.item()) : r;
}
/**
 * `corrcoef` on the engine.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const r = await rp.corrcoefAsync([[1, 2, 3], [2, 4, 6]]) as rp.NDArray;
 * assert.deepEqual(r.tolist(), [[1, 1], [1, 1]]);
 * ```
 */
export async function corrcoefAsync(
  x: ArrayLikeInput,
  options: AsyncOptions & { rowvar?: boolean } = {},
): Promise<NDArray | number> {
  checkOptions(options, "corrcoefAsync", CORRCOEF_JOB());
  const a = nd(x);
  // one variable: its coefficient with itself (1 or NaN), no job needed
  if (a.ndim === 1 || a.shape[options.rowvar === false ? 1 : 0] === 1) {
    return cv.corrcoef(a, own(options));
  }
  return await job(() => cv.corrcoef(a, own(options)) as NDArray, options);
}

/**
 * `einsum` on the engine (a 0-d result resolves to a JS scalar).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await rp.einsumAsync("ii", [[[1, 2], [3, 4]]]), 5n); // operands as a list
 * ```
 */
export async function einsumAsync(
  subscripts: string,
  operands: ArrayLikeInput[],
  options: AsyncOptions = {},
): Promise<NDArray | Scalar> {
  checkOptions(options, "einsumAsync", ASYNC_KEYS);
  const xs = operands.map(nd);
  // record with a kept 0-d result: its value exists only after the job
  const r = await job(() => einsumNd(subscripts, ...xs), options);
  return r.ndim === 0 ? r.item() : r;
}
