/**
 * The request-sized fast paths give exactly what the general paths give:
 * unbatched matmul (its own layout code) against the batched path (a
 * leading axis of 1), array() of a TypedArray against astype, topk against
 * a full stable sort, the vector norm against sqrt(sum(x * x)).
 */
import assert from "node:assert/strict";
import * as rp from "../mod.ts";
import type { NDArray } from "../mod.ts";
import { test } from "./_shim.ts";

let seed = 12345;
/** Values whose sums round (unlike small integers): order matters. */
function rand(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out[i] = seed / 2 ** 31 - 0.37;
  }
  return out;
}

function sameBits(a: NDArray, b: NDArray, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  assert.equal(a.dtype, b.dtype, `${what}: dtype`);
  const x = a.copy().data as Float64Array, y = b.copy().data as Float64Array;
  for (let i = 0; i < x.length; i++) {
    assert.ok(Object.is(x[i], y[i]), `${what}: [${i}] ${x[i]} vs ${y[i]}`);
  }
}

test("unbatched matmul (matrix-vector, vector-matrix, 2-d) equals the batched path bit for bit", () => {
  const cases: Array<[number[], number[], string?]> = [
    [[32, 64], [64]],
    [[64], [64, 32]],
    [[3000, 64], [64]], // rows over threads
    [[64], [64, 3000]],
    [[384], [384, 1000]],
    [[7, 5], [5, 3]],
    [[1, 9], [9]],
    [[9], [9]],
    [[64, 40], [64], "T"], // M.T @ q
    [[50], [70, 50], "T"], // q @ M.T
    [[40, 130], [65], "step"],
    [[65], [130, 20], "step"],
  ];
  let compared = 0;
  for (const dtype of ["float64", "float32", "int32"] as const) {
    for (const [sa, sb, view] of cases) {
      const mk = (s: number[]) => {
        const n = s.reduce((p, d) => p * d, 1);
        const v = rp.array(rand(n)).reshape(s);
        return dtype === "int32"
          ? rp.floor(rp.multiply(v, 100)).astype(dtype)
          : v.astype(dtype);
      };
      let a = mk(sa), b = mk(sb);
      if (view === "T") {
        if (a.ndim === 2) a = a.T;
        else b = b.T;
      }
      if (view === "step") {
        if (sa.length === 2) a = a.slice(":", "::2");
        else b = b.slice("::2");
      }
      const fast = rp.matmul(a, b);
      // a leading axis of 1 takes the batched path
      const both = a.ndim === 1 && b.ndim === 1;
      const a3 = a.ndim === 2 || both
        ? a.reshape([1, 1, ...a.shape].slice(both ? 0 : 1))
        : a;
      const b3 = a.ndim === 2 || both ? b : b.reshape([1, ...b.shape]);
      const batched = rp.matmul(a3, b3);
      sameBits(
        fast,
        batched.reshape([...fast.shape]),
        `${dtype} ${sa}@${sb} ${view ?? ""}`,
      );
      compared++;
    }
  }
  assert.equal(compared, 36);
  // dot of two vectors is a scalar; mismatch is the same typed error
  assert.equal(rp.dot(rp.array([1, 2, 3]), rp.array([4, 5, 6])), 32n);
  assert.throws(
    () => rp.matmul(rp.ones([3, 4]), rp.ones([5])),
    /mismatch in its core dimension 0/,
  );
});

test("transposed matrix-vector products read the matrix as the untransposed ones do: M.T @ q equals q @ M and q @ M.T equals M @ q, bit for bit", () => {
  const dims: Array<[number, number]> = [[300, 64], [3000, 40], [2000, 384], [
    17,
    5,
  ]];
  for (const [r, c] of dims) {
    for (const dtype of ["float32", "float64"] as const) {
      const M = rp.array(rand(r * c)).astype(dtype).reshape(r, c);
      const qr = rp.array(rand(r)).astype(dtype);
      const qc = rp.array(rand(c)).astype(dtype);
      sameBits(
        rp.matmul(M.T, qr),
        rp.matmul(qr, M),
        `M.T @ q ${r}x${c} ${dtype}`,
      );
      sameBits(
        rp.matmul(qc, M.T),
        rp.matmul(M, qc),
        `q @ M.T ${r}x${c} ${dtype}`,
      );
    }
  }
});

test("a batch of queries gets each query's bits: A @ Q.T and Q @ A.T columns and rows equal A @ q, and match the definition", () => {
  const cases: Array<[number, number, number]> = [
    [3000, 64, 2], // rows over threads
    [500, 128, 16],
    [200, 384, 8], // long rows
    [37, 5, 3],
    [1000, 16, 5],
    [300, 384, 12], // long rows past the batch limit: GEMM
  ];
  for (const [r, k, b] of cases) {
    for (const dtype of ["float32", "float64"] as const) {
      const A = rp.array(rand(r * k)).astype(dtype).reshape(r, k);
      const Q = rp.array(rand(b * k)).astype(dtype).reshape(b, k);
      const cols = rp.matmul(A, Q.T); // r x b
      const rows = rp.matmul(Q, A.T); // b x r
      // every row strided too (a view of every other row of a taller A)
      const A2 = rp.concatenate([A, A], { axis: 1 }).reshape(2 * r, k)
        .slice("::2");
      const strided = rp.matmul(A2, Q.T);
      // rows in reverse (a negative row stride) and queries as a
      // transposed copy's view: the same values as from contiguous copies
      const rev = rp.matmul(A.slice("::-1"), Q.T);
      const revWant = rp.matmul(A.slice("::-1").copy(), Q.T);
      sameBits(rev, revWant, `${dtype} ${r}x${k} reversed rows`);
      const ref = rp.matmul(A.astype("float64"), Q.astype("float64").T);
      const tol = dtype === "float32" ? 1e-4 : 1e-12;
      for (let j = 0; j < b; j++) {
        const q = Q.slice(j).copy();
        const alone = rp.matmul(A, q);
        if (k < 256 || b <= 8) {
          sameBits(
            cols.slice(":", j),
            alone,
            `${dtype} ${r}x${k} A@Q.T[:, ${j}]`,
          );
          sameBits(rows.slice(j), alone, `${dtype} ${r}x${k} Q@A.T[${j}]`);
          sameBits(strided.slice(":", j), alone, `${dtype} strided [:, ${j}]`);
        }
        const got = cols.slice(":", j).astype("float64").data as Float64Array;
        const want = ref.slice(":", j).copy().data as Float64Array;
        const got2 = rows.slice(j).astype("float64").data as Float64Array;
        for (let i = 0; i < r; i++) {
          assert.ok(
            Math.abs(got[i]! - want[i]!) <= tol,
            `${r}x${k} [${i}, ${j}]`,
          );
          assert.ok(
            Math.abs(got2[i]! - want[i]!) <= tol,
            `${r}x${k} T [${j}, ${i}]`,
          );
        }
      }
    }
  }
});

test("topk equals the first k of a stable sort (ties by index, NaN largest), on lanes of every length", () => {
  for (const n of [1, 5, 64, 65, 1000, 5000, 300_000]) {
    // few distinct values: many ties
    const src = rand(n).map((v) => Math.round(v * 8) / 8);
    if (n > 10) src[n >> 1] = NaN;
    const x = rp.array(src).astype("float32");
    for (const k of [1, Math.min(10, n), Math.min(n, 100)]) {
      for (const largest of [true, false]) {
        const t = rp.topk(x, k, { largest });
        const key = (v: number) =>
          Number.isNaN(v)
            ? (largest ? -Infinity : Infinity)
            : (largest ? -v : v);
        const vals = x.tolist() as number[];
        const order = [...vals.keys()].sort((i, j) =>
          key(vals[i]!) - key(vals[j]!) || i - j
        );
        const want = order.slice(0, k).map(BigInt);
        assert.deepEqual(
          t.indices.tolist(),
          want,
          `n=${n} k=${k} largest=${largest}`,
        );
      }
    }
  }
  // along a non-last axis, and a 2-d batch of lanes
  const m = rp.array(rand(6 * 40)).reshape(6, 40);
  const t0 = rp.topk(m, 3, { axis: 0 });
  assert.deepEqual(t0.indices.shape, [3, 40]);
  const col = m.slice(":", "7").tolist() as number[];
  const best = [...col.keys()].sort((i, j) => col[j]! - col[i]! || i - j).slice(
    0,
    3,
  );
  assert.deepEqual(t0.indices.slice(":", "7").tolist(), best.map(BigInt));
});

test("array() of a TypedArray and norm() of a vector equal their general forms", () => {
  for (const n of [0, 1, 16, 127, 128, 129, 384, 5000]) {
    const src = rand(n);
    const a64 = rp.array(src);
    assert.equal(a64.dtype, "float64");
    assert.deepEqual(Array.from(a64.data as Float64Array), Array.from(src));
    if (n > 0) {
      src[0] = 42; // a copy: the source's later writes do not reach it
      assert.notEqual(a64.get(0), 42);
    }
    const f = Float32Array.from(src);
    const a = rp.array(f);
    assert.equal(a.dtype, "float32");
    assert.deepEqual(Array.from(a.data as Float32Array), Array.from(f));
    for (const dt of ["float64", "float32"] as const) {
      const x = rp.array(src).astype(dt);
      const want = rp.sqrt(
        rp.sum(rp.multiply(x, x), { keepdims: true }) as NDArray,
      ).item() as number;
      assert.ok(Object.is(rp.linalg.norm(x), want), `norm ${dt} n=${n}`);
    }
  }
});

test("var/std over the last axis or all axes (one kernel) equal the composed sum/divide/subtract/square/sum/divide/sqrt bit for bit", () => {
  const composed = (
    x: NDArray,
    axis: number | undefined,
    ddof: number,
    sq: boolean,
  ) => {
    const n = axis === undefined ? x.size : x.shape.at(-1)!;
    const mean = rp.divide(rp.sum(x, { axis, keepdims: true }) as NDArray, n);
    const d = rp.subtract(x, mean);
    const s = rp.sum(rp.multiply(d, d), { axis, keepdims: true }) as NDArray;
    const v = rp.divide(s, Math.max(n - ddof, 0));
    return sq ? rp.sqrt(v) : v;
  };
  let compared = 0;
  for (const dtype of ["float64", "float32"] as const) {
    for (
      const shape of [[1], [16], [1000], [5, 16], [64, 7], [3, 4, 129], [
        200,
        384,
      ]]
    ) {
      const size = shape.reduce((p, d) => p * d, 1);
      const x = rp.array(rand(size).map((v) => v * 1e3 + 7)).astype(dtype)
        .reshape(shape);
      for (const axis of [undefined, -1]) {
        for (const ddof of [0, 1]) {
          for (const sq of [false, true]) {
            const f = sq ? rp.std : rp.var;
            const got = f(x, { axis, ddof, keepdims: true }) as NDArray;
            sameBits(
              got,
              composed(x, axis, ddof, sq),
              `${
                sq ? "std" : "var"
              } ${dtype} ${shape} axis=${axis} ddof=${ddof}`,
            );
            const flat = f(x, { axis, ddof });
            if (typeof flat === "number") {
              assert.ok(
                Object.is(flat, got.item()),
                `scalar ${dtype} ${shape}`,
              );
            } else {
              sameBits(
                flat as NDArray,
                got.reshape(shape.slice(0, -1)),
                "no keepdims",
              );
            }
            compared++;
          }
        }
      }
    }
  }
  assert.equal(compared, 2 * 7 * 2 * 2 * 2);
});

test("ufuncs with { out } give what the general path gives: in place, a separate out, overlapping views, and every refusal", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const n of [5, 16, 300, 5000]) {
      const a = rp.array(rand(n)).astype(dtype);
      const b = rp.array(rand(n)).astype(dtype);
      // separate out: the same values as without out, and out itself back
      for (
        const [f, args] of [
          [rp.add, [a, b]],
          [rp.multiply, [a, 2.5]],
          [rp.subtract, [3, a]],
          [rp.less, [a, b]],
        ] as const
      ) {
        const want = (f as (...x: unknown[]) => NDArray)(...args);
        const out = rp.empty([...want.shape], { dtype: want.dtype });
        const got = (f as (...x: unknown[]) => NDArray)(...args, { out });
        assert.ok(got === out, "out is returned");
        sameBits(out, want, `${f.name} ${dtype} ${n}`);
      }
      for (const f of [rp.exp, rp.tanh, rp.negative, rp.sqrt]) {
        const want = f(rp.abs(a));
        const out = rp.empty([n], { dtype });
        assert.ok(f(rp.abs(a), { out }) === out);
        sameBits(out, want, `${f.name} ${dtype} ${n}`);
        // in place
        const c = rp.abs(a);
        assert.ok(f(c, { out: c }) === c);
        sameBits(c, want, `${f.name} in place`);
      }
      // out overlapping an input one element off (NumPy copies the input
      // first): the general path, the same result as a fresh output
      const base = rp.array(rand(n + 1)).astype(dtype);
      const x0 = base.slice(`0:${n}`), x1 = base.slice(`1:${n + 1}`);
      const want = rp.add(x0, b);
      sameBits(rp.add(x0, b, { out: x1 }), want, `overlap ${dtype} ${n}`);
      const base2 = rp.array(rand(n + 1)).astype(dtype);
      const y0 = base2.slice(`0:${n}`), y1 = base2.slice(`1:${n + 1}`);
      const want2 = rp.exp(y1);
      sameBits(rp.exp(y1, { out: y0 }), want2, `overlap exp ${dtype} ${n}`);
    }
  }
  // a bool out over the first bytes of a float64 input (views of one
  // buffer, the same start, elements of other sizes): the values a
  // separate output gets
  for (const n of [8, 64]) {
    const buf = new ArrayBuffer(8 * n);
    const outB = rp.frombuffer(buf, { dtype: "bool", count: n }); // zeros
    const vals = rand(n);
    new Float64Array(buf).set(vals);
    const a64 = rp.frombuffer(buf, { dtype: "float64" });
    const want = rp.less(rp.array(vals), 0.1).tolist();
    assert.deepEqual(rp.less(a64, 0.1, { out: outB }).tolist(), want);
  }
  const a = rp.ones([4]), b = rp.ones([4]);
  // refusals come from the general path, unchanged
  assert.throws(
    () => rp.add(a, b, { out: rp.empty([4], { dtype: "float32" }) }),
    /Cannot cast ufunc 'add' output/,
  );
  assert.throws(
    () => rp.exp(a, { out: rp.empty([5]) }),
    /non-broadcastable output/,
  );
  assert.throws(
    () => rp.exp(a, { out: rp.empty([2, 2]) }),
    /non-broadcastable output/,
  );
  // (a pooled size: small arrays live in shared slabs and are not freed)
  const big = rp.ones([4096]), gone = rp.empty([4096]);
  assert.equal(gone.dispose(), true);
  assert.throws(() => rp.add(big, big, { out: gone }), /disposed/);
  assert.throws(() => rp.exp(big, { out: gone }), /disposed/);
  const ro = rp.broadcastTo(rp.ones([1]), [4]);
  assert.throws(() => rp.exp(a, { out: ro }), /read-only/);
  assert.throws(() => rp.add(a, b, { out: ro }), /read-only/);
  assert.throws(
    () => rp.exp(a, { out: new Float64Array(4) as unknown as NDArray }),
    /'out' must be an NDArray/,
  );
  // a non-contiguous out takes the general path and is written through
  const wide = rp.zeros([8]);
  const strided = wide.slice("::2");
  rp.add(a, b, { out: strided });
  assert.deepEqual(wide.tolist(), [2, 0, 2, 0, 2, 0, 2, 0]);
  // `out` read once: a getter answering differently the second time does
  // not redirect the write
  let reads = 0;
  const o1 = rp.zeros([4]), o2 = rp.zeros([4]);
  const opts = {
    get out() {
      return reads++ === 0 ? o1 : o2;
    },
  };
  assert.ok(rp.add(a, b, opts) === o1);
  assert.equal(reads, 1);
  assert.deepEqual(o2.tolist(), [0, 0, 0, 0]);
});

test("matmul { out } gives the fresh result's bits, written in place or through a copy, and every refusal", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const A = rp.array(rand(40 * 30)).astype(dtype).reshape(40, 30);
    const B = rp.array(rand(30 * 20)).astype(dtype).reshape(30, 20);
    const q = rp.array(rand(30)).astype(dtype);
    const want = rp.matmul(A, B);
    // a separate, contiguous out: written straight into
    const out = rp.zeros([40, 20], { dtype });
    assert.equal(rp.matmul(A, B, { out }), out);
    sameBits(out, want, `${dtype} separate out`);
    const v = rp.zeros([40], { dtype });
    rp.matmul(A, q, { out: v });
    sameBits(v, rp.matmul(A, q), `${dtype} matrix-vector out`);
    // a strided out view: the general path, only the view written
    const big = rp.full([40, 40], 7, { dtype });
    rp.matmul(A, B, { out: big.slice(":", "::2") });
    sameBits(big.slice(":", "::2"), want, `${dtype} strided out`);
    assert.equal(big.item(0, 1), 7);
    // out over an input's memory: the inputs' original values are used
    const S = rp.array(rand(20 * 20)).astype(dtype).reshape(20, 20);
    const S0 = S.copy();
    rp.matmul(S, S, { out: S });
    sameBits(S, rp.matmul(S0, S0), `${dtype} out is the input`);
    // refusals: dtype, shape, read-only, disposed
    const other = dtype === "float32" ? "float64" : "float32";
    assert.throws(
      () => rp.matmul(A, B, { out: rp.zeros([40, 20], { dtype: other }) }),
      TypeError,
    );
    assert.throws(
      () => rp.matmul(A, B, { out: rp.zeros([40, 21], { dtype }) }),
      RangeError,
    );
    assert.throws(
      () =>
        rp.matmul(A, B, { out: rp.zeros([40, 20], { dtype }).asReadOnly() }),
      /read-only/,
    );
    const gone = rp.zeros([40, 20], { dtype });
    gone.dispose();
    assert.throws(() => rp.matmul(A, B, { out: gone }), /dispos/);
    // a core-dimension mismatch is reported as without out
    assert.throws(
      () => rp.matmul(A, A, { out: rp.zeros([40, 30], { dtype }) }),
      /mismatch in its core dimension/,
    );
  }
});

test("the cached layout (size, C order) of every kind of view matches its shape and strides, so the fast paths take only true C-contiguous operands", () => {
  const m = rp.array(rand(12)).reshape([3, 4]);
  const col = rp.array(rand(20)).reshape([4, 5]).slice(":", "1:2");
  const views: [string, NDArray][] = [
    ["C 4x3", rp.array(rand(12)).reshape([4, 3])],
    ["transpose 4x3", m.T],
    ["column 4x1", col],
    ["step", rp.array(rand(24)).slice("::2")],
    ["broadcast", rp.broadcastTo(rp.array(rand(1)), [12])],
    ["reversed", rp.array(rand(12)).slice("::-1")],
    ["offset", rp.array(rand(13)).slice("1:")],
    ["empty", rp.zeros([0, 3])],
  ];
  for (const [what, v] of views) {
    const size = v.shape.reduce((p, d) => p * d, 1);
    assert.equal(v.size, size, `${what}: size`);
    assert.equal(v.size, size, `${what}: size (cached)`);
    const c = v.copy();
    const other = rp.array(rand(size)).reshape([...v.shape]);
    sameBits(rp.add(v, other), rp.add(c, other), `${what}: add`);
    sameBits(rp.add(other, v), rp.add(other, c), `${what}: add swapped`);
    sameBits(rp.exp(v), rp.exp(c), `${what}: exp`);
    const out = rp.empty([...v.shape]);
    sameBits(rp.multiply(v, 2, { out }), rp.multiply(c, 2), `${what}: out`);
    if (!v.flags.writeable) continue;
    // a non-C view as `out` is written through its strides
    const want = rp.add(other, 1);
    sameBits(rp.add(other, 1, { out: v }), want, `${what}: into the view`);
  }
});
