/**
 * Property tests (fast-check) for the NDArray layer: broadcasting, views
 * (slices with any step, transposes), reshape and slice assignment, each
 * checked element by element against index arithmetic written here.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import * as rp from "../mod.ts";
import type { NDArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { storageOf } from "../src/core/ndarray.ts";

const RUNS = { numRuns: 200, seed: 20261121 };

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), {
  minLength: 0,
  maxLength: 4,
});

/** Every multi-index of `shape` in C order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  if (shape.includes(0)) return;
  const idx = shape.map(() => 0);
  while (true) {
    yield idx.slice();
    let d = shape.length - 1;
    for (; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

const numbered = (shape: number[], start = 0): NDArray =>
  rp.add(rp.arange(shape.reduce((a, b) => a * b, 1)), start).reshape(shape);

/** Two shapes that broadcast to `out`: leading axes dropped, some set to 1. */
const broadcastPair = shapeArb.chain((out) =>
  fc.tuple(
    fc.constant(out),
    fc.integer({ min: 0, max: out.length }),
    fc.integer({ min: 0, max: out.length }),
    fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
  )
).map(([out, da, db, oa, ob]) => ({
  out,
  a: out.slice(da).map((d, i) => (oa[i + da] ? 1 : d)),
  b: out.slice(db).map((d, i) => (ob[i + db] ? 1 : d)),
}));

test("broadcasting: shape and every element follow NumPy's rules", () => {
  fc.assert(
    fc.property(broadcastPair, ({ a, b }) => {
      const x = numbered(a), y = numbered(b, 1000);
      const r = rp.add(x, y);
      const nd = Math.max(a.length, b.length);
      const exp = [...Array(nd).keys()].map((i) => {
        const da = a[i - (nd - a.length)] ?? 1;
        const db = b[i - (nd - b.length)] ?? 1;
        return da === 1 ? db : da;
      });
      assert.deepEqual(r.shape, exp);
      for (const idx of indices(exp)) {
        const ia = idx.slice(nd - a.length).map((k, i) => (a[i] === 1 ? 0 : k));
        const ib = idx.slice(nd - b.length).map((k, i) => (b[i] === 1 ? 0 : k));
        assert.equal(
          r.get(...idx),
          (x.get(...ia) as bigint) + (y.get(...ib) as bigint),
        );
      }
    }),
    RUNS,
  );
});

test("broadcasting: incompatible shapes throw NumPy's message", () => {
  fc.assert(
    fc.property(
      shapeArb.filter((s) => s.length > 0),
      fc.nat(),
      (s, k) => {
        const i = k % s.length;
        const t = s.slice();
        t[i] = s[i]! + 2; // neither equal nor 1
        if (s[i] === 1) return; // 1 broadcasts against anything
        assert.throws(
          () => rp.add(rp.zeros(s), rp.zeros(t)),
          /operands could not be broadcast together with shapes/,
        );
      },
    ),
    RUNS,
  );
});

/** A random slice (start, stop, step) string per axis of `shape`. */
const sliced = shapeArb.chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    fc.tuple(
      ...shape.map((d) =>
        fc.tuple(
          fc.option(fc.integer({ min: -d - 2, max: d + 2 })),
          fc.option(fc.integer({ min: -d - 2, max: d + 2 })),
          fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0),
        )
      ),
    ),
  )
);

/** Python's slice.indices, written independently of src/core/_shape.ts. */
function pyIndices(
  d: number,
  start: number | null,
  stop: number | null,
  step: number,
): number[] {
  const clamp = (v: number, lo: number, hi: number) =>
    Math.min(Math.max(v, lo), hi);
  let s: number, e: number;
  if (step > 0) {
    s = start === null ? 0 : clamp(start < 0 ? start + d : start, 0, d);
    e = stop === null ? d : clamp(stop < 0 ? stop + d : stop, 0, d);
  } else {
    s = start === null
      ? d - 1
      : clamp(start < 0 ? start + d : start, -1, d - 1);
    e = stop === null ? -1 : clamp(stop < 0 ? stop + d : stop, -1, d - 1);
  }
  const out: number[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

test("views: slices with any step select NumPy's elements and share memory", () => {
  fc.assert(
    fc.property(sliced, ([shape, parts]) => {
      const base = numbered(shape);
      const strs = parts.map(([a, b, c]) => `${a ?? ""}:${b ?? ""}:${c}`);
      const v = base.slice(...strs);
      const picks = parts.map(([a, b, c], i) => pyIndices(shape[i]!, a, b, c));
      assert.deepEqual(v.shape, picks.map((p) => p.length));
      for (const idx of indices(v.shape)) {
        assert.equal(
          v.get(...idx),
          base.get(...idx.map((k, i) => picks[i]![k]!)),
        );
      }
      if (v.size > 0) assert.equal(storageOf(v), storageOf(base));
      // writing through the view changes exactly those base elements
      v.assign(-1);
      let hits = 0;
      for (const idx of indices(shape)) {
        const inView = idx.every((k, i) => picks[i]!.includes(k));
        if (inView) hits++;
        assert.equal(base.get(...idx) === -1n, inView);
      }
      assert.equal(hits, v.size);
    }),
    RUNS,
  );
});

const permOf = (n: number) =>
  fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });

test("transpose: element (i, j, ...) moves to the permuted index; inverse restores", () => {
  fc.assert(
    fc.property(
      shapeArb.chain((s) => fc.tuple(fc.constant(s), permOf(s.length))),
      ([shape, perm]) => {
        const a = numbered(shape);
        const t = a.transpose(perm);
        assert.deepEqual(t.shape, perm.map((p) => shape[p]));
        for (const idx of indices(shape)) {
          assert.equal(t.get(...perm.map((p) => idx[p]!)), a.get(...idx));
        }
        const inv = perm.map((_, i) => perm.indexOf(i));
        assert.deepEqual(t.transpose(inv).tolist(), a.tolist());
      },
    ),
    RUNS,
  );
});

/** A shape of the same size as `shape`: its extents regrouped. */
const reshaped = shapeArb.chain((shape) => {
  const factors: number[] = [];
  for (let d of shape) {
    for (let f = 2; f <= d; f++) {
      while (d % f === 0 && d > 1) {
        factors.push(f);
        d /= f;
      }
    }
    if (d === 0) factors.push(0);
  }
  return fc.tuple(
    fc.constant(shape),
    fc.shuffledSubarray(factors, {
      minLength: factors.length,
      maxLength: factors.length,
    }),
    fc.array(fc.integer({ min: 0, max: 3 }), {
      minLength: factors.length,
      maxLength: factors.length,
    }),
    fc.boolean(),
  );
}).map(([shape, fs, cuts, transposed]) => {
  // group the shuffled factors into at most 4 axes
  const target: number[] = [1];
  fs.forEach((f, i) => {
    if (cuts[i] === 0 && target.length < 4) target.push(f);
    else target[target.length - 1]! *= f;
  });
  return { shape, target, transposed };
});

test("reshape keeps C order (of views too), -1 infers, size mismatch throws", () => {
  fc.assert(
    fc.property(reshaped, ({ shape, target, transposed }) => {
      let a = numbered(shape);
      if (transposed) a = a.T;
      const flat = a.copy().ravel().tolist();
      const r = a.reshape(target);
      assert.deepEqual(r.shape, target);
      assert.deepEqual(r.ravel().tolist(), flat);
      if (target.length > 0 && !target.includes(0)) {
        const inferred = target.slice();
        inferred[0] = -1;
        assert.deepEqual(a.reshape(inferred).shape, target);
        assert.throws(
          () => a.reshape([...target, 2]),
          /cannot reshape array of size/,
        );
      }
    }),
    RUNS,
  );
});

test("reductions commute with transposes (exact for integers)", () => {
  fc.assert(
    fc.property(
      shapeArb.filter((s) => s.length > 0).chain((s) =>
        fc.tuple(fc.constant(s), permOf(s.length), fc.nat())
      ),
      ([shape, perm, k]) => {
        const a = numbered(shape);
        const axis = k % shape.length;
        const t = a.transpose(perm);
        const nd = (x: unknown) => x instanceof rp.NDArray ? x : rp.array(x);
        const s1 = nd(rp.sum(a, { axis: [axis] }));
        const s2 = nd(rp.sum(t, { axis: [perm.indexOf(axis)] }));
        const keep = perm.filter((p) => p !== axis);
        const order = [...keep].sort((x, y) => x - y).map((p) =>
          keep.indexOf(p)
        );
        assert.deepEqual(s2.transpose(order).tolist(), s1.tolist());
      },
    ),
    RUNS,
  );
});
