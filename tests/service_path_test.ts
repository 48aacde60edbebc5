/**
 * Jobs accept what the sync API accepts: a full reduction recorded in
 * `engine.submit` resolves to the JS scalar the sync call returns, inside
 * arrays and objects too; JS arithmetic on a value the job has not computed
 * is a TypeError naming the fix, never NaN. Size-1 arrays convert to their
 * value in JS arithmetic; larger ones refuse.
 */
import assert from "node:assert/strict";
import parsePrometheus from "parse-prometheus-text-format";
import * as rp from "../mod.ts";
import { _useRowsFallback } from "../src/core/_rows.ts";
import { test } from "./_shim.ts";

const x = rp.array([[1.5, 2, 3], [4, 5, 6.25]]);
const v = rp.array([1, 2, 3]), w = rp.array([4, 5, 6]);

test("jobs: full reductions resolve to the sync API's JS scalars", async () => {
  const e = new rp.Engine({ threads: 1 });
  try {
    for (
      const f of [
        () => rp.sum(x),
        () => rp.mean(x),
        () => rp.max(x),
        () => rp.min(x),
        () => rp.prod(x),
        () => rp.std(x),
        () => rp.var(x, { ddof: 1 }),
        () => rp.argmax(x),
        () => rp.argmin(x),
        () => rp.median(x),
        () => rp.dot(v, w),
        () => rp.einsum("i,i", v, w),
        () => rp.sum(rp.multiply(x, 2)),
      ]
    ) {
      const want = f();
      const got = await e.submit(f);
      assert.equal(typeof got, typeof want, String(f));
      assert.ok(Object.is(got, want), `${f}: ${got} != ${want}`);
    }
    // inside arrays and plain objects; other arrays stay arrays
    const [s, m, a] = await e.submit(() => [
      rp.sum(x),
      rp.sum(x, { axis: 0 }),
      rp.argmax(x),
    ]) as [number, rp.NDArray, number];
    assert.equal(s, 21.75);
    assert.deepEqual(m.tolist(), [5.5, 7, 9.25]);
    assert.equal(a, 5);
    const o = await e.submit(() => ({ n: rp.sum(v), t: rp.sum(x) }));
    assert.equal(o.n, 6n);
    assert.equal(o.t, 21.75);
    // a chained scalar through raptors' functions
    assert.equal(await e.submit(() => rp.divide(rp.sum(x), 6)), 21.75 / 6);
  } finally {
    await e.close();
  }
});

test("jobs: JS arithmetic on a value the job has not computed is a TypeError", async () => {
  const e = new rp.Engine({ threads: 1 });
  try {
    await assert.rejects(
      e.submit(() => (rp.sum(x) as number) / 6),
      (err: Error) =>
        err instanceof TypeError &&
        /rp\.divide\(rp\.sum\(x\), n\)/.test(err.message),
    );
    await assert.rejects(
      e.submit(() => (rp.sum(x) as number) > 1 ? x : v),
      TypeError,
    );
  } finally {
    await e.close();
  }
});

test("size-1 arrays are their value in JS arithmetic; larger arrays refuse", () => {
  const s = rp.sum(x, { keepdims: true }) as rp.NDArray;
  assert.equal(+s, 21.75);
  assert.equal((s as unknown as number) / 2, 10.875);
  assert.equal(`${s}`, s.toString());
  assert.equal("" + v, v.toString());
  assert.throws(() => +x, /only size-1 arrays can be converted/);
  assert.throws(() => (x as unknown as number) * 2, TypeError);
});

test("async functions run on the engine named by { engine }", async () => {
  const mine = new rp.Engine({ threads: 1 });
  const a = rp.ones([8, 8]);
  const dflt = rp.defaultEngine();
  const d0 = dflt.metrics().submitted;
  try {
    const r = await a.matmulAsync(a, { engine: mine });
    assert.deepEqual(r.shape, [8, 8]);
    assert.equal(await rp.sumAsync(a, { engine: mine }), 64);
    assert.equal(
      await rp.addAsync(a, 1, { engine: mine }).then((x) => x.get(0, 0)),
      2,
    );
    assert.equal(mine.metrics().submitted, 3);
    assert.equal(
      dflt.metrics().submitted,
      d0,
      "nothing went to the default engine",
    );
    await assert.rejects(
      rp.sumAsync(a, { engine: {} as rp.Engine }),
      (e: Error) =>
        e instanceof TypeError && /must be an Engine/.test(e.message),
    );
    // submit() itself takes no engine option
    await assert.rejects(
      mine.submit(() => rp.sum(a), { engine: mine } as never),
      /unknown option "engine"/,
    );
  } finally {
    await mine.close();
  }
  await assert.rejects(rp.sumAsync(a, { engine: mine }), rp.EngineClosedError);
});

test("results are JSON-ready: int64 as numbers within 2^53, a RangeError naming the element beyond", () => {
  const body = JSON.stringify({
    ids: rp.argsort(rp.array([3, 1, 2])),
    m: rp.array([[1, 2], [3, 4]]),
    f: rp.array([1.5, NaN]),
    u: rp.array([5n], { dtype: "uint64" }),
  });
  assert.equal(
    body,
    '{"ids":[1,2,0],"m":[[1,2],[3,4]],"f":[1.5,null],"u":[5]}',
  );
  assert.deepEqual(rp.array([7n, -9n]).tolist({ int64: "number" }), [7, -9]);
  assert.deepEqual(rp.array([7n, -9n]).tolist(), [7n, -9n]);
  const big = rp.array([[1n, 2n ** 60n]], { dtype: "int64" });
  assert.throws(
    () => JSON.stringify(big),
    (e: Error) => e instanceof RangeError && /element \[0, 1\]/.test(e.message),
  );
  assert.throws(
    () => big.tolist({ int64: "string" as "number" }),
    TypeError,
  );
});

interface Family {
  name: string;
  type: string;
  metrics: Array<{
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
  }>;
}

test("Prometheus output: a real parser reads it; jobs_total counts each job once; labels, names checked", async () => {
  const e = new rp.Engine({
    threads: 1,
    labels: { engine: "scoring", note: 'a "quoted" \\ value' },
  });
  const a = rp.ones([4]);
  const ok = [e.submit(() => rp.add(a, 1)), e.submit(() => rp.add(a, 2))];
  const ac = new AbortController();
  ac.abort();
  const aborted = e.submit(() => rp.add(a, 3), { signal: ac.signal });
  await Promise.allSettled([...ok, aborted]);
  await e.close();
  const text = e.prometheus("svc_engine");
  const fams = parsePrometheus(text) as Family[];
  const by = new Map(fams.map((f) => [f.name, f]));
  const sub = by.get("svc_engine_jobs_submitted_total")!;
  assert.equal(sub.type, "COUNTER");
  const jobs = by.get("svc_engine_jobs_total")!;
  assert.equal(jobs.type, "COUNTER");
  const outcomes: Record<string, number> = Object.fromEntries(
    jobs.metrics.map((m) => [m.labels!.outcome!, Number(m.value)]),
  );
  assert.deepEqual(Object.keys(outcomes).sort(), [
    "cancelled",
    "completed",
    "failed",
    "rejected",
    "timed_out",
  ]);
  const m = e.metrics();
  assert.equal(Number(sub.metrics[0]!.value), m.submitted);
  // each job once: the outcome family sums to the submitted jobs
  const total = Object.values(outcomes).reduce((s, v) => s + v, 0);
  assert.equal(total, m.submitted);
  assert.equal(outcomes.completed, 2);
  // (this parser keeps no labels on histogram series: checked in the text)
  for (const f of fams.filter((f) => f.type !== "HISTOGRAM")) {
    for (const s of f.metrics) {
      assert.equal(s.labels?.engine, "scoring", f.name);
      assert.equal(s.labels?.note, 'a "quoted" \\ value', f.name);
    }
  }
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    assert.ok(line.includes('engine="scoring",note='), line);
  }
  const h = by.get("svc_engine_run_seconds")!;
  assert.equal(h.type, "HISTOGRAM");
  assert.equal(Number(h.metrics[0]!.buckets!["+Inf"]), 2); // the jobs that ran
  assert.throws(() => e.prometheus("my-app.engine"), RangeError);
  assert.throws(() => new rp.Engine({ labels: { le: "x" } }), RangeError);
  assert.throws(
    () => new rp.Engine({ labels: { a: 1 as unknown as string } }),
    TypeError,
  );
});

test("rp.array of request bodies (nested number lists): one walk and one copy, the general path's results and errors", () => {
  // both copy loops (see copyRows in src/core/_rows.ts): the clean one, and
  // the one every call uses once a row has failed
  for (const fallback of [false, true]) {
    _useRowsFallback(fallback);
    requestBodies();
  }
  // the fallback reads rows through the engine's Array.prototype.at only
  _useRowsFallback(true);
  const sly = Object.assign([1.5, 2.5], { at: () => 99 });
  assert.deepEqual(rp.array([sly, [3.5, 4.5]]).tolist(), [[1.5, 2.5], [
    3.5,
    4.5,
  ]]);
  _useRowsFallback(false);
});

function requestBodies(): void {
  const rows = Array.from(
    { length: 50 },
    (_, i) => Array.from({ length: 7 }, (_, j) => (i * 7 + j) / 3 - 40),
  );
  const a = rp.array(rows);
  assert.equal(a.dtype, "float64");
  assert.deepEqual(a.shape, [50, 7]);
  assert.deepEqual(a.tolist(), rows);
  const f = rp.array(rows, { dtype: "float32" });
  assert.equal(f.dtype, "float32");
  assert.deepEqual(f.tolist(), rows.map((r) => r.map(Math.fround)));
  const cube = [[[1.5, NaN], [-0, Infinity]], [[2, 3], [4, 5]]];
  const c = rp.array(cube);
  assert.deepEqual(c.shape, [2, 2, 2]);
  assert.ok(Object.is(c.get(0, 1, 0), -0));
  assert.ok(Number.isNaN(c.get(0, 0, 1) as number));
  // integers only: NumPy's int64 (the general path)
  assert.equal(rp.array([[1, 2], [3, 4]]).dtype, "int64");
  assert.equal(
    rp.array([[1, 2], [3, 4]], { dtype: "float32" }).dtype,
    "float32",
  );
  // a boolean or bigint element: the general path's rules
  assert.deepEqual(rp.array([1.5, true]).tolist(), [1.5, 1]);
  assert.equal(rp.array([1.5, 2n]).dtype, "float64");
  // ragged or mixed nesting: NumPy's error
  assert.throws(() => rp.array([[1.5, 2], [3]]), /inhomogeneous/);
  assert.throws(() => rp.array([[1.5, 2], 3]), /inhomogeneous/);
  assert.throws(() => rp.array([[1.5, [2]], [3, 4]]), /inhomogeneous/);
  assert.throws(() => rp.array([1.5, "2"]), TypeError);
  // float rows again after the failures above: same values
  assert.deepEqual(rp.array(rows).tolist(), rows);
  assert.deepEqual(rp.array([0.5, -1.25]).tolist(), [0.5, -1.25]);
}

test("jobs: scalar results keep the sync API's types; data-dependent checks are named errors", async () => {
  const e = new rp.Engine({ threads: 1 });
  try {
    assert.equal(await e.submit(() => rp.sum(x, { initial: 1 })), 22.75);
    assert.equal(
      await e.submit(() =>
        rp.mean(x, { where: rp.array([true, false, true]) })
      ),
      rp.mean(x, { where: rp.array([true, false, true]) }),
    );
    assert.equal(await e.submit(() => rp.countNonzero(x)), 6);
    assert.ok(Number.isNaN(await e.submit(() => rp.median([])) as number));
    // an ordinary 0-d array stays an array
    const z = await rp.addAsync(rp.array(1), 2, { engine: e });
    assert.ok(z instanceof rp.NDArray && z.ndim === 0);
    // JS-scalar ufunc results inside a job
    const y = await e.submit(() => rp.multiply(x, rp.sqrt(2)));
    assert.ok(y instanceof rp.NDArray);
    assert.equal(y.get(0, 0), 1.5 * Math.SQRT2);
    // 0-d inputs to async reductions
    assert.equal(await rp.sumAsync(rp.array(5), { engine: e }), 5n);
    assert.equal(await rp.maxAsync(rp.array(2.5), { engine: e }), 2.5);
    // checks that read values are named errors inside a job
    await assert.rejects(
      e.submit(() => rp.average(x, { axis: 1, weights: [1, 2, 3] })),
      /average\(\) cannot run inside an engine job/,
    );
    await assert.rejects(
      e.submit(() => rp.allclose(x, x) ? x : v),
      /allclose\(\) cannot run inside an engine job/,
    );
    await assert.rejects(
      rp.covAsync(x, { fweights: [1, 2, 3], engine: e }),
      /unknown option "fweights"/,
    );
  } finally {
    await e.close();
  }
});

test("review fixes: trace dtype, round decimals bounds, einsum of bools, NaN fweights, std in an integer dtype", () => {
  assert.equal(rp.trace(rp.array([[1, 2], [3, 4]]), { dtype: "int32" }), 5);
  // NumPy: 1.5 * inf -> inf, rint, / inf -> nan (and no 10**400 loop)
  const r = rp.round(rp.array([1.5]), { decimals: 400 }).tolist() as number[];
  assert.ok(Number.isNaN(r[0]));
  assert.throws(
    () => rp.round(rp.array([1.5]), { decimals: 1e15 }),
    RangeError,
  );
  const b = rp.array(Array(300).fill(true));
  assert.equal(rp.einsum("i->", b), true);
  assert.deepEqual(
    (rp.einsum("ij->j", rp.array([[true, false], [true, false]])) as rp.NDArray)
      .tolist(),
    [true, false],
  );
  assert.throws(
    () => rp.cov(rp.array([[1, 2, 3], [2, 1, 0]]), { fweights: [1, NaN, 2] }),
    /fweights must be integer/,
  );
  assert.equal(rp.std(rp.array([1, 2, 3, 4]), { dtype: "int64" }), 1n);
  assert.throws(
    () => rp.sort(rp.array([1]), { kind: 5n as never }),
    RangeError,
  );
  const ragged = [Array(100).fill(Array(100).fill(Array(10).fill(0.5))), 0];
  assert.throws(() => rp.array(ragged), /inhomogeneous/);
});
