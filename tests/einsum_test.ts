/**
 * `einsum` against NumPy (`scripts/gen_fixtures_einsum.py`): 21 subscript
 * patterns in int64 (exact) and float64 (1e-12 relative), and its errors.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";
import { assertClose, decodeNd, type EncodedNd } from "./_fixtures.ts";
import { storageOf } from "../src/core/ndarray.ts";

const fx = JSON.parse(
  await readFile(new URL("./fixtures/einsum.json", import.meta.url), "utf8"),
) as {
  numpy: string;
  cases: Array<{ spec: string; operands: EncodedNd[]; result: EncodedNd }>;
};

test(`einsum matches NumPy ${fx.numpy}`, () => {
  for (const c of fx.cases) {
    const ops = c.operands.map(decodeNd);
    const got = rp.einsum(c.spec, ...ops);
    const exp = decodeNd(c.result);
    const what = `${c.spec} (${exp.dtype})`;
    const g = got instanceof rp.NDArray
      ? got
      : rp.array(got, { dtype: exp.dtype });
    assert.equal(g.dtype, exp.dtype, what);
    assert.deepEqual(g.shape, exp.shape, what);
    if (exp.dtype === "float64") {
      assertClose(
        storageOf(g.copy()) as Float64Array,
        storageOf(exp.copy()) as Float64Array,
        1e-12,
        what,
        1e-12,
      );
    } else assert.deepEqual(g.tolist(), exp.tolist(), what);
  }
  assert.ok(fx.cases.length >= 40);
});

test("einsum errors name the problem", () => {
  const a = rp.ones([2, 3]);
  assert.throws(() => rp.einsum("ij,jk->ik", a), /2 operands/);
  assert.throws(
    () => rp.einsum("ij,jk->ik", a, rp.ones([4, 2])),
    /broadcast|sizes/,
  );
  assert.throws(() => rp.einsum("ijk", a), /dimensions/);
  assert.throws(() => rp.einsum("ij->iz", a), /'z' does not appear/);
  assert.throws(() => rp.einsum("ii", a), /collapsing index 'i'/);
  assert.throws(() => rp.einsum("i1", a), /invalid subscript/);
});
