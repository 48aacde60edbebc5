/**
 * Reductions along axes against NumPy: every axis combination of 3-d
 * arrays, keepdims, contiguous/transposed/reversed/strided views, several
 * dtypes. Float sums must match bit for bit (NumPy's order of additions).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import type { NDArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { decodeNd, type EncodedNd } from "./_fixtures.ts";

type Enc = EncodedNd;
const fx = JSON.parse(
  await readFile(new URL("./fixtures/reduce.json", import.meta.url), "utf8"),
) as {
  numpy: string;
  inputs: Record<string, Enc>;
  cases: Array<{
    dtype: string;
    view: string;
    axis: number | number[] | null;
    keepdims: boolean;
    results: Record<string, Enc>;
  }>;
};

const decode = decodeNd;

function view(a: NDArray, v: string): NDArray {
  if (v === "T") return a.transpose(2, 0, 1);
  if (v === "rev") return a.slice("::-1", ":", "::-1");
  if (v === "step") return a.slice(":", "::3", "1::2");
  return a;
}

function asList(x: unknown): unknown {
  return x instanceof Object && "tolist" in (x as object)
    ? (x as NDArray).tolist()
    : x;
}

// deno-lint-ignore no-explicit-any
const api = rp as any;

for (const dtype of Object.keys(fx.inputs)) {
  test(`${dtype}: sum/prod/max/min/all/any/mean/var/std along axes match NumPy ${fx.numpy} exactly`, () => {
    const base = decode(fx.inputs[dtype]!);
    let n = 0;
    for (const c of fx.cases.filter((x) => x.dtype === dtype)) {
      const a = view(base, c.view);
      for (const [key, enc] of Object.entries(c.results)) {
        const op = key === "var_ddof1" ? "var" : key;
        // ddof only where it is an option: sum({ ddof }) is a TypeError
        const opts = op === "var" || op === "std"
          ? {
            axis: c.axis,
            keepdims: c.keepdims,
            ddof: key === "var_ddof1" ? 1 : 0,
          }
          : { axis: c.axis, keepdims: c.keepdims };
        const got = api[op](a, opts);
        const exp = decode(enc);
        const what = `${op}(${dtype} ${c.view}, axis=${
          JSON.stringify(c.axis)
        }, keepdims=${c.keepdims})`;
        if (exp.ndim === 0 && !c.keepdims) {
          // a full reduction returns a JS scalar, as NumPy returns a scalar
          const e = exp.item();
          const g = got as unknown;
          if (typeof e === "bigint") assert.equal(g, e, what);
          else {assert.ok(
              Object.is(g, e) || g === e,
              `${what}: ${String(g)} != ${String(e)}`,
            );}
        } else {
          assert.equal((got as NDArray).dtype, exp.dtype, `${what}: dtype`);
          assert.deepEqual((got as NDArray).shape, exp.shape, `${what}: shape`);
          assert.deepEqual(asList(got), exp.tolist(), `${what}: values`);
        }
        n++;
      }
    }
    assert.ok(n > 100, `checked ${n} reductions`);
  });
}

test("reduction errors and edge cases follow NumPy", () => {
  const e = rp.zeros([2, 0]);
  assert.deepEqual((rp.sum(e, { axis: 1 }) as NDArray).tolist(), [0, 0]);
  assert.throws(
    () => rp.max(e, { axis: 1 }),
    /zero-size array to reduction operation maximum/,
  );
  assert.throws(
    () => rp.sum(rp.zeros([2, 3]), { axis: 2 }),
    /axis 2 is out of bounds/,
  );
  assert.throws(
    () => rp.sum(rp.zeros([2, 3]), { axis: [0, 0] }),
    /duplicate value/,
  );
  assert.equal(
    rp.sum(rp.array([[1, 2], [3, 4]], { dtype: "uint8" })),
    10n,
    "uint8 sums in uint64",
  );
  assert.equal(
    rp.sum(new Float64Array([1, 2])),
    3,
    "TypedArrays keep the flat API",
  );
});

test("full float sum/max/min of contiguous arrays (the small-array fast path) equal the axis kernel bit for bit", () => {
  // keepdims takes the general path (rp_reduce_axis); without it a
  // C-contiguous float array takes the flat kernels (JS below the
  // crossover): both must give the same bits, -0.0 and ties included
  let s = 1;
  const rnd = () =>
    ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 1e3;
  let compared = 0;
  for (const dt of ["float64", "float32"] as const) {
    for (
      const n of [
        1,
        2,
        7,
        8,
        9,
        16,
        17,
        127,
        128,
        129,
        257,
        1000,
        4097,
        65536,
        100003,
      ]
    ) {
      const src = Float64Array.from({ length: n }, rnd);
      if (n > 5) src[3] = n % 2 ? -0 : 0;
      const x = rp.array(src).astype(dt);
      const m = rp.array(Float64Array.from({ length: 3 * n }, rnd)).astype(dt)
        .reshape(3, n);
      for (const a of [x, m]) {
        for (const op of ["sum", "max", "min"] as const) {
          const fast = rp[op](a) as number;
          const slow = (rp[op](a, { keepdims: true }) as NDArray)
            .item() as number;
          assert.ok(
            Object.is(fast, slow),
            `${op} ${dt} n=${n} ndim=${a.ndim}: ${fast} vs ${slow}`,
          );
          compared++;
        }
      }
    }
  }
  assert.equal(compared, 2 * 15 * 2 * 3);
  // views with an offset or strides keep the general path, same answer
  const v = rp.arange(20, { dtype: "float64" }).slice("1:19:2");
  assert.equal(rp.sum(v), 81);
  assert.equal(rp.max(v), 17);
});

test("one-axis reductions give the general path's bits, extent-1 axes and views included", () => {
  const show = (r: NDArray) =>
    Array.from(r.astype("float64").data as Float64Array).map((v) =>
      Object.is(v, -0) ? "-0" : String(v)
    ).join(",");
  // NumPy 2.4: sum/mean of one element give +0 for -0; prod/max keep -0
  const x = rp.array([[-0.0, 1.5, NaN, -2.0]]);
  assert.equal(show(rp.sum(x, { axis: 0 }) as NDArray), "0,1.5,NaN,-2");
  assert.equal(show(rp.prod(x, { axis: 0 }) as NDArray), "-0,1.5,NaN,-2");
  assert.equal(show(rp.max(x, { axis: 0 }) as NDArray), "-0,1.5,NaN,-2");
  assert.equal(show(rp.mean(x, { axis: 0 }) as NDArray), "0,1.5,NaN,-2");
  // the same reduction through the general path (two axes): the 3-d array
  // with one more extent-1 axis, or with the axis pair's other extent 1
  const src = Float64Array.from({ length: 5 * 7 }, (_, i) => Math.sin(i) * 1e3);
  for (const dt of ["float64", "float32", "int32", "bool"] as const) {
    const base = rp.array(src).astype(dt).reshape(5, 7);
    const views: Array<[string, NDArray]> = [
      ["C", base],
      ["T", base.T],
      ["step", base.slice("::2", "::-3")],
      ["row", base.slice("1:2", ":")],
      ["col", base.slice(":", "2:3")],
    ];
    for (const [name, a] of views) {
      for (const ax of [0, 1]) {
        for (const op of ["sum", "prod", "max", "min", "all", "any"] as const) {
          const fast = rp[op](a, { axis: ax }) as NDArray;
          const three = a.reshape(...a.shape, 1);
          const slow = rp[op](three, { axis: [ax, 2] }) as NDArray;
          assert.equal(
            show(fast),
            show(slow),
            `${op} ${dt} ${name} axis ${ax}`,
          );
          assert.deepEqual(fast.shape, slow.shape);
        }
      }
    }
  }
});
