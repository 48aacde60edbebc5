/**
 * Statistics against NumPy (`scripts/gen_fixtures_stats.py`): median,
 * quantile/percentile with every method, their nan-variants, diff,
 * bincount, histogram, interp, cov, corrcoef, convolve. Values, dtypes and
 * shapes; floats within 1e-12 (float64) / 2e-6 (float32) relative; the
 * quantile interpolation itself is NumPy's formula, so most match exactly.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import type { NDArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { checkNd, decodeNd, type EncodedNd } from "./_fixtures.ts";

// deno-lint-ignore no-explicit-any
type Case = any;
const fx = JSON.parse(
  await readFile(new URL("./fixtures/stats.json", import.meta.url), "utf8"),
) as { numpy: string; cases: Case[] };

const isEnc = (x: unknown): x is { nd: EncodedNd } =>
  typeof x === "object" && x !== null && "nd" in x;
function arg(x: unknown): unknown {
  if (isEnc(x)) return decodeNd(x.nd);
  if (Array.isArray(x)) return x;
  if (typeof x === "object" && x !== null) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, arg(v)]));
  }
  return x;
}

function check(got: unknown, e: EncodedNd, what: string): void {
  checkNd(got, decodeNd(e), what, 1e-12);
}

// deno-lint-ignore no-explicit-any
const api = rp as any;

test(`statistics match NumPy ${fx.numpy}`, () => {
  for (const c of fx.cases) {
    const what = `${c.call}(${
      c.args.map((
        a: unknown,
      ) => (isEnc(a) ? `${a.nd.dtype}${a.nd.shape}` : JSON.stringify(a)))
    }, ${JSON.stringify(c.options, (_k, v) => (isEnc(v) ? "<array>" : v))})`;
    const got = api[c.call](...c.args.map(arg), arg(c.options));
    if (isEnc(c.result)) check(got, c.result.nd, what);
    else {
      for (
        const [k, e] of Object.entries(
          c.result as Record<string, { nd: EncodedNd }>,
        )
      ) {
        check(got[k], e.nd, `${what}.${k}`);
      }
    }
  }
  assert.ok(fx.cases.length > 600);
});

test("statistics errors name the problem", () => {
  const a = rp.arange(6).reshape(2, 3);
  assert.throws(() => rp.quantile(a, 1.5), /range \[0, 1\]/);
  assert.throws(() => rp.percentile(a, -1), /range \[0, 100\]/);
  assert.throws(
    () => rp.quantile(a, 0.5, { method: "weird" as "linear" }),
    /method/,
  );
  // an empty axis is NaN in NumPy (with a warning), not an error
  assert.ok(Number.isNaN(rp.median(rp.zeros([0]))));
  assert.throws(() => rp.bincount([1, -1]), /negative/);
  assert.throws(() => rp.bincount(rp.array([1.5])), /Cannot cast/);
  assert.throws(() => rp.histogram([1, 2], { bins: 0 }), /positive/);
  assert.throws(() => rp.histogram([1, 2], { bins: [2, 1] }), /monotonically/);
  assert.throws(() => rp.interp([1], [1, 2], [1]), /same length/);
  assert.throws(() => rp.convolve([], [1]), /empty/);
  assert.throws(() => rp.diff(rp.array(3)), /at least one dimensional/);
  assert.throws(() => rp.diff(a, { n: -1 }), /non-negative/);
  const r = rp.median(a, { axis: 0 }) as NDArray;
  assert.deepEqual(r.tolist(), [1.5, 2.5, 3.5]);
});

test("statistics *Async variants equal the synchronous functions", async () => {
  const a = rp.defaultRng(4).random([30, 7]) as NDArray;
  a.set([3, 2], NaN);
  const same = (x: unknown, y: unknown, what: string) =>
    assert.deepEqual(
      x instanceof rp.NDArray ? [x.shape, x.tolist()] : x,
      y instanceof rp.NDArray ? [y.shape, y.tolist()] : y,
      what,
    );
  for (const axis of [undefined, null, 0, 1, -1]) {
    for (const keepdims of [false, true]) {
      const o = { axis, keepdims };
      same(await rp.medianAsync(a, o), rp.median(a, o), `median ${axis}`);
      for (const q of [0.25, [0.1, 0.5, 0.9], [0.5]]) {
        const m = { ...o, method: "midpoint" as const };
        same(await rp.quantileAsync(a, q, m), rp.quantile(a, q, m), "quantile");
        const p = typeof q === "number" ? q * 100 : q.map((v) => v * 100);
        same(await rp.percentileAsync(a, p, o), rp.percentile(a, p, o), "pct");
      }
    }
  }
  const b = rp.defaultRng(5).random([4, 50]) as NDArray;
  same(await rp.covAsync(b), rp.cov(b), "cov");
  same(
    await rp.covAsync(b, { rowvar: false, ddof: 0 }),
    rp.cov(b, { rowvar: false, ddof: 0 }),
    "cov cols",
  );
  same(
    await rp.covAsync(b.slice(0)),
    rp.cov(b.slice(0)),
    "cov 1-d",
  );
  same(await rp.corrcoefAsync(b), rp.corrcoef(b), "corrcoef");
  await assert.rejects(rp.medianAsync(a, { axis: 5 }), rp.AxisError);
  // nan-quantiles read sorted lanes in JS: inside a job that is refused,
  // never a silent read of values that do not exist yet
  await assert.rejects(
    rp.defaultEngine().submit(() => rp.nanmedian(a, { axis: 0 }) as NDArray),
    /has no values yet/,
  );
});
