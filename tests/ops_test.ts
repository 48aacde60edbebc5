/**
 * Edge cases of the flat API: empty and tiny inputs, special values,
 * integer overflow rules, typed errors for bad input, detached buffers,
 * aliasing, threading determinism and GC pressure.
 */
import assert from "node:assert/strict";
import * as rp from "../mod.ts";
import type { NumericArray } from "../mod.ts";
import { gc, test } from "./_shim.ts";
import { ctorOf, formula } from "./_fixtures.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const NUMBER_DTYPES = [
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "float32",
  "float64",
];

test("sum() of an empty array is 0, and mean() of one is NaN, for every dtype", () => {
  for (const dt of NUMBER_DTYPES) {
    const a = new (ctorOf(dt))(0);
    assert.equal(rp.sum(a), 0, dt);
    assert.ok(Number.isNaN(rp.mean(a)), dt);
    assert.equal(rp.cumsum(a).length, 0);
    assert.equal(rp.argsort(a).length, 0);
    assert.equal(rp.add(a as Any, a as Any).length, 0);
  }
  assert.equal(rp.sum(new BigInt64Array(0)), 0n);
  assert.equal(rp.sum(new BigUint64Array(0)), 0n);
});

test("length-1 arrays reduce to their element", () => {
  for (const dt of NUMBER_DTYPES) {
    const a = new (ctorOf(dt))(1) as Any;
    a[0] = 7;
    for (const op of ["sum", "mean", "min", "max"] as const) {
      assert.equal(rp[op](a), 7, `${op} ${dt}`);
    }
    assert.equal(rp.argmin(a), 0);
    assert.equal(rp.argmax(a), 0);
    assert.equal(rp.norm(a), 7);
  }
});

test("empty min/max/argmin/argmax throw RangeError with NumPy's message", () => {
  const e = new Float64Array(0);
  assert.throws(
    () => rp.max(e),
    (err: Error) =>
      err instanceof RangeError &&
      /zero-size array to reduction operation maximum which has no identity/
        .test(err.message),
  );
  assert.throws(() => rp.min(e), RangeError);
  assert.throws(() => rp.argmin(e), /empty sequence/);
  assert.throws(() => rp.argmax(new Int8Array(0)), RangeError);
});

test("NaN propagates through min/max at any size; argmin/argmax find the first NaN", () => {
  for (const n of [3, 17, 64, 1000, 300_000]) {
    const a = Float64Array.from({ length: n }, (_, i) => i);
    a[n - 2] = NaN;
    a[n - 1] = NaN;
    assert.ok(Number.isNaN(rp.max(a)), `max n=${n}`);
    assert.ok(Number.isNaN(rp.min(a)), `min n=${n}`);
    assert.equal(rp.argmax(a), n - 2);
    assert.equal(rp.argmin(a), n - 2);
    assert.ok(Number.isNaN(rp.sum(a)));
  }
});

test("Inf and -0.0 follow IEEE and NumPy", () => {
  assert.ok(
    Object.is(rp.sum(new Float64Array([-0])), 0),
    "sum([-0]) is +0 as NumPy",
  );
  assert.ok(Number.isNaN(rp.sum(new Float64Array([Infinity, -Infinity]))));
  assert.equal(rp.max(new Float64Array([-Infinity, -1e308])), -1e308);
  assert.ok(Object.is(rp.negative(new Float64Array([0]))[0], -0));
  const big = new Float64Array(100).fill(-0);
  assert.ok(Object.is(rp.min(big), -0));
  assert.deepEqual(
    Array.from(rp.sort(new Float64Array([NaN, 1, -Infinity, Infinity, -0]))),
    [-Infinity, -0, 1, Infinity, NaN],
  );
  assert.deepEqual(
    Array.from(
      rp.divide(new Int32Array([1, -1, 0]), new Int32Array([0, 0, 0])),
    ),
    [Infinity, -Infinity, NaN],
  );
});

test("integer elementwise arithmetic wraps modulo 2^bits (NumPy and TypedArray semantics)", () => {
  for (const n of [4, 100]) {
    const a = new Int8Array(n).fill(127);
    assert.ok(rp.add(a, 1).every((v) => v === -128), `int8 add n=${n}`);
    const u = new Uint32Array(n).fill(0xffff_ffff);
    assert.ok(rp.multiply(u, u).every((v) => v === 1), `uint32 mul n=${n}`);
    const i = new Int32Array(n).fill(-2147483648);
    assert.ok(
      rp.abs(i).every((v) => v === -2147483648),
      `abs(int32 min) n=${n}`,
    );
    assert.ok(rp.negative(new Uint8Array(n).fill(1)).every((v) => v === 255));
    const b = new BigInt64Array(n).fill(2n ** 63n - 1n);
    assert.ok(
      rp.add(b, 1n).every((v) => v === -(2n ** 63n)),
      `int64 add n=${n}`,
    );
    assert.ok(rp.cumsum(new Uint8Array(n).fill(200))[1] === 144);
  }
});

test("sum()/dot() of 8..32-bit integers are exact or throw RangeError beyond 2^53", () => {
  const ok = new Int32Array(1 << 21).fill(2147483647);
  assert.equal(rp.sum(ok), 2147483647 * 2 ** 21);
  const over = new Int32Array((1 << 22) + 2).fill(2147483647);
  assert.throws(
    () => rp.sum(over),
    (e: Error) => e instanceof RangeError && /MAX_SAFE_INTEGER/.test(e.message),
  );
  const x = new Uint32Array([0xffff_ffff, 0xffff_ffff, 0xffff_ffff]);
  assert.throws(() => rp.dot(x, x), RangeError);
  const big = new BigInt64Array([2n ** 62n, 2n ** 62n]);
  assert.equal(rp.sum(big), -(2n ** 63n), "int64 sums wrap as NumPy's");
  assert.equal(rp.sum(new BigUint64Array(40).fill(2n ** 63n)), 0n);
});

test("wrong argument types throw TypeError naming the problem", () => {
  const f = new Float64Array(4);
  // A JS array is array-like, as a list is in NumPy: it takes the NDArray path.
  assert.equal(rp.sum([1, 2, 3] as Any), 6n);
  assert.throws(
    () => rp.sum({ length: 2 } as Any),
    /must be a Float64Array.*got Object/,
  );
  assert.throws(() => rp.sum("abc" as Any), TypeError);
  assert.throws(
    () => rp.sum(new DataView(new ArrayBuffer(8)) as Any),
    /got DataView/,
  );
  assert.throws(
    () => rp.sum(new Uint8ClampedArray(4) as Any),
    /Uint8ClampedArray/,
  );
  assert.throws(
    () => rp.sqrt(new Int32Array(4) as Any),
    /sqrt\(\): defined for Float64Array/,
  );
  assert.throws(
    () => rp.dot(f, new Float32Array(4) as Any),
    (e: Error) => e instanceof TypeError && /got Float32Array/.test(e.message),
  );
  assert.throws(() => rp.add(f, new Int32Array(4) as Any), TypeError);
  assert.throws(
    () => rp.add(f, f, new Float32Array(4) as Any),
    /argument 'out'/,
  );
  assert.throws(() => rp.add(f, 1n as Any), /takes a number scalar/);
  // two JS scalars are NumPy's two Python scalars: a scalar result
  assert.equal(rp.add(1, 2), 3n);
  assert.equal(rp.divide(2.5, 3), 2.5 / 3);
  assert.throws(() => rp.add(new Int32Array(2), 2.5), /not an integer/);
  assert.throws(() => rp.fill(new Int16Array(2), "x" as Any), TypeError);
});

test("mismatched lengths throw RangeError with NumPy's broadcast message", () => {
  const a = new Float64Array(3), b = new Float64Array(4);
  assert.throws(
    () => rp.add(a, b),
    (e: Error) =>
      e instanceof RangeError &&
      /operands could not be broadcast together with shapes \(3,\) \(4,\)/.test(
        e.message,
      ),
  );
  assert.throws(() => rp.dot(a, b), RangeError);
  assert.throws(() => rp.cumsum(a, b), RangeError);
  assert.throws(
    () => rp.divide(new Int8Array(3), new Int8Array(3), new Float64Array(2)),
    RangeError,
  );
});

test("integer scalars outside the dtype's range throw RangeError; clip bounds clamp", () => {
  assert.throws(
    () => rp.add(new Int8Array(2), 300),
    /300 is out of bounds for int8/,
  );
  assert.throws(() => rp.subtract(new Uint8Array(2), -1), RangeError);
  assert.throws(
    () => rp.add(new BigUint64Array(2), -1n),
    /out of bounds for uint64/,
  );
  assert.throws(
    () => rp.add(new BigInt64Array(2), 2 ** 60),
    /not a safe integer/,
  );
  assert.deepEqual(Array.from(rp.add(new BigInt64Array(2), 5)), [5n, 5n]);
  assert.deepEqual(Array.from(rp.divide(new Int32Array([5, 10]), 2.5)), [2, 4]);
  const c = rp.clip(new Int8Array([-100, 0, 100]), -1000, 1000);
  assert.deepEqual(Array.from(c), [-100, 0, 100]);
});

test("clip() follows NumPy: NaN bounds give NaN, lo > hi gives hi, NaN stays", () => {
  for (const n of [3, 100]) {
    const a = Float64Array.from({ length: n }, (_, i) => i - 1);
    a[0] = NaN;
    assert.ok(rp.clip(a, NaN, 1).every(Number.isNaN));
    const r = rp.clip(a, 5, 1);
    assert.ok(Number.isNaN(r[0]!));
    assert.ok(r.subarray(1).every((v) => v === 1));
    const s = rp.clip(a, 0, 2);
    assert.equal(s[1], 0);
    assert.equal(s[n - 1], Math.min(n - 2, 2));
  }
});

test("a detached buffer gives a clear TypeError, never a silent empty result", () => {
  for (const op of ["sum", "mean", "sort", "cumsum", "argsort"] as const) {
    const buf = new ArrayBuffer(64);
    const a = new Float64Array(buf);
    buf.transfer();
    assert.throws(
      () => (rp as Any)[op](a),
      (e: Error) =>
        e instanceof TypeError && /detached ArrayBuffer/.test(e.message),
      op,
    );
  }
  const live = new Float64Array(8);
  const dead = new Float64Array(new ArrayBuffer(64));
  structuredClone(dead.buffer, { transfer: [dead.buffer] });
  assert.throws(
    () => rp.add(live, dead),
    /argument 'b' is a view of a detached/,
  );
  assert.throws(
    () => rp.add(live, live, dead),
    /argument 'out' is a view of a detached/,
  );
});

test("out may alias an input exactly or partially (NumPy's copy semantics), at every path", () => {
  for (const n of [5, 40, 5000]) {
    const base = Float64Array.from({ length: n + 1 }, (_, i) => i);
    const expect = Float64Array.from({ length: n }, (_, i) => i + 10);
    // out = a shifted one element right
    const buf = base.slice();
    rp.add(buf.subarray(0, n), 10, buf.subarray(1));
    assert.deepEqual(
      Array.from(buf.subarray(1)),
      Array.from(expect),
      `add shift n=${n}`,
    );
    const buf2 = base.slice();
    rp.add(buf2.subarray(1), buf2.subarray(1), buf2.subarray(0, n));
    assert.equal(buf2[0], 2);
    assert.equal(buf2[n - 1], 2 * n);
    const buf3 = base.slice();
    rp.cumsum(buf3.subarray(0, n), buf3.subarray(1));
    assert.equal(buf3[1], 0);
    assert.equal(buf3[n], ((n - 1) * n) / 2, `cumsum shift n=${n}`);
    const buf4 = base.slice();
    rp.negative(buf4.subarray(1), buf4.subarray(0, n));
    assert.equal(buf4[n - 1], -n);
    // inputs on both sides of out: a starts before it, b after it
    const buf5 = Float64Array.from({ length: n + 2 }, (_, i) => i * i);
    const a5 = buf5.slice(0, n), b5 = buf5.slice(2);
    rp.multiply(buf5.subarray(0, n), buf5.subarray(2), buf5.subarray(1, n + 1));
    for (let i = 0; i < n; i++) {
      assert.equal(buf5[i + 1], a5[i]! * b5[i]!, `mixed n=${n} i=${i}`);
    }
    // unary and clip with out shifted right of the input
    const buf6 = base.slice();
    rp.clip(buf6.subarray(0, n), 1, 3, buf6.subarray(1));
    assert.deepEqual(Array.from(buf6.subarray(1, 5)), [1, 1, 2, 3]);
    const buf7 = base.slice();
    rp.sqrt(buf7.subarray(0, n), buf7.subarray(1));
    assert.equal(buf7[n], Math.sqrt(n - 1));
  }
});

test("results do not depend on the thread count (sum is bit-identical)", () => {
  const a = formula(1_500_001, "a", false);
  const b = formula(1_500_001, "b", false);
  const threads = rp.info().threads;
  try {
    rp.setNumThreads(1);
    const s1 = rp.sum(a), d1 = rp.dot(a, b), m1 = rp.argmax(a);
    const x1 = rp.multiply(a, b);
    rp.setNumThreads(4);
    assert.equal(rp.sum(a), s1);
    assert.equal(rp.dot(a, b), d1);
    assert.equal(rp.argmax(a), m1);
    assert.deepEqual(rp.multiply(a, b), x1);
  } finally {
    rp.setNumThreads(threads);
  }
  assert.throws(() => rp.setNumThreads(-1), RangeError);
});

test("info() reports the backend, SIMD level and threads", () => {
  const i = rp.info();
  assert.equal(i.backend, rp.backend.name);
  assert.ok(
    (rp.backend.name === "wasm"
      ? ["simd128", "relaxed-simd"]
      : ["baseline", "avx2", "avx512"]).includes(i.simd),
    i.simd,
  );
  if (rp.backend.name === "wasm") {
    assert.equal(i.simd, rp.backend.simd);
    assert.equal(i.threads, rp.backend.threads);
  }
  assert.ok(i.threads >= 1);
  assert.ok(i.path.length > 0);
});

test("thousands of calls under GC pressure never crash or corrupt", () => {
  let total = 0;
  for (let round = 0; round < 3000; round++) {
    const n = 64 + (round % 200);
    const a = Float64Array.from({ length: n }, (_, i) => (i % 7) - 3);
    const b = rp.add(a, 1);
    rp.sort(b);
    total += rp.sum(b) - rp.sum(a);
    if (round % 500 === 0) gc();
  }
  let expect = 0;
  for (let round = 0; round < 3000; round++) expect += 64 + (round % 200);
  assert.equal(total, expect);
});

test("sort and argsort handle every dtype including 64-bit integers", () => {
  for (const n of [10, 1000]) {
    const raw = Array.from({ length: n }, (_, i) => ((i * 7919) % 1009) - 500);
    for (const dt of NUMBER_DTYPES) {
      const C = ctorOf(dt) as Any;
      const a = C.from(raw) as NumericArray;
      const expect = (a.slice() as Any).sort();
      assert.deepEqual(
        Array.from(rp.sort(a.slice() as NumericArray) as Any),
        Array.from(expect),
        dt,
      );
      const idx = rp.argsort(a);
      for (let k = 1; k < n; k++) {
        const u = a[idx[k - 1]!]!, v = a[idx[k]!]!;
        assert.ok(
          u < v || (u === v && idx[k - 1]! < idx[k]!),
          `${dt} stable at ${k}`,
        );
      }
    }
    const big = BigInt64Array.from(raw, (v) => BigInt(v) * 2n ** 40n);
    const sorted = rp.sort(big.slice());
    for (let k = 1; k < n; k++) assert.ok(sorted[k - 1]! <= sorted[k]!);
  }
});
