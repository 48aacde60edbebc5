/**
 * NDArray: an n-dimensional view over a TypedArray, NumPy's model.
 *
 * An array is (storage, dtype, shape, element strides, element offset).
 * Views (reshape when possible, transpose, slicing, broadcastTo...) share
 * storage; nothing is copied until asked. Shape logic lives here in
 * TypeScript; element loops run in Rust (`rp_copy_cast` for copies and
 * casts).
 *
 * Element values in JS: numbers, except `bool` (booleans) and
 * `int64`/`uint64` (bigints, so nothing loses precision).
 *
 * @module
 */
import { isDetached, taBuffer, taLength } from "../_intrinsics.ts";
import {
  checkReadable,
  checkSettled,
  checkWritable,
  isPendingOutput,
  isReadOnly,
  isWriteProtected,
  markReadOnly,
} from "../engine/_record.ts";
import { USE_SLABS } from "./_slab.ts";
import {
  allocStorage,
  disposeStorage,
  mayDispose,
  noteForeign,
  noteView,
} from "./_pool.ts";
import {
  asDType,
  type DType,
  isBigDType,
  itemsize,
  type Storage,
  storageCtor,
} from "./dtype.ts";
import {
  asShape,
  broadcastShapes,
  broadcastStrides,
  cStrides,
  fmtShape,
  normAxis,
  reshapeStrides,
  resolveReshape,
  type Shape,
  sliceLayout,
  squeezeKeep,
} from "./_shape.ts";
import { formatArray, reprArray } from "./_format.ts";
// Method forms call the module functions; the import cycle is safe because
// they are only used at call time, never while modules evaluate.
import * as uf from "../ufunc/ufunc.ts";
import * as red from "../reduce/reduce.ts";
import * as rd from "../reduce/derived.ts";
import * as la from "../linalg/products.ts";
import * as ix from "../array/indexing.ts";
import * as as from "../engine/async.ts";
import * as asu from "../engine/async_ufuncs.ts";
import type { AsyncOptions } from "../engine/engine.ts";
import { checkOptions, listArg } from "../_typed.ts";
import { show } from "../_show.ts";
import {
  ASTYPE_KEYS,
  type AstypeOptions,
  bytesOf,
  castCopy,
  checkForeign,
  copyInto,
  dataView,
  elementOffset,
  emptyStorage,
  escapeNever,
  type Flags,
  frozen,
  isCContiguous,
  isContiguous,
  layoutCode,
  nestedList,
  noteSlab,
  readOnlyAlias,
  TOLIST_KEYS,
  type TolistOptions,
  toPrimitive,
  toStored,
  TRUSTED,
  unravelIndex,
  wrap,
} from "./_ndarray_util.ts";
export type { AstypeOptions, Flags, TolistOptions } from "./_ndarray_util.ts";
export {
  AS_NUMBER,
  copyInto,
  cSize,
  directStorage,
  fresh,
  frozen,
  isCContiguous,
  keepScalar,
  numberResult,
  SCALAR_RESULT,
  scalarResult,
  shape1,
  STRIDES1,
  toStored,
  wrap,
} from "./_ndarray_util.ts";

/** A scalar element as JS sees it. */
export type Scalar = number | bigint | boolean;

/** A nested JS list, as `tolist()` returns. */
export type NestedList = Scalar | NestedList[];

const INSPECT_DENO = Symbol.for("Deno.customInspect");
const INSPECT_NODE = Symbol.for("nodejs.util.inspect.custom");

/** {@link ownArray}'s token: the storage is raptors' own. */
const OWN = Symbol("raptors.own");

/**
 * @internal An NDArray over storage raptors allocated (or an existing
 * array's), with the layout checks of the public constructor but without
 * marking the storage as a caller's memory (`noteForeign`).
 */
export function ownArray(
  storage: Storage,
  dtype: DType,
  shape: Shape,
  strides?: readonly number[],
  offset = 0,
): NDArray {
  return new NDArray(storage, dtype, shape, strides, offset, OWN);
}

/**
 * @internal The storage of `a` (raptors' modules only; not exported by
 * mod.ts). Throws a TypeError for anything that is not an NDArray.
 */
export let storageOf: (a: NDArray) => Storage;
/** @internal Replaces `a`'s storage (a slab array moving out, dispose). */
export let setStorage: (a: NDArray, st: Storage) => void;
/**
 * @internal `a`'s layout summary (`layoutCode`), computed once: shape and
 * strides never change, and JavaScriptCore reads the frozen lists ~20x
 * slower than plain ones.
 */
export let layoutOf: (a: NDArray) => number;
/** @internal Gives `to` the summary of `from` (the same shape and strides). */
export let copyLayout: (from: NDArray, to: NDArray) => void;

/**
 * An n-dimensional array.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const a = rp.array([[1, 2], [3, 4]], { dtype: "float32" });
 * assert.deepEqual(a.T.tolist(), [[1, 3], [2, 4]]);
 * const s = a.add(1).sum({ axis: 0 }) as rp.NDArray;
 * assert.deepEqual(s.tolist(), [6, 8]);
 * ```
 */
export class NDArray {
  /** The element type (NumPy's name). */
  readonly dtype: DType;
  /** Extent of each dimension. */
  readonly shape: readonly number[];
  /** @internal Strides in elements (NumPy's `strides` are bytes: see {@link strides}). */
  readonly _strides: readonly number[];
  /** @internal Offset of element [0, ..., 0] in the storage. */
  readonly _offset: number;
  /** 0, or the layout summary once computed ({@link layoutOf}). */
  #layout = 0;
  /**
   * The TypedArray holding the elements (shared by views): a private
   * field, reached inside raptors through {@link storageOf}. Jobs read and
   * write raptors' own memory in place (results, read-only and lent
   * arrays); a caller holding its TypedArray could transfer the buffer
   * and free memory a worker is using. `data` hands out memory the
   * bookkeeping knows about (or a copy).
   */
  #storage: Storage;
  static {
    layoutOf = (a) => a.#layout || (a.#layout = layoutCode(a));
    copyLayout = (from, to) => {
      to.#layout = from.#layout;
    };
    storageOf = (a) => a.#storage;
    setStorage = (a, st) => {
      a.#storage = st;
    };
  }

  /**
   * Low-level: wraps `storage` without copying. Prefer {@link array},
   * {@link zeros}, {@link frombuffer}. Throws if the layout leaves `storage`.
   */
  constructor(
    storage: Storage,
    dtype: DType,
    shape: Shape,
    strides?: readonly number[],
    offset = 0,
    /** @internal {@link wrap}'s token: the caller vouches for the layout. */
    trust?: symbol,
  ) {
    if (trust === TRUSTED) {
      // raptors' own storage and a layout it computed, shape and strides
      // already frozen (wrap()); the kernels re-check every layout anyway
      noteView(storage);
      this.dtype = dtype;
      this.shape = shape;
      this._strides = strides!;
      this._offset = offset;
      this.#storage = storage;
      if (USE_SLABS) noteSlab(this);
      return;
    }
    // a primitive dtype name only: an object whose toString answered
    // differently later would give the kernels another element size
    dtype = asDType(dtype, "NDArray");
    strides ??= cStrides(shape);
    checkForeign(storage, dtype, shape, strides, offset);
    if (trust !== OWN) noteForeign(storage);
    noteView(storage);
    this.dtype = dtype;
    this.shape = frozen(shape);
    this._strides = frozen(strides);
    this._offset = offset;
    this.#storage = storage;
    if (USE_SLABS) noteSlab(this);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    const l = layoutOf(this);
    return l > 0 ? l - 1 : -l - 1;
  }
  /** Bytes per element. */
  get itemsize(): number {
    return itemsize(this.dtype);
  }
  /** Bytes the elements would take if contiguous. */
  get nbytes(): number {
    return this.size * this.itemsize;
  }
  /** Strides in bytes, as NumPy reports them. */
  get strides(): number[] {
    return this._strides.map((s) => s * this.itemsize);
  }
  /** Contiguity, as NumPy's `flags`. */
  get flags(): Flags {
    return {
      cContiguous: isCContiguous(this),
      fContiguous: isContiguous(this.shape, this._strides, true),
      writeable: !isWriteProtected(this.#storage),
    };
  }
  /**
   * The storage for a JS-side read by library code: throws if this array
   * is the output of a step in the engine job being recorded (its values
   * do not exist yet), instead of silently reading zeros.
   * @internal
   */
  _read(fn: string): Storage {
    checkReadable(this.#storage, fn);
    return this.#storage;
  }

  /**
   * The elements as a TypedArray view (zero-copy), for a C-contiguous
   * array. `bool` arrays give their Uint8Array of 0/1.
   * @throws {TypeError} if the array is not C-contiguous (use `copy()`).
   */
  get data(): Storage {
    return dataView(this);
  }

  /**
   * Returns this array's memory to raptors' buffer pool now, instead of
   * when it is garbage collected, so the next result of the same size
   * reuses it (worth it in tight synchronous loops, where collection never
   * runs: `using r = rp.add(a, b)` or `r.dispose()`). It only does so when
   * no view of this array was ever made and its `data` was never taken;
   * then the array is unusable (any access throws) and `true` is returned.
   * Otherwise nothing changes and it returns `false`.
   */
  dispose(): boolean {
    checkSettled(this.#storage, "dispose");
    // nothing to free: return before the read-only check reads the
    // storage's slots
    if (!mayDispose(this.#storage)) return false;
    if (isReadOnly(this.#storage)) return false;
    if (!disposeStorage(this.#storage, storageCtor(this.dtype))) return false;
    this.#storage = emptyStorage(this.dtype);
    return true;
  }
  /**
   * A read-only copy of this array. Engine jobs read it in place instead
   * of copying it at every submission (use it for model weights, embedding
   * matrices and other large inputs shared by many jobs); no raptors
   * operation writes to it (`set`, `assign`, `out=` throw) and `data`
   * returns a copy, so its memory never changes while jobs read it.
   */
  asReadOnly(): NDArray {
    if (isReadOnly(this.#storage)) return this;
    const c = this.copy();
    escapeNever(c);
    markReadOnly(storageOf(c));
    return c;
  }

  /** The C-order bytes of the elements (NumPy's `tobytes()`). */
  tobytes(): Uint8Array {
    return bytesOf(this.copy());
  }

  /** `using` support: {@link dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** The transpose (a view). */
  get T(): NDArray {
    return this.transpose();
  }

  // ---- views ---------------------------------------------------------------

  /**
   * Same data, new shape: a view when the memory allows it, else a copy
   * (as NumPy). One dimension may be -1.
   */
  reshape(...shape: Array<number | number[]>): NDArray {
    const target = resolveReshape(
      this.size,
      shape.length === 1 && Array.isArray(shape[0])
        ? shape[0]
        : (shape as number[]),
    );
    const st = reshapeStrides(this.shape, this._strides, target);
    if (st) return this.#view(target, st, this._offset, "reshape");
    return this.copy().reshape(target);
  }

  /** Permutes the axes (reversed when none are given); a view. */
  transpose(...axes: Array<number | number[]>): NDArray {
    const nd = this.ndim;
    const perm = axes.length === 0
      ? [...Array(nd).keys()].reverse()
      : (axes.length === 1 && Array.isArray(axes[0])
        ? axes[0]
        : (axes as number[]))
        .map((a) => normAxis(a, nd, "transpose"));
    if (perm.length !== nd || new Set(perm).size !== nd) {
      throw new RangeError("transpose(): axes don't match array");
    }
    return this.#view(
      perm.map((p) => this.shape[p]!),
      perm.map((p) => this._strides[p]!),
      this._offset,
      "transpose",
    );
  }

  /** Swaps two axes; a view. */
  swapaxes(a: number, b: number): NDArray {
    const perm = [...Array(this.ndim).keys()];
    const i = normAxis(a, this.ndim, "swapaxes"),
      j = normAxis(b, this.ndim, "swapaxes");
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    return this.transpose(perm);
  }

  /** Inserts a length-1 axis at `axis`; a view. */
  expandDims(axis: number): NDArray {
    const ax = normAxis(axis, this.ndim + 1, "expandDims");
    const shape = this.shape.slice(), st = this._strides.slice();
    shape.splice(ax, 0, 1);
    st.splice(ax, 0, 0);
    return this.#view(shape, st, this._offset, "expandDims");
  }

  /** Removes length-1 axes (all, or the given one); a view. */
  squeeze(axis?: number): NDArray {
    const keep = squeezeKeep(this.shape, axis);
    return this.#view(
      keep.map((i) => this.shape[i]!),
      keep.map((i) => this._strides[i]!),
      this._offset,
      "squeeze",
    );
  }

  /**
   * A read-only view repeated to `shape` (zero strides), as NumPy's
   * `broadcast_to`: writing through it (`set`, `assign`, `out=`) is a
   * TypeError, while the array it views stays writable.
   */
  broadcastTo(shape: number | number[]): NDArray {
    const target = asShape(shape, "broadcastTo");
    const b = broadcastShapes([this.shape, target], "broadcastTo");
    if (b.length !== target.length || b.some((d, i) => d !== target[i])) {
      throw new RangeError(
        `broadcastTo(): input operand has shape ${
          fmtShape(this.shape)
        } which cannot be broadcast to ${fmtShape(target)}`,
      );
    }
    // a second view of this memory: the public constructor marks it as
    // the caller's (never lent in place), whoever owns the first
    return new NDArray(
      readOnlyAlias(this.#storage, this.dtype),
      this.dtype,
      target,
      broadcastStrides(this.shape, this._strides, target),
      this._offset,
    );
  }

  /**
   * NumPy indexing as strings: `a.slice("1:3", "::-1", null, "...", 0)`.
   * Integers select (dropping the axis), slices keep it, `null` adds an
   * axis, `"..."` stands for the remaining axes. Always a view.
   */
  slice(...index: Array<number | string | null>): NDArray {
    const l = sliceLayout(this.shape, this._strides, this._offset, index);
    return this.#view(l.shape, l.strides, l.offset, "slice");
  }

  /**
   * A view of this array's storage with a layout computed from this
   * array's (reshape, transpose, slice): the storage was checked when this
   * array was made, so only its liveness is (a detached or disposed
   * storage is the same TypeError the constructor gives), not its slots
   * again (in JavaScriptCore, reading `.buffer` of a small TypedArray
   * materializes an ArrayBuffer). The kernels re-check every layout.
   */
  #view(
    shape: number[],
    strides: readonly number[],
    offset: number,
    fn: string,
  ): NDArray {
    this._live(fn);
    return wrap(
      this.#storage,
      this.dtype,
      frozen(shape),
      frozen(strides),
      offset,
    );
  }

  /** A 1-d view when possible, else a 1-d copy (NumPy's `ravel`). */
  ravel(): NDArray {
    return this.reshape(-1);
  }

  /** A 1-d copy, always (NumPy's `flatten`). */
  flatten(): NDArray {
    return this.copy().reshape(-1);
  }

  // ---- elements ------------------------------------------------------------

  /** Storage index of the element at `idx` (checked). */
  /** @internal Throws if {@link dispose} released this array's memory. */
  _live(fn: string): void {
    if (taLength(this.#storage) === 0 && this.size > 0) {
      throw new TypeError(
        isDetached(taBuffer(this.#storage))
          ? `${fn}(): the array's ArrayBuffer was detached (transferred): its contents are gone`
          : `${fn}(): the array was disposed (dispose() returned its memory)`,
      );
    }
  }

  #at(idx: readonly number[], fn: string): number {
    this._live(fn);
    checkReadable(this.#storage, fn);
    return elementOffset(this.shape, this._strides, this._offset, idx, fn);
  }

  #read(p: number): Scalar {
    const v = this.#storage[p]!;
    return this.dtype === "bool" ? v !== 0 : v;
  }

  /** The element at the given indices (one per axis; negative from the end). */
  get(...idx: number[]): Scalar {
    return this.#read(this.#at(idx, "get"));
  }

  /**
   * Sets the element at `idx` (an index per axis, or one number for 1-d).
   * Integer values must fit the dtype (NumPy 2 raises the same way); floats
   * assigned to integer arrays truncate toward zero, as NumPy does.
   */
  set(idx: number | readonly number[], value: Scalar): this {
    checkWritable(this.#storage, "set");
    const p = this.#at(
      typeof idx === "number"
        ? [idx]
        : listArg<number>(idx, "set", "the index"),
      "set",
    );
    (this.#storage as unknown as Scalar[])[p] = toStored(
      this.dtype,
      value,
      "set",
    );
    return this;
  }

  /**
   * The single element of a size-1 array, or the element at a flat index
   * (C order), or at one index per axis (NumPy's `item`).
   */
  item(...idx: number[]): Scalar {
    this._live("item");
    checkReadable(this.#storage, "item");
    if (idx.length === 0) {
      if (this.size !== 1) {
        throw new RangeError(
          "item(): can only convert an array of size 1 to a Python scalar",
        );
      }
      return this.#read(this._offset);
    }
    if (idx.length === 1 && this.ndim !== 1) {
      return this.get(...unravelIndex(this.shape, idx[0]!));
    }
    return this.get(...idx);
  }

  /** The elements as nested JS arrays (0-d: the scalar). */
  tolist(options?: TolistOptions): NestedList {
    checkOptions(options, "tolist", TOLIST_KEYS);
    const as = options?.int64 ?? "bigint";
    if (as !== "bigint" && as !== "number") {
      throw new TypeError(
        `tolist(): int64 must be "bigint" or "number", got ${show(as)}`,
      );
    }
    this._live("tolist");
    checkReadable(this.#storage, "tolist");
    return nestedList(this, as === "number" && isBigDType(this.dtype));
  }

  /**
   * `JSON.stringify(a)`: the nested list with 64-bit integers as numbers
   * (`tolist({ int64: "number" })`): a value beyond 2^53 is a RangeError
   * naming it, never a rounded number. NaN and infinities become `null`,
   * as JSON has no such numbers.
   */
  toJSON(): NestedList {
    return this.tolist({ int64: "number" });
  }

  // ---- method forms of the ufuncs and reductions (same as rp.fn(this, ...)) ----

  /** `this + b` (see `add`). */
  add(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("add", this, b, options);
  }
  /** `this - b`. */
  subtract(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("subtract", this, b, options);
  }
  /** `this * b`. */
  multiply(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("multiply", this, b, options);
  }
  /** `this / b` (true division). */
  divide(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("divide", this, b, options);
  }
  /** `this // b`. */
  floorDivide(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("floorDivide", this, b, options);
  }
  /** `this ** b`. */
  power(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("power", this, b, options);
  }
  /** `this % b` (sign of the divisor). */
  mod(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("mod", this, b, options);
  }
  /** Element-wise maximum (NaN propagates). */
  maximum(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("maximum", this, b, options);
  }
  /** Element-wise minimum (NaN propagates). */
  minimum(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("minimum", this, b, options);
  }
  /** `this == b`. */
  equal(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("equal", this, b, options);
  }
  /** `this != b`. */
  notEqual(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("notEqual", this, b, options);
  }
  /** `this < b`. */
  less(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("less", this, b, options);
  }
  /** `this <= b`. */
  lessEqual(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("lessEqual", this, b, options);
  }
  /** `this > b`. */
  greater(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("greater", this, b, options);
  }
  /** `this >= b`. */
  greaterEqual(b: uf.ArrayLikeInput, options?: uf.UfuncOptions): NDArray {
    return uf.ufunc2("greaterEqual", this, b, options);
  }
  /** Absolute value. */
  abs(options?: uf.UfuncOptions): NDArray {
    return uf.ufunc1("abs", this, options);
  }
  /** `-this`. */
  negative(options?: uf.UfuncOptions): NDArray {
    return uf.ufunc1("negative", this, options);
  }
  /** Square root. */
  sqrt(options?: uf.UfuncOptions): NDArray {
    return uf.ufunc1("sqrt", this, options);
  }
  /** e^x. */
  exp(options?: uf.UfuncOptions): NDArray {
    return uf.ufunc1("exp", this, options);
  }
  /** Natural logarithm. */
  log(options?: uf.UfuncOptions): NDArray {
    return uf.ufunc1("log", this, options);
  }
  /** Round half to even. */
  round(options?: uf.RoundOptions): NDArray {
    return uf.round(this, options);
  }
  /** Sum over axes (see `sum`); a JS scalar when reducing everything. */
  sum(options?: red.SumOptions): NDArray | Scalar {
    return red.sumAxis(this, options);
  }
  /** Product over axes. */
  prod(options?: red.SumOptions): NDArray | Scalar {
    return red.prod(this, options);
  }
  /** Mean over axes. */
  mean(options?: red.MeanOptions): NDArray | Scalar {
    return red.meanAxis(this, options);
  }
  /** Maximum over axes. */
  max(options?: red.ExtremumOptions): NDArray | Scalar {
    return red.amax(this, options);
  }
  /** Minimum over axes. */
  min(options?: red.ExtremumOptions): NDArray | Scalar {
    return red.amin(this, options);
  }
  /** Variance over axes (`ddof` option). */
  var(options?: rd.VarOptions): NDArray | Scalar {
    return rd.variance(this, options);
  }
  /** Standard deviation over axes (`ddof` option). */
  std(options?: rd.VarOptions): NDArray | Scalar {
    return rd.std(this, options);
  }
  /** Matrix product `this @ b` (see `matmul`). */
  matmul(b: uf.ArrayLikeInput, options?: la.MatmulOptions): NDArray {
    return la.matmul(this, b, options);
  }
  /** Index of the maximum (flattened, or along `axis`). */
  argmax(options?: red.ArgOptions): NDArray | number {
    return red.argmaxAxis(this, options);
  }
  /** Index of the minimum (flattened, or along `axis`). */
  argmin(options?: red.ArgOptions): NDArray | number {
    return red.argminAxis(this, options);
  }
  /** Whether every element is truthy over axes. */
  all(options?: red.LogicalOptions): NDArray | Scalar {
    return red.all(this, options);
  }
  /** Whether any element is truthy over axes. */
  any(options?: red.LogicalOptions): NDArray | Scalar {
    return red.any(this, options);
  }

  /** Cumulative sum (flattened, or along `axis`). */
  cumsum(options?: red.ScanOptions): NDArray {
    return red.cumsumAxis(this, options);
  }
  /** Cumulative product (flattened, or along `axis`). */
  cumprod(options?: red.ScanOptions): NDArray {
    return red.cumprod(this, options);
  }
  /** `max - min` over axes. */
  ptp(options?: rd.PtpOptions): NDArray | Scalar {
    return rd.ptp(this, options);
  }
  /** NumPy's `dot` (see `dot`). */
  dot(b: uf.ArrayLikeInput): NDArray | Scalar {
    return la.dotNd(this, b);
  }
  /** Sum along a diagonal (see `trace`). */
  trace(options?: la.DiagonalOptions): NDArray | Scalar {
    return la.trace(this, options);
  }
  /** A diagonal as a view (see `diagonal`). */
  diagonal(options?: la.DiagonalOptions): NDArray {
    return la.diagonal(this, options);
  }

  // ---- async (engine jobs) ----------------------------------------------------

  /** `matmul` as an engine job (see `matmulAsync`). */
  matmulAsync(b: uf.ArrayLikeInput, options?: AsyncOptions): Promise<NDArray> {
    return as.matmulAsync(this, b, options);
  }
  /** `dot` as an engine job. */
  dotAsync(
    b: uf.ArrayLikeInput,
    options?: AsyncOptions,
  ): Promise<NDArray | Scalar> {
    return as.dotAsync(this, b, options);
  }
  /** `sum` as an engine job. */
  sumAsync(
    options?: red.ReduceOptions & AsyncOptions,
  ): Promise<NDArray | Scalar> {
    return as.sumAsync(this, options);
  }
  /** `mean` as an engine job. */
  meanAsync(
    options?: red.ReduceOptions & AsyncOptions,
  ): Promise<NDArray | Scalar> {
    return as.meanAsync(this, options);
  }
  /** `max` as an engine job. */
  maxAsync(
    options?: rd.PtpOptions & AsyncOptions,
  ): Promise<NDArray | Scalar> {
    return as.maxAsync(this, options);
  }
  /** `min` as an engine job. */
  minAsync(
    options?: rd.PtpOptions & AsyncOptions,
  ): Promise<NDArray | Scalar> {
    return as.minAsync(this, options);
  }
  /** `argmax` as an engine job. */
  argmaxAsync(
    options?: red.ArgOptions & AsyncOptions,
  ): Promise<NDArray | number> {
    return as.argmaxAsync(this, options);
  }
  /** A sorted copy (1-d) as an engine job. */
  sortAsync(options?: AsyncOptions): Promise<NDArray> {
    return as.sortAsync(this, options);
  }
  /** Stable `argsort` (1-d) as an engine job. */
  argsortAsync(options?: AsyncOptions): Promise<NDArray> {
    return as.argsortAsync(this, options);
  }
  /** `add` as an engine job. */
  addAsync(b: uf.ArrayLikeInput, options?: AsyncOptions): Promise<NDArray> {
    return asu.addAsync(this, b, options);
  }
  /** `subtract` as an engine job. */
  subtractAsync(
    b: uf.ArrayLikeInput,
    options?: AsyncOptions,
  ): Promise<NDArray> {
    return asu.subtractAsync(this, b, options);
  }
  /** `multiply` as an engine job. */
  multiplyAsync(
    b: uf.ArrayLikeInput,
    options?: AsyncOptions,
  ): Promise<NDArray> {
    return asu.multiplyAsync(this, b, options);
  }

  // ---- selection and assignment ------------------------------------------------

  /** Elements at `indices` along `axis` (see `take`). */
  take(
    indices: uf.ArrayLikeInput | readonly number[],
    options?: ix.TakeOptions,
  ): NDArray {
    return ix.take(this, indices, options);
  }
  /** The elements where the bool `mask` (this array's shape) is true: NumPy's `a[mask]`. */
  mask(mask: uf.ArrayLikeInput): NDArray {
    return ix.extract(mask, this);
  }
  /** Indices of the non-zero elements, one array per axis. */
  nonzero(): NDArray[] {
    return ix.nonzero(this);
  }
  /** Slices along `axis` where `condition` is true (see `compress`). */
  compress(condition: uf.ArrayLikeInput, options?: ix.TakeOptions): NDArray {
    return ix.compress(condition, this, options);
  }
  /**
   * Writes `value` (a scalar or an array broadcastable to this shape) into
   * this array, casting to its dtype: NumPy's `a[...] = value`. On a view
   * from {@link slice}, this is slice assignment: `a.slice("1:3",
   * "::2").assign(b)` is NumPy's `a[1:3, ::2] = b`. With `where`, only the
   * elements where the mask is true change. Returns `this`.
   */
  assign(value: uf.ArrayLikeInput, options?: ix.CopytoOptions): this {
    checkOptions(options, "assign", ix.COPYTO_KEYS);
    ix.copyto(this, value, options);
    return this;
  }

  // ---- copies and casts -----------------------------------------------------

  /** A C-contiguous copy (NumPy's default `order="C"`), by the native strided copy kernel. */
  copy(): NDArray {
    const out = ownArray(
      allocStorage(this.dtype, this.size),
      this.dtype,
      this.shape,
    );
    copyInto(this, out);
    return out;
  }

  /**
   * A copy converted to `dtype`, in the same memory layout (NumPy's
   * `astype`, order "K"; unsafe casting: integer
   * narrowing wraps, float to int truncates toward zero; out-of-range or
   * NaN float to int saturates / gives 0 where NumPy's result is
   * undefined). With `{ copy: false }` and the same dtype, returns `this`.
   */
  astype(dtype: DType, options: AstypeOptions = {}): NDArray {
    checkOptions(options, "astype", ASTYPE_KEYS);
    const to = asDType(dtype, "astype");
    if (options.copy === false && to === this.dtype) return this;
    return castCopy(this, to);
  }

  /**
   * JS arithmetic and comparisons on an array: a size-1 array is its
   * value (`rp.sum(a, { keepdims: true }) / 2` works for a float array, as
   * NumPy's `float(a)`; an int64 one gives a bigint, which JS does not mix
   * with numbers),
   * a string hint gives `toString()`. A larger array in arithmetic is a
   * TypeError (NumPy's "only size-1 arrays can be converted"), never NaN;
   * so is an array an engine job is still to compute (inside
   * `engine.submit`, where `rp.sum(x) / n` must be `rp.divide(rp.sum(x),
   * n)`).
   */
  [Symbol.toPrimitive](hint: string): string | number | bigint | boolean {
    return toPrimitive(this, hint, isPendingOutput(this.#storage));
  }

  /** NumPy's `str(a)`: `[[1 2]\n [3 4]]`. */
  toString(): string {
    return formatArray(this, " ");
  }

  /** NumPy's `repr(a)`: `array([1, 2], dtype=int32)`. */
  repr(): string {
    return reprArray(this);
  }

  /** `Deno.inspect` / `console.log` in Deno: the array as NumPy's `repr`. */
  [INSPECT_DENO](): string {
    return this.repr();
  }
  /** `util.inspect` / `console.log` in Node and Bun: the array as NumPy's `repr`. */
  [INSPECT_NODE](): string {
    return this.repr();
  }
}
