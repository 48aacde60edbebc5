/**
 * NDArray against NumPy: creation, views and slicing (shape, byte strides,
 * contiguity, values), reshape/transpose & co (view or copy as NumPy
 * decides), astype casts, str()/repr() text; plus element access,
 * bigint/boolean values, and typed errors.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import { type DType, NDArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { decodeNd, type EncodedNd } from "./_fixtures.ts";
import { storageOf } from "../src/core/ndarray.ts";

type Enc = EncodedNd;
interface Described extends Enc {
  strides: number[];
  c: boolean;
  f: boolean;
  str: string;
  repr: string;
}

const fx = JSON.parse(
  await readFile(new URL("./fixtures/ndarray.json", import.meta.url), "utf8"),
);

const decode = decodeNd;

function check(
  actual: NDArray,
  expect: Described,
  what: string,
  text = true,
): void {
  assert.equal(actual.dtype, expect.dtype, `${what}: dtype`);
  assert.deepEqual(actual.shape, expect.shape, `${what}: shape`);
  assert.deepEqual(actual.tolist(), decode(expect).tolist(), `${what}: values`);
  const strides = actual.strides;
  for (let i = 0; i < expect.shape.length; i++) {
    if (expect.shape[i]! > 1) {
      assert.equal(
        strides[i],
        expect.strides[i],
        `${what}: stride of axis ${i}`,
      );
    }
  }
  assert.equal(actual.flags.cContiguous, expect.c, `${what}: C-contiguous`);
  assert.equal(actual.flags.fContiguous, expect.f, `${what}: F-contiguous`);
  if (text) {
    assert.equal(actual.toString(), expect.str, `${what}: str`);
    assert.equal(actual.repr(), expect.repr, `${what}: repr`);
  }
}

test(`creation functions match NumPy ${fx.numpy} (dtype, shape, values, text)`, () => {
  for (const c of fx.creation) {
    const args = c.args.map((a: unknown) => (a === null ? undefined : a));
    // deno-lint-ignore no-explicit-any
    const fn = (rp as any)[c.fn];
    const r: NDArray =
      c.fn === "arange" || c.fn === "linspace" || c.fn === "eye"
        ? fn(
          ...args,
          ...Array((c.fn === "eye" ? 2 : 3) - args.length).fill(undefined),
          c.options,
        )
        : fn(...args, c.options);
    check(
      r,
      c.result,
      `${c.fn}(${JSON.stringify(c.args)}, ${JSON.stringify(c.options)})`,
    );
  }
});

test("slicing gives NumPy's views: steps, negative steps, newaxis, ellipsis, ints", () => {
  const base = rp.arange(24).reshape(2, 3, 4);
  for (const v of fx.views) {
    const r = base.slice(...v.index);
    check(r, v.result, `slice(${JSON.stringify(v.index)})`);
    if (r.size > 0) {
      assert.equal(storageOf(r), storageOf(base), "a view shares storage");
    }
  }
});

test("reshape, transpose, swapaxes, expandDims, broadcastTo, ravel, flatten match NumPy", () => {
  const base = rp.arange(24).reshape(2, 3, 4);
  for (const s of fx.shape_ops) {
    let r: NDArray;
    if (s.op === "T") r = base.T;
    else if (s.op === "T.reshape") r = base.T.reshape(s.args[0]);
    // deno-lint-ignore no-explicit-any
    else r = (base as any)[s.op](...s.args);
    check(r, s.result, `${s.op}(${JSON.stringify(s.args)})`);
  }
  assert.equal(
    storageOf(base.reshape(6, 4)),
    storageOf(base),
    "reshape of contiguous data is a view",
  );
  assert.notEqual(
    storageOf(base.T.reshape(4, 6)),
    storageOf(base),
    "NumPy copies here, so do we",
  );
  assert.equal(storageOf(base.ravel()), storageOf(base));
  assert.notEqual(storageOf(base.flatten()), storageOf(base));
  const sq = decode(fx.squeeze.src);
  check(sq.squeeze(), fx.squeeze.all, "squeeze()");
  check(sq.squeeze(2), fx.squeeze.axis2, "squeeze(2)");
  assert.throws(() => sq.squeeze(1), /cannot select an axis to squeeze out/);
});

test("astype casts every dtype as NumPy does (wrapping, truncation, bool)", () => {
  for (const c of fx.casts) {
    const src = decode(c.src);
    const r = src.astype(c.to);
    assert.equal(r.dtype, c.to);
    assert.deepEqual(
      r.tolist(),
      decode(c.result).tolist(),
      `${c.src.dtype} -> ${c.to}`,
    );
  }
  // a cast of a non-contiguous, reversed view
  const v = rp.arange(12).reshape(3, 4).T.slice("::-1");
  assert.deepEqual(v.astype("float32").tolist(), [
    [3, 7, 11],
    [2, 6, 10],
    [1, 5, 9],
    [0, 4, 8],
  ]);
});

test("str() and repr() print like NumPy", () => {
  for (const p of fx.printing) {
    const a = decode(p.array);
    assert.equal(a.toString(), p.str, `str ${p.name}`);
    assert.equal(a.repr(), p.repr, `repr ${p.name}`);
  }
});

test("int64/uint64 elements are bigints, bool elements booleans, never rounded", () => {
  const big = rp.array([2n ** 62n + 1n, -5n]);
  assert.equal(big.dtype, "int64");
  assert.equal(big.get(0), 2n ** 62n + 1n);
  assert.deepEqual(big.tolist(), [2n ** 62n + 1n, -5n]);
  const u = rp.full(2, 2n ** 64n - 1n, { dtype: "uint64" });
  assert.equal(u.item(1), 2n ** 64n - 1n);
  assert.equal(
    rp.arange(3).get(2),
    2n,
    "arange of integers is int64, as NumPy",
  );
  const b = rp.array([true, false]);
  assert.equal(b.get(0), true);
  assert.deepEqual(b.astype("int8").tolist(), [1, 0]);
  assert.throws(
    () => rp.zeros(1, { dtype: "int64" }).set(0, 2 ** 60),
    /not a safe integer/,
  );
});

test("get/set/item index like NumPy and reject bad indices with typed errors", () => {
  const a = rp.arange(6, undefined, undefined, { dtype: "float64" }).reshape(
    2,
    3,
  );
  assert.equal(a.get(1, -1), 5);
  a.set([0, 1], 10.5);
  assert.equal(a.item(1), 10.5, "item(flat index)");
  assert.equal(rp.array([[4]]).item(), 4n);
  assert.throws(
    () => a.get(2, 0),
    /index 2 is out of bounds for axis 0 with size 2/,
  );
  assert.throws(() => a.get(0), RangeError);
  assert.throws(() => a.item(), /size 1/);
  const i8 = rp.zeros(2, { dtype: "int8" });
  assert.throws(() => i8.set(0, 300), /300 out of bounds for int8/);
  i8.set(1, -7.9);
  assert.equal(i8.get(1), -7, "float to int truncates toward zero");
  // a write through a view lands in the base
  const base = rp.zeros([3, 3]);
  base.slice("1:", "::2").set([1, 1], 9);
  assert.equal(base.get(2, 2), 9);
});

test("views expose data zero-copy only when C-contiguous", () => {
  const a = rp.arange(6, undefined, undefined, { dtype: "int32" }).reshape(
    2,
    3,
  );
  const d = a.data as Int32Array;
  d[0] = 42;
  assert.equal(a.get(0, 0), 42);
  assert.throws(() => a.T.data, /not C-contiguous/);
  assert.deepEqual(Array.from(a.T.copy().data as Int32Array), [
    42,
    3,
    1,
    4,
    2,
    5,
  ]);
});

test("shape errors: bad reshape, bad axes, inhomogeneous lists, bad dtype, huge sizes", () => {
  const a = rp.zeros([2, 3]);
  assert.throws(
    () => a.reshape(4, 2),
    /cannot reshape array of size 6 into shape \(4,2\)/,
  );
  assert.throws(() => a.reshape(-1, -1), /only specify one unknown dimension/);
  assert.throws(() => a.transpose(0, 0), /axes don't match/);
  assert.throws(
    () => a.swapaxes(0, 2),
    /axis 2 is out of bounds for array of dimension 2/,
  );
  assert.throws(() => a.slice(0, 0, 0), /too many indices/);
  assert.throws(() => a.slice("::0"), /step cannot be zero/);
  assert.throws(() => a.broadcastTo([3]), /cannot be broadcast/);
  assert.throws(
    () => rp.array([[1, 2], [3]]),
    /inhomogeneous shape after 1 dimensions/,
  );
  assert.throws(
    () => rp.zeros(2, { dtype: "float16" as DType }),
    /not understood/,
  );
  assert.throws(() => rp.zeros([-1]), /negative dimensions/);
  assert.throws(() => rp.zeros([1 << 20, 1 << 20]), /at most 4294967295/);
  assert.throws(() => rp.arange(0, 1, 0), /step must not be zero/);
  assert.throws(
    () => new NDArray(new Float64Array(4), "float64", [2, 3]),
    /reaches elements 0..5 of a buffer of 4/,
  );
});

test("frombuffer views the caller's memory; broadcastTo repeats without copying", () => {
  const buf = new Float32Array([1, 2, 3, 4]);
  const a = rp.frombuffer(buf, { dtype: "float32", offset: 4, count: 2 });
  assert.deepEqual(a.tolist(), [2, 3]);
  buf[1] = 20;
  assert.equal(a.get(0), 20);
  const row = rp.array([1, 2, 3], { dtype: "float64" });
  const m = row.broadcastTo([4, 3]);
  assert.deepEqual(m.strides, [0, 8]);
  assert.deepEqual(m.copy().tolist(), Array(4).fill([1, 2, 3]));
});

test("method forms equal the functions: a.add(b), a.sum({ axis }), ...", () => {
  const a = rp.arange(12, undefined, undefined, { dtype: "float64" }).reshape(
    3,
    4,
  );
  const b = rp.array([1, 2, 3, 4], { dtype: "float64" });
  assert.deepEqual(a.add(b).tolist(), rp.add(a, b).tolist());
  assert.deepEqual(a.greater(5).tolist(), rp.greater(a, 5).tolist());
  assert.deepEqual(a.T.sqrt().tolist(), rp.sqrt(a.T).tolist());
  assert.deepEqual((a.sum({ axis: 0 }) as NDArray).tolist(), [12, 15, 18, 21]);
  assert.equal(a.sum(), 66);
  assert.equal(a.max(), 11);
  assert.deepEqual((a.mean({ axis: 1, keepdims: true }) as NDArray).shape, [
    3,
    1,
  ]);
  assert.equal(rp.array([1, 0]).any(), true);
  assert.equal(rp.array([1, 0]).all(), false);
  assert.equal(a.slice(0).prod(), 0);
});
