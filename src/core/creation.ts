/**
 * Array creation, as NumPy: `array`, `asarray`, `frombuffer`, `zeros`,
 * `ones`, `full`, `empty`, `zerosLike`, `onesLike`, `fullLike`, `arange`,
 * `linspace`, `eye`, `identity`.
 *
 * @module
 */
import {
  arrayAt,
  bufferByteLength,
  canShrink,
  isDetached,
  isGrowable,
  taBuffer,
  taKind,
  taLength,
  taSet,
  viewExtent,
} from "../_intrinsics.ts";
import { copyOf, dtypeOf, type NumericArray } from "../_typed.ts";
import { copyRows, innerRows } from "./_rows.ts";
import { adopt } from "./_arena.ts";
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
  NDArray,
  ownArray,
  type Scalar,
  shape1,
  storageOf,
  STRIDES1,
  toStored,
  wrap,
} from "./ndarray.ts";
import { asShape, MAX_SIZE, type Shape, sizeOf } from "./_shape.ts";
import { allocStorage } from "./_pool.ts";
import { checkAlloc } from "../_limits.ts";
import { checkOptions, intArg, optionKeys } from "../_typed.ts";
import { show } from "../_show.ts";
import { backend, native } from "../_native.ts";
import { JS_BELOW } from "../_thresholds.ts";

/**
 * `dst.set(src)` (same type and length): the engine's own copy, or from
 * `JS_BELOW.copy` elements on the native backend the library's, which
 * splits it over the threads (10^5 float64: 15 us with `set`, 8 us native,
 * both runtimes, this host; equal at 16384, native ahead from 32768).
 */
function copyElements(dst: Storage, src: Storage, dt: DType, n: number): void {
  if (
    n >= JS_BELOW.copy && backend.name === "native" && dt !== "bool" &&
    native.rp_copy(dtypeCode(dt), src, dst, n) === 0
  ) return;
  taSet(dst, src);
}

/** The array a `*Like` function copies the shape of: an NDArray, or anything `array()` takes. */
function likeArg(a: unknown, fn: string): NDArray {
  if (a instanceof NDArray) return a;
  if (a === undefined) {
    throw new TypeError(`${fn}(): missing the array whose shape to copy`);
  }
  return array(a);
}

/** Options naming a dtype. */
export interface DTypeOptions {
  /** The dtype of the result. */
  dtype?: DType;
}
const DTYPE_KEYS = optionKeys<DTypeOptions>({ dtype: 1 });

function alloc(dtype: DType, shape: Shape, fn?: string): NDArray {
  return ownArray(
    allocStorage(dtype, sizeOf(shape), true, fn),
    dtype,
    shape,
  );
}

/** `zeros` and `empty` (named `fn` in errors): float64 by default. */
function allocNew(
  shape: number | number[],
  options: DTypeOptions,
  fn: string,
): NDArray {
  checkOptions(options, fn, DTYPE_KEYS);
  return alloc(
    asDType(options.dtype ?? "float64", fn),
    asShape(shape, fn),
    fn,
  );
}

function fillStorage(a: NDArray, value: Scalar): NDArray {
  const v = toStored(a.dtype, value, "full");
  (storageOf(a) as unknown as { fill(x: number | bigint): void }).fill(v);
  return a;
}

/**
 * The dtype NumPy infers for a JS scalar: bool, int64 or float64.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.dtypeOfScalar(1.5), "float64");
 * assert.equal(rp.dtypeOfScalar(2), "int64");
 * ```
 */
export function dtypeOfScalar(v: Scalar): DType {
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int64";
  return Number.isInteger(v) ? "int64" : "float64";
}

/**
 * A new array of zeros (float64 unless `dtype`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const z = rp.zeros([2, 3]);
 * assert.deepEqual(z.shape, [2, 3]);
 * assert.equal(z.dtype, "float64");
 * ```
 */
export function zeros(
  shape: number | number[],
  options: DTypeOptions = {},
): NDArray {
  return allocNew(shape, options, "zeros");
}

/**
 * A new array; its elements are zero (JS memory is always initialised).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.empty([2, 2]).shape, [2, 2]);
 * ```
 */
export function empty(
  shape: number | number[],
  options: DTypeOptions = {},
): NDArray {
  return allocNew(shape, options, "empty");
}

/**
 * A new array of ones.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.ones([2], { dtype: "int32" }).tolist(), [1, 1]);
 * ```
 */
export function ones(
  shape: number | number[],
  options: DTypeOptions = {},
): NDArray {
  checkOptions(options, "ones", DTYPE_KEYS);
  return fillStorage(zeros(shape, options), 1);
}

/**
 * A new array filled with `value` (dtype inferred from it unless given).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.full([2], 7.5).tolist(), [7.5, 7.5]);
 * ```
 */
export function full(
  shape: number | number[],
  value: Scalar,
  options: DTypeOptions = {},
): NDArray {
  checkOptions(options, "full", DTYPE_KEYS);
  const dtype = asDType(options.dtype ?? dtypeOfScalar(value), "full");
  return fillStorage(alloc(dtype, asShape(shape, "full"), "full"), value);
}

/**
 * Zeros with the shape (and dtype, unless given) of `a`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.zerosLike(rp.array([1.5, 2])).tolist(), [0, 0]);
 * ```
 */
export function zerosLike(a: NDArray, options: DTypeOptions = {}): NDArray {
  checkOptions(options, "zerosLike", DTYPE_KEYS);
  a = likeArg(a, "zerosLike");
  return zeros(a.shape.slice(), { dtype: options.dtype ?? a.dtype });
}
/**
 * Ones with the shape (and dtype, unless given) of `a`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.onesLike(rp.array([1.5, 2])).tolist(), [1, 1]);
 * ```
 */
export function onesLike(a: NDArray, options: DTypeOptions = {}): NDArray {
  checkOptions(options, "onesLike", DTYPE_KEYS);
  a = likeArg(a, "onesLike");
  return ones(a.shape.slice(), { dtype: options.dtype ?? a.dtype });
}
/**
 * `value` with the shape (and dtype, unless given) of `a`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.fullLike(rp.array([1.5, 2]), 3).tolist(), [3, 3]);
 * ```
 */
export function fullLike(
  a: NDArray,
  value: Scalar,
  options: DTypeOptions = {},
): NDArray {
  checkOptions(options, "fullLike", DTYPE_KEYS);
  a = likeArg(a, "fullLike");
  return full(a.shape.slice(), value, { dtype: options.dtype ?? a.dtype });
}

const TYPED: Array<[new (...a: never[]) => ArrayBufferView, DType]> = [
  [Float64Array, "float64"],
  [Float32Array, "float32"],
  [Int8Array, "int8"],
  [Uint8Array, "uint8"],
  [Int16Array, "int16"],
  [Uint16Array, "uint16"],
  [Int32Array, "int32"],
  [Uint32Array, "uint32"],
  [BigInt64Array, "int64"],
  [BigUint64Array, "uint64"],
];

function typedDType(x: unknown): DType | undefined {
  // the common case first, without the loop
  if (x instanceof Float64Array) return "float64";
  for (let i = 1; i < TYPED.length; i++) {
    if (x instanceof TYPED[i]![0]) return TYPED[i]![1];
  }
  return undefined;
}

/** Shape of a rectangular nested list, or NumPy's "inhomogeneous" error. */
function nestedShape(x: unknown): number[] {
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  const check = (v: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw inhomogeneous(dim);
      if (
        typeof v !== "number" && typeof v !== "bigint" && typeof v !== "boolean"
      ) {
        throw new TypeError(
          `array(): elements must be numbers, bigints or booleans; got ${typeof v}`,
        );
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw inhomogeneous(dim);
    }
    for (const e of v) check(e, dim + 1);
  };
  check(x, 0);
  return shape;
}

function inhomogeneous(depth: number): Error {
  return new RangeError(
    `array(): setting an array element with a sequence. The requested array has an inhomogeneous shape after ${depth} dimensions`,
  );
}

/**
 * The request-body path of {@link array}: a rectangular nested list of JS
 * numbers (`number[]`, `number[][]`, ...) into float64, or float32 when
 * asked: one walk that checks the shape and collects the rows, one
 * allocation, one copy (`src/core/_rows.ts`). `undefined` (the general
 * path then decides, with its exact errors and dtype rules) as soon as
 * anything else shows: a bigint or boolean, a ragged row, no float element
 * when the dtype is inferred (integers make int64), another dtype.
 */
function floatList(x: unknown, dtype: DType | undefined): NDArray | undefined {
  if (dtype !== undefined && dtype !== "float64" && dtype !== "float32") {
    return undefined;
  }
  if (!Array.isArray(x) || x.length === 0) return undefined;
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    if (cur.length === 0) return undefined;
    shape.push(cur.length);
    cur = arrayAt(cur, 0); // not cur[0]: see copyRows in src/core/_rows.ts
  }
  const size = sizeOf(shape);
  if (size > MAX_SIZE) return undefined;
  // the lists first (a few thousand rows for a request body): no
  // allocation is sized from a list that turns out to be ragged
  const rows: unknown[][] = [];
  if (shape.length === 1) rows.push(x);
  else if (!innerRows(x, shape, 0, rows)) return undefined;
  const d = dtype ?? "float64";
  let out: NDArray;
  try {
    out = alloc(d, shape, "array");
  } catch {
    return undefined; // the general path reports the limit as it does
  }
  const integral = copyRows(
    rows,
    shape[shape.length - 1]!,
    storageOf(out) as Float64Array | Float32Array,
  );
  // a non-number, or all integers with no dtype asked (NumPy makes int64):
  // the general path decides
  if (integral < 0 || (dtype === undefined && integral === 1)) {
    out.dispose(); // its buffer goes straight back to the pool
    return undefined;
  }
  return out;
}

/**
 * A new array from nested JS arrays, a TypedArray, a scalar or an NDArray
 * (always a copy). Without `dtype`: booleans give bool, integers (numbers
 * or bigints) int64, any other number float64; a TypedArray keeps its type.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const a = rp.array([[1, 2], [3, 4]]);
 * assert.equal(a.dtype, "int64"); // integers: NumPy's int64
 * assert.deepEqual(a.shape, [2, 2]);
 * assert.equal(rp.array([1.5, 2]).dtype, "float64");
 * ```
 */
export function array(x: unknown, options: DTypeOptions = {}): NDArray {
  checkOptions(options, "array", DTYPE_KEYS);
  if (x instanceof NDArray) return x.astype(options.dtype ?? x.dtype);
  const dt = typedDType(x);
  if (dt !== undefined || ArrayBuffer.isView(x)) {
    if (!dt) {
      throw new TypeError(
        `array(): unsupported TypedArray ${
          taKind(x) ?? (x as object).constructor?.name
        }`,
      );
    }
    // the genuine-TypedArray, detached and shrunk-view checks of the flat API
    dtypeOf(x, "array", "x");
    const n = taLength(x as Storage);
    if (options.dtype === undefined || options.dtype === dt) {
      // same dtype: one allocation and the engine's own element copy
      // (%TypedArray%.prototype.set), no layout machinery
      const st = allocStorage(dt, n, false, "array");
      copyElements(st, x as Storage, dt, n);
      return wrap(st, dt, shape1(n), STRIDES1);
    }
    // a copy is made either way; over a resizable buffer, make it now
    const st = canShrink(taBuffer(x as Storage))
      ? copyOf(x as NumericArray) as Storage
      : x as Storage;
    const src = new NDArray(st, dt, [n]); // maybe the caller's memory
    return src.astype(options.dtype ?? dt);
  }
  const fast = floatList(x, options.dtype);
  if (fast !== undefined) return fast;
  const shape = nestedShape(x);
  if (sizeOf(shape) > MAX_SIZE) {
    throw new RangeError("array(): too many elements");
  }
  const flat: Scalar[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) { for (const e of v) walk(e); }
    else flat.push(v as Scalar);
  };
  walk(x);
  let dtype = options.dtype;
  if (dtype === undefined) {
    if (flat.length === 0) dtype = "float64";
    else if (flat.every((v) => typeof v === "boolean")) dtype = "bool";
    else if (flat.every((v) => typeof v !== "number" || Number.isInteger(v))) {
      dtype = "int64";
    } else dtype = "float64";
  }
  dtype = asDType(dtype, "array");
  const out = alloc(dtype, shape, "array");
  const st = storageOf(out) as unknown as Array<number | bigint>;
  for (let i = 0; i < flat.length; i++) {
    let v = flat[i]!;
    if (dtype.startsWith("float") && typeof v === "bigint") v = Number(v);
    st[i] = toStored(dtype, v, "array");
  }
  return out;
}

/**
 * `x` itself if it is an NDArray of the requested dtype, else `array(x)`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const x = rp.array([1, 2]);
 * assert.equal(rp.asarray(x), x); // no copy
 * ```
 */
export function asarray(x: unknown, options: DTypeOptions = {}): NDArray {
  checkOptions(options, "asarray", DTYPE_KEYS);
  if (
    x instanceof NDArray &&
    (options.dtype === undefined || options.dtype === x.dtype)
  ) return x;
  return array(x, options);
}

/** Options of {@link frombuffer}. */
export interface FromBufferOptions extends DTypeOptions {
  /** Elements to use (-1: all that fit). */
  count?: number;
  /** Byte offset into the buffer. */
  offset?: number;
}
const FROMBUFFER_KEYS = optionKeys<FromBufferOptions>({
  dtype: 1,
  count: 1,
  offset: 1,
});

/**
 * A 1-d array viewing `buffer` (no copy); float64 unless `dtype`. As
 * NumPy: `offset` (bytes) is an integer from 0 to the buffer's length,
 * `count` an integer (negative: every whole element after `offset`);
 * anything else is a `TypeError`, a range that does not fit a
 * `RangeError`. Unlike NumPy, `offset` (plus a view's own byte offset)
 * must be a multiple of the item size, and resizable buffers are refused.
 * A `bool` view must hold only 0 and 1 bytes: NumPy reads any non-zero
 * byte as True, but raptors' kernels count and compare the bytes, so
 * other bytes are a `TypeError` naming the first one (normalise with
 * `frombuffer(b, { dtype: "uint8" }).astype("bool")`, a copy); bytes
 * written into the buffer later are the caller's to keep 0/1.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const f = new Float32Array([1, 2, 3]);
 * const v = rp.frombuffer(f.buffer, { dtype: "float32" });
 * assert.deepEqual(v.tolist(), [1, 2, 3]);
 * ```
 */
export function frombuffer(
  buffer: ArrayBuffer | SharedArrayBuffer | ArrayBufferView,
  options: FromBufferOptions = {},
): NDArray {
  checkOptions(options, "frombuffer", FROMBUFFER_KEYS);
  const dtype = asDType(options.dtype ?? "float64", "frombuffer");
  const size = itemsize(dtype);
  // the extent from the engine's internal slots, not from properties a
  // caller can redefine
  let buf: ArrayBufferLike, start: number, length: number;
  const view = viewExtent(buffer);
  if (view !== undefined) {
    ({ buffer: buf, offset: start, length } = view);
  } else {
    const n = bufferByteLength(buffer);
    if (n === undefined) {
      throw new TypeError(
        "frombuffer(): expected an ArrayBuffer, SharedArrayBuffer or a " +
          `view of one, got ${show(buffer)}` +
          (typeof buffer === "object" && buffer !== null
            ? " (not one: a Proxy or a look-alike?)"
            : ""),
      );
    }
    buf = buffer as ArrayBufferLike;
    start = 0;
    length = n;
  }
  if (isDetached(buf)) {
    throw new TypeError(
      "frombuffer(): the buffer was detached (transferred): its contents are gone",
    );
  }
  if (canShrink(buf) || isGrowable(buf)) {
    throw new TypeError(
      "frombuffer(): resizable and growable buffers are not supported " +
        "(a view of one could shrink under the array): copy it with slice()",
    );
  }
  const int = (v: unknown, name: string): number => {
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(
        `frombuffer(): ${name} must be an integer, got ${
          typeof v === "string" ? JSON.stringify(v) : String(v)
        }`,
      );
    }
    return v;
  };
  const offset = int(options.offset ?? 0, "offset");
  if (offset < 0 || offset > length) {
    throw new RangeError(
      `frombuffer(): offset must be non-negative and no greater than ` +
        `buffer length (${length}), got ${offset}`,
    );
  }
  const avail = length - offset;
  let count = int(options.count ?? -1, "count");
  if (count < 0) {
    if (avail % size !== 0) {
      throw new RangeError(
        "frombuffer(): buffer size must be a multiple of element size",
      );
    }
    count = avail / size;
  } else if (count > avail / size) {
    throw new RangeError(
      `frombuffer(): buffer is smaller than requested size (${count} ` +
        `${dtype} elements from ${avail} bytes)`,
    );
  }
  const base = start + offset;
  if (base % size !== 0) {
    throw new RangeError(
      `frombuffer(): offset ${base} is not a multiple of the ${dtype} size ${size}`,
    );
  }
  const storage = new (storageCtor(dtype) as unknown as new (
    b: ArrayBufferLike,
    o: number,
    n: number,
  ) => Storage)(
    buf,
    base,
    count,
  );
  if (dtype === "bool") {
    const u = storage as Uint8Array;
    for (let k = 0; k < count; k++) {
      if (u[k]! > 1) {
        throw new TypeError(
          `frombuffer(): byte ${base + k} is ${u[k]}, not a bool (0 or 1); ` +
            "NumPy reads it as True: view the bytes as uint8 and use " +
            '.astype("bool") for a normalised copy',
        );
      }
    }
  }
  // a view of an array in wasm memory keeps that memory alive
  if (ArrayBuffer.isView(buffer)) adopt(buffer, storage);
  return new NDArray(storage, dtype, [count]);
}

/** Options of {@link arange}. */
export type ArangeOptions = DTypeOptions;

/**
 * Evenly spaced values in [start, stop): `arange(stop)`, `arange(start,
 * stop)`, `arange(start, stop, step)`, each optionally followed by the
 * options (`arange(5, { dtype: "float32" })`). int64 when every argument
 * is an integer, else float64 (as NumPy).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.arange(3).tolist(), [0n, 1n, 2n]);
 * assert.deepEqual(rp.arange(0, 1, 0.25).tolist(), [0, 0.25, 0.5, 0.75]);
 * ```
 */
export function arange(stop: number, options?: ArangeOptions): NDArray;
/** `start` to `stop` (exclusive) in steps of 1. */
export function arange(
  start: number,
  stop: number,
  options?: ArangeOptions,
): NDArray;
/** `start` to `stop` (exclusive) in steps of `step`. */
export function arange(
  start: number,
  stop: number | undefined,
  step: number | undefined,
  options?: ArangeOptions,
): NDArray;
export function arange(
  ...args: Array<number | ArangeOptions | undefined>
): NDArray {
  // the options are the first non-number argument after the numbers
  let k = 0;
  while (k < 3 && (typeof args[k] === "number" || args[k] === undefined)) k++;
  const options = (args[k] ?? {}) as ArangeOptions;
  checkOptions(args[k], "arange", DTYPE_KEYS);
  if (args.length > k + 1) {
    throw new TypeError(
      `arange(): takes start, stop, step and an options object; got ` +
        `${args.length} arguments`,
    );
  }
  const nums = args.slice(0, k) as Array<number | undefined>;
  const names = nums.length === 1 ? ["stop"] : ["start", "stop", "step"];
  nums.forEach((v, i) => {
    if (v !== undefined && !Number.isFinite(v)) {
      throw new RangeError(
        `arange(): ${names[i]} must be a finite number, got ${v}`,
      );
    }
  });
  let [start = 0, stop, step = 1] = nums;
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) {
    throw new RangeError("arange(): step must not be zero (division by zero)");
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (!Number.isFinite(n) || n > MAX_SIZE) {
    throw new RangeError(`arange(): ${n} elements is too many`);
  }
  const ints = Number.isInteger(start) && Number.isInteger(stop) &&
    Number.isInteger(step);
  const dtype = asDType(
    options.dtype ?? (ints ? "int64" : "float64"),
    "arange",
  );
  if (dtype === "bool" && n > 2) {
    throw new TypeError(
      "arange(): arange() is only supported for booleans when the result has at most length 2.",
    );
  }
  const out = alloc(dtype, [n], "arange");
  if (n === 0) return out;
  const st = storageOf(out) as unknown as Array<number | bigint>;
  // NumPy's fill: the first two values are computed in float64 and cast
  // to the dtype, then value i = first + i * (second - first) in the dtype
  const second = start + step;
  const dk = kind(dtype);
  if (dk === "f") {
    if (dtype === "float32") {
      const f = Math.fround, s0 = f(start), d = f(f(second) - s0);
      for (let i = 0; i < n; i++) st[i] = f(s0 + f(i * d));
    } else {
      const d = second - start;
      for (let i = 0; i < n; i++) st[i] = start + i * d;
    }
  } else if (dk === "b") {
    st[0] = start !== 0 ? 1 : 0;
    if (n > 1) st[1] = second !== 0 ? 1 : 0;
  } else {
    // integers: exact (bigint) arithmetic; NumPy wraps a value outside the
    // dtype silently, raptors refuses it
    const b0 = BigInt(Math.trunc(start)), d = BigInt(Math.trunc(second)) - b0;
    const last = b0 + BigInt(n - 1) * d;
    const [lo, hi] = intRange(dtype);
    for (const [v, what] of [[b0, "first"], [last, "last"]] as const) {
      if (v < lo || v > hi) {
        throw new RangeError(
          `arange(): the ${what} value, ${v}, is out of bounds for ${dtype} ` +
            `(NumPy would wrap it): use a wider dtype`,
        );
      }
    }
    if (isBigDType(dtype)) {
      for (let i = 0; i < n; i++) st[i] = b0 + BigInt(i) * d;
    } else {
      const n0 = Number(b0), nd = Number(d);
      for (let i = 0; i < n; i++) st[i] = n0 + i * nd;
    }
  }
  return out;
}

/** Options of {@link linspace}. */
export interface LinspaceOptions extends DTypeOptions {
  /** Include `stop` (default true). */
  endpoint?: boolean;
}
const LINSPACE_KEYS = optionKeys<LinspaceOptions>({ dtype: 1, endpoint: 1 });

/**
 * `num` evenly spaced values from start to stop (NumPy's formula).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.linspace(0, 1, 5).tolist(), [0, 0.25, 0.5, 0.75, 1]);
 * ```
 */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  options: LinspaceOptions = {},
): NDArray {
  checkOptions(options, "linspace", LINSPACE_KEYS);
  for (const [v, what] of [[start, "start"], [stop, "stop"]] as const) {
    if (typeof v !== "number") {
      throw new TypeError(
        `linspace(): ${what} must be a number; got ${show(v)}`,
      );
    }
  }
  if (!Number.isInteger(num) || num < 0) {
    throw new RangeError(
      `linspace(): number of samples, ${
        show(num)
      }, must be a non-negative integer`,
    );
  }
  const endpoint = options.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : NaN;
  checkAlloc("linspace", num, 8, `an array of ${num} float64 elements`);
  const y = new Float64Array(num);
  for (let i = 0; i < num; i++) y[i] = div > 0 ? i * step + start : start;
  if (endpoint && num > 1) y[num - 1] = stop;
  const out = ownArray(y, "float64", [num]);
  return options.dtype && options.dtype !== "float64"
    ? out.astype(options.dtype)
    : out;
}

/** Options of {@link eye}. */
export interface EyeOptions extends DTypeOptions {
  /** Diagonal offset: positive above the main diagonal. */
  k?: number;
}
const EYE_KEYS = optionKeys<EyeOptions>({ dtype: 1, k: 1 });

/**
 * An N x M array with ones on diagonal `k` (float64 unless `dtype`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.eye(2).tolist(), [[1, 0], [0, 1]]);
 * ```
 */
export function eye(n: number, m?: number, options: EyeOptions = {}): NDArray {
  checkOptions(options, "eye", EYE_KEYS);
  intArg(n, "eye", "N");
  if (m !== undefined && m !== null) intArg(m, "eye", "M");
  const cols = m ?? n;
  const out = zeros([n, cols], { dtype: options.dtype });
  const k = options.k ?? 0;
  const st = storageOf(out) as unknown as Array<number | bigint>;
  const one = toStored(out.dtype, 1, "eye");
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < cols) st[i * cols + j] = one;
  }
  return out;
}

/**
 * The n x n identity matrix.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.identity(2).tolist(), [[1, 0], [0, 1]]);
 * ```
 */
export function identity(n: number, options: DTypeOptions = {}): NDArray {
  checkOptions(options, "identity", DTYPE_KEYS);
  return eye(n, n, options);
}
