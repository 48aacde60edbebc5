/**
 * The small-array fast paths of {@link ufunc2} and {@link ufunc1}
 * (`./ufunc.ts`): C-contiguous operands of one shape and dtype, answered
 * without the general machinery and bit for bit as it answers.
 *
 * @module
 */
import { taBuffer, taByteOffset, taLength } from "../_intrinsics.ts";
import {
  isWriteProtected,
  pendingCount,
  recording,
} from "../engine/_record.ts";
import { allocStorage } from "../core/_pool.ts";
import {
  FAST1_CODE,
  FAST2_RULE,
  FAST_BOOL_OUT,
  FAST_CODE_SHIFT,
  FAST_COMPARISON,
  FAST_FLOAT_LOOP,
  type Op1,
  type Op2,
} from "./_rules.ts";
import { native, statusError } from "../_native.ts";
import {
  type DType,
  dtypeCode,
  itemsize,
  kind,
  type Storage,
  storageCtor,
} from "../core/dtype.ts";
import {
  copyLayout,
  cSize,
  NDArray,
  type Scalar,
  storageOf,
  toStored,
  wrap,
} from "../core/ndarray.ts";
import { jsBinary } from "../_js.ts";

// ---- the small-array fast path ----------------------------------------------
//
// Request-sized calls (`add(a, b)` of 16 elements) spent their time in the
// general machinery: promotion, broadcasting, order-K strides, overlap
// checks, a metadata array per call, the NDArray constructor's checks of
// foreign storage. When the operands are C-contiguous NDArrays of one
// shape and dtype (or one is a JS number), no `out` is given and no engine
// job is being recorded, the answer is known without any of it: the loop
// dtype is the operands' dtype, the result is C-contiguous like them. The
// fast path then calls the same kernel with a 1-d layout in a reused
// metadata array (or, for the exact IEEE operations on a few elements, a
// JS loop), so results are bit-identical to the general path.

/** JS loops below this many elements (exact IEEE ops, floats only). */
const JS_FAST = 24;

const META2 = new Float64Array(7);
const META1 = new Float64Array(5);
const scratch: Partial<Record<DType, Storage>> = {};

/** Whether two shapes are equal (interned shapes are often one object). */
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `out` when the fast paths can write to it as it is: a live, writable,
 * C-contiguous NDArray of `dtype` and `shape` whose memory does not overlap
 * the elements `x` (and `y`) read (or coincides with them exactly, as in
 * `exp(a, { out: a })`). Anything else (including every error case) is
 * left to the general path.
 */
function fastOut(
  out: unknown,
  dtype: DType,
  shape: readonly number[],
  n: number,
  x: NDArray,
  y?: NDArray,
): NDArray | undefined {
  if (!(out instanceof NDArray) || out.dtype !== dtype) return undefined;
  if (cSize(out) !== n || !sameShape(out.shape, shape)) return undefined;
  const st = storageOf(out), off = out._offset;
  if (taLength(st) < off + n || isWriteProtected(st)) return undefined;
  const buf = taBuffer(st);
  if (!apart(x, st, buf, off, n, dtype)) return undefined;
  if (y !== undefined && !apart(y, st, buf, off, n, dtype)) return undefined;
  return out;
}

/**
 * Whether the `n` elements `x` reads (C-contiguous) are apart from the `n`
 * elements of `dtype` written at element `off` of `st` (buffer `buf`), or
 * are exactly those elements (the kernels then run in place). Reads four
 * intrinsics at most: this runs on every small call with `out`.
 */
function apart(
  x: NDArray,
  st: Storage,
  buf: ArrayBufferLike,
  off: number,
  n: number,
  dtype: DType,
): boolean {
  const xs = storageOf(x);
  if (xs === st) return x._offset === off;
  if (taBuffer(xs) !== buf) return true;
  // views of one buffer (pooled small arrays share a slab)
  const xsz = itemsize(x.dtype), osz = itemsize(dtype);
  const xb = taByteOffset(xs) + x._offset * xsz;
  const ob = taByteOffset(st) + off * osz;
  return (xb === ob && xsz === osz) || xb + n * xsz <= ob ||
    ob + n * osz <= xb;
}

/** A C-contiguous result over `st` in `a`'s layout (known: not recomputed). */
function wrapLike(st: Storage, dtype: DType, a: NDArray): NDArray {
  const r = wrap(st, dtype, a.shape, a._strides);
  copyLayout(a, r);
  return r;
}

/** A 1-element storage of `dtype` holding `v` (reused; fast path only). */
function scalarSlot(dtype: DType, v: Scalar, fn: string): Storage {
  const st = scratch[dtype] ??= new (storageCtor(dtype))(1);
  (st as unknown as Array<number | bigint>)[0] = toStored(dtype, v, fn);
  return st;
}

/**
 * The fast path of {@link ufunc2}, or `undefined` when the call needs the
 * general one (which then also produces every error).
 */
export function fastBinary(
  op: Op2,
  x: unknown,
  y: unknown,
  given?: NDArray,
): NDArray | undefined {
  let a: NDArray, b: NDArray | undefined, s: number | undefined;
  let scalarFirst = false;
  if (x instanceof NDArray) {
    a = x;
    if (y instanceof NDArray) b = y;
    else if (typeof y === "number") s = y;
    else return undefined;
  } else if (y instanceof NDArray && typeof x === "number") {
    a = y;
    s = x;
    scalarFirst = true;
  } else return undefined;
  const dtype = a.dtype;
  // recording or jobs in flight: the general path records or checks
  if (dtype === "bool" || recording() !== null || pendingCount !== 0) {
    return undefined;
  }
  const k = kind(dtype);
  const rule = FAST2_RULE.get(op);
  if (rule === undefined) return undefined;
  const cmp = (rule & FAST_COMPARISON) !== 0;
  if ((rule & FAST_FLOAT_LOOP) !== 0 && k !== "f") return undefined;
  if (s !== undefined && k !== "f") {
    // NEP 50 with an integer array: an in-range integer scalar keeps the
    // dtype for arithmetic (comparisons may widen: general path)
    if (cmp || !Number.isInteger(s)) return undefined;
  }
  const n = cSize(a);
  if (n <= 0) return undefined;
  const shape = a.shape;
  if (b !== undefined) {
    if (b.dtype !== dtype || cSize(b) !== n) return undefined;
    if (!sameShape(shape, b.shape)) return undefined;
  }
  const ast = storageOf(a), aOff = a._offset;
  // a disposed or detached operand: the general path names it
  if (taLength(ast) < aOff + n) return undefined;
  let bst: Storage, bOff: number, bStride: number;
  if (b !== undefined) {
    bst = storageOf(b);
    bOff = b._offset;
    bStride = 1;
    if (taLength(bst) < bOff + n) return undefined;
  } else {
    bst = scalarSlot(dtype, s!, op); // RangeError for an out-of-range int
    bOff = 0;
    bStride = 0;
  }
  const outDtype: DType = (rule & FAST_BOOL_OUT) !== 0 ? "bool" : dtype;
  let outNd: NDArray | undefined, out: Storage, oOff = 0;
  if (given !== undefined) {
    outNd = fastOut(given, outDtype, shape, n, a, b);
    if (outNd === undefined) return undefined;
    out = storageOf(outNd);
    oOff = outNd._offset;
  } else out = allocStorage(outDtype, n);
  if (
    n < JS_FAST && k === "f" && !scalarFirst &&
    jsBinary(op, dtype, ast, aOff, bst, bOff, bStride, out, oOff, n)
  ) {
    return outNd ?? wrapLike(out, outDtype, a);
  }
  const m = META2;
  // scalar first (`2 - a`): the scalar is operand a, with stride 0
  m[0] = scalarFirst ? 0 : aOff;
  m[1] = scalarFirst ? aOff : bOff;
  m[2] = oOff;
  m[3] = n;
  m[4] = scalarFirst ? 0 : 1;
  m[5] = scalarFirst ? 1 : bStride;
  m[6] = 1;
  const status = native.rp_ufunc2(
    rule >> FAST_CODE_SHIFT,
    dtypeCode(dtype),
    scalarFirst ? bst : ast,
    scalarFirst ? 1 : taLength(ast),
    scalarFirst ? ast : bst,
    scalarFirst ? taLength(ast) : taLength(bst),
    out,
    taLength(out),
    1,
    m,
  );
  if (status !== 0) throw statusError(status, op);
  return outNd ?? wrapLike(out, outDtype, a);
}

/** The fast path of {@link ufunc1} (float input), or `undefined`. */
export function fastUnary(
  op: Op1,
  x: unknown,
  given?: NDArray,
): NDArray | undefined {
  if (!(x instanceof NDArray)) return undefined;
  const dtype = x.dtype;
  if (
    (dtype !== "float64" && dtype !== "float32") || recording() !== null ||
    pendingCount !== 0
  ) return undefined;
  const code = FAST1_CODE.get(op);
  if (code === undefined) return undefined;
  const n = cSize(x);
  if (n <= 0) return undefined;
  const shape = x.shape;
  const st = storageOf(x), off = x._offset;
  if (taLength(st) < off + n) return undefined;
  let outNd: NDArray | undefined, out: Storage, oOff = 0;
  if (given !== undefined) {
    outNd = fastOut(given, dtype, shape, n, x);
    if (outNd === undefined) return undefined;
    out = storageOf(outNd);
    oOff = outNd._offset;
  } else out = allocStorage(dtype, n);
  const m = META1;
  m[0] = off;
  m[1] = oOff;
  m[2] = n;
  m[3] = 1;
  m[4] = 1;
  const status = native.rp_ufunc1(
    code,
    dtypeCode(dtype),
    st,
    taLength(st),
    out,
    taLength(out),
    1,
    m,
  );
  if (status !== 0) throw statusError(status, op);
  return outNd ?? wrapLike(out, dtype, x);
}
