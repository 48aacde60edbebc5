/**
 * The NDArray module's helpers (`src/core/ndarray.ts` re-exports the ones other
 * modules use): element conversion and copies, slab groups of small
 * results, read-only aliases, scalar results, `wrap`/`fresh` (arrays over
 * raptors' own storage) and interned shapes.
 *
 * @module
 */
import {
  canShrink,
  isDetached,
  SafeWeakMap,
  SafeWeakSet,
  taBuffer,
  taByteLength,
  taByteOffset,
  taLength,
  taSet,
} from "../_intrinsics.ts";
import {
  checkReadable,
  checkWritable,
  isReadOnly,
  isReadOnlyView,
  isWriteProtected,
  kernel,
  markReadOnlyView,
  metaWords,
  recording,
} from "../engine/_record.ts";
import { isSlabBuffer, USE_SLABS } from "./_slab.ts";
import {
  allocStorage,
  escape,
  isCanonicalBool,
  markCanonicalBool,
  noteView,
} from "./_pool.ts";
import { adopt, home, overlaps } from "./_arena.ts";
import { statusError } from "../_native.ts";
import {
  type DType,
  dtypeCode,
  intRange,
  isBigDType,
  itemsize,
  kind,
  type Storage,
  storageCtor,
} from "./dtype.ts";
import { cStrides, fmtShape, kStrides, type Shape, sizeOf } from "./_shape.ts";
import { show } from "../_show.ts";
import { IndexError } from "../errors.ts";
import {
  layoutOf,
  NDArray,
  type NestedList,
  ownArray,
  type Scalar,
  setStorage,
  storageOf,
} from "./ndarray.ts";
import { genuineLength, optionKeys } from "../_typed.ts";

/** Options of {@link NDArray.astype}. */
export interface AstypeOptions {
  /** `false`: return the array itself when it already has the dtype. */
  copy?: boolean;
}
export const ASTYPE_KEYS = optionKeys<AstypeOptions>({ copy: 1 });

/** Options of {@link NDArray.tolist}. */
export interface TolistOptions {
  /**
   * int64/uint64 elements as "bigint" (default, exact) or "number" (for
   * JSON; a value beyond 2^53 is then a RangeError, not a rounded number).
   */
  int64?: "bigint" | "number";
}
export const TOLIST_KEYS = optionKeys<TolistOptions>({ int64: 1 });

/** {@link wrap}'s token: the caller vouches for the layout. */
export const TRUSTED = Symbol("raptors.trusted");

/** A read-only array's buffer must never return to the pool. */
export function escapeNever(a: NDArray): void {
  escape(storageOf(a));
}

export function isContiguous(
  shape: Shape,
  strides: readonly number[],
  fortran: boolean,
): boolean {
  if (shape.includes(0)) return true; // NumPy: an empty array is both C and F contiguous
  let expect = 1;
  const n = shape.length;
  for (let k = 0; k < n; k++) {
    const i = fortran ? k : n - 1 - k;
    if (shape[i]! !== 1 && strides[i] !== expect) return false;
    expect *= shape[i]!;
  }
  return true;
}

/**
 * NumPy's `a.flags.c_contiguous` (extent-1 axes may have any stride), the
 * strict form from the cached layout first.
 */
export function isCContiguous(a: NDArray): boolean {
  return cSize(a) >= 0 || isContiguous(a.shape, a._strides, false);
}

/** Converts a JS scalar to what the dtype's storage holds (checked). */
export function toStored(
  dtype: DType,
  value: Scalar,
  fn: string,
): number | bigint {
  const t = typeof value;
  if (t !== "number" && t !== "bigint" && t !== "boolean") {
    throw new TypeError(
      `${fn}(): an element must be a number, bigint or boolean; got ${
        show(value)
      }`,
    );
  }
  const k = kind(dtype);
  if (k === "b") {
    if (typeof value === "boolean") return value ? 1 : 0;
    return Number(value) !== 0 ? 1 : 0;
  }
  if (typeof value === "boolean") value = value ? 1 : 0;
  if (k === "f") return Number(value);
  let v: bigint;
  if (typeof value === "bigint") v = value;
  else if (Number.isNaN(value) || !Number.isFinite(value)) {
    throw new RangeError(`${fn}(): cannot convert ${value} to integer`);
  } else if (!Number.isInteger(value)) {
    v = BigInt(Math.trunc(value));
  } else {
    if (!Number.isSafeInteger(value) && isBigDType(dtype)) {
      throw new RangeError(
        `${fn}(): ${value} is not a safe integer; pass a bigint for ${dtype}`,
      );
    }
    v = BigInt(value);
  }
  const [lo, hi] = intRange(dtype);
  if (v < lo || v > hi) {
    throw new RangeError(
      `${fn}(): Python integer ${value} out of bounds for ${dtype}`,
    );
  }
  return isBigDType(dtype) ? v : Number(v);
}

/** Copies `src` into `dst` (same shape), converting dtypes, natively. */
export function copyInto(src: NDArray, dst: NDArray, fn = "copy"): void {
  if (
    src.shape.length !== dst.shape.length ||
    src.shape.some((d, i) => d !== dst.shape[i])
  ) {
    throw new RangeError(
      `${fn}(): could not broadcast input array from shape ${
        fmtShape(src.shape)
      } into shape ${fmtShape(dst.shape)}`,
    );
  }
  if (src.size === 0) return;
  src._live(fn);
  dst._live(fn);
  checkWritable(storageOf(dst), fn);
  // The kernel reads `src` while writing `dst`: never over the same memory.
  if (overlaps(storageOf(src), storageOf(dst))) src = src.astype(src.dtype);
  const nd = src.ndim;
  const meta = metaWords(2 + 3 * nd);
  meta[0] = src._offset;
  meta[1] = dst._offset;
  for (let i = 0; i < nd; i++) {
    meta[2 + i] = src.shape[i]!;
    meta[2 + nd + i] = src._strides[i]!;
    meta[2 + 2 * nd + i] = dst._strides[i]!;
  }
  const status = kernel(
    "rp_copy_cast",
    dtypeCode(src.dtype),
    storageOf(src),
    taLength(storageOf(src)),
    dtypeCode(dst.dtype),
    storageOf(dst),
    taLength(storageOf(dst)),
    nd,
    meta,
  );
  if (status !== 0) throw statusError(status, fn);
}

/**
 * The NDArrays over each slab's memory, one list per slab ArrayBuffer, so
 * that `data` can move every array sharing one memory out of the slab at
 * once ({@link leaveSlab}). One list per slab, not per array: a WeakMap
 * insertion per result cost ~0.9 us in V8 (ephemeron bookkeeping), more
 * than the rest of a 16-element `add`. The lists hold the wrappers of a
 * slab's arrays until the slab itself is collected (with its last array);
 * a list that grows past {@link SLAB_GROUP_MAX} (views of views) moves the
 * newcomer's memory out, which bounds it.
 */
const slabGroups = new SafeWeakMap<object, NDArray[]>();
const SLAB_GROUP_MAX = 2048;
let lastSlab: object | null = null;
let lastGroup: NDArray[] = [];

/** Registers `a` with its slab's list, if its storage is in a slab. */
export function noteSlab(a: NDArray): void {
  const buf = taBuffer(storageOf(a));
  let g: NDArray[];
  if (buf === lastSlab) g = lastGroup;
  else {
    if (!isSlabBuffer(buf)) return;
    let found = slabGroups.get(buf);
    if (found === undefined) slabGroups.set(buf, found = []);
    lastSlab = buf;
    lastGroup = g = found;
  }
  g.push(a);
  if (g.length > SLAB_GROUP_MAX) leaveSlab(a);
}

/**
 * Moves `a` and every NDArray sharing its memory out of their slab into
 * an ArrayBuffer of their own (same byte layout relative to the memory's
 * start, same read-only and bool marks). Afterwards their memory can be
 * handed to user code: a transfer of its buffer detaches these arrays
 * only, and engine jobs can rely on it.
 */
function leaveSlab(a: NDArray): void {
  const st = storageOf(a);
  const sb = taBuffer(st);
  if (!isSlabBuffer(sb)) return;
  const h = home(st) as Storage;
  const all = slabGroups.get(sb);
  const group: NDArray[] = [];
  if (all !== undefined) {
    // split the slab's list in place (lastGroup may be this very list)
    let w = 0;
    for (let i = 0; i < all.length; i++) {
      const nd = all[i]!;
      if (home(storageOf(nd)) === h) group.push(nd);
      else all[w++] = nd;
    }
    all.length = w;
  }
  if (!group.includes(a)) group.push(a);
  const start = taByteOffset(h), bytes = taByteLength(h);
  const buf = new ArrayBuffer(bytes);
  taSet(
    new Uint8Array(buf),
    new Uint8Array(taBuffer(h) as ArrayBuffer, start, bytes),
    0,
  );
  const moved = new Map<Storage, Storage>();
  for (const nd of group) {
    const s = storageOf(nd);
    let t = moved.get(s);
    if (t === undefined) {
      t = new (storageCtor(nd.dtype) as unknown as new (
        b: ArrayBufferLike,
        o: number,
        n: number,
      ) => Storage)(buf, taByteOffset(s) - start, taLength(s));
      if (isReadOnlyView(s)) markReadOnlyView(t);
      if (isCanonicalBool(s)) markCanonicalBool(t);
      moved.set(s, t);
    }
    setStorage(nd, t);
  }
}

/**
 * A second storage object over `st`'s memory, marked read-only (for
 * broadcast views); in wasm memory it keeps `st`'s block alive. Already
 * protected storage is returned as it is.
 */
export function readOnlyAlias(st: Storage, dtype: DType): Storage {
  if (isWriteProtected(st)) return st;
  const alias = new (storageCtor(dtype) as unknown as new (
    b: ArrayBufferLike,
    o: number,
    n: number,
  ) => Storage)(taBuffer(st), taByteOffset(st), taLength(st));
  adopt(st, alias);
  // the alias counts as a second array over st's memory: st's own array
  // can no longer return it to the pool (dispose() refuses, as for views)
  noteView(st);
  markReadOnlyView(alias);
  if (isCanonicalBool(st)) markCanonicalBool(alias);
  return alias;
}

/**
 * Refuses bool storage holding a byte other than 0 or 1: NumPy treats any
 * non-zero byte as True, while raptors' kernels (and a TypedArray view)
 * would count, cast and compare the byte itself.
 */
function checkBoolBytes(st: Uint8Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = st[i]!;
    if (v > 1) {
      throw new TypeError(
        `NDArray: bool storage holds the byte ${v} at index ${i}; a bool is ` +
          `stored as 0 or 1 (convert bytes with astype("bool") of a uint8 array)`,
      );
    }
  }
}

/**
 * An NDArray over storage raptors allocated, with a layout it computed and
 * `shape`/`strides` arrays already frozen (shared with the array they came
 * from, e.g. the operand of an elementwise op): skips the constructor's
 * checks of foreign storage and its copies of the arrays (the small-array
 * fast path; the kernels still check every layout against the storage).
 * @internal
 */
/**
 * A full reduction's 0-d result as the sync API returns it: its JS scalar.
 * While an engine job is recorded the value does not exist yet, so the 0-d
 * array itself is returned; the job resolves a 0-d result to its scalar
 * (see `Engine.submit`), as the async functions do.
 */
export function scalarResult(r: NDArray, asNumber = false): NDArray | Scalar {
  if (recording() === null) return asNumber ? Number(r.item()) : r.item();
  SCALAR_RESULT.add(r);
  if (asNumber) AS_NUMBER.add(r);
  return r;
}

/**
 * 0-d arrays standing for a scalar result while a job is recorded: the job
 * resolves exactly these to JS scalars (an ordinary 0-d array, as
 * `addAsync(rp.array(1), 2)` gives, stays an array).
 */
export const SCALAR_RESULT: SafeWeakSet<NDArray> = new SafeWeakSet();
/** Those whose scalar the sync API gives as a number (argmax, counts). */
export const AS_NUMBER: SafeWeakSet<NDArray> = new SafeWeakSet();

/**
 * `res`, computed from the scalar result `src`, as a scalar result too
 * (`sqrt(var)`, `sum / count`): a JS scalar outside a recording.
 */
export function keepScalar(src: unknown, res: NDArray): NDArray | Scalar {
  if (src instanceof NDArray && SCALAR_RESULT.has(src)) {
    return scalarResult(res.ndim === 0 ? res : res.reshape([]));
  }
  return res;
}

/** A scalar result the sync API gives as a number (`Number(count)`). */
export function numberResult(r: NDArray | Scalar): NDArray | number {
  if (r instanceof NDArray) {
    AS_NUMBER.add(r);
    return r;
  }
  return Number(r);
}

/**
 * The storage a disposed array keeps: one empty TypedArray per dtype,
 * shared (allocating a fresh one cost ~0.3 us per dispose in V8). Nothing
 * can be written to or read from it, and every operation on a disposed
 * array stops at `_live`.
 */
export const EMPTY: Partial<Record<DType, Storage>> = {};
export function emptyStorage(dtype: DType): Storage {
  return EMPTY[dtype] ??= new (storageCtor(dtype))(0);
}

export function wrap(
  storage: Storage,
  dtype: DType,
  shape: readonly number[],
  strides: readonly number[],
  offset = 0,
): NDArray {
  return new NDArray(storage, dtype, shape, strides, offset, TRUSTED);
}

/** Contiguity flags, as NumPy's `a.flags`. */
export interface Flags {
  /** Whether the elements are in C (row-major) order without gaps. */
  cContiguous: boolean;
  /** Whether the elements are in Fortran (column-major) order without gaps. */
  fContiguous: boolean;
  /** Whether the array may be written (false for read-only views and engine results being recorded). */
  writeable: boolean;
}

/**
 * The layout summary of `a` (kept by {@link layoutOf}): `1 + size` when
 * `a` is C-contiguous in the strict sense (each stride the product of the
 * later extents, as the fast paths need), `-(1 + size)` otherwise.
 */
export function layoutCode(a: NDArray): number {
  const shape = a.shape, strides = a._strides;
  let want = 1, c = true;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (strides[i] !== want) c = false;
    want *= shape[i]!;
  }
  return c ? 1 + want : -1 - want;
}

/** `a.size` when `a` is strictly C-contiguous ({@link layoutOf}), else -1. */
export function cSize(a: NDArray): number {
  const l = layoutOf(a);
  return l > 0 ? l - 1 : -1;
}

const interned = new Map<number, readonly number[]>();
/**
 * A frozen copy of a shape or strides list, shared between arrays for the
 * short lists every request makes (up to 3 non-negative entries):
 * `Object.freeze` of an array costs ~0.3 us in JavaScriptCore, twice per
 * NDArray. The lists are immutable, so sharing one is safe.
 * @internal
 */
export function frozen(a: readonly number[]): readonly number[] {
  const key = internKey(a);
  if (key < 0) return Object.freeze(a.slice());
  let f = interned.get(key);
  if (f === undefined) {
    f = Object.freeze(a.slice());
    if (interned.size < 8192) interned.set(key, f);
  }
  return f;
}
/**
 * A number naming a short list of non-negative integers exactly (the length
 * in the top bits, then the entries: one below 2^40, two below 2^20, three
 * below 2^15), or -1.
 */
function internKey(a: readonly number[]): number {
  const n = a.length;
  if (n > 3) return -1;
  const bits = n === 1 ? 40 : n === 2 ? 20 : 15;
  const lim = 2 ** bits;
  let key = 0;
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    if (!(v >= 0 && v < lim && Math.floor(v) === v)) return -1;
    key = key * lim + v;
  }
  return n * 2 ** 48 + key;
}

/**
 * A new C-contiguous array of `shape` over raptors' own storage (contents
 * unspecified), wrapped without the public constructor's checks.
 * @internal
 */
export function fresh(dtype: DType, shape: readonly number[]): NDArray {
  return wrap(
    allocStorage(dtype, sizeOf(shape)),
    dtype,
    frozen(shape),
    frozen(cStrides(shape)),
  );
}

/**
 * The storage of a non-empty C-contiguous array that starts at element 0,
 * for a fast path that reads it directly on the calling thread: checked
 * live (not disposed or detached) and readable (not a pending job
 * output). `undefined` inside a recording, for an offset, strided or empty
 * array, or storage shorter than the array (the general path names it).
 * @internal
 */
export function directStorage(a: NDArray, fn: string): Storage | undefined {
  const n = a.size;
  if (recording() !== null || a._offset !== 0 || n === 0) return undefined;
  if (!isCContiguous(a)) return undefined;
  const st = storageOf(a);
  a._live(fn);
  checkReadable(st, fn);
  return taLength(st) < n ? undefined : st;
}

const frozen1: (readonly number[])[] = [];
/**
 * The frozen shape `[n]` (cached for small n), and C strides `[1]`.
 * @internal
 */
export function shape1(n: number): readonly number[] {
  if (n < 64) return frozen1[n] ??= Object.freeze([n]);
  // Object.freeze of a fresh array costs ~0.1-0.3 us in JavaScriptCore:
  // the lengths a process uses are few, so keep them (bounded)
  let s = frozenN.get(n);
  if (s === undefined) {
    s = Object.freeze([n]);
    if (frozenN.size < 4096) frozenN.set(n, s);
  }
  return s;
}
const frozenN = new Map<number, readonly number[]>();
/** @internal */
export const STRIDES1: readonly number[] = Object.freeze([1]);

/**
 * The checks of `new NDArray(storage, ...)` for storage raptors did not
 * make: the storage type, its length from the internal slots, a detached
 * or resizable buffer, bool bytes, and the layout inside the storage.
 */
export function checkForeign(
  storage: Storage,
  dtype: DType,
  shape: Shape,
  strides: readonly number[],
  offset: number,
): void {
  if (!(storage instanceof storageCtor(dtype))) {
    throw new TypeError(
      `NDArray: storage for ${dtype} must be a ${storageCtor(dtype).name}`,
    );
  }
  // from the internal slots: a caller's `length` (own property, subclass
  // getter, Proxy) never decides what the kernels may touch
  const len = genuineLength(storage, itemsize(dtype), "NDArray", "storage");
  if (len === 0 && isDetached(taBuffer(storage))) {
    throw new TypeError(
      "NDArray: the storage's buffer was detached (transferred): its contents are gone",
    );
  }
  if (dtype === "bool" && !isCanonicalBool(storage)) {
    checkBoolBytes(storage as Uint8Array, len);
    markCanonicalBool(storage);
  }
  if (canShrink(taBuffer(storage))) {
    throw new TypeError(
      "NDArray: the storage is a view of a resizable ArrayBuffer, which " +
        "could shrink under the array (NumPy refuses to resize a buffer " +
        "an array uses): pass a fixed-length copy, e.g. x.slice()",
    );
  }
  if (strides.length !== shape.length) {
    throw new RangeError("NDArray: shape and strides differ in length");
  }
  if (sizeOf(shape) > 0) {
    let lo = offset, hi = offset;
    for (let i = 0; i < shape.length; i++) {
      const reach = (shape[i]! - 1) * strides[i]!;
      if (reach < 0) lo += reach;
      else hi += reach;
    }
    if (!(lo >= 0 && hi < len)) {
      throw new RangeError(
        `NDArray: the layout reaches elements ${lo}..${hi} of a buffer of ${len}`,
      );
    }
  }
}

function safeNumber(v: bigint, at: readonly number[]): number {
  if (v > 9007199254740991n || v < -9007199254740991n) {
    throw new RangeError(
      `tolist(): element [${at.join(", ")}] = ${v} is beyond 2^53 and ` +
        `has no exact JS number; use { int64: "bigint" }`,
    );
  }
  return Number(v);
}

/**
 * The elements of `a` as nested JS arrays (`NDArray.tolist`); with `big`,
 * 64-bit integers as numbers (a RangeError beyond 2^53, naming the element).
 */
export function nestedList(a: NDArray, big: boolean): NestedList {
  const st = storageOf(a), bool = a.dtype === "bool";
  const at: number[] = new Array(a.ndim).fill(0);
  const rec = (dim: number, p: number): NestedList => {
    if (dim === a.ndim) {
      const e = st[p]!;
      const v: Scalar = bool ? e !== 0 : e;
      return big ? safeNumber(v as bigint, at) : v;
    }
    const out: NestedList[] = new Array(a.shape[dim]!);
    for (let i = 0; i < out.length; i++) {
      at[dim] = i;
      out[i] = rec(dim + 1, p + i * a._strides[dim]!);
    }
    return out;
  };
  return rec(0, a._offset);
}

/** `NDArray.data`: a zero-copy view of a C-contiguous array's elements. */
export function dataView(a: NDArray): Storage {
  if (!isCContiguous(a)) {
    throw new TypeError(
      "data: array is not C-contiguous; call copy() (or ascontiguousarray) first",
    );
  }
  checkReadable(storageOf(a), "data");
  // a read-only array never exposes its memory: callers get a copy
  if (isReadOnly(storageOf(a))) return storageOf(a.copy());
  // a small result shares a slab with others: it moves to memory of its
  // own first, so the caller's view (and a transfer of its buffer)
  // reaches this array's elements only
  if (USE_SLABS) leaveSlab(a);
  // the caller now holds this memory: it never returns to the pool
  const st = storageOf(a);
  const view = new (storageCtor(a.dtype) as unknown as new (
    b: ArrayBufferLike,
    o: number,
    n: number,
  ) => Storage)(
    taBuffer(st),
    taByteOffset(st) + a._offset * a.itemsize,
    a.size,
  );
  escape(storageOf(a), view);
  return view;
}

/** A copy of `a` in dtype `to`, in `a`'s memory layout (`NDArray.astype`). */
export function castCopy(a: NDArray, to: DType): NDArray {
  // NumPy's astype keeps the memory layout (order "K"); copy() is C order.
  const out = ownArray(
    allocStorage(to, a.size),
    to,
    a.shape,
    a._strides.some((st) => st === 0)
      ? cStrides(a.shape)
      : kStrides(a.shape, a._strides),
  );
  copyInto(a, out);
  return out;
}

/**
 * The storage index of the element at `idx` (one integer per axis,
 * negative from the end) in the layout (`shape`, `strides`, `offset`), or
 * the error that names the bad index (`fn` the caller's name).
 */
export function elementOffset(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  idx: readonly number[],
  fn: string,
): number {
  const nd = shape.length;
  if (idx.length !== nd) {
    throw new RangeError(
      `${fn}(): expected ${nd} indices for a ${nd}-d array; got ${idx.length}`,
    );
  }
  let p = offset;
  for (let i = 0; i < nd; i++) {
    let k = idx[i]!;
    const len = shape[i]!;
    if (!Number.isInteger(k)) {
      throw new TypeError(`${fn}(): index ${show(k)} is not an integer`);
    }
    if (k < -len || k >= len) {
      throw new IndexError(
        `${fn}(): index ${k} is out of bounds for axis ${i} with size ${len}`,
      );
    }
    if (k < 0) k += len;
    p += k * strides[i]!;
  }
  return p;
}

/**
 * `flat`, a C-order index into `shape` (negative from the end), as one
 * index per axis (NumPy's `item(flat)`).
 */
export function unravelIndex(shape: readonly number[], flat: number): number[] {
  const size = sizeOf(shape);
  if (!Number.isInteger(flat) || flat < -size || flat >= size) {
    throw new IndexError(
      `item(): index ${flat} is out of bounds for size ${size}`,
    );
  }
  if (flat < 0) flat += size;
  const multi: number[] = new Array(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    multi[i] = flat % shape[i]!;
    flat = Math.floor(flat / shape[i]!);
  }
  return multi;
}

/**
 * `a[Symbol.toPrimitive](hint)`: JS arithmetic and comparisons on an
 * array. A size-1 array is its value (`rp.sum(a, { keepdims: true }) / 2`
 * works for a float array, as NumPy's `float(a)`; an int64 one gives a
 * bigint, which JS does not mix with numbers), a string hint gives
 * `toString()`. A larger array in arithmetic is a TypeError (NumPy's
 * "only size-1 arrays can be converted"), never NaN; so is an array an
 * engine job is still to compute (`pending` inside `engine.submit`, where
 * `rp.sum(x) / n` must be `rp.divide(rp.sum(x), n)`).
 */
export function toPrimitive(
  a: NDArray,
  hint: string,
  pending: boolean,
): string | number | bigint | boolean {
  if (hint === "string") return a.toString();
  if (a.size !== 1) {
    if (hint === "default") return a.toString();
    throw new TypeError(
      `only size-1 arrays can be converted to JS scalars (this one has ` +
        `shape ${fmtShape(a.shape)}); use item(), tolist() or a ufunc`,
    );
  }
  if (recording() !== null && pending) {
    throw new TypeError(
      "this array is computed by the engine job being built and has no " +
        "value yet, so JS arithmetic on it cannot work: use raptors' " +
        "functions (rp.divide(rp.sum(x), n), not rp.sum(x) / n), and " +
        "return the result from the job",
    );
  }
  return a.item();
}

/** A copy of the bytes of `c`'s elements (`c` C-contiguous). */
export function bytesOf(c: NDArray): Uint8Array {
  const st = storageOf(c), start = taByteOffset(st);
  return new Uint8Array(
    taBuffer(st).slice(start, start + c.nbytes) as ArrayBuffer,
  );
}
