/**
 * Manipulation and comparison functions against NumPy: concatenate,
 * stack, vstack, hstack, split, flip, roll, tile, repeat, clip on
 * NDArrays, isclose, allclose, arrayEqual.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import type { DType, NDArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { decodeNd, type EncodedNd } from "./_fixtures.ts";
import { storageOf } from "../src/core/ndarray.ts";

interface Recipe {
  arange: number[];
  dtype: DType;
  view: "c" | "T" | "rev";
}
const fx = JSON.parse(
  await readFile(new URL("./fixtures/manip.json", import.meta.url), "utf8"),
) as {
  numpy: string;
  cases: Array<{
    call: string;
    args: unknown[];
    options: Record<string, unknown>;
    array?: EncodedNd;
    list?: EncodedNd[];
    bool?: boolean;
    int?: number;
  }>;
  named: Record<string, EncodedNd>;
  close: Record<string, Array<number | null | boolean> | boolean>;
};

function isRecipe(x: unknown): x is Recipe {
  return typeof x === "object" && x !== null && "arange" in x;
}

function build(r: Recipe): NDArray {
  const n = r.arange.reduce((a, b) => a * b, 1);
  let a = rp.arange(n).reshape(r.arange).astype(r.dtype);
  if (r.view === "T") a = a.T;
  if (r.view === "rev") a = a.slice("::-1");
  return a;
}

function arg(x: unknown): unknown {
  if (typeof x === "object" && x !== null && "mod3" in x) {
    return rp.equal(rp.mod(build((x as { mod3: Recipe }).mod3), 3), 0);
  }
  if (typeof x === "object" && x !== null && "named" in x) {
    const m = decodeNd(fx.named["m"]!);
    return (x as { named: string }).named === "mt" ? m.transpose(2, 0, 1) : m;
  }
  if (typeof x === "object" && x !== null && "q" in x) {
    const r = x as { q: number[]; dtype: DType; view: string };
    const n = r.q.reduce((a, b) => a * b, 1);
    const v = rp.subtract(rp.mod(rp.multiply(rp.arange(n), 7), 13), 6);
    let arr = (r.dtype.startsWith("float") ? rp.divide(v, 4) : v).astype(
      r.dtype,
    ).reshape(r.q);
    if (r.view === "T") arr = arr.T;
    if (r.view === "step") arr = arr.slice("...", "::2");
    return arr;
  }
  if (isRecipe(x)) return build(x);
  if (Array.isArray(x) && x.some(isRecipe)) return x.map(arg);
  return x;
}

// deno-lint-ignore no-explicit-any
const api = rp as any;

test(`manipulation, where, argmin/argmax along axes, matmul match NumPy ${fx.numpy}`, () => {
  for (const c of fx.cases) {
    const what = `${c.call}(${JSON.stringify(c.args)}, ${
      JSON.stringify(c.options)
    })`;
    const args = c.args.map(arg);
    const got = c.options === null
      ? api[c.call](...args)
      : api[c.call](...args, c.options);
    if (c.int !== undefined) {
      assert.equal(got, c.int, what);
    } else if (c.list) {
      assert.equal(got.length, c.list.length, `${what}: parts`);
      c.list.forEach((e, i) => {
        const exp = decodeNd(e);
        assert.deepEqual(got[i].shape, exp.shape, `${what}: part ${i} shape`);
        assert.deepEqual(got[i].tolist(), exp.tolist(), `${what}: part ${i}`);
      });
    } else {
      const exp = decodeNd(c.array!);
      assert.equal(got.dtype, exp.dtype, `${what}: dtype`);
      assert.deepEqual(got.shape, exp.shape, `${what}: shape`);
      assert.deepEqual(got.tolist(), exp.tolist(), `${what}: values`);
    }
  }
});

test("isclose/allclose/arrayEqual follow NumPy (inf, nan, equalNan, tolerances)", () => {
  const nan = (v: unknown) => (v === null ? NaN : v as number);
  const x = (fx.close["x"] as Array<number | null>).map(nan);
  const y = (fx.close["y"] as Array<number | null>).map(nan);
  assert.deepEqual(rp.isclose(x, y).tolist(), fx.close["isclose"]);
  assert.deepEqual(
    rp.isclose(x, y, { equalNan: true }).tolist(),
    fx.close["isclose_nan"],
  );
  assert.deepEqual(
    rp.isclose(x, y, { rtol: 1e-9, atol: 0 }).tolist(),
    fx.close["isclose_tight"],
  );
  assert.equal(rp.allclose(x.slice(0, 3), y.slice(0, 3)), fx.close["allclose"]);
  assert.equal(rp.arrayEqual([1, 2], [1, 2]), true);
  assert.equal(rp.arrayEqual([1, 2], [[1, 2]]), false);
  assert.equal(rp.arrayEqual([NaN], [NaN]), false);
  assert.equal(rp.arrayEqual([NaN], [NaN], { equalNan: true }), true);
});

test("manipulation errors name the problem; split/flip return views", () => {
  const a = rp.arange(12).reshape(3, 4);
  assert.throws(
    () => rp.concatenate([a, rp.zeros([2, 3])], { axis: 0 }),
    /along dimension 1/,
  );
  assert.throws(() => rp.concatenate([]), /need at least one array/);
  assert.throws(() => rp.stack([a, rp.zeros([4, 3])]), /same shape/);
  assert.throws(() => rp.split(a, 5), /equal division/);
  assert.equal(storageOf(rp.split(a, 3)[1]!), storageOf(a));
  assert.equal(storageOf(rp.flip(a)), storageOf(a));
});
