/**
 * Reductions of NDArrays along axes, as NumPy: `sum`, `prod`, `max`,
 * `min`, `all`, `any`, `mean`, with `axis` (int, negative, list, or all),
 * `keepdims` and `dtype`. Float sums follow NumPy's order of operations
 * (pairwise along the innermost memory axis when it is reduced, else
 * slice-by-slice accumulation), so results match NumPy bit for bit when no
 * dtype conversion is involved. A reduction over all axes without
 * `keepdims` returns a JS scalar, as NumPy returns a scalar.
 *
 * @module
 */
import { taLength } from "../_intrinsics.ts";
import {
  kernel,
  type KernelArg,
  metaWords,
  pendingCount,
  recording,
} from "../engine/_record.ts";
import { allocStorage } from "../core/_pool.ts";
import { REDUCE } from "../../ffi/symbols.ts";
import { native, statusError } from "../_native.ts";
import { JS_BELOW } from "../_thresholds.ts";
import { pairwiseF64 } from "../_js.ts";
import { asDType, type DType, dtypeCode, kind } from "../core/dtype.ts";
import {
  directStorage,
  fresh,
  keepScalar,
  NDArray,
  ownArray,
  type Scalar,
  scalarResult,
  storageOf,
} from "../core/ndarray.ts";
import { array, full } from "../core/creation.ts";
import { broadcastShapes, cStrides, normAxis, sizeOf } from "../core/_shape.ts";
import {
  type ArrayLikeInput,
  checkedNd,
  ufunc2,
  where,
} from "../ufunc/ufunc.ts";
import { checkOptions, optionKeys } from "../_typed.ts";

/** Options of the reductions. */
export interface ReduceOptions extends AxisKeepOptions {
  /** The dtype to accumulate and return in (sum, prod, mean). */
  dtype?: DType;
}

/** The keys of {@link ReduceOptions}. */
export const REDUCE_KEYS = optionKeys<ReduceOptions>({
  axis: 1,
  keepdims: 1,
  dtype: 1,
});

/** NumPy's `where` of the reductions: which elements take part. */
export interface WhereOption {
  /**
   * A bool mask broadcastable to the array's shape (a JS array is read as
   * bools, as NumPy reads a list); `false` elements are left out.
   */
  where?: ArrayLikeInput | boolean;
}

/** Options of `sum`, `prod` and `nansum`. */
export interface SumOptions extends ReduceOptions, WhereOption {
  /** The starting value, cast to the result dtype. */
  initial?: number | bigint | boolean;
}
/** The keys of {@link SumOptions}. */
export const SUM_KEYS = optionKeys<SumOptions>({
  axis: 1,
  keepdims: 1,
  dtype: 1,
  where: 1,
  initial: 1,
});

/** The axes to reduce and whether to keep them (the reductions' core). */
export interface AxisKeepOptions {
  /** Axis or axes to reduce (default: all). Negative counts from the end. */
  axis?: number | number[] | null;
  /** Keep reduced axes as length-1 dimensions. */
  keepdims?: boolean;
}

/** Options of `max`, `min`, `nanmax`, `nanmin` (NumPy's have no dtype). */
export interface ExtremumOptions extends AxisKeepOptions, WhereOption {
  /** A value the result may not go below (max) or above (min). */
  initial?: number | bigint | boolean;
}
/** The keys of {@link ExtremumOptions}. */
export const EXTREMUM_KEYS = optionKeys<ExtremumOptions>({
  axis: 1,
  keepdims: 1,
  where: 1,
  initial: 1,
});

/** Options of `all` and `any`. */
export interface LogicalOptions extends AxisKeepOptions, WhereOption {}
/** The keys of {@link LogicalOptions}. */
export const LOGICAL_KEYS = optionKeys<LogicalOptions>({
  axis: 1,
  keepdims: 1,
  where: 1,
});

/** Options of `mean` and `nanmean`. */
export interface MeanOptions extends ReduceOptions, WhereOption {}
/** The keys of {@link MeanOptions}. */
export const MEAN_KEYS = optionKeys<MeanOptions>({
  axis: 1,
  keepdims: 1,
  dtype: 1,
  where: 1,
});

type Masked = ReduceOptions & WhereOption & {
  initial?: number | bigint | boolean;
};

/**
 * The bool mask of a `where` option, checked to broadcast to `shape`. As
 * NumPy: a bool array or a JS array read as bools; another dtype cannot be
 * cast to bool safely and is a TypeError.
 */
export function whereMask(
  w: ArrayLikeInput | boolean,
  shape: readonly number[],
  fn: string,
): NDArray {
  const m = typeof w === "boolean" || Array.isArray(w)
    ? array(w, { dtype: "bool" })
    : w instanceof NDArray
    ? w
    : array(w);
  if (m.dtype !== "bool") {
    throw new TypeError(
      `${fn}(): where: Cannot cast array data from dtype('${m.dtype}') to ` +
        `dtype('bool') according to the rule 'safe'`,
    );
  }
  const b = broadcastShapes([m.shape, shape], fn);
  if (b.length !== shape.length || b.some((d, i) => d !== shape[i])) {
    throw new RangeError(
      `${fn}(): where of shape (${m.shape.join(", ")}) does not broadcast ` +
        `to the array's shape (${shape.join(", ")})`,
    );
  }
  return m;
}

const IDENTITY: Partial<Record<Op, number | boolean>> = {
  sum: 0,
  prod: 1,
  all: true,
  any: false,
};
const COMBINE = {
  sum: "add",
  prod: "multiply",
  max: "maximum",
  min: "minimum",
  fmax: "fmax",
  fmin: "fmin",
  all: "logicalAnd",
  any: "logicalOr",
} as const;
const UFUNC_NAME: Partial<Record<Op, string>> = {
  max: "maximum",
  min: "minimum",
  fmax: "fmax",
  fmin: "fmin",
};

/**
 * A reduction with NumPy's `where` and `initial`: elements outside the
 * mask are replaced by the operation's identity (or `initial`, for max and
 * min, which have none and so need it with a mask), and `initial` joins
 * the result as one more element. The plain reduction when neither is set.
 * Float sums with either option may differ from NumPy's in the last bit
 * (NumPy sums each run of selected elements on its own).
 */
export function reduceMasked(
  op: Op,
  x: ArrayLikeInput,
  options: Masked,
  fn: string,
): NDArray | Scalar {
  const w = options.where, init = options.initial;
  const masked = whereGiven(options);
  if (!masked && init === undefined) return reduceNd(op, x, options, fn);
  let a = x instanceof NDArray ? x : array(x);
  const axes = normAxes(options.axis, a.ndim, fn);
  if (masked) {
    const fill = IDENTITY[op] ?? init;
    if (fill === undefined) {
      throw new RangeError(
        `${fn}(): reduction operation '${UFUNC_NAME[op] ?? op}' does not ` +
          `have an identity, so to use a where mask one has to specify ` +
          `'initial'`,
      );
    }
    const m = whereMask(w!, a.shape, fn);
    a = where(m, a, full([], fill, { dtype: a.dtype }));
  }
  const keep = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  let r: NDArray;
  if (
    init !== undefined && IDENTITY[op] === undefined &&
    axes.some((i) => a.shape[i] === 0)
  ) {
    // max/min of nothing is the initial value
    r = full(keep, init, { dtype: a.dtype });
  } else {
    r = reduceNd(
      op,
      a,
      { ...options, axis: axes, keepdims: true },
      fn,
    ) as NDArray;
  }
  if (init !== undefined) {
    r = ufunc2(
      COMBINE[op as keyof typeof COMBINE],
      r,
      full([], init, { dtype: r.dtype }),
    );
  }
  if (options.keepdims) return r;
  const kept = a.shape.filter((_, i) => !axes.includes(i));
  return kept.length === 0 ? scalarResult(r.reshape([])) : r.reshape(kept);
}

/** The number of selected elements per lane (int64), as `sum(mask)`. */
export function maskCount(
  m: NDArray,
  shape: readonly number[],
  axis: ReduceOptions["axis"],
  keepdims: boolean | undefined,
  fn: string,
): NDArray | Scalar {
  return reduceNd("sum", m.broadcastTo(shape.slice()), {
    axis,
    keepdims,
    dtype: "int64",
  }, fn);
}

type Op = keyof typeof REDUCE;

/**
 * NumPy's ufunc reductions (and argmax/argmin, cumsum) accept axis 0 or -1
 * on a 0-d array, as the whole array; mean, var, std and median do not.
 */
const ZERO_D_AXIS = new Set([
  "sum",
  "prod",
  "max",
  "min",
  "all",
  "any",
  "nansum",
  "nanmean", // its float path sums (np.sum); integers go through mean
  "nanmax",
  "nanmin",
  "ptp",
  "countNonzero",
  "argmax",
  "argmin",
  "cumsum",
  "cumprod",
]);

/** Whether `axis` names the whole of a 0-d array (see ZERO_D_AXIS). */
function zeroDAxis(axis: unknown, ndim: number, fn: string): boolean {
  if (ndim !== 0 || !ZERO_D_AXIS.has(fn)) return false;
  const list = Array.isArray(axis) ? axis : [axis];
  return list.every((a) => a === 0 || a === -1);
}

export function normAxes(
  axis: ReduceOptions["axis"],
  ndim: number,
  fn: string,
): number[] {
  if (axis === undefined || axis === null) return [...Array(ndim).keys()];
  if (zeroDAxis(axis, ndim, fn)) return [];
  const list = Array.isArray(axis) ? axis : [axis];
  const out = list.map((a) => normAxis(a, ndim, fn));
  if (new Set(out).size !== out.length) {
    throw new RangeError(`${fn}(): duplicate value in 'axis'`);
  }
  return out;
}

/** NumPy's accumulator dtype for sum/prod: small ints widen to 64 bits. */
function accumulatorDtype(d: DType): DType {
  const k = kind(d);
  if (k === "b" || (k === "i" && d !== "int64")) return "int64";
  if (k === "u" && d !== "uint64") return "uint64";
  return d;
}

const fslot = new Float64Array(1);
/** The axis kernel's layout buffer, reused outside recordings. */
const REDUCE_META = new Float64Array(3 + 5 * 32);
/** Views of it by length (the wasm backend copies in exactly these). */
const META_VIEWS: Float64Array[] = [];

/**
 * The small-array fast path of a full float sum/max/min over a
 * C-contiguous NDArray: the flat API's kernels (pairwise in NumPy's order,
 * in JS below the measured crossover), which compute exactly what the
 * axis kernel computes for one contiguous run, without its layout
 * machinery. `undefined` where it does not apply (inside a recording, an
 * offset view, a strided or empty array).
 */
function fullFloat(op: Op, a: NDArray, fn: string): number | undefined {
  const st = directStorage(a, fn);
  if (st === undefined) return undefined;
  const n = a.size;
  const f64 = a.dtype === "float64";
  if (op === "sum" && f64 && n < JS_BELOW.sum) {
    return 0 + pairwiseF64(st as Float64Array, 0, n);
  }
  const dt = dtypeCode(a.dtype);
  // one named call each (a keyed load of a varying symbol name is
  // megamorphic in V8)
  const status = op === "sum"
    ? native.rp_sum(dt, st, n, fslot)
    : op === "max"
    ? native.rp_max(dt, st, n, fslot)
    : native.rp_min(dt, st, n, fslot);
  if (status !== 0) throw statusError(status, fn);
  return fslot[0]!;
}

export function reduceNd(
  op: Op,
  x: ArrayLikeInput,
  options: ReduceOptions,
  fn: string,
): NDArray | Scalar {
  if (
    x instanceof NDArray && options.axis == null && !options.keepdims &&
    (op === "sum" || op === "max" || op === "min") &&
    (x.dtype === "float64" || x.dtype === "float32") &&
    (options.dtype === undefined || options.dtype === x.dtype)
  ) {
    const r = fullFloat(op, x, fn);
    if (r !== undefined) return r;
  }
  let a = x instanceof NDArray ? x : array(x);
  a._live(fn);
  const axes = normAxes(options.axis, a.ndim, fn);
  let dtype: DType;
  if (op === "all" || op === "any") dtype = "bool";
  else if (op === "sum" || op === "prod") {
    dtype = options.dtype
      ? asDType(options.dtype, fn)
      : accumulatorDtype(a.dtype);
  } else dtype = a.dtype;
  if (a.dtype !== dtype) a = a.astype(dtype);
  if (axes.length === 1 && a.shape[axes[0]!]! > 0) {
    return reduceOneAxis(op, a, axes[0]!, dtype, options.keepdims, fn);
  }
  const isRed = (i: number) => axes.includes(i);
  const kept = [...Array(a.ndim).keys()].filter((i) => !isRed(i));
  // reduced axes in memory order (outermost first), extent-1 axes dropped,
  // then runs that are contiguous with each other merged (as NumPy's iterator)
  const red = axes
    .filter((i) => a.shape[i] !== 1)
    .sort((i, j) =>
      Math.abs(a._strides[j]!) - Math.abs(a._strides[i]!) || i - j
    );
  const rs: number[] = [], rst: number[] = [];
  for (const i of red) {
    const d = a.shape[i]!, st = a._strides[i]!;
    const last = rs.length - 1;
    if (last >= 0 && rst[last] === st * d) {
      rs[last] = rs[last]! * d;
      rst[last] = st;
    } else {
      rs.push(d);
      rst.push(st);
    }
  }
  if (
    axes.some((i) => a.shape[i] === 0) &&
    (op === "max" || op === "min" || op === "fmax" || op === "fmin")
  ) {
    throw new RangeError(
      `${fn}(): zero-size array to reduction operation ${
        ({ max: "maximum", min: "minimum" } as Record<string, string>)[op] ??
          op
      } which has no identity`,
    );
  }
  const keptShape = kept.map((i) => a.shape[i]!);
  const out = fresh(dtype, keptShape);
  const outSt = out._strides;
  const nk = kept.length, nr = rs.length;
  // trailing reduced axes adjacent in memory order (no kept axis between)
  const order = [...Array(a.ndim).keys()]
    .filter((i) => a.shape[i] !== 1)
    .sort((i, j) =>
      Math.abs(a._strides[j]!) - Math.abs(a._strides[i]!) || i - j
    );
  let groupAxes = 0;
  for (let k = order.length - 1; k >= 0 && isRed(order[k]!); k--) groupAxes++;
  // count it in coalesced reduced axes: the group is the tail of `red`
  const tail = red.slice(red.length - groupAxes);
  let group = 0, covered = 1;
  const tailSize = tail.reduce((n, i) => n * a.shape[i]!, 1);
  for (let k = rs.length - 1; k >= 0 && covered < tailSize; k--) {
    covered *= rs[k]!;
    group++;
  }
  // a recorded step keeps its arguments: only then a buffer of its own
  const meta = metaBuffer(3 + 3 * nk + 2 * nr);
  meta[0] = a._offset;
  meta[1] = 0;
  for (let i = 0; i < nk; i++) {
    meta[2 + i] = keptShape[i]!;
    meta[2 + nk + i] = a._strides[kept[i]!]!;
    meta[2 + 2 * nk + i] = outSt[i]!;
  }
  for (let i = 0; i < nr; i++) {
    meta[2 + 3 * nk + i] = rs[i]!;
    meta[2 + 3 * nk + nr + i] = rst[i]!;
  }
  meta[2 + 3 * nk + 2 * nr] = Math.max(group, 1);
  runReduce(op, dtype, a, out, nk, nr, meta, fn);
  if (options.keepdims) {
    return out.reshape(a.shape.map((d, i) => (isRed(i) ? 1 : d)));
  }
  return nk === 0 ? scalarResult(out) : out;
}

/** The axis kernel's layout buffer of `len` values (shared outside a recording). */
function metaBuffer(len: number): Float64Array {
  return recording() === null && len <= REDUCE_META.length
    ? (META_VIEWS[len] ??= REDUCE_META.subarray(0, len))
    : metaWords(len);
}

/** Calls the axis kernel (`meta` as {@link reduceNd} lays it out). */
function runReduce(
  op: Op,
  dtype: DType,
  a: NDArray,
  out: NDArray,
  nk: number,
  nr: number,
  meta: Float64Array,
  fn: string,
): void {
  if (out.size === 0) return;
  const code = REDUCE[op], dt = dtypeCode(dtype);
  const as = storageOf(a), os = storageOf(out);
  const an = taLength(as), on = taLength(os);
  // directly when `kernel` would make this very call (see callMatmul in
  // linalg/products.ts: a fast FFI call in V8)
  const status = recording() === null && pendingCount === 0
    ? native.rp_reduce_axis(code, dt, as, an, os, on, nk, nr, meta)
    : kernel("rp_reduce_axis", code, dt, as, an, os, on, nk, nr, meta);
  if (status !== 0) throw statusError(status, fn);
}

/**
 * {@link reduceNd} over one axis of extent > 0 (any strides): the layout
 * the general path computes, without its sorting and merging. With one
 * reduced run (none for extent 1, which that path drops), the order of
 * axes only decides the group count, which is then 1 whatever the order;
 * so the kernel gets the same layout and computes the same bits
 * (`sum(x, { axis: 0 })` of 16 x 16 float64: 1.85 -> 1.25 us in Deno).
 */
function reduceOneAxis(
  op: Op,
  a: NDArray,
  ax: number,
  dtype: DType,
  keepdims: boolean | undefined,
  fn: string,
): NDArray | Scalar {
  const shape = a.shape, strides = a._strides, nd = shape.length;
  const nk = nd - 1, nr = shape[ax] === 1 ? 0 : 1;
  const keptShape: number[] = new Array(nk);
  for (let i = 0, j = 0; i < nd; i++) if (i !== ax) keptShape[j++] = shape[i]!;
  const out = fresh(dtype, keptShape);
  const outSt = out._strides;
  const meta = metaBuffer(3 + 3 * nk + 2 * nr);
  meta[0] = a._offset;
  meta[1] = 0;
  for (let i = 0, j = 0; i < nd; i++) {
    if (i === ax) continue;
    meta[2 + j] = shape[i]!;
    meta[2 + nk + j] = strides[i]!;
    meta[2 + 2 * nk + j] = outSt[j]!;
    j++;
  }
  if (nr === 1) {
    meta[2 + 3 * nk] = shape[ax]!;
    meta[3 + 3 * nk] = strides[ax]!;
  }
  meta[2 + 3 * nk + 2 * nr] = 1;
  runReduce(op, dtype, a, out, nk, nr, meta, fn);
  if (keepdims) return out.reshape(shape.map((d, i) => (i === ax ? 1 : d)));
  return nk === 0 ? scalarResult(out) : out;
}

/** Sum of elements over the given axes (NumPy's `sum`). */
export function sumAxis(
  a: ArrayLikeInput,
  options: SumOptions = {},
): NDArray | Scalar {
  checkOptions(options, "sum", SUM_KEYS);
  return reduceMasked("sum", a, options, "sum");
}
/**
 * Product of elements over the given axes.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const p = rp.prod([[1, 2], [3, 4]], { axis: 0 }) as rp.NDArray;
 * assert.deepEqual(p.tolist(), [3n, 8n]);
 * ```
 */
export function prod(
  a: ArrayLikeInput,
  options: SumOptions = {},
): NDArray | Scalar {
  checkOptions(options, "prod", SUM_KEYS);
  return reduceMasked("prod", a, options, "prod");
}
/** Maximum over the given axes (NaN propagates). */
export function amax(
  a: ArrayLikeInput,
  options: ExtremumOptions = {},
): NDArray | Scalar {
  checkOptions(options, "max", EXTREMUM_KEYS);
  return reduceMasked("max", a, options, "max");
}
/** Minimum over the given axes (NaN propagates). */
export function amin(
  a: ArrayLikeInput,
  options: ExtremumOptions = {},
): NDArray | Scalar {
  checkOptions(options, "min", EXTREMUM_KEYS);
  return reduceMasked("min", a, options, "min");
}
/**
 * Whether every element is truthy, over the given axes.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.all([true, false]), false);
 * ```
 */
export function all(
  a: ArrayLikeInput,
  options: LogicalOptions = {},
): NDArray | Scalar {
  checkOptions(options, "all", LOGICAL_KEYS);
  return reduceMasked("all", a, options, "all");
}
/**
 * Whether any element is truthy, over the given axes.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.any([true, false]), true);
 * ```
 */
export function any(
  a: ArrayLikeInput,
  options: LogicalOptions = {},
): NDArray | Scalar {
  checkOptions(options, "any", LOGICAL_KEYS);
  return reduceMasked("any", a, options, "any");
}

/**
 * Arithmetic mean over the given axes: integers are summed in float64;
 * float32 is summed in float32 and divided in float64, then rounded (as
 * NumPy).
 */
export function meanAxis(
  a: ArrayLikeInput,
  options: MeanOptions = {},
): NDArray | Scalar {
  const x = checkedNd(options, "mean", MEAN_KEYS, a);
  if (whereGiven(options)) return meanWhere(x, options, "mean");
  const count = axesSize(x, options.axis, "mean");
  const acc = meanDtype(x, options);
  const s = reduceNd("sum", x, { ...options, dtype: acc }, "mean");
  // float32: a correctly rounded float32 division equals NumPy's float64
  // division rounded to float32 (count < 2^24 is exact in float32)
  return divideCount(s, count, acc);
}

/** Whether a `where` option selects (anything but `undefined` or `true`). */
export function whereGiven(options: WhereOption): boolean {
  return options.where !== undefined && options.where !== true;
}

/** The number of elements each result of a reduction over `axis` takes. */
export function axesSize(
  x: NDArray,
  axis: ReduceOptions["axis"],
  fn: string,
): number {
  return normAxes(axis, x.ndim, fn).reduce((n, i) => n * x.shape[i]!, 1);
}

/** The accumulator dtype of mean/var/std: floats keep theirs, others f8. */
export function meanDtype(x: NDArray, options: ReduceOptions): DType {
  return options.dtype ?? (kind(x.dtype) === "f" ? x.dtype : "float64");
}

/** `mean` with a `where` mask: the masked sum over the selected count. */
/**
 * With `where`, NumPy counts the items through a ufunc reduction, which
 * takes axis 0 or -1 on a 0-d array (without `where`, mean/var do not).
 */
export function whereAxis(x: NDArray, axis: ReduceOptions["axis"]) {
  return zeroDAxis(axis, x.ndim, "sum") ? undefined : axis;
}

function meanWhere(x: NDArray, options: MeanOptions, fn: string) {
  const acc = meanDtype(x, options);
  const m = whereMask(options.where!, x.shape, fn);
  const { keepdims } = options;
  const axis = whereAxis(x, options.axis);
  const cnt = maskCount(m, x.shape, axis, keepdims, fn);
  const s = reduceMasked(
    "sum",
    x,
    { axis, keepdims, dtype: acc, where: m },
    fn,
  );
  return divideCount(s, cnt, acc);
}

/** `s / n` (n a count) in float64, returned in `acc` as NumPy's `out=`. */
export function divideCount(
  s: NDArray | Scalar,
  n: NDArray | Scalar,
  acc: DType,
): NDArray | Scalar {
  if (!(s instanceof NDArray)) {
    const v = Number(s) / Number(n);
    if (acc === "float32") return Math.fround(v);
    // an integer dtype (mean(a, { dtype: "int64" })): NumPy's cast
    return acc === "float64" ? v : array(v).astype(acc).item();
  }
  const div = n instanceof NDArray ? n : Number(n);
  const r = keepScalar(s, ufunc2("divide", s, div)) as NDArray;
  // the sum is this call's own array: its storage back to the pool now
  if (recording() === null) s.dispose();
  return r.dtype === acc ? r : r.astype(acc);
}

/** Options of {@link argmaxAxis}: one axis (default: the flattened array). */
export interface ArgOptions {
  /** The axis to reduce (default: all, giving a scalar). */
  axis?: number | null;
  /** Keep the reduced axis with extent 1. */
  keepdims?: boolean;
}

export const ARG_KEYS = optionKeys<ArgOptions>({ axis: 1, keepdims: 1 });

function argAxis(
  max: boolean,
  x: ArrayLikeInput,
  options: ArgOptions,
): NDArray | number {
  const fn = max ? "argmax" : "argmin";
  let a = checkedNd(options, fn, ARG_KEYS, x);
  const orig = a;
  const flat = options.axis === undefined || options.axis === null ||
    zeroDAxis(options.axis, a.ndim, fn);
  let axis: number;
  if (flat) {
    a = a.ravel();
    axis = 0;
  } else axis = normAxis(options.axis!, a.ndim, fn);
  const kept = [...Array(a.ndim).keys()].filter((i) => i !== axis);
  const keptShape = kept.map((i) => a.shape[i]!);
  const out = ownArray(
    allocStorage("int64", sizeOf(keptShape)),
    "int64",
    keptShape,
  );
  const outSt = cStrides(keptShape);
  const nk = kept.length;
  const meta = metaWords(4 + 3 * nk);
  meta[0] = a._offset;
  meta[1] = 0;
  meta[2] = a.shape[axis]!;
  meta[3] = a._strides[axis]!;
  for (let i = 0; i < nk; i++) {
    meta[4 + i] = keptShape[i]!;
    meta[4 + nk + i] = a._strides[kept[i]!]!;
    meta[4 + 2 * nk + i] = outSt[i]!;
  }
  if (a.shape[axis] === 0) {
    throw new RangeError(`${fn}(): attempt to get ${fn} of an empty sequence`);
  }
  if (out.size > 0) {
    axisKernel("rp_arg_axis", max ? 1 : 0, a, out, fn, nk, meta);
  }
  if (flat) {
    // keepdims without an axis: every axis kept as 1 (NumPy's shape)
    return options.keepdims
      ? out.reshape(orig.shape.map(() => 1))
      : (scalarResult(out, true) as NDArray | number);
  }
  if (options.keepdims) {
    return out.reshape(a.shape.map((d, i) => (i === axis ? 1 : d)));
  }
  return out;
}

/** Indices of the maxima along `axis` (int64; NaN wins, first occurrence). */
export function argmaxAxis(
  a: ArrayLikeInput,
  options: ArgOptions = {},
): NDArray | number {
  return argAxis(true, a, options);
}
/** Indices of the minima along `axis` (int64; NaN wins, first occurrence). */
export function argminAxis(
  a: ArrayLikeInput,
  options: ArgOptions = {},
): NDArray | number {
  return argAxis(false, a, options);
}

/**
 * The axis layout `rp_take` / `rp_scan_axis` read: `[offset, axis_len,
 * axis_stride, n_outer, n_inner, outer shape, outer strides, inner shape,
 * inner strides]`.
 * @internal
 */
export function axisLayout(x: NDArray, axis: number): number[] {
  const outer = x.shape.slice(0, axis), inner = x.shape.slice(axis + 1);
  return [
    x._offset,
    x.shape[axis]!,
    x._strides[axis]!,
    outer.length,
    inner.length,
    ...outer,
    ...x._strides.slice(0, axis),
    ...inner,
    ...x._strides.slice(axis + 1),
  ];
}

/**
 * Calls the axis kernel `name` from `x` into `out`: its `op`, `x`'s dtype
 * code, the storages of both with their lengths, then `rest` (its layout);
 * a failing status throws as `fn`.
 */
function axisKernel(
  name: "rp_arg_axis" | "rp_scan_axis" | "rp_sort_axis",
  op: number,
  x: NDArray,
  out: NDArray,
  fn: string,
  ...rest: KernelArg[]
): void {
  const xs = storageOf(x), os = storageOf(out);
  const status = kernel(
    name,
    op,
    dtypeCode(x.dtype),
    xs,
    taLength(xs),
    os,
    taLength(os),
    ...rest,
  );
  if (status !== 0) throw statusError(status, fn);
}

/**
 * {@link axisKernel} for the kernels that work lane by lane along `axis`
 * from `x` into `out` of its shape (`rp_scan_axis`, `rp_sort_axis`): the
 * {@link axisLayout} of both, its length, then `extra`.
 * @internal
 */
export function laneKernel(
  name: "rp_scan_axis" | "rp_sort_axis",
  op: number,
  x: NDArray,
  out: NDArray,
  axis: number,
  fn: string,
  ...extra: number[]
): void {
  const meta = new Float64Array([
    ...axisLayout(x, axis),
    ...axisLayout(out, axis),
  ]);
  axisKernel(name, op, x, out, fn, meta, taLength(meta), ...extra);
}

/** Options of {@link cumsumAxis} and {@link cumprod}. */
export interface ScanOptions {
  /** The axis to accumulate along (default: the flattened array). */
  axis?: number | null;
  /** The dtype to accumulate and return in (default as `sum`). */
  dtype?: DType;
}

export const SCAN_KEYS = optionKeys<ScanOptions>({ axis: 1, dtype: 1 });

function scan(
  op: 0 | 1,
  x: ArrayLikeInput,
  options: ScanOptions,
  fn: "cumsum" | "cumprod",
): NDArray {
  let a = checkedNd(options, fn, SCAN_KEYS, x);
  let axis: number;
  if (
    options.axis === undefined || options.axis === null ||
    zeroDAxis(options.axis, a.ndim, fn)
  ) {
    a = a.ravel();
    axis = 0;
  } else axis = normAxis(options.axis, a.ndim, fn);
  const dtype = options.dtype
    ? asDType(options.dtype, fn)
    : accumulatorDtype(a.dtype);
  if (a.dtype !== dtype) a = a.astype(dtype);
  const out = ownArray(
    allocStorage(dtype, a.size),
    dtype,
    a.shape.slice(),
  );
  if (a.size > 0) laneKernel("rp_scan_axis", op, a, out, axis, fn);
  return out;
}

/**
 * Cumulative sum along `axis` (flattened when no axis), as NumPy's
 * `cumsum`: left to right, small integers accumulate in int64.
 */
export function cumsumAxis(
  a: ArrayLikeInput,
  options: ScanOptions = {},
): NDArray {
  return scan(0, a, options, "cumsum");
}
/**
 * Cumulative product along `axis` (flattened when no axis).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.cumprod([1, 2, 3]).tolist(), [1n, 2n, 6n]);
 * ```
 */
export function cumprod(
  a: ArrayLikeInput,
  options: ScanOptions = {},
): NDArray {
  return scan(1, a, options, "cumprod");
}
