/**
 * Sorting along axes against NumPy (`scripts/gen_fixtures_sort.py`):
 * sort and stable argsort (exact), partition / argpartition (the kth
 * element is NumPy's, nothing larger before it, nothing smaller after, the
 * rest a permutation), searchsorted (exact), top-k (values and indices).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import type { NDArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { decodeNd, type EncodedNd } from "./_fixtures.ts";

interface Input {
  nd: EncodedNd;
  view: "c" | "T" | "rev" | "step";
}
// deno-lint-ignore no-explicit-any
type Case = any;
const fx = JSON.parse(
  await readFile(new URL("./fixtures/sort.json", import.meta.url), "utf8"),
) as { numpy: string; cases: Case[] };

function build(x: Input): NDArray {
  const a = decodeNd(x.nd);
  if (x.view === "T") return a.T;
  if (x.view === "rev") return a.slice("::-1");
  if (x.view === "step") return a.slice("...", "::2");
  return a;
}

/** Values equal, NaN equal to NaN, -0 equal to 0 (NumPy sorts them as equal). */
function same(a: NDArray, b: NDArray, what: string): void {
  assert.equal(a.dtype, b.dtype, `${what}: dtype`);
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const x = a.ravel().tolist() as Array<number | bigint>;
  const y = b.ravel().tolist() as Array<number | bigint>;
  x.forEach((v, i) => {
    const w = y[i]!;
    const ok = v === w ||
      (typeof v === "number" && Number.isNaN(v) && Number.isNaN(w as number));
    if (!ok) assert.fail(`${what}: element ${i} is ${v}, NumPy gives ${w}`);
  });
}

const key = (
  v: number | bigint,
) => (typeof v === "number" && Number.isNaN(v) ? Infinity : v);
const le = (a: number | bigint, b: number | bigint) =>
  (typeof a === "number" && Number.isNaN(a))
    ? (typeof b === "number" && Number.isNaN(b))
    : key(a) <= key(b);

test(`sort, argsort, partition, searchsorted, topk match NumPy ${fx.numpy}`, () => {
  let n = 0;
  for (const c of fx.cases) {
    const what = `${c.call}(${
      c.in ? c.in.nd.shape + c.in.view : ""
    }, axis=${c.axis}, kth=${c.kth})`;
    if (c.call === "sort") {
      same(rp.sort(build(c.in), { axis: c.axis }), decodeNd(c.result), what);
    } else if (c.call === "argsort") {
      same(rp.argsort(build(c.in), { axis: c.axis }), decodeNd(c.result), what);
    } else if (c.call === "partition") {
      const x = build(c.in);
      const sorted = decodeNd(c.sorted);
      const axis = c.axis === null ? 0 : c.axis < 0 ? c.axis + x.ndim : c.axis;
      const xs = c.axis === null ? x.ravel() : x;
      const p = rp.partition(x, c.kth, { axis: c.axis });
      const ip = rp.argpartition(x, c.kth, { axis: c.axis });
      const len = xs.shape[axis]!;
      const k = c.kth < 0 ? c.kth + len : c.kth;
      // per lane: p[k] is the sorted kth; before <=, after >=; a permutation
      const lanes = (m: NDArray) => {
        const perm = [...Array(m.ndim).keys()].filter((i) => i !== axis).concat(
          axis,
        );
        return m.transpose(perm).copy().reshape(-1, len).tolist() as Array<
          Array<number | bigint>
        >;
      };
      const S = lanes(sorted);
      // partition, and the values argpartition picks (both valid, maybe
      // arranged differently apart from the kth)
      const P = [...lanes(p), ...lanes(rp.takeAlongAxis(xs, ip, axis))];
      P.forEach((lane, jj) => {
        const j = jj % S.length;
        const kv = lane[k]!;
        const sv = S[j]![k]!;
        assert.ok(
          kv === sv ||
            (Number.isNaN(kv as number) && Number.isNaN(sv as number)),
          `${what}: kth`,
        );
        lane.slice(0, k).forEach((v) =>
          assert.ok(le(v, kv), `${what}: ${v} before ${kv}`)
        );
        lane.slice(k + 1).forEach((v) =>
          assert.ok(le(kv, v), `${what}: ${v} after ${kv}`)
        );
        const srt = (xs: Array<number | bigint>) =>
          xs.map(String).sort().join();
        assert.equal(srt(lane), srt(S[j]!), `${what}: permutation`);
      });
    } else if (c.call === "searchsorted") {
      const v = decodeNd(c.v);
      const r = rp.searchsorted(decodeNd(c.a), v.ndim === 0 ? v.item() : v, {
        side: c.side,
      });
      if (v.ndim === 0) {
        assert.equal(r, Number(decodeNd(c.result).item()), what);
      } else same(r as NDArray, decodeNd(c.result), what);
    } else if (c.call === "lexsort") {
      same(rp.lexsort(c.keys.map(decodeNd)), decodeNd(c.result), what);
    } else if (c.call === "digitize") {
      same(
        rp.digitize(decodeNd(c.x), decodeNd(c.bins), {
          right: c.right,
        }) as NDArray,
        decodeNd(c.result),
        `${what} digitize right=${c.right}`,
      );
    } else if (c.call === "topk") {
      const t = rp.topk(build(c.in), c.k, { axis: c.axis, largest: c.largest });
      same(
        t.indices,
        decodeNd(c.indices),
        `${what} k=${c.k} largest=${c.largest}: indices`,
      );
      same(t.values, decodeNd(c.values), `${what}: values`);
    }
    n++;
  }
  assert.ok(n > 600);
});

test("sorting errors name the problem; async and in-job sorting work", async () => {
  const a = rp.arange(12).reshape(3, 4);
  assert.throws(() => rp.sort(a, { axis: 2 }), rp.AxisError);
  assert.throws(() => rp.partition(a, 4), /kth\(=4\) out of bounds/);
  assert.throws(() => rp.topk(a, 5), /k must be an integer in 0..4/);
  assert.throws(() => rp.searchsorted(a, 1), /1-d/);
  assert.throws(
    () => rp.searchsorted([1, 2], 1, { side: "up" as "left" }),
    /side/,
  );
  assert.deepEqual(
    (await rp.sortAsync(rp.negative(a), { axis: 0 })).tolist(),
    rp.sort(rp.negative(a), { axis: 0 }).tolist(),
  );
  const job = await rp.defaultEngine().submit(() => {
    const t = rp.topk(rp.multiply(a, -1), 2);
    return [
      t.indices,
      rp.searchsorted(rp.arange(10), rp.array([3, 7])) as NDArray,
    ] as const;
  });
  assert.deepEqual(job[0].tolist(), [[0n, 1n], [0n, 1n], [0n, 1n]]);
  assert.deepEqual(job[1].tolist(), [3n, 7n]);
  // bool sorts as NumPy (False < True)
  assert.deepEqual(rp.sort(rp.array([true, false, true])).tolist(), [
    false,
    true,
    true,
  ]);
});
