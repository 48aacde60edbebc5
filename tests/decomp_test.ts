/**
 * `rp.linalg` decompositions against NumPy (`scripts/gen_fixtures_decomp.py`):
 * qr (Q and R equal LAPACK's for full-rank input), eigh / eigvalsh, svd /
 * svdvals, lstsq, pinv, matrixRank and the 2 / -2 / nuc matrix norms, on
 * square, tall, wide, batched, rank-deficient, integer, float32 and
 * float64 matrices. Eigen- and singular vectors (signs not unique) are
 * checked by reconstruction and orthonormality.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import type { NDArray } from "../mod.ts";
import { test } from "./_shim.ts";
import { closeNd, decodeNd, type EncodedNd } from "./_fixtures.ts";
import { storageOf } from "../src/core/ndarray.ts";

// deno-lint-ignore no-explicit-any
type Case = Record<string, EncodedNd> & any;
const fx = JSON.parse(
  await readFile(new URL("./fixtures/decomp.json", import.meta.url), "utf8"),
) as { numpy: string; cases: Case[] };

const la = rp.linalg;

function f64(a: NDArray): Float64Array {
  return storageOf(a.astype("float64").copy()) as Float64Array;
}

/** max |x − y| ≤ tol · max(1, max|y|) */
function near(x: NDArray, y: NDArray, tol: number, what: string): void {
  assert.deepEqual(x.shape, y.shape, `${what}: shape`);
  const a = f64(x), b = f64(y);
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  a.forEach((v, i) => {
    if (!(Math.abs(v - b[i]!) <= tol * scale)) {
      assert.fail(`${what}: element ${i} is ${v}, expected ${b[i]}`);
    }
  });
}

/** Columns of `q` (…, m, c) orthonormal. */
function orthonormal(q: NDArray, tol: number, what: string): void {
  const c = q.shape.at(-1)!;
  const g = rp.matmul(q.swapaxes(-1, -2), q);
  near(g, rp.eye(c).broadcastTo(g.shape.slice()), tol, `${what}: QᵀQ = I`);
}

function tolOf(a: NDArray): number {
  return a.dtype === "float32" ? 2e-4 : 1e-10;
}

test(`linalg qr matches NumPy ${fx.numpy} (Q, R and reconstruction)`, () => {
  for (const c of fx.cases) {
    const a = decodeNd(c.a);
    const what = `${a.dtype}${a.shape}${c.deficient ? " deficient" : ""}`;
    const tol = tolOf(a) * 10;
    const { Q, R } = la.qr(a);
    near(rp.matmul(Q, R), a, tol, `${what} Q@R`);
    orthonormal(Q, tol, what);
    const Rc = la.qr(a, "complete");
    near(rp.matmul(Rc.Q, Rc.R), a, tol, `${what} complete Q@R`);
    orthonormal(Rc.Q, tol, `${what} complete`);
    assert.deepEqual(Rc.Q.shape, decodeNd(c.q_complete).shape);
    // upper triangular
    const r = f64(R), [k, n] = R.shape.slice(-2) as [number, number];
    for (let b = 0; b < r.length; b += k * n) {
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < Math.min(i, n); j++) {
          assert.equal(r[b + i * n + j], 0, `${what}: R below diagonal`);
        }
      }
    }
    if (!c.deficient) {
      closeNd(la.qr(a, "r"), c.r, tol, `${what} r`);
      closeNd(Q, c.q, tol, `${what} Q`);
      closeNd(R, c.qr_r, tol, `${what} R`);
      closeNd(Rc.R, c.r_complete, tol, `${what} complete R`);
    }
  }
});

test(`linalg svd / svdvals match NumPy ${fx.numpy}`, () => {
  for (const c of fx.cases) {
    const a = decodeNd(c.a);
    const what = `${a.dtype}${a.shape}${c.deficient ? " deficient" : ""}`;
    const tol = tolOf(a) * 10;
    closeNd(la.svdvals(a), c.s, tol, `${what} svdvals`);
    closeNd(la.svd(a, { computeUv: false }), c.s, tol, `${what} S only`);
    for (const fullMatrices of [true, false]) {
      const { U, S, Vh } = la.svd(a, { fullMatrices });
      closeNd(S, c.s, tol, `${what} S`);
      const k = S.shape.at(-1)!;
      const Uk = U.slice("...", `:${k}`), Vk = Vh.slice("...", `:${k}`, ":");
      near(rp.matmul(rp.multiply(Uk, S.expandDims(-2)), Vk), a, tol, what);
      orthonormal(U, tol, `${what} U`);
      orthonormal(Vh.swapaxes(-1, -2), tol, `${what} V`);
      const [m, n] = a.shape.slice(-2) as [number, number];
      assert.deepEqual(U.shape.slice(-2), fullMatrices ? [m, m] : [m, k]);
      assert.deepEqual(Vh.shape.slice(-2), fullMatrices ? [n, n] : [k, n]);
    }
  }
});

function symFromLower(s: NDArray): NDArray {
  const d = f64(s), n = s.shape.at(-1)!;
  for (let b = 0; b < d.length; b += n * n) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) d[b + i * n + j] = d[b + j * n + i]!;
    }
  }
  return new rp.NDArray(d, "float64", s.shape.slice());
}

test(`linalg eigh / eigvalsh match NumPy ${fx.numpy}`, () => {
  let n = 0;
  for (const c of fx.cases) {
    if (!c.sym) continue;
    n++;
    const s = decodeNd(c.sym);
    const what = `${s.dtype}${s.shape}`;
    const tol = tolOf(s) * 10;
    closeNd(la.eigvalsh(s), c.eigvalsh, tol, `${what} eigvalsh`);
    closeNd(
      la.eigvalsh(s.swapaxes(-1, -2), "U"),
      c.eigvalsh_upper_of_t,
      tol,
      `${what} eigvalsh U`,
    );
    const { eigenvalues: w, eigenvectors: v } = la.eigh(s);
    closeNd(w, c.eigvalsh, tol, `${what} eigenvalues`);
    orthonormal(v, tol, `${what} eigenvectors`);
    // the symmetric matrix the lower triangle describes: A v = v diag(w)
    const full = symFromLower(s);
    near(
      rp.matmul(full, v.astype("float64")),
      rp.multiply(v, w.expandDims(-2)).astype("float64"),
      tol,
      `${what} A v = λ v`,
    );
  }
  assert.ok(n >= 10);
});

test("linalg eigh past 32 (divide and conquer): A v = λ v, orthonormal, the eigenvalues of eigvalsh's root-free sweeps", () => {
  const g = rp.defaultRng(7);
  const cases: [string, NDArray][] = [];
  for (const n of [33, 100, 257]) {
    const m = g.standardNormal([n, n]) as NDArray;
    cases.push([`random ${n}`, rp.add(m, m.T)]);
  }
  // eigenvalues repeated 40 times each (deflation), and a cluster 1e-12
  // wide: Q diag(λ) Qᵀ for an orthogonal Q
  const { Q } = la.qr(g.standardNormal([120, 120]) as NDArray, "reduced") as {
    Q: NDArray;
    R: NDArray;
  };
  const spectra: [string, number[]][] = [
    ["repeated", Array.from({ length: 120 }, (_, i) => [1, 2, -3][i % 3]!)],
    [
      "cluster",
      Array.from({ length: 120 }, (_, i) => i < 60 ? 1 + i * 1e-14 : i),
    ],
  ];
  for (const [what, lam] of spectra) {
    cases.push([what, rp.matmul(rp.multiply(Q, rp.array(lam)), Q.T)]);
  }
  cases.push(["diagonal", rp.multiply(rp.eye(200), rp.arange(200))]);
  for (const [what, a] of cases) {
    const n = a.shape[0]!;
    const { eigenvalues: w, eigenvectors: v } = la.eigh(a);
    const scale = Math.max(1, Number(rp.max(rp.abs(a))));
    const tol = 1e-13 * n * scale;
    orthonormal(v, 1e-13 * n, `${what}: eigenvectors`);
    near(
      rp.matmul(a, v),
      rp.multiply(v, w.expandDims(-2)),
      tol,
      `${what}: A v = λ v`,
    );
    near(w, la.eigvalsh(a), tol, `${what}: eigenvalues`);
    const ws = f64(w);
    assert.ok(
      ws.every((x, i) => i === 0 || ws[i - 1]! <= x),
      `${what}: ascending`,
    );
  }
});

test(`linalg lstsq, pinv, matrixRank and norms match NumPy ${fx.numpy}`, () => {
  for (const c of fx.cases) {
    const a = decodeNd(c.a);
    const what = `${a.dtype}${a.shape}${c.deficient ? " deficient" : ""}`;
    const tol = tolOf(a) * 100;
    closeNd(la.pinv(a), c.pinv, tol, `${what} pinv`);
    const rank = la.matrixRank(a);
    const want = decodeNd(c.rank);
    assert.deepEqual(
      typeof rank === "number" ? rank : rank.astype("float64").tolist(),
      want.ndim === 0 ? Number(want.item()) : want.astype("float64").tolist(),
      `${what} rank`,
    );
    if (a.ndim === 2) {
      for (const o of [2, -2, "nuc"] as const) {
        const got = rp.norm(a, { ord: o }) as number;
        const exp = c[`norm_${o}`] as number;
        assert.ok(
          Math.abs(got - exp) <= tol * Math.max(1, exp),
          `${what} norm ${o}: ${got} vs ${exp}`,
        );
      }
      for (const name of ["b", "bm"]) {
        const e = c[`lstsq_${name}`];
        const r = la.lstsq(a, decodeNd(c[name]));
        closeNd(r.x, e.x, tol, `${what} lstsq ${name} x`);
        closeNd(r.residuals, e.residuals, tol, `${what} lstsq residuals`);
        assert.equal(r.rank, e.rank, `${what} lstsq rank`);
        closeNd(r.s, e.s, tol, `${what} lstsq s`);
      }
    } else {
      closeNd(
        rp.norm(a, { ord: 2, axis: [-2, -1] }) as NDArray,
        c.norm_2_axes,
        tol,
        `${what} norm 2 axes`,
      );
      closeNd(
        rp.norm(a, { ord: "nuc", axis: [-1, -2], keepdims: true }) as NDArray,
        c.norm_nuc_keep,
        tol,
        `${what} norm nuc keepdims`,
      );
    }
  }
});

test("linalg decompositions: errors, empty and extreme input", async () => {
  assert.throws(() => la.svd([1, 2, 3]), rp.LinAlgError);
  assert.throws(() => la.eigh([[1, 2, 3], [4, 5, 6]]), rp.LinAlgError);
  assert.throws(() => la.svd([[1, NaN], [0, 1]]), rp.LinAlgError);
  assert.throws(() => la.eigh([[Infinity, 0], [0, 1]]), rp.LinAlgError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => la.qr([[1]], "raw" as any), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => la.eigh([[1]], "X" as any), TypeError);
  assert.throws(() => la.lstsq([[1, 2]], [1, 2]), rp.LinAlgError);
  // empty matrices: shapes as NumPy
  const e = la.svd(rp.zeros([0, 3]));
  assert.deepEqual([e.U.shape, e.S.shape, e.Vh.shape], [[0, 0], [0], [3, 3]]);
  assert.deepEqual(e.Vh.tolist(), rp.eye(3).tolist());
  assert.deepEqual(la.pinv(rp.zeros([0, 3])).shape, [3, 0]);
  assert.deepEqual(la.qr(rp.zeros([2, 0]), "complete").Q.tolist(), [[1, 0], [
    0,
    1,
  ]]);
  // huge and tiny magnitudes do not overflow or underflow
  for (const s of [1e200, 1e-200]) {
    const a = rp.multiply(rp.array([[3, 0], [4, 5]], { dtype: "float64" }), s);
    const sv = la.svdvals(a).tolist() as number[];
    assert.ok(Math.abs(sv[0]! / (s * Math.sqrt(45)) - 1) < 1e-12, `${sv}`);
    const w = la.eigvalsh(
      rp.multiply(rp.array([[2, 1], [1, 2]], { dtype: "float64" }), s),
    )
      .tolist() as number[];
    assert.ok(Math.abs(w[1]! / (3 * s) - 1) < 1e-12, `${w}`);
  }
  // on the engine: one job each, results equal the synchronous ones
  const a = rp.defaultRng(3).random([30, 20]) as NDArray;
  const got = await rp.svdAsync(a, { fullMatrices: false });
  assert.deepEqual(got.S.tolist(), la.svdvals(a).tolist());
  const q = await rp.qrAsync(a);
  assert.deepEqual(q.R.tolist(), la.qr(a).R.tolist());
  const s = rp.matmul(a.T, a);
  const eh = await rp.eighAsync(s);
  assert.deepEqual(eh.eigenvalues.tolist(), la.eigh(s).eigenvalues.tolist());
  assert.deepEqual((await rp.pinvAsync(a)).tolist(), la.pinv(a).tolist());
  await assert.rejects(rp.svdAsync([[NaN]]), rp.LinAlgError);
});
