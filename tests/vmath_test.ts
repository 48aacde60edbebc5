/**
 * exp, expm1, log and tanh against a reference from extended precision
 * (tests/fixtures/vmath.json, scripts/gen_fixtures_vmath.py): the error in
 * ulp stays within the bounds docs/BENCHMARKS.md states, and special values
 * (NaN, +-inf, +-0, overflow and underflow) come out as NumPy's. Runs on
 * both backends (the native kernels are rust/src/kernels/vmath.rs; the
 * wasm build keeps libm, within the same bounds).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";
import { decodeNd, type EncodedNd } from "./_fixtures.ts";

interface Case {
  fn: "exp" | "expm1" | "log" | "tanh" | "sin" | "cos";
  dtype: "float64" | "float32";
  x: EncodedNd;
  hi: EncodedNd;
  lo: EncodedNd;
}
const fx = JSON.parse(
  await readFile(new URL("./fixtures/vmath.json", import.meta.url), "utf8"),
) as { cases: Case[] };

/** The bounds in ulp (docs/BENCHMARKS.md, scripts/ulp_sweep.py). */
const BOUND = { exp: 1, log: 1, expm1: 2, tanh: 3, sin: 1, cos: 1 };

const f64 = new Float64Array(1);
const bits = new BigUint64Array(f64.buffer);
/** The ulp of `v` in a type with `mant` fraction bits and `emin`. */
function ulpOf(v: number, mant: number, emin: number): number {
  f64[0] = Math.abs(v);
  const e = Number((bits[0]! >> 52n) & 0x7ffn) - 1023;
  return 2 ** (Math.max(e, emin) - mant);
}

for (const c of fx.cases) {
  test(`${c.fn} ${c.dtype}: within ${BOUND[c.fn]} ulp of the exact result, special values as NumPy`, () => {
    const x = decodeNd(c.x);
    const hi = decodeNd(c.hi).data as Float64Array;
    const lo = decodeNd(c.lo).data as Float64Array;
    const got = (rp[c.fn](x) as rp.NDArray).data as Float64Array | Float32Array;
    const xs = x.data as Float64Array | Float32Array;
    const [mant, emin] = c.dtype === "float64" ? [52, -1022] : [23, -126];
    let worst = 0, at = NaN;
    for (let i = 0; i < hi.length; i++) {
      const h = hi[i]!, g = got[i]!;
      if (!Number.isFinite(h)) {
        assert.ok(
          Object.is(g, h) || (Number.isNaN(g) && Number.isNaN(h)),
          `${c.fn}(${xs[i]}) = ${g}, expected ${h}`,
        );
        continue;
      }
      const err = Math.abs((g - h) - lo[i]!) / ulpOf(h, mant, emin);
      if (!(err <= worst)) {
        worst = err;
        at = xs[i]!;
      }
    }
    assert.ok(
      worst <= BOUND[c.fn],
      `${c.fn} ${c.dtype}: ${worst.toFixed(3)} ulp at x = ${at}`,
    );
  });
}

test("exp/log/tanh/expm1 keep the sign of zero and NumPy's special values", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const x = rp.array([-0, 0, Infinity, -Infinity, NaN, -1], { dtype });
    const t = rp.tanh(x).data, e = rp.expm1(x).data;
    assert.ok(Object.is(t[0], -0) && Object.is(e[0], -0), dtype);
    assert.deepEqual([...rp.exp(x).data].slice(0, 5), [1, 1, Infinity, 0, NaN]);
    assert.deepEqual([...rp.log(x).data].slice(0, 5), [
      -Infinity,
      -Infinity,
      Infinity,
      NaN,
      NaN,
    ]);
    assert.ok(Number.isNaN(rp.log(x).data[5]!));
    assert.deepEqual([...t].slice(1, 5), [0, 1, -1, NaN]);
  }
});

test("strided and reversed views give the contiguous results, inputs beyond the vector kernels' range included", () => {
  const vals = [0.5, -3, 3e7, -1e38, Infinity, 1e-40, -0, NaN, 2 ** 24, 1e10];
  for (const dtype of ["float32", "float64"] as const) {
    const x = rp.array([...vals, ...vals.map((v) => -v)], { dtype });
    const views = [x.slice("::2"), x.slice("::-1"), x.reshape([4, 5]).T];
    for (const f of [rp.sin, rp.cos, rp.log, rp.exp, rp.tanh, rp.expm1]) {
      for (const v of views) {
        const got = (f(v) as rp.NDArray).copy().data;
        const want = (f(v.copy()) as rp.NDArray).data;
        for (let i = 0; i < got.length; i++) {
          assert.ok(
            Object.is(got[i], want[i]),
            `${f.name} ${dtype} [${i}]: ${got[i]} vs ${want[i]}`,
          );
        }
      }
    }
  }
});
