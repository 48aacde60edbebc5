/**
 * NDArray ufuncs against NumPy: every binary ufunc over dtype pairs,
 * broadcast shapes and non-contiguous/reversed views; every unary ufunc
 * over every dtype; weak-scalar promotion; NumPy's errors as typed errors.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import type { DType, NDArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { decodeNd, type EncodedNd } from "./_fixtures.ts";
import { UFUNC1, UFUNC2 } from "../scripts/op_table.ts";

type Enc = EncodedNd;
type Recipe = [DType, number[], "c" | "T" | "rev", number];
interface Case {
  op: string;
  a: Recipe;
  b?: Recipe;
  scalar?: number | boolean;
  powAbs?: boolean;
  result?: Enc;
  error?: string;
  message?: string;
}

const fx = JSON.parse(
  await readFile(new URL("./fixtures/ufunc.json", import.meta.url), "utf8"),
) as { numpy: string; binary: Case[]; unary: Case[]; scalars: Case[] };

const decode = decodeNd;

/** The operand recipe of scripts/gen_fixtures_ufunc.py, in JS. */
function build([dtype, shape, t, salt]: Recipe, powAbs = false): NDArray {
  const n = shape.reduce((x, y) => x * y, 1);
  const vals: Array<number | boolean> = [];
  for (let i = 0; i < n; i++) {
    let v = ((i * 7 + salt * 5) % 23) - 11;
    if (powAbs) v = Math.abs(v) % 5;
    if (dtype === "bool") vals.push(v % 3 === 0);
    else if (dtype.startsWith("uint")) vals.push(Math.abs(v));
    else if (dtype.startsWith("float")) vals.push(v / 4);
    else vals.push(v);
  }
  if (dtype.startsWith("float") && n > 3) vals[(salt + 2) % n] = NaN;
  let a = rp.array(vals, { dtype }).reshape(shape);
  if (t === "T") a = a.T;
  if (t === "rev") a = a.slice("::-1");
  return a;
}

const INEXACT = new Set(
  [...UFUNC1, ...UFUNC2].filter((r) => r.inexact).map((r) => r.name as string),
);

function flat(x: unknown): Array<number | bigint | boolean> {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}

function compare(got: NDArray, c: Case, what: string): void {
  const exp = decode(c.result!);
  assert.equal(got.dtype, exp.dtype, `${what}: dtype`);
  assert.deepEqual(got.shape, exp.shape, `${what}: shape`);
  const g = flat(got.tolist()), e = flat(exp.tolist());
  const tol = exp.dtype === "float32" ? 4e-7 : 1e-14;
  for (let i = 0; i < e.length; i++) {
    const x = g[i]!, y = e[i]!;
    if (Object.is(x, y) || x === y) continue;
    if (typeof x === "number" && typeof y === "number") {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (
        INEXACT.has(c.op) &&
        Math.abs(x - y) <= tol * Math.max(Math.abs(y), 1e-300)
      ) continue;
    }
    assert.fail(
      `${what}: element ${i} is ${String(x)}, NumPy gives ${String(y)}`,
    );
  }
}

function expectError(f: () => unknown, c: Case, what: string): void {
  const cls = c.error === "TypeError"
    ? TypeError
    : c.error === "RangeError"
    ? RangeError
    : Error;
  assert.throws(f, cls, `${what}: NumPy raised ${c.error}: ${c.message}`);
}

// deno-lint-ignore no-explicit-any
const api = rp as any;

const OPS2 = [...new Set(fx.binary.map((c) => c.op))];
for (const op of OPS2) {
  test(`${op}() matches NumPy ${fx.numpy} over dtypes, broadcasting and views`, () => {
    for (const c of fx.binary.filter((x) => x.op === op)) {
      const a = build(c.a), b = build(c.b!, c.powAbs);
      const what = `${op}(${c.a.join("/")}, ${c.b!.join("/")})`;
      if (c.error) expectError(() => api[op](a, b), c, what);
      else compare(api[op](a, b), c, what);
    }
  });
}

const OPS1 = [...new Set(fx.unary.map((c) => c.op))];
test(`unary ufuncs (${OPS1.length}) match NumPy over every dtype and strided views`, () => {
  for (const c of fx.unary) {
    const a = build(c.a);
    const what = `${c.op}(${c.a.join("/")})`;
    if (c.error) expectError(() => api[c.op](a), c, what);
    else compare(api[c.op](a), c, what);
  }
});

test("JS scalars are weak (NEP 50): dtype kept, out-of-range integers rejected", () => {
  for (const c of fx.scalars) {
    const a = build(c.a);
    const what = `${c.op}(${c.a[0]}, ${c.scalar})`;
    if (c.error) expectError(() => api[c.op](a, c.scalar), c, what);
    else compare(api[c.op](a, c.scalar), c, what);
  }
});

test("out= receives the result in place, also for an input that overlaps it", () => {
  const a = rp.arange(6, undefined, undefined, { dtype: "float64" }).reshape(
    2,
    3,
  );
  const r = rp.multiply(a, 2, { out: a });
  assert.equal(r, a);
  assert.deepEqual(a.tolist(), [[0, 2, 4], [6, 8, 10]]);
  // out is a reversed view of the input: NumPy's result is as if copied first
  const v = rp.array([1, 2, 3, 4], { dtype: "float64" });
  rp.add(v, v.slice("::-1"), { out: v });
  assert.deepEqual(v.tolist(), [5, 5, 5, 5]);
  const w = rp.array([1, 2, 3, 4], { dtype: "float64" });
  rp.negative(w.slice("::-1"), { out: w });
  assert.deepEqual(w.tolist(), [-4, -3, -2, -1]);
  assert.throws(
    () => rp.add(a, 1, { out: rp.zeros([3, 2]) }),
    /non-broadcastable output/,
  );
  assert.throws(
    () => rp.add(a, 1, { out: rp.zeros([2, 3], { dtype: "int32" }) }),
    TypeError,
  );
});

test("NumPy's ufunc errors are typed errors", () => {
  assert.throws(
    () => rp.subtract(rp.array([true]), rp.array([false])),
    /boolean subtract/,
  );
  assert.throws(() => rp.negative(rp.array([true])), /boolean negative/);
  assert.throws(() => rp.bitwiseAnd(rp.array([1.5]), rp.array([1])), TypeError);
  assert.throws(
    () => rp.power(rp.array([2, 3]), rp.array([1, -1])),
    /Integers to negative integer powers are not allowed/,
  );
  assert.throws(
    () => rp.add(rp.zeros([2, 3]), rp.zeros([2])),
    /could not be broadcast together with shapes \(2,3\) \(2,\)/,
  );
});

test("outputs keep the input's memory layout (NumPy's order K); copy() is C order", () => {
  const a = rp.arange(12, undefined, undefined, { dtype: "float64" }).reshape(
    3,
    4,
  );
  assert.deepEqual(rp.add(a.T, 1).strides, [8, 32]);
  assert.deepEqual(a.T.astype("float32").strides, [4, 16]);
  assert.deepEqual(a.T.copy().strides, [24, 8]);
  assert.deepEqual(rp.sqrt(a.slice(":", "::-1")).strides, [32, 8]);
});
