/**
 * TypedArray classification and argument checks shared by the flat API.
 *
 * @module
 */
import { DTYPE } from "../ffi/symbols.ts";
import { show } from "./_show.ts";
import {
  canShrink,
  isDetached,
  taBuffer,
  taByteLength,
  taByteOffset,
  taKind,
  taLength,
  taSet,
} from "./_intrinsics.ts";

/** Float TypedArrays. */
export type FloatArray = Float64Array | Float32Array;
/** Integer TypedArrays whose elements are JS numbers. */
export type IntArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;
/** 64-bit integer TypedArrays (elements are bigints). */
export type BigIntArray = BigInt64Array | BigUint64Array;
/** TypedArrays whose elements are JS numbers. */
export type NumberArray = FloatArray | IntArray;
/** Every TypedArray the flat API accepts. */
export type NumericArray = NumberArray | BigIntArray;

/** Largest length one native call takes (u32 lengths at the boundary). */
export const MAX_LENGTH = 0xffff_ffff;

/** The NumPy dtype name of each code. */
export const DTYPE_NAME: readonly string[] = Object.keys(DTYPE);

/** Integer ranges per dtype code (numbers; bigints for 64-bit). */
export const INT_RANGE: Record<number, readonly [number, number]> = {
  [DTYPE.int8]: [-128, 127],
  [DTYPE.uint8]: [0, 255],
  [DTYPE.int16]: [-32768, 32767],
  [DTYPE.uint16]: [0, 65535],
  [DTYPE.int32]: [-2147483648, 2147483647],
  [DTYPE.uint32]: [0, 4294967295],
};

/**
 * The option keys one function accepts, as a set built from an object
 * literal that names every key of the function's options type and no
 * other: `optionKeys<ReduceOptions>({ axis: 1, keepdims: 1, dtype: 1 })`.
 * A key added to (or removed from) the type without this list is a
 * compile error, so the runtime check cannot drift from the types.
 */
export function optionKeys<T>(
  keys: { [K in keyof Required<T>]: 1 },
): OptionKeys {
  return new Set(Object.keys(keys));
}

/** A set of accepted option keys (see {@link optionKeys}). */
export type OptionKeys = ReadonlySet<string>;

/** For functions that take an options object with no keys yet. */
export const NO_KEYS: OptionKeys = new Set();

const hasOwn = Object.hasOwn;

/**
 * Throws a `TypeError` unless `options` is `undefined` or a plain object
 * whose own keys are all in `keys`.
 *
 * NumPy takes axis, dtype, out... as positional or keyword arguments;
 * raptors takes them as one options object, so `sum(x, 0)`,
 * `zeros(3, "float32")` or `add(x, y, out)` written the NumPy way would
 * otherwise be read as "no options" and silently do something else. An
 * unknown key is refused for the same reason (NumPy's "unexpected keyword
 * argument"): `{ decimals: 1 }` on a function without that option, or a
 * misspelt `{ keepDims: true }`, would otherwise change nothing and give a
 * wrong answer. Every public function checks its options first, before
 * it looks at its other arguments.
 */
export function checkOptions(
  options: unknown,
  fn: string,
  keys: OptionKeys,
): void {
  if (options === undefined) return;
  if (typeof options === "object" && options !== null) {
    const proto = Object.getPrototypeOf(options);
    if (proto === Object.prototype || proto === null) {
      // for-in is the cheapest walk of a small literal; an inherited
      // enumerable key (a polluted Object.prototype) is not the caller's
      for (const k in options) {
        if (!keys.has(k) && hasOwn(options, k)) unknownOption(fn, k, keys);
      }
      return;
    }
  }
  const shown = typeof options === "string"
    ? JSON.stringify(options)
    : typeof options === "number" || typeof options === "boolean"
    ? String(options)
    : describe(options);
  throw new TypeError(
    `${fn}(): expected an options object such as { axis: 0 } or ` +
      `{ dtype: "float32" } (raptors takes NumPy's keyword and optional ` +
      `arguments as one object), got ${shown}`,
  );
}

/**
 * Whether `options` sets anything (an own key whose value is not
 * `undefined`). The flat functions keep their TypedArray semantics for
 * `undefined` and `{}`, and give the NDArray result when an option is set.
 */
export function given(options: object | undefined): boolean {
  if (options === undefined) return false;
  for (const k in options) {
    if (
      hasOwn(options, k) &&
      (options as Record<string, unknown>)[k] !== undefined
    ) return true;
  }
  return false;
}

/**
 * Throws a `TypeError` when a function without an options object gets more
 * arguments than it takes, unless they are `undefined` or `{}`:
 * `rp.vstack(xs, { dtype })` or `rp.dot(a, b, { out })` would otherwise drop
 * the NumPy keyword silently.
 */
export function maxArgs(fn: string, args: IArguments, max: number): void {
  for (let i = max; i < args.length; i++) {
    const v: unknown = args[i];
    if (v === undefined) continue;
    if (typeof v === "object" && v !== null) {
      const proto = Object.getPrototypeOf(v);
      if (
        (proto === Object.prototype || proto === null) &&
        Object.keys(v).length === 0
      ) continue;
    }
    throw new TypeError(
      `${fn}(): takes at most ${max} argument${max === 1 ? "" : "s"}, got ` +
        `${show(v)} as argument ${i + 1}: it has no options object (NumPy ` +
        `keywords it lacks are not supported; see docs/COMPATIBILITY.md)`,
    );
  }
}

function unknownOption(fn: string, key: string, keys: OptionKeys): never {
  const known = [...keys].join(", ");
  throw new TypeError(
    `${fn}(): unknown option ${JSON.stringify(key)}; ` +
      (known === "" ? `${fn}() takes no options` : `${fn}() takes ${known}`) +
      ` (an option raptors does not support is an error, never ignored; ` +
      `see docs/COMPATIBILITY.md)`,
  );
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (ArrayBuffer.isView(x)) return x.constructor.name;
  if (Array.isArray(x)) return "Array";
  return typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x;
}

const ACCEPTED =
  "Float64Array, Float32Array, Int8Array, Uint8Array, Int16Array, " +
  "Uint16Array, Int32Array, Uint32Array, BigInt64Array or BigUint64Array";

const CLAMPED = -2;

/**
 * The dtype code of the TypedArray class `a` is an instance of (by
 * `instanceof`, so a subclass counts as its base class), -1 for none and
 * {@link CLAMPED} for a Uint8ClampedArray. Not a proof that `a` is a real
 * TypedArray: {@link genuineLength} checks that.
 */
function classify(a: unknown): number {
  if (a instanceof Float64Array) return DTYPE.float64;
  if (a instanceof Float32Array) return DTYPE.float32;
  if (a instanceof Int32Array) return DTYPE.int32;
  if (a instanceof Uint8Array) return DTYPE.uint8;
  if (a instanceof Uint32Array) return DTYPE.uint32;
  if (a instanceof Int16Array) return DTYPE.int16;
  if (a instanceof Uint16Array) return DTYPE.uint16;
  if (a instanceof Int8Array) return DTYPE.int8;
  if (a instanceof BigInt64Array) return DTYPE.int64;
  if (a instanceof BigUint64Array) return DTYPE.uint64;
  if (a instanceof Uint8ClampedArray) return CLAMPED;
  return -1;
}

/**
 * The dtype code of a TypedArray, or a `TypeError` naming the problem.
 * Also rejects arrays over a detached buffer and lengths beyond
 * {@link MAX_LENGTH}.
 */
export function dtypeOf(a: unknown, fn: string, arg = "a"): number {
  const dt = classify(a);
  if (dt === CLAMPED) {
    throw new TypeError(
      `${fn}(): argument '${arg}' is a Uint8ClampedArray, whose clamping stores ` +
        `differ from NumPy's uint8: pass new Uint8Array(a.buffer, a.byteOffset, a.length)`,
    );
  } else if (dt < 0) {
    throw new TypeError(
      `${fn}(): argument '${arg}' must be a ${ACCEPTED}; got ${describe(a)}`,
    );
  }
  const n = genuineLength(a as NumericArray, SIZE_OF[dt]!, fn, arg);
  // the real kind (one more internal-slot read): a Float32Array prototype
  // on an Int32Array passes the element-size check above
  const real = taKind(a);
  if (real !== CTOR_NAME[dt]) {
    throw new TypeError(
      `${fn}(): argument '${arg}' holds ${real} elements but its ` +
        `prototype was changed to ${CTOR_NAME[dt]}'s: its elements are ` +
        `not what it claims`,
    );
  }
  if (n === 0) {
    const buf = taBuffer(a as NumericArray);
    if (isDetached(buf)) {
      throw new TypeError(
        `${fn}(): argument '${arg}' is a view of a detached ArrayBuffer ` +
          `(it was transferred): its contents are gone`,
      );
    }
    if (canShrink(buf)) {
      // a fixed-length view the buffer shrank out from under reads as
      // empty; so would a computation on it, silently
      throw new TypeError(
        `${fn}(): argument '${arg}' is an empty view of a resizable ` +
          `ArrayBuffer (the buffer may have shrunk below it): pass a view ` +
          `that holds elements`,
      );
    }
  }
  if (n > MAX_LENGTH) {
    throw new RangeError(
      `${fn}(): argument '${arg}' has ${n} elements; one call takes at most ` +
        `${MAX_LENGTH} (2^32 - 1): split the array`,
    );
  }
  return dt;
}

/** Bytes per element of each dtype code. */
export const SIZE_OF: readonly number[] = [1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8];

/**
 * Whether `a` (which passed an `instanceof` test) is a real TypedArray
 * whose elements are `size` bytes: not a Proxy, not an object that only
 * inherits from a TypedArray prototype, not a TypedArray of another kind
 * whose prototype was swapped. Reads internal slots only.
 */
export function isGenuine(a: ArrayBufferView, size: number): boolean {
  try {
    return taByteLength(a) === taLength(a) * size;
  } catch {
    return false;
  }
}

/**
 * {@link isGenuine} for a Float64Array: the 8-byte kinds are Float64Array,
 * BigInt64Array and BigUint64Array, and an element read tells a float
 * from a bigint, so this is exact without the (slow in JavaScriptCore)
 * kind getter.
 */
export function isGenuineF64(a: Float64Array): boolean {
  try {
    return taByteLength(a) === taLength(a) * 8 &&
      typeof (a as ArrayLike<unknown>)[0] !== "bigint";
  } catch {
    return false;
  }
}

/**
 * The element count of `a` from its internal slots, or a `TypeError`
 * naming why `a` is not the TypedArray it claims to be. `size` is the
 * element size of the kind `a` was classified as.
 */
export function genuineLength(
  a: ArrayBufferView,
  size: number,
  fn: string,
  arg: string,
): number {
  let n: number, bytes: number;
  try {
    n = taLength(a);
    bytes = taByteLength(a);
  } catch {
    throw new TypeError(
      `${fn}(): argument '${arg}' is not a TypedArray but an object that ` +
        `only looks like one (a Proxy, or an object inheriting from a ` +
        `TypedArray prototype): pass the TypedArray itself`,
    );
  }
  if (bytes !== n * size) {
    throw new TypeError(
      `${fn}(): argument '${arg}' holds ${taKind(a)} elements but its ` +
        `prototype was changed to another TypedArray kind's: its elements ` +
        `are not what it claims`,
    );
  }
  return n;
}

/** Requires `b` to be a TypedArray of dtype `dt` and length `n`. */
export function checkSame(
  b: unknown,
  dt: number,
  n: number,
  fn: string,
  arg: string,
  what = "",
): void {
  const bdt = dtypeOf(b, fn, arg);
  if (bdt !== dt) {
    throw new TypeError(
      `${fn}(): argument '${arg}' must be ${what || `a ${ctorName(dt)}`} ` +
        `like 'a' (dtype ${DTYPE_NAME[dt]}); got ${ctorName(bdt)} (dtype ${
          DTYPE_NAME[bdt]
        })`,
    );
  }
  const m = taLength(b as NumericArray);
  if (m !== n) {
    throw new RangeError(
      `${fn}(): operands could not be broadcast together with shapes (${n},) (${m},)` +
        ` ('${arg}' has length ${m}, expected ${n})`,
    );
  }
}

const CTOR_NAME: Record<number, string> = {
  [DTYPE.int8]: "Int8Array",
  [DTYPE.uint8]: "Uint8Array",
  [DTYPE.int16]: "Int16Array",
  [DTYPE.uint16]: "Uint16Array",
  [DTYPE.int32]: "Int32Array",
  [DTYPE.uint32]: "Uint32Array",
  [DTYPE.int64]: "BigInt64Array",
  [DTYPE.uint64]: "BigUint64Array",
  [DTYPE.float32]: "Float32Array",
  [DTYPE.float64]: "Float64Array",
};

/** The TypedArray constructor name of a dtype code. */
export function ctorName(dt: number): string {
  return CTOR_NAME[dt] ?? `dtype ${dt}`;
}

/** True for float dtypes. */
export function isFloat(dt: number): boolean {
  return dt === DTYPE.float64 || dt === DTYPE.float32;
}

/** True for int64/uint64 (bigint elements). */
export function isBig(dt: number): boolean {
  return dt === DTYPE.int64 || dt === DTYPE.uint64;
}

/** The base TypedArray constructor of each dtype code (bool: Uint8Array). */
const CTOR_OF: readonly (new (n: number) => NumericArray)[] = [
  Uint8Array,
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
  Float32Array,
  Float64Array,
];

/**
 * A new zeroed TypedArray of the kind of `a` (the base class for a
 * subclass instance: raptors never runs a caller's constructor).
 */
export function like<A extends NumericArray>(a: A, n = taLength(a)): A {
  return new CTOR_OF[classify(a)]!(n) as A;
}

/**
 * `x`, or a copy of it when it partially overlaps `out` (same buffer,
 * different start): NumPy computes as if inputs were copied first, and the
 * JS loops would otherwise read elements they already overwrote. Exact
 * aliasing (`out === x`'s memory) is safe for elementwise loops and kept.
 */
export function unalias<A extends NumericArray>(x: A, out: NumericArray): A {
  const xo = taByteOffset(x), oo = taByteOffset(out);
  if (taBuffer(x) !== taBuffer(out) || xo === oo) return x;
  const xe = xo + taByteLength(x), oe = oo + taByteLength(out);
  if (xo < oe && oo < xe) return copyOf(x);
  return x;
}

/**
 * A fresh copy of `x`, made without calling anything on `x` itself (a
 * subclass may override `slice`).
 */
export function copyOf<A extends NumericArray>(x: A): A {
  const c = like(x);
  taSet(c, x as ArrayLike<number | bigint>);
  return c;
}

/**
 * `x` as a list (a JS array), or a `TypeError` naming `fn` and what it
 * expected: NumPy's sequence arguments (the arrays to concatenate, sort
 * keys, split points, quantiles, repetitions).
 */
export function listArg<T>(x: unknown, fn: string, what: string): T[] {
  if (Array.isArray(x)) return x as T[];
  throw new TypeError(`${fn}(): ${what} must be a list; got ${show(x)}`);
}

/** `x` as an integer, or a `TypeError` naming `fn` and the argument. */
export function intArg(x: unknown, fn: string, what: string): number {
  if (typeof x === "number" && Number.isInteger(x)) return x;
  throw new TypeError(`${fn}(): ${what} must be an integer; got ${show(x)}`);
}
