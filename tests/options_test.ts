/**
 * NumPy's positional and keyword arguments are one options object in
 * raptors. Calls written the NumPy way (`sum(x, 0)`, `zeros(3, "float32")`,
 * `add(x, y, out)`) must fail with a TypeError naming the function, never
 * be read as "no options" and silently compute something else.
 */
import assert from "node:assert/strict";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";

// deno-lint-ignore no-explicit-any
const any = rp as any;
const x = rp.array([[0, 1, 2], [3, 4, 5]], { dtype: "float64" });
const out = rp.zeros([2, 3]);

test("options: NumPy-style positional arguments are TypeErrors naming the function", () => {
  const cases: Array<[string, () => unknown]> = [
    ["sum", () => any.sum(x, 0)],
    ["mean", () => any.mean(x, 1)],
    ["max", () => any.max(x, 0)],
    ["min", () => any.min(x, [0])],
    ["argmax", () => any.argmax(x, 1)],
    ["var", () => any.var(x, 0)],
    ["std", () => any.std(x, 0)],
    ["cumsum", () => any.cumsum(x, 1)],
    ["sort", () => any.sort(x, 0)],
    ["concatenate", () => any.concatenate([x, x], 1)],
    ["zeros", () => any.zeros(3, "float32")],
    ["ones", () => any.ones([2], "int32")],
    ["array", () => any.array([1, 2], "int32")],
    ["arange", () => any.arange(0, 5, 1, "int32")],
    ["add", () => any.add(x, x, out)],
    ["exp", () => any.exp(x, out)],
    ["sum", () => any.sum(x, null)],
    ["norm", () => any.linalg.norm(x, 2)],
    ["sum", () => (x as typeof any).sum(0)],
    ["astype", () => (x as typeof any).astype("float32", true)],
  ];
  for (const [fn, call] of cases) {
    assert.throws(
      call,
      (e: unknown) =>
        e instanceof TypeError &&
        e.message.startsWith(`${fn}(): expected an options object`),
      `${fn}: ${call}`,
    );
  }
  // the value is named in the message
  assert.throws(() => any.zeros(3, "float32"), /got "float32"/);
  assert.throws(() => any.add(x, x, out), /got NDArray/);
  assert.throws(() => any.min(x, [0]), /got Array/);
});

test("options: plain objects (also null-prototype ones) and omitted options work", () => {
  assert.deepEqual((rp.sum(x, { axis: 0 }) as rp.NDArray).tolist(), [3, 5, 7]);
  const bare = Object.assign(Object.create(null), { axis: 1 });
  assert.deepEqual((rp.mean(x, bare) as rp.NDArray).tolist(), [1, 4]);
  assert.equal(rp.sum(x), 15);
  assert.equal(rp.zeros(3, { dtype: "float32" }).dtype, "float32");
  // the flat API's TypedArray `out` is not an options object: still taken
  const a = new Float64Array([1, 2]), o = new Float64Array(2);
  assert.equal(rp.add(a, a, o), o);
  assert.deepEqual([...o], [2, 4]);
});

test("arange: options after stop, after start and stop, or after all three", () => {
  const a = rp.arange(4, { dtype: "float32" });
  assert.equal(a.dtype, "float32");
  assert.deepEqual(a.tolist(), [0, 1, 2, 3]);
  const b = rp.arange(2, 5, { dtype: "int32" });
  assert.equal(b.dtype, "int32");
  assert.deepEqual(b.tolist(), [2, 3, 4]);
  const c = rp.arange(0, 1, 0.25, { dtype: "float32" });
  assert.deepEqual(c.tolist(), [0, 0.25, 0.5, 0.75]);
  const d = rp.arange(3, undefined, undefined, { dtype: "uint8" });
  assert.equal(d.dtype, "uint8");
  assert.deepEqual(d.tolist(), [0, 1, 2]);
  assert.equal(rp.arange(3).dtype, "int64");
  assert.throws(
    () => any.arange(NaN),
    /arange\(\): stop must be a finite number, got NaN/,
  );
  assert.throws(() => any.arange(0, Infinity), /stop must be a finite number/);
  assert.throws(
    () => any.arange(0, 5, 1, {}, 7),
    /takes start, stop, step and an options object; got 5 arguments/,
  );
  assert.throws(() => rp.arange(0, 5, 0), /step must not be zero/);
});

test("ufuncs of two JS scalars read `out` once: a getter answering once with an array and then undefined gets that array back", () => {
  for (
    const call of [
      (o: object) => rp.add(1.5, 2, o as never),
      (o: object) => rp.exp(1, o as never),
      (o: object) => rp.round(2.5, o as never),
      (o: object) =>
        rp.round(2.675, { ...(o as object), decimals: 2 } as never),
    ]
  ) {
    const target = rp.zeros([]);
    let reads = 0;
    const opts = {
      get out() {
        return reads++ === 0 ? target : undefined;
      },
    };
    const r = call(opts);
    assert.ok(r === target, "the out given is the result");
    assert.equal(reads, 1);
  }
});
