/**
 * Scans, nan-reductions, ptp, average, countNonzero, dot/vdot/inner/outer/
 * tensordot, trace/diagonal, norm, take/compress/extract, nonzero/argwhere/
 * flatnonzero, unique and slice assignment against NumPy
 * (`scripts/gen_fixtures_select.py`), on contiguous, transposed, reversed
 * and strided inputs.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import type { DType, NDArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { checkNd, decodeNd, type EncodedNd } from "./_fixtures.ts";
import { storageOf } from "../src/core/ndarray.ts";

interface Input {
  nd: EncodedNd;
  view: "c" | "T" | "rev" | "step";
}
const fx = JSON.parse(
  await readFile(new URL("./fixtures/select.json", import.meta.url), "utf8"),
) as {
  numpy: string;
  cases: Array<{
    call: string;
    args: unknown[];
    options: Record<string, unknown> | null;
    result?: EncodedNd;
    list?: EncodedNd[];
    dict?: Record<string, EncodedNd>;
  }>;
  assigns: Array<{
    dtype: DType;
    index: string[];
    value: number | number[] | number[][] | "self_shifted";
    result: EncodedNd;
  }>;
};

function isInput(x: unknown): x is Input {
  return typeof x === "object" && x !== null && "nd" in x;
}

function build(x: Input): NDArray {
  const a = decodeNd(x.nd);
  switch (x.view) {
    case "T":
      return a.T;
    case "rev":
      return a.slice("::-1");
    case "step":
      return a.slice("...", "::2");
    default:
      return a;
  }
}

function arg(x: unknown): unknown {
  if (isInput(x)) return build(x);
  if (x === "inf") return Infinity;
  if (x === "-inf") return -Infinity;
  if (Array.isArray(x)) return x.map(arg);
  if (typeof x === "object" && x !== null) {
    return Object.fromEntries(
      Object.entries(x).map(([k, v]) => [k, arg(v)]),
    );
  }
  return x;
}

const check = checkNd;

// deno-lint-ignore no-explicit-any
const api = rp as any;

test(`scans, nan-reductions, linalg, selection and unique match NumPy ${fx.numpy}`, () => {
  let n = 0;
  for (const c of fx.cases) {
    const what = `${c.call}(${
      JSON.stringify(c.args.map((a) => (isInput(a) ? a.nd.shape + a.view : a)))
    }, ${JSON.stringify(c.options)})`;
    const args = c.args.map(arg);
    const got = c.options === null
      ? api[c.call](...args)
      : api[c.call](...args, arg(c.options));
    if (c.list) {
      assert.equal(got.length, c.list.length, `${what}: parts`);
      c.list.forEach((e, i) => check(got[i], decodeNd(e), `${what} part ${i}`));
    } else if (c.dict) {
      for (const [k, e] of Object.entries(c.dict)) {
        check(got[k], decodeNd(e), `${what}.${k}`);
      }
    } else check(got, decodeNd(c.result!), what);
    n++;
  }
  assert.ok(n > 900);
});

test("slice assignment broadcasts, casts and handles overlap as NumPy", () => {
  for (const c of fx.assigns) {
    const shape = [4, 4];
    let v = rp.subtract(rp.mod(rp.multiply(rp.arange(16), 7), 13), 6);
    if (c.dtype === "float64") v = rp.divide(v, 4);
    const x = (c.dtype === "uint8" ? rp.abs(v) : v).astype(c.dtype).reshape(
      shape,
    );
    if (c.value === "self_shifted") {
      x.slice(...c.index).assign(x.slice(":-1", ":"));
    } else x.slice(...c.index).assign(c.value);
    const exp = decodeNd(c.result);
    assert.deepEqual(
      x.tolist(),
      exp.tolist(),
      `${c.dtype}[${c.index}] = ${JSON.stringify(c.value)}`,
    );
  }
});

test("selection errors are typed and name the problem", () => {
  const a = rp.arange(12).reshape(3, 4);
  assert.throws(() => rp.take(a, [4], { axis: 1 }), rp.IndexError);
  assert.throws(() => rp.take(a, [-13]), /index -13 is out of bounds/);
  assert.throws(() => rp.take(a, [0.5] as unknown as number[]), TypeError);
  assert.throws(() => rp.take(a, [0], { axis: 2 }), rp.AxisError);
  assert.throws(() => a.mask(rp.array([true, false])), /did not match/);
  assert.throws(() => a.mask(rp.arange(12).reshape(3, 4)), /bool/);
  assert.throws(() => rp.nonzero(rp.array(3)), /0d arrays/);
  assert.throws(
    () => rp.compress([true, true, true, true], a, { axis: 0 }),
    RangeError,
  );
  assert.throws(
    () => a.slice("0:2").assign([1, 2, 3]),
    /could not broadcast|broadcast/,
  );
  assert.throws(() => rp.zeros([2], { dtype: "int8" }).assign(300), /300/);
  assert.throws(
    () => rp.average(a, { axis: 1, weights: [1, -1, 0, 0] }),
    /Weights sum to zero/,
  );
  assert.throws(() => rp.nanmax(rp.zeros([0, 3]), { axis: 0 }), /zero-size/);
  assert.throws(() => rp.tensordot(a, a, 1), /shape-mismatch/);
  assert.throws(() => rp.inner(a, rp.zeros([3])), /not aligned/);
  assert.throws(() => rp.vdot(a, rp.zeros([3])), /different lengths/);
  assert.throws(() => rp.trace(rp.zeros([3])), /two dimensions/);
  assert.throws(() => rp.norm(a, { ord: 3 }), /Invalid norm order 3/);
  assert.throws(() => rp.norm(rp.zeros([2, 2, 2]), { ord: 1 }), /Improper/);
});

test("nonzero parts and diagonal are views; take and unique copy", () => {
  const a = rp.arange(12).reshape(3, 4);
  const [r, c] = rp.nonzero(a);
  assert.equal(storageOf(r!), storageOf(c!));
  const d = rp.diagonal(a);
  assert.equal(storageOf(d), storageOf(a));
  a.set([1, 1], 100);
  assert.equal(d.get(1), 100n);
  const t = rp.take(a, [0]);
  a.set([0, 0], 7);
  assert.equal(t.get(0), 0n);
});
