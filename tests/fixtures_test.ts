/**
 * The flat API against NumPy: every op, every dtype, sizes around every
 * SIMD width and the JS/native crossover, special values, each case run on
 * fresh memory and on a subarray view at an odd offset, and elementwise ops
 * also in place (`out` = the input).
 */
import assert from "node:assert/strict";
import * as rp from "../mod.ts";
import type { NumericArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { JS_BELOW } from "../src/_thresholds.ts";
import {
  assertClose,
  assertExact,
  atOffset,
  type Case,
  decode,
  type Encoded,
  formula,
  loadFixtures,
  scalar,
} from "./_fixtures.ts";

const { numpy, cases, large } = await loadFixtures();

// deno-lint-ignore no-explicit-any
type Any = any;

function expectedOf(c: Case, key: string): Encoded {
  const e = c.results[key];
  if (!e || Array.isArray(e)) throw new Error(`fixture has no ${key}`);
  return e;
}

const isFloat = (dt: string) => dt.startsWith("float");
const isBig = (dt: string) => dt.endsWith("int64");

function views(c: Case): Array<[string, NumericArray, NumericArray]> {
  const a = decode(c.a), b = decode(c.b);
  return [["fresh", a, b], ["offset view", atOffset(a, 1), atOffset(b, 3)]];
}

function label(c: Case, view: string, op: string): string {
  return `${op} ${c.dtype}[${c.n}]${c.special ? " (NaN/Inf/-0)" : ""} ${view}`;
}

function dotScale(a: NumericArray, b: NumericArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += Math.abs(Number(a[i]!) * Number(b[i]!));
  }
  return s;
}

const DTYPES = [...new Set(cases.map((c) => c.dtype))];

/**
 * Each case runs with the shipped JS/native switch-over sizes, then with
 * every op forced through the native kernel, then through the JS path.
 */
const MODES: Array<[string, number | undefined]> = [
  ["", undefined],
  [" [all native]", 0],
  [" [all JS]", Infinity],
];

function inMode(force: number | undefined, f: () => void): () => void {
  return () => {
    const saved = { ...JS_BELOW };
    if (force !== undefined) {
      for (const k of Object.keys(JS_BELOW) as Array<keyof typeof JS_BELOW>) {
        JS_BELOW[k] = force;
      }
    }
    try {
      f();
    } finally {
      Object.assign(JS_BELOW, saved);
    }
  };
}

for (const dtype of DTYPES) {
  const mine = cases.filter((c) => c.dtype === dtype);
  for (const [mode, force] of MODES) {
    test(
      `${dtype}: reductions match NumPy ${numpy} at every size${mode}`,
      inMode(force, () => reductions(mine)),
    );
    test(
      `${dtype}: elementwise ops match NumPy, fresh, in offset views and in place${mode}`,
      inMode(force, () => elementwise(mine)),
    );
    test(
      `${dtype}: sort and argsort match NumPy (NaN last, argsort stable)${mode}`,
      inMode(force, () => sorting(mine)),
    );
  }
}

function reductions(cases: Case[]): void {
  let checked = 0;
  for (const c of cases) {
    for (const [view, a, b] of views(c)) {
      const L = (op: string) => label(c, view, op);
      const sum = rp.sum(a);
      assertExact([sum], [scalar(expectedOf(c, "sum"))], L("sum"));
      const mean = rp.mean(a);
      if (isBig(c.dtype)) {
        // NumPy rounds each int64 to float64 before summing; raptors sums
        // exactly and rounds once, so they differ by a few ulp.
        assertClose(
          [mean],
          [scalar(expectedOf(c, "mean")) as number],
          1e-14,
          L("mean"),
        );
      } else {
        assertExact([mean], [scalar(expectedOf(c, "mean"))], L("mean"));
      }
      if (c.n === 0) {
        assert.throws(() => rp.min(a), RangeError, L("min"));
        assert.throws(() => rp.max(a), RangeError, L("max"));
        assert.throws(() => rp.argmin(a), RangeError, L("argmin"));
        assert.throws(() => rp.argmax(a), RangeError, L("argmax"));
      } else {
        for (const op of ["min", "max", "argmin", "argmax"] as const) {
          assertExact([rp[op](a)], [scalar(expectedOf(c, op))], L(op));
        }
      }
      checked++;
      if (c.results["dot_error"]) {
        assert.throws(() => rp.dot(a, b), RangeError, L("dot overflow"));
        continue;
      }
      const dot = rp.dot(a, b);
      const edot = scalar(expectedOf(c, "dot"));
      if (isFloat(c.dtype)) {
        const tol = (c.dtype === "float32" ? 2e-6 : 1e-14) * dotScale(a, b);
        assertClose([dot as number], [edot as number], 0, L("dot"), tol);
      } else {
        assertExact([dot], [edot], L("dot"));
      }
      assertClose(
        [rp.norm(a)],
        [scalar(expectedOf(c, "norm")) as number],
        c.dtype === "float32" ? 2e-6 : 1e-14,
        L("norm"),
      );
    }
  }
  assert.equal(checked, 2 * cases.length, "every case checked in both views");
}

function elementwise(cases: Case[]): void {
  for (const c of cases) {
    for (const [view, a, b] of views(c)) {
      const L = (op: string) => label(c, view, op);
      const ops = ["add", "subtract", "multiply", "divide"] as const;
      for (const op of ops) {
        const expect = decode(expectedOf(c, op));
        assertExact((rp as Any)[op](a, b), expect, L(op));
        if (op !== "divide" || isFloat(c.dtype)) {
          const x = atOffset(a, 2);
          const r = (rp as Any)[op](x, b, x);
          assert.equal(r, x, L(`${op} returns out`));
          assertExact(x, expect, L(`${op} in place (out = a)`));
          const y = atOffset(b, 1);
          (rp as Any)[op](a, y, y);
          assertExact(y, expect, L(`${op} in place (out = b)`));
        }
      }
      const three = isBig(c.dtype) ? 3n : 3;
      assertExact(
        rp.add(a as Any, three),
        decode(expectedOf(c, "add_s")),
        L("a + 3"),
      );
      assertExact(
        rp.subtract(three as Any, a as Any),
        decode(expectedOf(c, "rsubtract_s")),
        L("3 - a"),
      );
      assertExact(
        rp.multiply(a as Any, three),
        decode(expectedOf(c, "multiply_s")),
        L("a * 3"),
      );
      assertExact(
        rp.divide(a as Any, 2.5),
        decode(expectedOf(c, "divide_s")),
        L("a / 2.5"),
      );
      assertExact(
        rp.divide(2.5, a as Any),
        decode(expectedOf(c, "rdivide_s")),
        L("2.5 / a"),
      );
      assertExact(rp.abs(a), decode(expectedOf(c, "abs")), L("abs"));
      assertExact(
        rp.negative(a),
        decode(expectedOf(c, "negative")),
        L("negative"),
      );
      const [lo, hi] = c.results["clip_bounds"] as unknown as [string, string];
      const blo = isBig(c.dtype) ? BigInt(lo) : Number(lo);
      const bhi = isBig(c.dtype) ? BigInt(hi) : Number(hi);
      assertExact(
        rp.clip(a, blo, bhi),
        decode(expectedOf(c, "clip")),
        L("clip"),
      );
      const cs = decode(expectedOf(c, "cumsum"));
      assertExact(rp.cumsum(a), cs, L("cumsum"));
      const inplace = atOffset(a, 1);
      rp.cumsum(inplace, inplace);
      assertExact(inplace, cs, L("cumsum in place"));
      if (isFloat(c.dtype)) {
        const f32 = c.dtype === "float32";
        for (const f of ["sqrt", "exp", "log", "sin", "cos", "tanh"] as const) {
          assertClose(
            (rp as Any)[f](a),
            decode(expectedOf(c, f)) as Float64Array,
            f32 ? 4e-7 : 1e-14,
            L(f),
            f32 ? 1e-30 : 1e-300,
          );
        }
      }
    }
  }
}

function sorting(cases: Case[]): void {
  for (const c of cases) {
    for (const [view, a] of views(c)) {
      const L = (op: string) => label(c, view, op);
      const expect = decode(expectedOf(c, "sort"));
      const s = atOffset(a, 1);
      assert.equal(rp.sort(s), s, L("sort returns its input"));
      // -0 and 0 are equal to NumPy's sort, which may order them either way.
      assertExact(
        Array.from(s as ArrayLike<number>, (v) => (v === 0 ? 0 : v)),
        Array.from(expect as ArrayLike<number>, (v) => (v === 0 ? 0 : v)),
        L("sort"),
      );
      assertExact(
        rp.argsort(a, { stable: true }),
        decode(expectedOf(c, "argsort")),
        L("argsort"),
      );
    }
  }
}

test("large inputs (threaded kernels) match NumPy exactly where NumPy is exact", () => {
  for (const c of large) {
    const f32 = c.dtype === "float32";
    const a = formula(c.n, "a", f32), b = formula(c.n, "b", f32);
    const e = (k: string) => scalar(c.results[k]!) as number;
    const L = (op: string) => `${op} ${c.dtype}[${c.n}]`;
    assert.equal(rp.sum(a), e("sum"), L("sum"));
    assert.equal(rp.mean(a), e("mean"), L("mean"));
    for (const op of ["min", "max", "argmin", "argmax"] as const) {
      assert.equal(rp[op](a), e(op), L(op));
    }
    const d64 = rp.dot(Float64Array.from(a), Float64Array.from(b));
    assertClose([d64], [e("dot")], 1e-12, L("dot"));
    const cs = rp.cumsum(a);
    assert.equal(cs[c.n - 1], e("cumsum_last"), L("cumsum last"));
    assert.equal(cs[c.n >> 1], e("cumsum_mid"), L("cumsum middle"));
    const idx = rp.argsort(a);
    assertExact(
      idx.subarray(0, 64),
      decode(c.results["argsort_head"]!),
      L("argsort"),
    );
    rp.sort(a);
    assert.equal(rp.sum(a.subarray(0, 1000)), e("sort_sum_head"), L("sort"));
    for (let i = 1; i < a.length; i++) {
      if (!(a[i - 1]! <= a[i]!)) assert.fail(`${L("sort")}: unsorted at ${i}`);
    }
  }
});
