/**
 * `rp.linalg` against NumPy (`scripts/gen_fixtures_linalg.py`): solve,
 * inv, det, slogdet and cholesky on batched float64 and float32 matrices
 * up to 97x97 (within 1e-9 / 1e-3 relative of LAPACK's results), plus
 * reconstructions and LinAlgError for singular, non-square and indefinite
 * input.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";
import { closeNd as close, decodeNd, type EncodedNd } from "./_fixtures.ts";

// deno-lint-ignore no-explicit-any
type Case = Record<string, EncodedNd> & any;
const fx = JSON.parse(
  await readFile(new URL("./fixtures/linalg.json", import.meta.url), "utf8"),
) as { numpy: string; cases: Case[] };

test(`linalg solve/inv/det/slogdet/cholesky match NumPy ${fx.numpy}`, () => {
  for (const c of fx.cases) {
    const a = decodeNd(c.a), spd = decodeNd(c.spd);
    const tol = a.dtype === "float32" ? 2e-3 : 1e-9;
    const what = `${a.dtype}${a.shape}`;
    close(rp.linalg.solve(a, decodeNd(c.bm)), c.solve, tol, `${what} solve`);
    close(rp.linalg.inv(a), c.inv, tol, `${what} inv`);
    const d = decodeNd(c.det);
    const dmax = Math.max(
      1,
      ...(d.ravel().tolist() as number[]).map(Math.abs).filter(Number.isFinite),
    );
    close(rp.linalg.det(a), c.det, tol * dmax, `${what} det`);
    const s = rp.linalg.slogdet(a);
    close(s.sign, c.sign, 0, `${what} sign`);
    close(s.logabsdet, c.logabsdet, tol, `${what} logabsdet`);
    close(rp.linalg.cholesky(spd), c.cholesky, tol, `${what} cholesky`);
    // reconstruction: a @ solve(a, b) == b
    const bm = decodeNd(c.bm);
    const back = rp.matmul(a, rp.linalg.solve(a, bm));
    assert.ok(
      rp.allclose(back, bm, { rtol: tol * 10, atol: tol * 10 }),
      `${what} a @ x == b`,
    );
    if (a.ndim === 2) {
      const v = decodeNd(c.b);
      assert.deepEqual(rp.linalg.solve(a, v).shape, v.shape);
    }
  }
});

test("linalg errors: singular, non-square, indefinite", () => {
  assert.throws(
    () => rp.linalg.solve([[1, 2], [2, 4]], [1, 1]),
    rp.LinAlgError,
  );
  assert.throws(() => rp.linalg.inv([[0, 0], [0, 0]]), /Singular matrix/);
  assert.equal(rp.linalg.det([[1, 2], [2, 4]]), 0);
  assert.deepEqual(rp.linalg.slogdet([[1, 2], [2, 4]]), {
    sign: 0,
    logabsdet: -Infinity,
  });
  assert.throws(() => rp.linalg.det(rp.ones([2, 3])), /square/);
  assert.throws(() => rp.linalg.inv(rp.ones([3])), /two-dimensional/);
  assert.throws(
    () => rp.linalg.cholesky([[1, 2], [2, 1]]),
    /not positive definite/,
  );
  assert.throws(() => rp.linalg.solve(rp.eye(3), rp.ones([2])), /mismatch/);
  assert.equal(rp.linalg.norm(rp.array([3, 4])), 5);
});

test("linalg and einsum run as engine jobs; failures keep their error class", async () => {
  const a = rp.array([[4, 2, 1], [2, 5, 3], [1, 3, 6]]);
  assert.deepEqual(
    (await rp.solveAsync(a, [1, 2, 3])).tolist(),
    rp.linalg.solve(a, [1, 2, 3]).tolist(),
  );
  assert.deepEqual((await rp.invAsync(a)).tolist(), rp.linalg.inv(a).tolist());
  assert.deepEqual(
    (await rp.choleskyAsync(a)).tolist(),
    rp.linalg.cholesky(a).tolist(),
  );
  assert.equal(await rp.einsumAsync("ii", [a]), rp.einsum("ii", a));
  assert.deepEqual(
    (await rp.einsumAsync("ij,jk->ik", [a, a]) as rp.NDArray).tolist(),
    rp.matmul(a, a).tolist(),
  );
  await assert.rejects(rp.solveAsync([[1, 2], [2, 4]], [1, 1]), rp.LinAlgError);
  await assert.rejects(
    rp.choleskyAsync([[1, 2], [2, 1]]),
    /not positive definite/,
  );
  await assert.rejects(
    rp.defaultEngine().submit(() => rp.linalg.det(a)),
    /cannot run inside an engine job/,
  );
});
