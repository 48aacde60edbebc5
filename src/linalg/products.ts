/**
 * Matrix products: `matmul` (NumPy's semantics: 1-d operands promoted and
 * the added axis removed, leading batch dimensions broadcast), computed by
 * the packed, blocked, multi-threaded GEMM in `rust/src/kernels/gemm.rs`.
 *
 * @module
 */
import { taLength } from "../_intrinsics.ts";
import {
  checkWritable,
  kernel,
  metaWords,
  pendingCount,
  recording,
} from "../engine/_record.ts";
import { pairwiseSqF32, pairwiseSqF64 } from "../_js.ts";
import { allocStorage } from "../core/_pool.ts";
import { overlaps } from "../core/_arena.ts";
import { native, statusError } from "../_native.ts";
import {
  type DType,
  dtypeCode,
  itemsize,
  kind,
  resultType,
} from "../core/dtype.ts";
import { checkAlloc } from "../_limits.ts";
import {
  copyInto,
  directStorage,
  fresh,
  NDArray,
  ownArray,
  type Scalar,
  scalarResult,
  storageOf,
} from "../core/ndarray.ts";
import { array } from "../core/creation.ts";
import {
  broadcastShapes,
  broadcastStrides,
  fmtShape,
  normAxis,
  sizeOf,
} from "../core/_shape.ts";
import {
  type ArrayLikeInput,
  asNd as nd,
  checkedNd,
  ufunc1,
  ufunc2,
} from "../ufunc/ufunc.ts";
import { amax, amin, sumAxis } from "../reduce/reduce.ts";
import { svdvals } from "./dense.ts";
import { checkOptions, maxArgs, optionKeys } from "../_typed.ts";

/**
 * Matrix product of two arrays (NumPy's `matmul` / `@`). Batched over
 * leading dimensions with broadcasting; a 1-d `a` is a row vector and a 1-d
 * `b` a column vector, their added axis removed from the result.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const y = rp.matmul([[1, 2], [3, 4]], [[5], [6]]);
 * assert.deepEqual(y.tolist(), [[17n], [39n]]);
 * ```
 */
export function matmul(
  x: ArrayLikeInput,
  y: ArrayLikeInput,
  options?: MatmulOptions,
): NDArray {
  checkOptions(options, "matmul", MATMUL_KEYS);
  const out = options?.out;
  if (out instanceof NDArray && matmulInto(x, y, out)) return out;
  const r = matmulNew(x, y);
  if (out === undefined) return r;
  if (!(out instanceof NDArray)) {
    throw new TypeError("matmul(): 'out' must be an NDArray");
  }
  if (out.dtype !== r.dtype) {
    throw new TypeError(
      `matmul(): Cannot cast ufunc 'matmul' output from dtype('${r.dtype}') to dtype('${out.dtype}') (raptors requires 'out' to have the result dtype)`,
    );
  }
  if (
    out.ndim !== r.ndim || out.shape.some((d, i) => d !== r.shape[i])
  ) {
    throw new RangeError(
      `matmul(): out has shape ${fmtShape(out.shape)}, the result ${
        fmtShape(r.shape)
      }`,
    );
  }
  // computed into fresh memory first, so an out that is (or overlaps) an
  // input reads the inputs' original values, as NumPy guarantees
  copyInto(r, out, "matmul");
  return out;
}

/**
 * `matmul(x, y, { out })` written straight into `out` when that is what
 * computing into fresh memory and copying would give: 1-d/2-d NDArrays of
 * `out`'s dtype, `out` C-contiguous, whole, writable, of the result's
 * shape, sharing no memory with the inputs, nothing recording. Returns
 * false (nothing done) otherwise. The copy and the left-over result cost
 * a 127 x 127 float32 product 35 us in Deno (as much as the product).
 */
function matmulInto(
  x: ArrayLikeInput,
  y: ArrayLikeInput,
  out: NDArray,
): boolean {
  if (!(x instanceof NDArray) || !(y instanceof NDArray)) return false;
  if (
    x.ndim === 0 || y.ndim === 0 || x.ndim > 2 || y.ndim > 2 ||
    x.dtype !== out.dtype || y.dtype !== out.dtype
  ) return false;
  const m = x.ndim === 1 ? -1 : x.shape[0]!,
    n = y.ndim === 1 ? -1 : y.shape[1]!;
  const shape = out.shape;
  if (shape.length !== (m < 0 ? 0 : 1) + (n < 0 ? 0 : 1)) return false;
  if (m >= 0 && shape[0] !== m) return false;
  if (n >= 0 && shape[shape.length - 1] !== n) return false;
  x._live("matmul");
  y._live("matmul");
  // a mismatch is reported by the general path, before any check of out
  if (x.shape[x.ndim - 1] !== y.shape[0]) return false;
  const os = directStorage(out, "matmul");
  if (os === undefined || taLength(os) !== out.size) return false;
  if (overlaps(os, storageOf(x)) || overlaps(os, storageOf(y))) return false;
  checkWritable(os, "matmul");
  matmul2(x, y, out);
  return true;
}

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /**
   * Where to write the product (its shape and dtype must be the
   * result's); it may be an input: the product is computed first.
   */
  out?: NDArray;
}
const MATMUL_KEYS = optionKeys<MatmulOptions>({ out: 1 });

/** The layout of an unbatched product, reused when nothing records it. */
const META2 = new Float64Array(10);

/**
 * `matmul` of 1-d/2-d operands of one dtype (no batch): the layout written
 * straight into a reused buffer, the result wrapped with its final shape.
 * The same kernel call and layout as the batched path computes for these
 * operands (vectors as a [1, k] row with strides [1, s] and a [k, 1]
 * column with strides [s, 1]), without its per-call arrays.
 */
function matmul2(a: NDArray, b: NDArray, into?: NDArray): NDArray {
  const aVec = a.ndim === 1, bVec = b.ndim === 1;
  const m = aVec ? 1 : a.shape[0]!, k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[0]!, n = bVec ? 1 : b.shape[1]!;
  if (k !== k2) {
    throw new RangeError(
      `matmul(): Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${k2} is different from ${k})`,
    );
  }
  const dtype = a.dtype;
  checkAlloc("matmul", m * n, itemsize(dtype), "the result");
  // a recorded step keeps its arguments: it gets a buffer of its own
  const meta = recording() === null ? META2 : metaWords(10);
  meta[0] = m;
  meta[1] = k;
  meta[2] = n;
  meta[3] = 1;
  meta[4] = aVec ? 1 : a._strides[0]!;
  meta[5] = a._strides[a.ndim - 1]!;
  meta[6] = b._strides[0]!;
  meta[7] = bVec ? 1 : b._strides[1]!;
  meta[8] = a._offset;
  meta[9] = b._offset;
  const out = into ??
    fresh(dtype, aVec ? (bVec ? [] : [n]) : (bVec ? [m] : [m, n]));
  if (m * n > 0) callMatmul(a, b, out, meta, 10);
  return out;
}

/** The `rp_matmul` kernel call (recorded inside an engine job). */
function callMatmul(
  a: NDArray,
  b: NDArray,
  out: NDArray,
  meta: Float64Array,
  metaLen: number,
): void {
  const dt = dtypeCode(out.dtype);
  const as = storageOf(a), bs = storageOf(b), os = storageOf(out);
  const an = taLength(as), bn = taLength(bs), on = taLength(os);
  // outside a recording and with no job in flight, `kernel` is this very
  // call; made here directly, V8 compiles it as a fast FFI call (through
  // `kernel`'s rest arguments it was a generic one: a 15x64 @ 64 float32
  // product took 0.87 us in Deno against 0.46 us in Bun)
  const status = recording() === null && pendingCount === 0
    ? native.rp_matmul(dt, as, an, bs, bn, os, on, meta, metaLen)
    : kernel("rp_matmul", dt, as, an, bs, bn, os, on, meta, metaLen);
  if (status !== 0) throw statusError(status, "matmul");
}

function matmulNew(x: ArrayLikeInput, y: ArrayLikeInput): NDArray {
  let a = x instanceof NDArray ? x : array(x);
  let b = y instanceof NDArray ? y : array(y);
  a._live("matmul");
  b._live("matmul");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(
      "matmul(): Input operand does not have enough dimensions",
    );
  }
  if (a.ndim <= 2 && b.ndim <= 2 && a.dtype === b.dtype) return matmul2(a, b);
  const aVec = a.ndim === 1, bVec = b.ndim === 1;
  if (aVec) a = a.reshape(1, -1);
  if (bVec) b = b.reshape(-1, 1);
  const m = a.shape[a.ndim - 2]!, k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!, n = b.shape[b.ndim - 1]!;
  if (k !== k2) {
    throw new RangeError(
      `matmul(): Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${k2} is different from ${k})`,
    );
  }
  const dtype = resultType(a.dtype, b.dtype);
  if (a.dtype !== dtype) a = a.astype(dtype);
  if (b.dtype !== dtype) b = b.astype(dtype);
  const aBatch = a.shape.slice(0, -2), bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes([aBatch, bBatch], "matmul");
  const batch = sizeOf(batchShape);
  // before the per-batch loop and its metadata: a broadcast batch of 2^40
  // must be refused, not iterated
  checkAlloc("matmul", batch * m * n, itemsize(dtype), "the result");
  checkAlloc("matmul", 2 * batch, 8, "the batch layout");
  const aBs = broadcastStrides(aBatch, a._strides.slice(0, -2), batchShape);
  const bBs = broadcastStrides(bBatch, b._strides.slice(0, -2), batchShape);
  const meta = metaWords(8 + 2 * batch);
  meta.set([
    m,
    k,
    n,
    batch,
    a._strides.at(-2)!,
    a._strides.at(-1)!,
    b._strides.at(-2)!,
    b._strides.at(-1)!,
  ]);
  const idx = new Array<number>(batchShape.length).fill(0);
  for (let t = 0; t < batch; t++) {
    let ao = a._offset, bo = b._offset;
    for (let d = 0; d < idx.length; d++) {
      ao += idx[d]! * aBs[d]!;
      bo += idx[d]! * bBs[d]!;
    }
    meta[8 + 2 * t] = ao;
    meta[9 + 2 * t] = bo;
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < batchShape[d]!) break;
      idx[d] = 0;
    }
  }
  const out = ownArray(allocStorage(dtype, batch * m * n), dtype, [
    ...batchShape,
    m,
    n,
  ]);
  if (out.size > 0) callMatmul(a, b, out, meta, taLength(meta));
  let shape = out.shape.slice();
  if (aVec) shape.splice(shape.length - 2, 1);
  if (bVec) shape = shape.slice(0, -1);
  return shape.length === out.ndim ? out : out.reshape(shape);
}

/** A 0-d result as NumPy returns it from `dot`: a JS scalar. */
function scalarIf0d(x: NDArray): NDArray | Scalar {
  return x.ndim === 0 ? scalarResult(x) : x;
}

/**
 * NumPy's `dot`: a product for 0-d operands, the inner product of 1-d
 * vectors (a JS scalar), `matmul` for 2-d and matrix-vector, and for N-d
 * operands the sum over the last axis of `a` and the second-to-last of `b`.
 */
export function dotNd(x: ArrayLikeInput, y: ArrayLikeInput): NDArray | Scalar {
  const a = nd(x), b = nd(y);
  if (a.ndim === 0 || b.ndim === 0) return scalarIf0d(ufunc2("multiply", a, b));
  if (a.ndim <= 2 && b.ndim <= 2) return scalarIf0d(matmul(a, b));
  if (b.ndim === 1) return matmul(a, b);
  return tensordot(a, b, [[a.ndim - 1], [b.ndim - 2]]);
}

/**
 * Dot product of the flattened arrays (NumPy's `vdot`, real dtypes).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.vdot([1.5, 2], [2, 4]), 11);
 * ```
 */
export function vdot(x: ArrayLikeInput, y: ArrayLikeInput): Scalar {
  maxArgs("vdot", arguments, 2);
  const a = nd(x).ravel(), b = nd(y).ravel();
  if (a.size !== b.size) {
    throw new RangeError("vdot(): vectors have different lengths");
  }
  return matmul(a, b).item();
}

/**
 * Sum product over the last axes (NumPy's `inner`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.inner([1, 2], [3, 4]), 11n);
 * ```
 */
export function inner(x: ArrayLikeInput, y: ArrayLikeInput): NDArray | Scalar {
  maxArgs("inner", arguments, 2);
  const a = nd(x), b = nd(y);
  if (a.ndim === 0 || b.ndim === 0) return scalarIf0d(ufunc2("multiply", a, b));
  if (a.shape.at(-1) !== b.shape.at(-1)) {
    throw new RangeError(
      `inner(): shapes ${fmtShape(a.shape)} and ${
        fmtShape(b.shape)
      } not aligned: ${a.shape.at(-1)} (dim ${a.ndim - 1}) != ${
        b.shape.at(-1)
      } (dim ${b.ndim - 1})`,
    );
  }
  return scalarIf0d(tensordot(a, b, [[a.ndim - 1], [b.ndim - 1]]));
}

/**
 * Outer product of the flattened arrays: `out[i, j] = a[i] * b[j]`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.outer([1, 2], [3, 4]).tolist(), [[3n, 4n], [6n, 8n]]);
 * ```
 */
export function outer(x: ArrayLikeInput, y: ArrayLikeInput): NDArray {
  maxArgs("outer", arguments, 2);
  const a = nd(x).ravel(), b = nd(y).ravel();
  return ufunc2("multiply", a.reshape(-1, 1), b.reshape(1, -1));
}

/**
 * Sum of products over the given axes (NumPy's `tensordot`): `axes` is a
 * count N (the last N of `a` with the first N of `b`) or a pair of axis
 * lists. Computed as one `matmul` of transposed, reshaped operands.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const t = rp.tensordot(rp.ones([2, 3]), rp.ones([3, 4]), 1);
 * assert.deepEqual(t.shape, [2, 4]);
 * ```
 */
export function tensordot(
  x: ArrayLikeInput,
  y: ArrayLikeInput,
  axes:
    | number
    | readonly [readonly number[] | number, readonly number[] | number] = 2,
): NDArray {
  maxArgs("tensordot", arguments, 3);
  const a = nd(x), b = nd(y);
  let axA: number[], axB: number[];
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes > a.ndim || axes > b.ndim) {
      throw new RangeError(`tensordot(): invalid axes count ${axes}`);
    }
    axA = [...Array(axes).keys()].map((i) => a.ndim - axes + i);
    axB = [...Array(axes).keys()];
  } else {
    axA = (typeof axes[0] === "number" ? [axes[0]] : [...axes[0]]).map((i) =>
      normAxis(i, a.ndim, "tensordot")
    );
    axB = (typeof axes[1] === "number" ? [axes[1]] : [...axes[1]]).map((i) =>
      normAxis(i, b.ndim, "tensordot")
    );
  }
  if (
    axA.length !== axB.length ||
    axA.some((i, k) => a.shape[i] !== b.shape[axB[k]!])
  ) {
    throw new RangeError("tensordot(): shape-mismatch for sum");
  }
  const freeA = [...Array(a.ndim).keys()].filter((i) => !axA.includes(i));
  const freeB = [...Array(b.ndim).keys()].filter((i) => !axB.includes(i));
  const k = axA.reduce((n, i) => n * a.shape[i]!, 1);
  const shapeA = freeA.map((i) => a.shape[i]!);
  const shapeB = freeB.map((i) => b.shape[i]!);
  const m = sizeOf(shapeA), n = sizeOf(shapeB);
  const at = a.transpose([...freeA, ...axA]).reshape(m, k);
  const bt = b.transpose([...axB, ...freeB]).reshape(k, n);
  return matmul(at, bt).reshape([...shapeA, ...shapeB]);
}

/** Options of {@link diagonal} and {@link trace}. */
export interface DiagonalOptions {
  /** Offset from the main diagonal (positive: above). */
  offset?: number;
  /** The first axis of the 2-d sub-arrays (default 0). */
  axis1?: number;
  /** The second axis of the 2-d sub-arrays (default 1). */
  axis2?: number;
}
const DIAGONAL_KEYS = optionKeys<DiagonalOptions>({
  offset: 1,
  axis1: 1,
  axis2: 1,
});

/** Options of {@link trace}. */
export interface TraceOptions extends DiagonalOptions {
  /** The dtype to sum in and return (default as `sum`). */
  dtype?: DType;
}
const TRACE_KEYS = optionKeys<TraceOptions>({
  offset: 1,
  axis1: 1,
  axis2: 1,
  dtype: 1,
});

/**
 * The diagonal of the 2-d sub-arrays over `axis1`, `axis2` as a view,
 * appended as the last axis (NumPy's `diagonal`; NumPy's is read-only).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.diagonal(rp.array([[1, 2], [3, 4]])).tolist(), [1n, 4n]);
 * ```
 */
export function diagonal(
  x: ArrayLikeInput,
  options: DiagonalOptions = {},
): NDArray {
  const a = checkedNd(options, "diagonal", DIAGONAL_KEYS, x);
  if (a.ndim < 2) {
    throw new RangeError(
      "diagonal(): diag requires an array of at least two dimensions",
    );
  }
  const ax1 = normAxis(options.axis1 ?? 0, a.ndim, "diagonal");
  const ax2 = normAxis(options.axis2 ?? 1, a.ndim, "diagonal");
  if (ax1 === ax2) {
    throw new RangeError("diagonal(): axis1 and axis2 cannot be the same");
  }
  const off = options.offset ?? 0;
  const n1 = a.shape[ax1]!, n2 = a.shape[ax2]!;
  let start = a._offset, len: number;
  if (off >= 0) {
    len = Math.max(0, Math.min(n1, n2 - off));
    if (len > 0) start += off * a._strides[ax2]!;
  } else {
    len = Math.max(0, Math.min(n1 + off, n2));
    if (len > 0) start -= off * a._strides[ax1]!;
  }
  const keep = [...Array(a.ndim).keys()].filter((i) => i !== ax1 && i !== ax2);
  return ownArray(
    storageOf(a),
    a.dtype,
    [...keep.map((i) => a.shape[i]!), len],
    [...keep.map((i) => a._strides[i]!), a._strides[ax1]! + a._strides[ax2]!],
    len > 0 ? start : a._offset,
  );
}

/**
 * Sum along the diagonal (NumPy's `trace`): a JS scalar for 2-d input,
 * else an array over the remaining axes. Small integers sum in int64.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.trace([[1, 2], [3, 4]]), 5n);
 * ```
 */
export function trace(
  x: ArrayLikeInput,
  options: TraceOptions = {},
): NDArray | Scalar {
  checkOptions(options, "trace", TRACE_KEYS);
  const d = diagonal(x, {
    offset: options.offset,
    axis1: options.axis1,
    axis2: options.axis2,
  });
  return sumAxis(d, { axis: -1, dtype: options.dtype });
}

/** Options of {@link normNd}. */
export interface NormOptions {
  /**
   * Vectors: `2` (default), `1`, `Infinity`, `-Infinity`, `0`, or any p.
   * Matrices: `"fro"` (default), `"nuc"`, `1`, `-1`, `2`, `-2`,
   * `Infinity`, `-Infinity`.
   */
  ord?: number | "fro" | "nuc" | null;
  /** One axis (vector norms) or two (matrix norms); default all. */
  axis?: number | readonly [number, number] | null;
  /** Keep the reduced axes with extent 1. */
  keepdims?: boolean;
}
/** The keys of {@link NormOptions}. */
export const NORM_KEYS = optionKeys<NormOptions>({
  ord: 1,
  axis: 1,
  keepdims: 1,
});

/** Below this many elements the vector norm sums squares in JS. */
const NORM_JS_BELOW = 1 << 14;

/**
 * The 2-norm of a small C-contiguous float array as `sqrt(sum(x * x))`
 * computes it (the same rounded squares, summed in NumPy's pairwise order;
 * the square root of a float32 sum rounded to float32 equals float32
 * `sqrt`), without the two intermediate arrays. `undefined` where it does
 * not apply.
 */
function sumOfSquares(a: NDArray): number | undefined {
  const n = a.size;
  if (n >= NORM_JS_BELOW) return undefined;
  const st = directStorage(a, "norm");
  if (st === undefined) return undefined;
  if (a.dtype === "float64") {
    return Math.sqrt(pairwiseSqF64(st as Float64Array, 0, n));
  }
  if (a.dtype === "float32") {
    return Math.fround(Math.sqrt(pairwiseSqF32(st as Float32Array, 0, n)));
  }
  return undefined;
}

/**
 * Vector and matrix norms (NumPy's `linalg.norm`). Integers are computed
 * in float64. The spectral (`2`, `-2`) and nuclear norms need the SVD and
 * throw until it exists.
 */
export function normNd(
  x: ArrayLikeInput,
  options: NormOptions = {},
): NDArray | number {
  let a = checkedNd(options, "norm", NORM_KEYS, x);
  if (kind(a.dtype) !== "f") a = a.astype("float64");
  const ord = options.ord ?? null;
  const keep = options.keepdims ?? false;
  const fin = (r: NDArray | Scalar): NDArray | number =>
    r instanceof NDArray ? r : Number(r);
  let axes: number[];
  if (options.axis === undefined || options.axis === null) {
    if (
      ord === null || (ord === "fro" && a.ndim === 2) ||
      (ord === 2 && a.ndim === 1)
    ) {
      if (!keep) {
        const v = sumOfSquares(a);
        if (v !== undefined) return v;
      }
      const r = ufunc1(
        "sqrt",
        array(sumAxis(ufunc2("multiply", a, a)), { dtype: a.dtype }),
      );
      return fin(keep ? r.reshape(a.shape.map(() => 1)) : r.item());
    }
    if (a.ndim !== 1 && a.ndim !== 2) {
      throw new RangeError("norm(): Improper number of dimensions to norm.");
    }
    axes = [...Array(a.ndim).keys()];
  } else if (typeof options.axis === "number") {
    axes = [normAxis(options.axis, a.ndim, "norm")];
  } else {
    axes = options.axis.map((i) => normAxis(i, a.ndim, "norm"));
  }
  const o = { keepdims: keep };
  if (axes.length === 1) {
    const axis = axes[0]!;
    if (ord === "fro" || ord === "nuc") {
      throw new RangeError(`norm(): Invalid norm order '${ord}' for vectors`);
    }
    const abs = ufunc1("abs", a);
    if (ord === Infinity) return fin(amax(abs, { axis, ...o }));
    if (ord === -Infinity) return fin(amin(abs, { axis, ...o }));
    if (ord === 0) {
      return fin(
        sumAxis(ufunc2("notEqual", a, 0).astype(a.dtype), { axis, ...o }),
      );
    }
    if (ord === 1) return fin(sumAxis(abs, { axis, ...o }));
    if (ord === null || ord === 2) {
      const s = sumAxis(ufunc2("multiply", a, a), { axis, ...o });
      return fin(
        s instanceof NDArray ? ufunc1("sqrt", s) : Math.sqrt(Number(s)),
      );
    }
    const s = sumAxis(ufunc2("power", abs, ord), { axis, ...o });
    return fin(
      s instanceof NDArray
        ? ufunc2("power", s, 1 / ord)
        : Number(s) ** (1 / ord),
    );
  }
  if (axes.length !== 2) {
    throw new RangeError("norm(): Improper number of dimensions to norm.");
  }
  let [row, col] = axes as [number, number];
  if (row === col) throw new RangeError("norm(): Duplicate axes given.");
  const abs = ufunc1("abs", a);
  let r: NDArray | Scalar;
  if (ord === null || ord === "fro") {
    r = sumAxis(ufunc2("multiply", a, a), { axis: [row, col], keepdims: keep });
    r = r instanceof NDArray ? ufunc1("sqrt", r) : Math.sqrt(Number(r));
  } else if (ord === 1 || ord === -1) {
    if (col > row && !keep) col -= 1;
    const s = sumAxis(abs, { axis: row, keepdims: keep }) as NDArray;
    r = ord === 1
      ? amax(s, { axis: col, keepdims: keep })
      : amin(s, { axis: col, keepdims: keep });
  } else if (ord === Infinity || ord === -Infinity) {
    if (row > col && !keep) row -= 1;
    const s = sumAxis(abs, { axis: col, keepdims: keep }) as NDArray;
    r = ord === Infinity
      ? amax(s, { axis: row, keepdims: keep })
      : amin(s, { axis: row, keepdims: keep });
  } else if (ord === 2 || ord === -2 || ord === "nuc") {
    // singular values of the (row, col) matrices, moved to the end
    const rest = [...Array(a.ndim).keys()].filter((i) =>
      i !== row && i !== col
    );
    const s = svdvals(a.transpose([...rest, row, col]));
    r = ord === 2
      ? amax(s, { axis: -1 })
      : ord === -2
      ? amin(s, { axis: -1 })
      : sumAxis(s, { axis: -1 });
    if (keep) {
      const shape = a.shape.slice();
      shape[row] = 1;
      shape[col] = 1;
      r = (r instanceof NDArray ? r : array(r, { dtype: s.dtype })).reshape(
        shape,
      );
    }
  } else {
    throw new RangeError(`norm(): Invalid norm order ${ord} for matrices`);
  }
  return fin(r);
}
