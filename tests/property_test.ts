/**
 * Property tests (fast-check): random arrays of random lengths, with NaN,
 * ±Inf and -0 mixed in, crossing the JS/native switch-over sizes. Each
 * property compares against an independent reference written here.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";

const RUNS = { numRuns: 300, seed: 20261121 };

const doubles = fc.array(
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }),
    },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, 0) },
  ),
  { maxLength: 700 },
).map((xs) => Float64Array.from(xs));

const int32s = fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), {
  maxLength: 700,
}).map((xs) => Int32Array.from(xs));

/** NumPy's pairwise sum, written recursively as NumPy's C source reads. */
function refSum(a: Float64Array, lo = 0, n = a.length): number {
  if (n < 8) {
    let s = 0;
    for (let i = lo; i < lo + n; i++) s += a[i]!;
    return s;
  }
  if (n <= 128) {
    const r = Array.from(a.subarray(lo, lo + 8));
    let i = 8;
    for (; i + 8 <= n; i += 8) {
      for (let j = 0; j < 8; j++) r[j]! += a[lo + i + j]!;
    }
    let s = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) +
      ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) s += a[lo + i]!;
    return s;
  }
  const n2 = Math.floor(n / 2) - (Math.floor(n / 2) % 8);
  return refSum(a, lo, n2) + refSum(a, lo + n2, n - n2);
}

test("sum() equals NumPy's pairwise order bit for bit at every length", () => {
  fc.assert(
    fc.property(
      doubles,
      (a) =>
        Object.is(rp.sum(a), 0 + refSum(a)) ||
        (Number.isNaN(rp.sum(a)) && Number.isNaN(refSum(a))),
    ),
    RUNS,
  );
});

test("sort() equals Float64Array.prototype.sort (NaN last, -0 before 0)", () => {
  fc.assert(
    fc.property(doubles, (a) => {
      const expect = a.slice().sort();
      const got = rp.sort(a.slice());
      return got.every((v, i) => Object.is(v, expect[i]));
    }),
    RUNS,
  );
});

test("argsort() is a stable permutation ordering values ascending, NaN last", () => {
  fc.assert(
    fc.property(doubles, (a) => {
      const idx = rp.argsort(a);
      const seen = new Uint8Array(a.length);
      for (const i of idx) seen[i] = 1;
      if (!seen.every((s) => s === 1)) return false;
      for (let k = 1; k < idx.length; k++) {
        const i = idx[k - 1]!, j = idx[k]!;
        const u = a[i]!, v = a[j]!;
        if (Number.isNaN(u)) {
          if (!Number.isNaN(v) || i > j) return false;
        } else if (!Number.isNaN(v)) {
          if (u > v || (u === v && i > j)) return false;
        }
      }
      return true;
    }),
    RUNS,
  );
});

test("int32 add/subtract/multiply equal the wrapping JS loop; dot is exact", () => {
  fc.assert(
    fc.property(int32s, int32s, (x, y) => {
      const n = Math.min(x.length, y.length);
      const a = x.subarray(0, n), b = y.subarray(0, n);
      const s = rp.add(a, b), d = rp.subtract(a, b), m = rp.multiply(a, b);
      let exact = 0n;
      for (let i = 0; i < n; i++) {
        if (s[i] !== ((a[i]! + b[i]!) | 0)) return false;
        if (d[i] !== ((a[i]! - b[i]!) | 0)) return false;
        if (m[i] !== Math.imul(a[i]!, b[i]!)) return false;
        exact += BigInt(a[i]!) * BigInt(b[i]!);
      }
      const limit = BigInt(Number.MAX_SAFE_INTEGER);
      if (exact > limit || exact < -limit) {
        assert.throws(() => rp.dot(a, b), RangeError);
        return true;
      }
      return rp.dot(a, b) === Number(exact);
    }),
    RUNS,
  );
});

test("cumsum() is the left-to-right running sum; its last element", () => {
  fc.assert(
    fc.property(doubles, (a) => {
      const c = rp.cumsum(a);
      let acc = 0;
      for (let i = 0; i < a.length; i++) {
        acc += a[i]!;
        if (
          !Object.is(c[i], acc) && !(Number.isNaN(c[i]!) && Number.isNaN(acc))
        ) {
          return false;
        }
      }
      return true;
    }),
    RUNS,
  );
});

test("min/max/argmin/argmax agree with a plain scan (NaN wins)", () => {
  fc.assert(
    fc.property(doubles.filter((a) => a.length > 0), (a) => {
      let mx = a[0]!, mi = a[0]!, imx = 0, imi = 0, nan = -1;
      for (let i = 0; i < a.length; i++) {
        const v = a[i]!;
        if (Number.isNaN(v)) {
          if (nan < 0) nan = i;
          continue;
        }
        if (v > mx || Number.isNaN(mx)) [mx, imx] = [v, i];
        if (v < mi || Number.isNaN(mi)) [mi, imi] = [v, i];
      }
      if (nan >= 0) {
        return Number.isNaN(rp.max(a)) && rp.argmax(a) === nan &&
          rp.argmin(a) === nan;
      }
      return rp.max(a) === mx && rp.min(a) === mi && rp.argmax(a) === imx &&
        rp.argmin(a) === imi;
    }),
    RUNS,
  );
});
