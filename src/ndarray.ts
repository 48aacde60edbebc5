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
import {
  canShrink,
  isDetached,
  taBuffer,
  taByteLength,
  taByteOffset,
  taLength,
  taSet,
} from "./_intrinsics.ts";
import {
  checkReadable,
  checkSettled,
  checkWritable,
  isPendingOutput,
  isReadOnly,
  isReadOnlyView,
  isWriteProtected,
  kernel,
  markReadOnly,
  markReadOnlyView,
  recording,
} from "./_record.ts";
import { isSlabBuffer, USE_SLABS } from "./_slab.ts";
import {
  allocStorage,
  disposeStorage,
  escape,
  isCanonicalBool,
  markCanonicalBool,
  mayDispose,
  noteView,
} from "./_pool.ts";
import { adopt, home, overlaps } from "./_arena.ts";
import { statusError } from "./_native.ts";
import {
  asDType,
  type DType,
  dtypeCode,
  intRange,
  isBigDType,
  itemsize,
  kind,
  type Storage,
  storageCtor,
} from "./dtype.ts";
import {
  asShape,
  broadcastShapes,
  broadcastStrides,
  cStrides,
  fmtShape,
  kStrides,
  normAxis,
  parseIndex,
  reshapeStrides,
  resolveReshape,
  type Shape,
  sizeOf,
  sliceIndices,
} from "./_shape.ts";
import { formatArray } from "./_format.ts";
import { IndexError } from "./errors.ts";
// Method forms call the module functions; the import cycle is safe because
// they are only used at call time, never while modules evaluate.
import * as uf from "./ufunc.ts";
import * as red from "./reduce.ts";
import * as rd from "./reduce_derived.ts";
import * as la from "./linalg.ts";
import * as ix from "./indexing.ts";
import * as as from "./async.ts";
import * as asu from "./async_ufuncs.ts";
import type { AsyncOptions } from "./engine.ts";
import { checkOptions, genuineLength, listArg, optionKeys } from "./_typed.ts";
import { show } from "./_show.ts";

/** A scalar element as JS sees it. */
export type Scalar = number | bigint | boolean;

/** A nested JS list, as `tolist()` returns. */
export type NestedList = Scalar | NestedList[];

/** Contiguity flags, as NumPy's `a.flags`. */
export interface Flags {
  /** Whether the elements are in C (row-major) order without gaps. */
  cContiguous: boolean;
  /** Whether the elements are in Fortran (column-major) order without gaps. */
  fContiguous: boolean;
  /** Whether the array may be written (false for read-only views and engine results being recorded). */
  writeable: boolean;
}

/** The token of {@link wrap} (module-private). */
const TRUSTED = Symbol("raptors.trusted");

const INSPECT_DENO = Symbol.for("Deno.customInspect");
const INSPECT_NODE = Symbol.for("nodejs.util.inspect.custom");

/** Options of {@link NDArray.astype}. */
export interface AstypeOptions {
  /** `false`: return the array itself when it already has the dtype. */
  copy?: boolean;
}
const ASTYPE_KEYS = optionKeys<AstypeOptions>({ copy: 1 });

/** Options of {@link NDArray.tolist}. */
export interface TolistOptions {
  /**
   * int64/uint64 elements as "bigint" (default, exact) or "number" (for
   * JSON; a value beyond 2^53 is then a RangeError, not a rounded number).
   */
  int64?: "bigint" | "number";
}
const TOLIST_KEYS = optionKeys<TolistOptions>({ int64: 1 });

function safeNumber(v: bigint, at: readonly number[]): number {
  if (v > 9007199254740991n || v < -9007199254740991n) {
    throw new RangeError(
      `tolist(): element [${at.join(", ")}] = ${v} is beyond 2^53 and ` +
        `has no exact JS number; use { int64: "bigint" }`,
    );
  }
  return Number(v);
}

/** An n-dimensional array. */
export class NDArray {
  /** The element type (NumPy's name). */
  readonly dtype: DType;
  /** Extent of each dimension. */
  readonly shape: readonly number[];
  /** @internal Strides in elements (NumPy's `strides` are bytes: see {@link strides}). */
  readonly _strides: readonly number[];
  /** @internal Offset of element [0, ..., 0] in `_storage`. */
  readonly _offset: number;
  /** @internal The TypedArray holding the elements (shared by views). */
  readonly _storage: Storage;

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
      this._storage = storage;
      if (USE_SLABS) noteSlab(this);
      return;
    }
    strides ??= cStrides(shape);
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
    noteView(storage);
    this.dtype = dtype;
    this.shape = frozen(shape);
    this._strides = frozen(strides);
    this._offset = offset;
    this._storage = storage;
    if (USE_SLABS) noteSlab(this);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
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
      cContiguous: isContiguous(this.shape, this._strides, false),
      fContiguous: isContiguous(this.shape, this._strides, true),
      writeable: !isWriteProtected(this._storage),
    };
  }
  /**
   * The storage for a JS-side read by library code: throws if this array
   * is the output of a step in the engine job being recorded (its values
   * do not exist yet), instead of silently reading zeros.
   * @internal
   */
  _read(fn: string): Storage {
    checkReadable(this._storage, fn);
    return this._storage;
  }

  /**
   * The elements as a TypedArray view (zero-copy), for a C-contiguous
   * array. `bool` arrays give their Uint8Array of 0/1.
   * @throws {TypeError} if the array is not C-contiguous (use `copy()`).
   */
  get data(): Storage {
    if (!this.flags.cContiguous) {
      throw new TypeError(
        "data: array is not C-contiguous; call copy() (or ascontiguousarray) first",
      );
    }
    checkReadable(this._storage, "data");
    // a read-only array never exposes its memory: callers get a copy
    if (isReadOnly(this._storage)) return this.copy()._storage;
    // a small result shares a slab with others: it moves to memory of its
    // own first, so the caller's view (and a transfer of its buffer)
    // reaches this array's elements only
    if (USE_SLABS) leaveSlab(this);
    // the caller now holds this memory: it never returns to the pool
    const st = this._storage;
    const view = new (storageCtor(this.dtype) as unknown as new (
      b: ArrayBufferLike,
      o: number,
      n: number,
    ) => Storage)(
      taBuffer(st),
      taByteOffset(st) + this._offset * this.itemsize,
      this.size,
    );
    escape(this._storage, view);
    return view;
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
    checkSettled(this._storage, "dispose");
    // nothing to free: return before the read-only check reads the
    // storage's slots
    if (!mayDispose(this._storage)) return false;
    if (isReadOnly(this._storage)) return false;
    if (!disposeStorage(this._storage, storageCtor(this.dtype))) return false;
    (this as { _storage: Storage })._storage = emptyStorage(this.dtype);
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
    if (isReadOnly(this._storage)) return this;
    const c = this.copy();
    escapeNever(c);
    markReadOnly(c._storage);
    return c;
  }

  /** The C-order bytes of the elements (NumPy's `tobytes()`). */
  tobytes(): Uint8Array {
    const c = this.copy();
    const st = c._storage;
    return new Uint8Array(
      taBuffer(st).slice(
        taByteOffset(st),
        taByteOffset(st) + c.nbytes,
      ) as ArrayBuffer,
    );
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
    const keep: number[] = [];
    if (axis !== undefined) {
      const ax = normAxis(axis, this.ndim, "squeeze");
      if (this.shape[ax] !== 1) {
        throw new RangeError(
          "squeeze(): cannot select an axis to squeeze out which has size not equal to one",
        );
      }
      for (let i = 0; i < this.ndim; i++) if (i !== ax) keep.push(i);
    } else {
      for (let i = 0; i < this.ndim; i++) if (this.shape[i] !== 1) keep.push(i);
    }
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
    return new NDArray(
      readOnlyAlias(this._storage, this.dtype),
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
    const entries = index.map((x) => parseIndex(x, "slice"));
    const ell = entries.filter((e) => e.kind === "ellipsis").length;
    if (ell > 1) {
      throw new RangeError(
        'slice(): an index can only have a single ellipsis ("...")',
      );
    }
    const used =
      entries.filter((e) => e.kind === "int" || e.kind === "slice").length;
    if (used > this.ndim) {
      throw new RangeError(
        `slice(): too many indices for array: array is ${this.ndim}-dimensional, but ${used} were indexed`,
      );
    }
    const shape: number[] = [], strides: number[] = [];
    let offset = this._offset, dim = 0;
    for (const e of entries) {
      if (e.kind === "ellipsis") {
        for (let k = 0; k < this.ndim - used; k++, dim++) {
          shape.push(this.shape[dim]!);
          strides.push(this._strides[dim]!);
        }
      } else if (e.kind === "newaxis") {
        shape.push(1);
        strides.push(0);
      } else if (e.kind === "int") {
        const len = this.shape[dim]!;
        if (e.index < -len || e.index >= len) {
          throw new IndexError(
            `slice(): index ${e.index} is out of bounds for axis ${dim} with size ${len}`,
          );
        }
        offset += (e.index < 0 ? e.index + len : e.index) * this._strides[dim]!;
        dim++;
      } else {
        const [start, count] = sliceIndices(
          e.start,
          e.stop,
          e.step,
          this.shape[dim]!,
        );
        if (count > 0) offset += start * this._strides[dim]!;
        shape.push(count);
        strides.push(this._strides[dim]! * e.step);
        dim++;
      }
    }
    for (; dim < this.ndim; dim++) {
      shape.push(this.shape[dim]!);
      strides.push(this._strides[dim]!);
    }
    return this.#view(shape, strides, offset, "slice");
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
      this._storage,
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
    if (taLength(this._storage) === 0 && this.size > 0) {
      throw new TypeError(
        isDetached(taBuffer(this._storage))
          ? `${fn}(): the array's ArrayBuffer was detached (transferred): its contents are gone`
          : `${fn}(): the array was disposed (dispose() returned its memory)`,
      );
    }
  }

  #at(idx: readonly number[], fn: string): number {
    this._live(fn);
    checkReadable(this._storage, fn);
    if (idx.length !== this.ndim) {
      throw new RangeError(
        `${fn}(): expected ${this.ndim} indices for a ${this.ndim}-d array; got ${idx.length}`,
      );
    }
    let p = this._offset;
    for (let i = 0; i < idx.length; i++) {
      let k = idx[i]!;
      const len = this.shape[i]!;
      if (!Number.isInteger(k)) {
        throw new TypeError(`${fn}(): index ${show(k)} is not an integer`);
      }
      if (k < -len || k >= len) {
        throw new IndexError(
          `${fn}(): index ${k} is out of bounds for axis ${i} with size ${len}`,
        );
      }
      if (k < 0) k += len;
      p += k * this._strides[i]!;
    }
    return p;
  }

  #read(p: number): Scalar {
    const v = this._storage[p]!;
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
    checkWritable(this._storage, "set");
    const p = this.#at(
      typeof idx === "number"
        ? [idx]
        : listArg<number>(idx, "set", "the index"),
      "set",
    );
    (this._storage as unknown as Scalar[])[p] = toStored(
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
    checkReadable(this._storage, "item");
    if (idx.length === 0) {
      if (this.size !== 1) {
        throw new RangeError(
          "item(): can only convert an array of size 1 to a Python scalar",
        );
      }
      return this.#read(this._offset);
    }
    if (idx.length === 1 && this.ndim !== 1) {
      let flat = idx[0]!;
      const size = this.size;
      if (!Number.isInteger(flat) || flat < -size || flat >= size) {
        throw new IndexError(
          `item(): index ${flat} is out of bounds for size ${size}`,
        );
      }
      if (flat < 0) flat += size;
      const multi: number[] = new Array(this.ndim);
      for (let i = this.ndim - 1; i >= 0; i--) {
        multi[i] = flat % this.shape[i]!;
        flat = Math.floor(flat / this.shape[i]!);
      }
      return this.get(...multi);
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
    checkReadable(this._storage, "tolist");
    const big = as === "number" && isBigDType(this.dtype);
    const at: number[] = new Array(this.ndim).fill(0);
    const rec = (dim: number, p: number): NestedList => {
      if (dim === this.ndim) {
        const v = this.#read(p);
        return big ? safeNumber(v as bigint, at) : v;
      }
      const out: NestedList[] = new Array(this.shape[dim]!);
      for (let i = 0; i < out.length; i++) {
        at[dim] = i;
        out[i] = rec(dim + 1, p + i * this._strides[dim]!);
      }
      return out;
    };
    return rec(0, this._offset);
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
    const out = new NDArray(
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
    // NumPy's astype keeps the memory layout (order "K"); copy() is C order.
    const out = new NDArray(
      allocStorage(to, this.size),
      to,
      this.shape,
      this._strides.some((st) => st === 0)
        ? cStrides(this.shape)
        : kStrides(this.shape, this._strides),
    );
    copyInto(this, out);
    return out;
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
    if (hint === "string") return this.toString();
    if (this.size !== 1) {
      if (hint === "default") return this.toString();
      throw new TypeError(
        `only size-1 arrays can be converted to JS scalars (this one has ` +
          `shape ${fmtShape(this.shape)}); use item(), tolist() or a ufunc`,
      );
    }
    if (recording() !== null && isPendingOutput(this._storage)) {
      throw new TypeError(
        "this array is computed by the engine job being built and has no " +
          "value yet, so JS arithmetic on it cannot work: use raptors' " +
          "functions (rp.divide(rp.sum(x), n), not rp.sum(x) / n), and " +
          "return the result from the job",
      );
    }
    return this.item();
  }

  /** NumPy's `str(a)`: `[[1 2]\n [3 4]]`. */
  toString(): string {
    return formatArray(this, " ");
  }

  /** NumPy's `repr(a)`: `array([1, 2], dtype=int32)`. */
  repr(): string {
    const prefix = "array(";
    const body = formatArray(this, ", ", prefix.length, 75 - 1);
    const extras: string[] = [];
    if (
      (this.size === 0 && !(this.ndim === 1 && this.shape[0] === 0)) ||
      this.size > 1000
    ) {
      extras.push(
        `shape=${
          fmtShape(this.shape).replace(/,/g, ", ").replace(", )", ",)")
        }`,
      );
    }
    const implied = this.dtype === "float64" || this.dtype === "int64" ||
      this.dtype === "bool";
    if (!implied || this.size === 0) extras.push(`dtype=${this.dtype}`);
    if (extras.length === 0) return `${prefix}${body})`;
    const arr = `${prefix}${body},`;
    const extra = `${extras.join(", ")})`;
    const lastLine = arr.length - (arr.lastIndexOf("\n") + 1);
    const spacer = lastLine + extra.length + 1 > 75
      ? "\n" + " ".repeat(prefix.length)
      : " ";
    return arr + spacer + extra;
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

/** A read-only array's buffer must never return to the pool. */
function escapeNever(a: NDArray): void {
  escape(a._storage);
}

function isContiguous(
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
  checkWritable(dst._storage, fn);
  // The kernel reads `src` while writing `dst`: never over the same memory.
  if (overlaps(src._storage, dst._storage)) src = src.astype(src.dtype);
  const nd = src.ndim;
  const meta = new Float64Array(2 + 3 * nd);
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
    src._storage,
    taLength(src._storage),
    dtypeCode(dst.dtype),
    dst._storage,
    taLength(dst._storage),
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
const slabGroups = new WeakMap<object, NDArray[]>();
const SLAB_GROUP_MAX = 2048;
let lastSlab: object | null = null;
let lastGroup: NDArray[] = [];

/** Registers `a` with its slab's list, if its storage is in a slab. */
function noteSlab(a: NDArray): void {
  const buf = taBuffer(a._storage);
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
  const st = a._storage;
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
      if (home(nd._storage) === h) group.push(nd);
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
    const s = nd._storage;
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
    (nd as { _storage: Storage })._storage = t;
  }
}

/**
 * A second storage object over `st`'s memory, marked read-only (for
 * broadcast views); in wasm memory it keeps `st`'s block alive. Already
 * protected storage is returned as it is.
 */
function readOnlyAlias(st: Storage, dtype: DType): Storage {
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
export const SCALAR_RESULT: WeakSet<NDArray> = new WeakSet();
/** Those whose scalar the sync API gives as a number (argmax, counts). */
export const AS_NUMBER: WeakSet<NDArray> = new WeakSet();

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
const EMPTY: Partial<Record<DType, Storage>> = {};
function emptyStorage(dtype: DType): Storage {
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
  if (
    recording() !== null || a._offset !== 0 || n === 0 ||
    (a.ndim === 1 ? a._strides[0] !== 1 && n !== 1 : !a.flags.cContiguous)
  ) return undefined;
  const st = a._storage;
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
