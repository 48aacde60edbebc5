/**
 * dtypes: NumPy's names, their storage, and NumPy 2 type promotion
 * (NEP 50).
 *
 * Storage: `bool` is a Uint8Array of 0/1; `int64`/`uint64` are
 * BigInt64Array/BigUint64Array, and their elements appear in JS as
 * bigints (`item()`, `tolist()`, `get()`), so no value ever loses
 * precision; every other dtype's elements are JS numbers.
 *
 * @module
 */
import { show } from "../_show.ts";
import { DTYPE } from "../../ffi/symbols.ts";

/** A NumPy dtype name. */
export type DType =
  | "bool"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";

/**
 * Every dtype, in NumPy's kind-then-size order.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.ok(rp.DTYPES.includes("float32"));
 * ```
 */
export const DTYPES: readonly DType[] = [
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
];

/** The TypedArray that stores each dtype. */
export type StorageOf<D extends DType> = D extends "bool" | "uint8" ? Uint8Array
  : D extends "int8" ? Int8Array
  : D extends "int16" ? Int16Array
  : D extends "uint16" ? Uint16Array
  : D extends "int32" ? Int32Array
  : D extends "uint32" ? Uint32Array
  : D extends "int64" ? BigInt64Array
  : D extends "uint64" ? BigUint64Array
  : D extends "float32" ? Float32Array
  : Float64Array;

/** Any storage TypedArray. */
export type Storage = StorageOf<DType>;

type Ctor = { new (n: number): Storage; BYTES_PER_ELEMENT: number };

const CTOR: Record<DType, Ctor> = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};
// (captured at import, as CTOR: a global a caller replaces later is not used)
const CTOR_F64 = CTOR.float64, CTOR_F32 = CTOR.float32;

/** The TypedArray constructor storing `dtype`. */
export function storageCtor(dtype: DType): Ctor {
  // the float dtypes by comparison first (here and below): a keyed load of
  // a varying dtype name cost ~20 ns in V8 once megamorphic, these
  // comparisons ~1
  return dtype === "float64"
    ? CTOR_F64
    : dtype === "float32"
    ? CTOR_F32
    : CTOR[dtype];
}

/** Bytes per element. */
export function itemsize(dtype: DType): number {
  return dtype === "float64"
    ? 8
    : dtype === "float32"
    ? 4
    : CTOR[dtype].BYTES_PER_ELEMENT;
}

const DTYPE_F64 = DTYPE.float64, DTYPE_F32 = DTYPE.float32;
/** The native dtype code (`ffi/symbols.ts`). */
export function dtypeCode(dtype: DType): number {
  return dtype === "float64"
    ? DTYPE_F64
    : dtype === "float32"
    ? DTYPE_F32
    : DTYPE[dtype];
}

/** True for int64 and uint64, whose elements are bigints in JS. */
export function isBigDType(dtype: DType): boolean {
  return dtype === "int64" || dtype === "uint64";
}

/** NumPy's kind character: b, i, u or f. */
export function kind(dtype: DType): "b" | "i" | "u" | "f" {
  if (dtype === "float64" || dtype === "float32") return "f";
  if (dtype === "bool") return "b";
  return dtype.startsWith("u") ? "u" : "i";
}

/** Checks a user-given dtype name, with NumPy's message for a bad one. */
export function asDType(x: unknown, fn = "dtype"): DType {
  if (typeof x === "string" && (DTYPES as readonly string[]).includes(x)) {
    return x as DType;
  }
  throw new TypeError(
    `${fn}: data type ${
      typeof x === "string" ? `'${x}'` : show(x)
    } not understood (expected one of ${DTYPES.join(", ")})`,
  );
}

function bits(dtype: DType): number {
  return itemsize(dtype) * 8;
}

function signedOfBits(b: number): DType {
  return b <= 8 ? "int8" : b <= 16 ? "int16" : b <= 32 ? "int32" : "int64";
}

/**
 * The dtype two arrays promote to, as `numpy.result_type` in NumPy 2:
 * bool < integers < floats; mixing signed and unsigned integers takes the
 * smallest signed type holding both (uint64 with any signed type gives
 * float64); an integer of 16 bits or fewer with float32 stays float32.
 */
export function resultType(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === "bool") return b;
  if (b === "bool") return a;
  const ka = kind(a), kb = kind(b);
  if (ka === "f" || kb === "f") {
    if (ka === "f" && kb === "f") return bits(a) >= bits(b) ? a : b;
    const [f, i] = ka === "f" ? [a, b] : [b, a];
    if (f === "float64") return "float64";
    return bits(i) <= 16 ? "float32" : "float64";
  }
  if (ka === kb) return bits(a) >= bits(b) ? a : b;
  const [s, u] = ka === "i" ? [a, b] : [b, a];
  if (u === "uint64") return "float64";
  return signedOfBits(Math.max(bits(s), 2 * bits(u)));
}

/** A Python-like scalar: its kind decides promotion (NEP 50 "weak" scalars). */
export type ScalarValue = number | bigint | boolean;

/**
 * The dtype of `array op scalar` under NEP 50: a JS scalar is "weak" and
 * takes the array's dtype when its kind allows (an integer with an integer
 * array, any number with a float array, a boolean with anything); an
 * integer scalar with a bool array gives int64; a non-integer number with
 * a bool or integer array gives float64.
 */
export function resultTypeWithScalar(a: DType, s: ScalarValue): DType {
  if (typeof s === "boolean") return a;
  const isInt = typeof s === "bigint" || Number.isInteger(s);
  const k = kind(a);
  if (k === "f") return a;
  if (!isInt) return "float64";
  return k === "b" ? "int64" : a;
}

/** Inclusive value range of an integer dtype (bigints). */
export function intRange(dtype: DType): [bigint, bigint] {
  if (dtype === "bool") return [0n, 1n];
  const b = BigInt(bits(dtype));
  return kind(dtype) === "u" ? [0n, (1n << b) - 1n] : [
    -(1n << (b - 1n)),
    (1n << (b - 1n)) - 1n,
  ];
}

/**
 * Whether casting `from` to `to` is "safe" in NumPy's sense (every value
 * representable): what `astype(..., { casting: "safe" })` allows.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.canCastSafely("int32", "float64"), true);
 * assert.equal(rp.canCastSafely("int64", "float32"), false);
 * ```
 */
export function canCastSafely(from: DType, to: DType): boolean {
  return resultType(
    asDType(from, "canCastSafely()"),
    asDType(to, "canCastSafely()"),
  ) === to;
}

/**
 * The public {@link resultType}: the dtype two dtypes promote to (NumPy's
 * `result_type` of two dtypes), with each argument checked.
 *
 * @example
 * ```ts
 * import { resultType } from "@raptors/raptors";
 * resultType("int8", "uint8"); // "int16"
 * ```
 */
export function resultTypeOf(a: DType, b: DType): DType {
  return resultType(asDType(a, "resultType()"), asDType(b, "resultType()"));
}

/**
 * The public {@link resultTypeWithScalar}, with its arguments checked: the
 * dtype an array of `a` promotes to with the JS scalar `s` (NEP 50).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.resultTypeWithScalar("int8", 1), "int8"); // a weak int
 * assert.equal(rp.resultTypeWithScalar("int8", 1.5), "float64");
 * ```
 */
export function resultTypeWithScalarOf(a: DType, s: ScalarValue): DType {
  const d = asDType(a, "resultTypeWithScalar()");
  if (
    typeof s !== "number" && typeof s !== "bigint" && typeof s !== "boolean"
  ) {
    throw new TypeError(
      `resultTypeWithScalar(): the scalar must be a number, bigint or boolean; got ${
        show(s)
      }`,
    );
  }
  return resultTypeWithScalar(d, s);
}
