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
import { REDUCE } from "../ffi/symbols.ts";
import { native, statusError } from "./_native.ts";
import { asDType, type DType, dtypeCode, kind, storageCtor } from "./dtype.ts";
import { NDArray, type Scalar } from "./ndarray.ts";
import { array } from "./creation.ts";
import { cStrides, normAxis, sizeOf } from "./_shape.ts";
import { type ArrayLikeInput, ufunc1, ufunc2 } from "./ufunc.ts";

/** Options of the reductions. */
export interface ReduceOptions {
  /** Axis or axes to reduce (default: all). Negative counts from the end. */
  axis?: number | number[] | null;
  /** Keep reduced axes as length-1 dimensions. */
  keepdims?: boolean;
  /** The dtype to accumulate and return in (sum, prod, mean). */
  dtype?: DType;
}

type Op = keyof typeof REDUCE;

function normAxes(
  axis: ReduceOptions["axis"],
  ndim: number,
  fn: string,
): number[] {
  if (axis === undefined || axis === null) return [...Array(ndim).keys()];
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

function reduceNd(
  op: Op,
  x: ArrayLikeInput,
  options: ReduceOptions,
  fn: string,
): NDArray | Scalar {
  let a = x instanceof NDArray ? x : array(x);
  const axes = normAxes(options.axis, a.ndim, fn);
  let dtype: DType;
  if (op === "all" || op === "any") dtype = "bool";
  else if (op === "sum" || op === "prod") {
    dtype = options.dtype
      ? asDType(options.dtype, fn)
      : accumulatorDtype(a.dtype);
  } else dtype = a.dtype;
  if (a.dtype !== dtype) a = a.astype(dtype);
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
  if (axes.some((i) => a.shape[i] === 0) && (op === "max" || op === "min")) {
    throw new RangeError(
      `${fn}(): zero-size array to reduction operation ${
        op === "max" ? "maximum" : "minimum"
      } which has no identity`,
    );
  }
  const keptShape = kept.map((i) => a.shape[i]!);
  const out = new NDArray(
    new (storageCtor(dtype))(sizeOf(keptShape)),
    dtype,
    keptShape,
  );
  const outSt = cStrides(keptShape);
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
  const meta = new Float64Array(3 + 3 * nk + 2 * nr);
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
  if (out.size > 0) {
    const status = native.rp_reduce_axis(
      REDUCE[op],
      dtypeCode(dtype),
      a._storage,
      a._storage.length,
      out._storage,
      out._storage.length,
      nk,
      nr,
      meta,
    );
    if (status !== 0) throw statusError(status, fn);
  }
  if (options.keepdims) {
    return out.reshape(a.shape.map((d, i) => (isRed(i) ? 1 : d)));
  }
  return nk === 0 ? out.item() : out;
}

/** Sum of elements over the given axes (NumPy's `sum`). */
export function sumAxis(
  a: ArrayLikeInput,
  options: ReduceOptions = {},
): NDArray | Scalar {
  return reduceNd("sum", a, options, "sum");
}
/** Product of elements over the given axes. */
export function prod(
  a: ArrayLikeInput,
  options: ReduceOptions = {},
): NDArray | Scalar {
  return reduceNd("prod", a, options, "prod");
}
/** Maximum over the given axes (NaN propagates). */
export function amax(
  a: ArrayLikeInput,
  options: ReduceOptions = {},
): NDArray | Scalar {
  return reduceNd("max", a, options, "max");
}
/** Minimum over the given axes (NaN propagates). */
export function amin(
  a: ArrayLikeInput,
  options: ReduceOptions = {},
): NDArray | Scalar {
  return reduceNd("min", a, options, "min");
}
/** Whether every element is truthy, over the given axes. */
export function all(
  a: ArrayLikeInput,
  options: ReduceOptions = {},
): NDArray | Scalar {
  return reduceNd("all", a, options, "all");
}
/** Whether any element is truthy, over the given axes. */
export function any(
  a: ArrayLikeInput,
  options: ReduceOptions = {},
): NDArray | Scalar {
  return reduceNd("any", a, options, "any");
}

/**
 * Arithmetic mean over the given axes: integers are summed in float64;
 * float32 is summed in float32 and divided in float64, then rounded (as
 * NumPy).
 */
export function meanAxis(
  a: ArrayLikeInput,
  options: ReduceOptions = {},
): NDArray | Scalar {
  const x = a instanceof NDArray ? a : array(a);
  const axes = normAxes(options.axis, x.ndim, "mean");
  const count = axes.reduce((n, i) => n * x.shape[i]!, 1);
  const acc: DType = options.dtype ??
    (kind(x.dtype) === "f" ? x.dtype : "float64");
  const s = reduceNd("sum", x, { ...options, dtype: acc }, "mean");
  if (!(s instanceof NDArray)) {
    const v = Number(s) / count;
    return acc === "float32" ? Math.fround(v) : v;
  }
  // float32: a correctly rounded float32 division equals NumPy's float64
  // division rounded to float32 (count < 2^24 is exact in float32)
  return ufunc2("divide", s, count);
}

/** Options of {@link variance} and {@link std}. */
export interface VarOptions extends ReduceOptions {
  /** Delta degrees of freedom: the divisor is `n - ddof` (default 0). */
  ddof?: number;
}

/**
 * Variance over the given axes, computed as NumPy's `_var` does (mean with
 * keepdims, subtract, square, sum, divide by `n - ddof`), from the same
 * ufuncs and sums, so results match NumPy's. Integers and bools compute in
 * float64. Exported as `var` (`rp.var(a)`).
 */
export function variance(
  a: ArrayLikeInput,
  options: VarOptions = {},
): NDArray | Scalar {
  const x = a instanceof NDArray ? a : array(a);
  const axes = normAxes(options.axis, x.ndim, "var");
  const n = axes.reduce((c, i) => c * x.shape[i]!, 1);
  const ddof = options.ddof ?? 0;
  const acc: DType = options.dtype ??
    (kind(x.dtype) === "f" ? x.dtype : "float64");
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
  const div = Math.max(n - ddof, 0);
  if (!(s instanceof NDArray)) {
    const v = Number(s) / div;
    return acc === "float32" ? Math.fround(v) : v;
  }
  return ufunc2("divide", s, div);
}

/** Standard deviation: `sqrt(var(a))` (see {@link variance}). */
export function std(
  a: ArrayLikeInput,
  options: VarOptions = {},
): NDArray | Scalar {
  const v = variance(a, options);
  if (!(v instanceof NDArray)) {
    const r = Math.sqrt(v as number);
    const acc = options.dtype ??
      (kind((a instanceof NDArray ? a : array(a)).dtype) === "f"
        ? (a instanceof NDArray ? a : array(a)).dtype
        : "float64");
    return acc === "float32" ? Math.fround(r) : r;
  }
  return ufunc1("sqrt", v);
}

/** Options of {@link argmaxAxis}: one axis (default: the flattened array). */
export interface ArgOptions {
  axis?: number | null;
  keepdims?: boolean;
}

function argAxis(
  max: boolean,
  x: ArrayLikeInput,
  options: ArgOptions,
): NDArray | number {
  const fn = max ? "argmax" : "argmin";
  let a = x instanceof NDArray ? x : array(x);
  let axis: number;
  if (options.axis === undefined || options.axis === null) {
    a = a.ravel();
    axis = 0;
  } else axis = normAxis(options.axis, a.ndim, fn);
  const kept = [...Array(a.ndim).keys()].filter((i) => i !== axis);
  const keptShape = kept.map((i) => a.shape[i]!);
  const out = new NDArray(
    new BigInt64Array(sizeOf(keptShape)),
    "int64",
    keptShape,
  );
  const outSt = cStrides(keptShape);
  const nk = kept.length;
  const meta = new Float64Array(4 + 3 * nk);
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
    const status = native.rp_arg_axis(
      max ? 1 : 0,
      dtypeCode(a.dtype),
      a._storage,
      a._storage.length,
      out._storage,
      out._storage.length,
      nk,
      meta,
    );
    if (status !== 0) throw statusError(status, fn);
  }
  if (options.axis === undefined || options.axis === null) {
    return Number((out._storage as BigInt64Array)[0]!);
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
