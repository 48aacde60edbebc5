/**
 * Reads the NumPy fixtures (`scripts/gen_fixtures.py`) and compares values.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import type { NumericArray } from "../src/flat/ops.ts";
import { array, frombuffer } from "../src/core/creation.ts";
import { asDType, type DType, storageCtor } from "../src/core/dtype.ts";
import { NDArray } from "../src/core/ndarray.ts";
import { storageOf } from "../src/core/ndarray.ts";

/** An encoded array: dtype and base64 of its little-endian bytes. */
export interface Encoded {
  dtype: string;
  data: string;
}

/** One fixture case. */
export interface Case {
  dtype: string;
  n: number;
  special: boolean;
  a: Encoded;
  b: Encoded;
  results: Record<string, Encoded | [number, number]>;
}

/** A large formula-generated case. */
export interface LargeCase {
  dtype: string;
  n: number;
  results: Record<string, Encoded>;
}

/** The TypedArray constructor of a NumPy dtype name. */
export function ctorOf(
  dtype: string,
): new (n: number | ArrayBuffer) => NumericArray {
  return storageCtor(asDType(dtype, "fixture")) as unknown as new (
    n: number | ArrayBuffer,
  ) => NumericArray;
}

/** Decodes an encoded array (fresh, aligned memory). */
export function decode(e: Encoded): NumericArray {
  const bin = atob(e.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new (ctorOf(e.dtype))(bytes.buffer);
}

/** The single value of an encoded scalar. */
export function scalar(e: Encoded): number | bigint {
  return decode(e)[0]!;
}

/**
 * A copy of `a` placed `offset` elements into a larger buffer: a subarray
 * view whose byteOffset is not a multiple of any SIMD width (an odd byte
 * offset for 1-byte types).
 */
export function atOffset<A extends NumericArray>(a: A, offset: number): A {
  const Ctor = a.constructor as new (n: number) => A;
  const big = new Ctor(a.length + offset + 3);
  (big as unknown as { set(x: A, o: number): void }).set(a, offset);
  return big.subarray(offset, offset + a.length) as A;
}

/** Deterministic inputs, exact in float64 and float32 (as the Python). */
export function formula(n: number, which: "a" | "b", f32: boolean) {
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = which === "a"
      ? (((i * 7919) % 10007) - 5003) * 2 ** ((i % 11) - 8)
      : (((i * 104729) % 10009) - 5004) * 2 ** ((i % 5) - 3);
  }
  return out;
}

/** Loads the fixture file. */
export async function loadFixtures(): Promise<
  { numpy: string; cases: Case[]; large: LargeCase[] }
> {
  // Read at run time: a JSON import would make the type checker infer a
  // type for 2.6 MB of data.
  const text = await readFile(
    new URL("./fixtures/ops.json", import.meta.url),
    "utf8",
  );
  return JSON.parse(text);
}

function same(x: number | bigint, y: number | bigint): boolean {
  if (typeof x === "number" && typeof y === "number") {
    return Object.is(x, y) || (x === y) || (x !== x && y !== y);
  }
  return x === y;
}

/** Exact equality (NaN equals NaN; -0 and 0 are distinguished). */
export function assertExact(
  actual: ArrayLike<number | bigint>,
  expected: ArrayLike<number | bigint>,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!same(actual[i]!, expected[i]!)) {
      assert.fail(
        `${what}: element ${i} is ${actual[i]}, NumPy gives ${expected[i]}`,
      );
    }
  }
}

/** Equality up to `rel` relative (or `abs` absolute) error; NaN = NaN. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  what: string,
  abs = 0,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const x = actual[i]!, y = expected[i]!;
    if (x === y || (x !== x && y !== y)) continue;
    const err = Math.abs(x - y);
    if (!(err <= abs || err <= rel * Math.abs(y))) {
      assert.fail(
        `${what}: element ${i} is ${x}, NumPy gives ${y} (error ${err})`,
      );
    }
  }
}

/** An encoded NDArray: dtype, shape, base64 of C-order little-endian bytes. */
export interface EncodedNd {
  dtype: string;
  shape: number[];
  data: string;
}

/** Decodes an encoded NDArray (bool arrives as 0/1 bytes). */
export function decodeNd(e: EncodedNd): NDArray {
  const bin = atob(e.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return frombuffer(bytes.buffer, { dtype: e.dtype as DType }).reshape(e.shape);
}

/**
 * Asserts `got` has NumPy's dtype and shape and every element within
 * `tol` times the largest finite magnitude of the expected array (at
 * least 1); non-finite expected values must match exactly.
 */
export function closeNd(
  got: NDArray | number,
  e: EncodedNd,
  tol: number,
  what: string,
): void {
  const exp = decodeNd(e);
  const g = got instanceof NDArray ? got : array(got, { dtype: exp.dtype });
  assert.equal(g.dtype, exp.dtype, `${what}: dtype`);
  assert.deepEqual(g.shape, exp.shape, `${what}: shape`);
  const x = storageOf(g.astype("float64").copy()) as Float64Array;
  const y = storageOf(exp.astype("float64").copy()) as Float64Array;
  const scale = Math.max(1, ...Array.from(y, Math.abs).filter(Number.isFinite));
  x.forEach((v, i) => {
    if (!Number.isFinite(y[i]!)) {
      assert.equal(v, y[i], `${what}: element ${i}`);
      return;
    }
    if (!(Math.abs(v - y[i]!) <= tol * scale)) {
      assert.fail(
        `${what}: element ${i} is ${v}, NumPy gives ${y[i]} (scale ${scale})`,
      );
    }
  });
}

/**
 * Asserts `got` equals NumPy's `exp`: a scalar where NumPy gives a 0-d
 * result (JS numbers for NumPy ints are compared as integers), else the
 * same dtype and shape. Floats within 1e-12 (float64) / 2e-6 (float32)
 * relative, or `abs` absolute; everything else exactly.
 */
export function checkNd(got: unknown, exp: NDArray, what: string, abs = 0) {
  const rel = exp.dtype === "float32" ? 2e-6 : 1e-12;
  if (!(got instanceof NDArray)) {
    assert.equal(exp.ndim, 0, `${what}: NumPy gives shape ${exp.shape}`);
    const e = exp.item();
    if (typeof e === "number") {
      assert.equal(typeof got, "number", `${what}: type`);
      assertClose([got as number], [e], rel, what);
    } else if (typeof got === "number") {
      // counts (countNonzero) are JS numbers where NumPy gives an int
      assert.equal(BigInt(got), e, what);
    } else assert.equal(got, e, what);
    return;
  }
  assert.equal(got.dtype, exp.dtype, `${what}: dtype`);
  assert.deepEqual(got.shape, exp.shape, `${what}: shape`);
  if (exp.dtype.startsWith("float")) {
    assertClose(
      storageOf(got.copy()) as Float64Array,
      storageOf(exp.copy()) as Float64Array,
      rel,
      what,
      abs,
    );
  } else assert.deepEqual(got.tolist(), exp.tolist(), `${what}: values`);
}
