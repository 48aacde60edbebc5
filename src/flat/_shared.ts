/**
 * The flat API's shared machinery (`src/flat/ops.ts`, `src/flat/elementwise.ts`):
 * the scalar slot, checks, the Float64Array fast-path tests, and the
 * general paths of the elementwise functions.
 *
 * @module
 */
import { BINARY_OP, DTYPE, UNARY_OP } from "../../ffi/symbols.ts";
import { native, statusError } from "../_native.ts";
import { JS_BELOW } from "../_thresholds.ts";
import { scalarResult } from "../core/ndarray.ts";
import {
  type ArrayLikeInput,
  isScalarLike,
  ufunc1,
  ufunc2,
  type UfuncOptions,
} from "../ufunc/ufunc.ts";
import {
  type BigIntArray,
  checkSame,
  ctorName,
  DTYPE_NAME,
  dtypeOf,
  INT_RANGE,
  isBig,
  isFloat,
  like,
  type NumericArray,
  unalias,
} from "../_typed.ts";
import { taLength } from "../_intrinsics.ts";

// One 16-byte scratch buffer carries scalar arguments and results (slots).
const slotBuf = new ArrayBuffer(16);
export const slotF64 = new Float64Array(slotBuf);
const slotI64 = new BigInt64Array(slotBuf);
const slotU64 = new BigUint64Array(slotBuf);
export const slot = slotF64;

export function check(status: number, fn: string): void {
  if (status !== 0) throw statusError(status, fn);
}

export function readSlot(dt: number): number | bigint {
  if (dt === DTYPE.int64) return slotI64[0]!;
  if (dt === DTYPE.uint64) return slotU64[0]!;
  return slotF64[0]!;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function exactNumber(
  v: number | bigint,
  what: string,
  dt: number,
): number {
  const n = typeof v === "bigint" ? Number(v) : v;
  if (Math.abs(n) > MAX_SAFE) {
    throw new RangeError(
      `${what}(): the ${what} of ${DTYPE_NAME[dt]} values is ${v}, beyond ` +
        `Number.MAX_SAFE_INTEGER (2^53 - 1): no JS number holds it exactly`,
    );
  }
  return n;
}

export const F64 = DTYPE.float64;

// ---- elementwise ----------------------------------------------------------

export type Scalar = number | bigint;

/** Writes a scalar for dtype `dt` into slot `i`, checking it (see module). */
export function putScalar(
  dt: number,
  s: unknown,
  fn: string,
  i = 0,
  clampToRange = false,
): void {
  if (isFloat(dt)) {
    if (typeof s !== "number") {
      throw new TypeError(
        `${fn}(): a ${ctorName(dt)} takes a number scalar; got ${typeof s}`,
      );
    }
    slotF64[i] = s;
    return;
  }
  if (typeof s !== "number" && typeof s !== "bigint") {
    throw new TypeError(
      `${fn}(): scalar must be a number or bigint; got ${typeof s}`,
    );
  }
  if (typeof s === "number" && !Number.isInteger(s)) {
    throw new TypeError(
      `${fn}(): scalar ${s} is not an integer; ${
        DTYPE_NAME[dt]
      } arithmetic takes integer scalars (divide takes any number)`,
    );
  }
  if (isBig(dt)) {
    if (typeof s === "number" && !Number.isSafeInteger(s)) {
      throw new RangeError(
        `${fn}(): scalar ${s} is not a safe integer: pass a bigint for ${
          DTYPE_NAME[dt]
        }`,
      );
    }
    let v = BigInt(s);
    const lo = dt === DTYPE.int64 ? -(1n << 63n) : 0n;
    const hi = dt === DTYPE.int64 ? (1n << 63n) - 1n : (1n << 64n) - 1n;
    if (v < lo || v > hi) {
      if (!clampToRange) {
        throw new RangeError(
          `${fn}(): scalar ${s} is out of bounds for ${DTYPE_NAME[dt]}`,
        );
      }
      v = v < lo ? lo : hi;
    }
    if (dt === DTYPE.int64) slotI64[i] = v;
    else slotU64[i] = v;
    return;
  }
  let v = Number(s);
  const [lo, hi] = INT_RANGE[dt]!;
  if (v < lo || v > hi) {
    if (!clampToRange) {
      throw new RangeError(
        `${fn}(): scalar ${s} is out of bounds for ${
          DTYPE_NAME[dt]
        } (${lo}..${hi})`,
      );
    }
    v = v < lo ? lo : hi;
  }
  slotF64[i] = v;
}

export function outFor<O extends NumericArray>(
  out: O | undefined,
  make: () => O,
  dt: number,
  n: number,
  fn: string,
): O {
  if (out === undefined) return make();
  checkSame(out, dt, n, fn, "out", `a ${ctorName(dt)} of the result type`);
  return out;
}

type BinName = "add" | "subtract" | "multiply" | "divide";

function isScalar(x: unknown): x is Scalar {
  return typeof x === "number" || typeof x === "bigint";
}

/**
 * A JS scalar operand (number, bigint, boolean: NumPy's Python scalars).
 * The flat functions take them as NumPy does: `add(1, 2)` is `3n` (int64),
 * `sqrt(4)` is `2`, `sum(5)` is `5n`; a 0-d result is a JS scalar.
 */
export function jsScalar(x: unknown): x is number | bigint | boolean {
  const t = typeof x;
  return t === "number" || t === "bigint" || t === "boolean";
}

/** A unary ufunc on the NDArray path; a JS scalar for a scalar input. */
export function nd1(
  op: Parameters<typeof ufunc1>[0],
  a: unknown,
  out: unknown,
) {
  const r = ufunc1(op, a as ArrayLikeInput, out as UfuncOptions);
  return isScalarLike(a) && out === undefined ? scalarResult(r) : r;
}

/** A binary ufunc on the NDArray path; a JS scalar for two scalars. */
export function nd2(
  op: Parameters<typeof ufunc2>[0],
  a: unknown,
  b: unknown,
  out: unknown,
) {
  const r = ufunc2(
    op,
    a as ArrayLikeInput,
    b as ArrayLikeInput,
    out as UfuncOptions,
  );
  return isScalarLike(a) && isScalarLike(b) && out === undefined
    ? scalarResult(r)
    : r;
}

export function binary(
  name: BinName,
  x: NumericArray | Scalar,
  y: NumericArray | Scalar,
  out: NumericArray | undefined,
): NumericArray {
  const reversed = isScalar(x);
  if (reversed && isScalar(y)) {
    throw new TypeError(`${name}(): at least one operand must be a TypedArray`);
  }
  const a = (reversed ? y : x) as NumericArray;
  const dt = dtypeOf(a, name, reversed ? "b" : "a");
  const n = taLength(a);
  const toF64 = name === "divide" && !isFloat(dt);
  const outDt = toF64 ? DTYPE.float64 : dt;
  const o = outFor(
    out,
    () => (toF64 ? new Float64Array(n) : like(a)),
    outDt,
    n,
    name,
  );
  const op = BINARY_OP[name];
  if (isScalar(y) || reversed) {
    const s = (reversed ? x : y) as Scalar;
    if (toF64) {
      if (typeof s !== "number" && typeof s !== "bigint") {
        throw new TypeError(`${name}(): scalar must be a number or bigint`);
      }
      slotF64[0] = Number(s);
    } else {
      putScalar(dt, s, name);
    }
    if (n < JS_BELOW.binary) {
      const sv = toF64 ? slotF64[0]! : readSlot(dt);
      jsBinaryScalar(name, unalias(a, o), sv, o, reversed, dt);
      return o;
    }
    check(
      native.rp_binary_scalar(
        reversed ? op | BINARY_OP.reversed : op,
        dt,
        a,
        slot,
        o,
        n,
      ),
      name,
    );
    return o;
  }
  checkSame(y, dt, n, name, "b");
  if (n < JS_BELOW.binary) {
    jsBinary(name, unalias(a, o), unalias(y as NumericArray, o), o, dt);
    return o;
  }
  check(native.rp_binary(op, dt, a, y as NumericArray, o, n), name);
  return o;
}

// deno-lint-ignore no-explicit-any
export type AnyArr = any;

function jsBinary(
  name: BinName,
  a: AnyArr,
  b: AnyArr,
  o: AnyArr,
  dt: number,
): void {
  const n = taLength(a);
  if (isBig(dt)) {
    for (let i = 0; i < n; i++) {
      const u: bigint = a[i], v: bigint = b[i];
      o[i] = name === "add"
        ? u + v
        : name === "subtract"
        ? u - v
        : name === "multiply"
        ? u * v
        : Number(u) / Number(v);
    }
    return;
  }
  switch (name) {
    case "add":
      for (let i = 0; i < n; i++) o[i] = a[i] + b[i];
      return;
    case "subtract":
      for (let i = 0; i < n; i++) o[i] = a[i] - b[i];
      return;
    case "multiply":
      if (dt === DTYPE.int32 || dt === DTYPE.uint32) {
        for (let i = 0; i < n; i++) o[i] = Math.imul(a[i], b[i]);
      } else {
        for (let i = 0; i < n; i++) o[i] = a[i] * b[i];
      }
      return;
    case "divide":
      for (let i = 0; i < n; i++) o[i] = a[i] / b[i];
      return;
  }
}

function jsBinaryScalar(
  name: BinName,
  a: AnyArr,
  s: number | bigint,
  o: AnyArr,
  reversed: boolean,
  dt: number,
): void {
  const n = taLength(a);
  if (name === "divide") {
    const v = Number(s);
    if (reversed) { for (let i = 0; i < n; i++) o[i] = v / Number(a[i]); }
    else for (let i = 0; i < n; i++) o[i] = Number(a[i]) / v;
    return;
  }
  if (isBig(dt)) {
    const v = s as bigint;
    for (let i = 0; i < n; i++) {
      const u: bigint = a[i];
      o[i] = name === "add"
        ? u + v
        : name === "multiply"
        ? u * v
        : reversed
        ? v - u
        : u - v;
    }
    return;
  }
  const v = s as number;
  switch (name) {
    case "add":
      for (let i = 0; i < n; i++) o[i] = a[i] + v;
      return;
    case "subtract":
      if (reversed) { for (let i = 0; i < n; i++) o[i] = v - a[i]; }
      else for (let i = 0; i < n; i++) o[i] = a[i] - v;
      return;
    case "multiply":
      if (dt === DTYPE.int32 || dt === DTYPE.uint32) {
        for (let i = 0; i < n; i++) o[i] = Math.imul(a[i], v);
      } else {
        for (let i = 0; i < n; i++) o[i] = a[i] * v;
      }
      return;
  }
}

/** Operand of an elementwise function: an array, or a scalar. */
export type Operand<A extends NumericArray> =
  | A
  | (A extends BigIntArray ? bigint | number : number);

type UnName = keyof typeof UNARY_OP;

/**
 * The general path of a flat unary function: dtype checks, `out`, the JS
 * loop `f` below `limit` elements (bigints: `abs`/`negative` by name), else
 * the kernel.
 */
export function unary<A extends NumericArray>(
  name: UnName,
  a: A,
  out: A | undefined,
  limit: number,
  floatOnly: boolean,
  f: (x: number) => number,
): A {
  const dt = dtypeOf(a, name);
  const n = taLength(a);
  if (floatOnly && !isFloat(dt)) {
    throw new TypeError(
      `${name}(): defined for Float64Array and Float32Array; got ${
        ctorName(dt)
      } (convert with Float64Array.from(a))`,
    );
  }
  const o = outFor(out, () => like(a), dt, n, name);
  if (n < limit) {
    const x = unalias(a, o) as AnyArr, y = o as AnyArr;
    if (isBig(dt)) {
      for (let i = 0; i < n; i++) {
        const v: bigint = x[i];
        y[i] = name === "negative" ? -v : v < 0n ? -v : v;
      }
    } else {
      for (let i = 0; i < n; i++) y[i] = f(x[i]);
    }
    return o;
  }
  check(native.rp_unary(UNARY_OP[name], dt, a, o, n), name);
  return o;
}
