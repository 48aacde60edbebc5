/**
 * The async engine: results equal the synchronous ones, copy-in memory
 * semantics under mutation/transfer/GC, backpressure, cancellation and
 * timeouts, priorities, close, metrics (including a Prometheus parse), and
 * a process that used the engine exiting by itself.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";
import * as rp from "../mod.ts";
import type { NDArray } from "../mod.ts";
import { gc, runtime, test, waitFor } from "./_shim.ts";
import { kernel } from "../src/engine/_record.ts";
import { native } from "../src/_native.ts";
import { storageOf } from "../src/core/ndarray.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Test gates (rp_test_gate): a job step that holds its worker until the
 * test opens the gate, so "a worker is busy" is a state the test controls,
 * never a race between a long kernel and the clock.
 */
const gateSlot = new Float64Array(1);
let nextGate = 0;
function gate(): {
  job: () => number;
  entered: (n?: number) => Promise<void>;
  open: () => void;
} {
  const g = nextGate++ % 16;
  assert.equal(native.rp_test_gate_ctl(g, 0, gateSlot), 0);
  return {
    job: () => {
      kernel("rp_test_gate", g);
      return g;
    },
    // waits on the gate's state (how many steps entered it)
    entered: (n = 1) =>
      waitFor(() => {
        assert.equal(native.rp_test_gate_ctl(g, 2, gateSlot), 0);
        return gateSlot[0]! >= n;
      }, `${n} job(s) entering test gate ${g}`),
    open: () => {
      assert.equal(native.rp_test_gate_ctl(g, 1, gateSlot), 0);
    },
  };
}
const m = (n: number, k = 13) =>
  rp.divide(rp.mod(rp.arange(n * n), k), 4).reshape(n, n);
/** A job that keeps one worker busy for a while (~20-80 ms). */
const heavy = m(640);

/** Waits until every job has been reported by the native side. */
async function settled(e: rp.Engine): Promise<void> {
  await waitFor(() => e.metrics().inFlight === 0, "no job in flight");
}

function addsUp(e: rp.Engine): void {
  const x = e.metrics();
  assert.equal(
    x.submitted,
    x.completed + x.failed + x.rejected + x.cancelled + x.timedOut,
    JSON.stringify(x),
  );
}

test("async results equal the synchronous ones", async () => {
  const a = m(67), b = m(67, 7);
  assert.deepEqual(
    (await rp.matmulAsync(a, b)).tolist(),
    rp.matmul(a, b).tolist(),
  );
  assert.equal(await rp.sumAsync(a), rp.sum(a));
  assert.deepEqual(
    ((await rp.sumAsync(a, { axis: 1 })) as NDArray).tolist(),
    (rp.sum(a, { axis: 1 }) as NDArray).tolist(),
  );
  assert.equal(await rp.meanAsync(a), rp.mean(a));
  assert.equal(await rp.stdAsync(a), rp.std(a));
  assert.equal(await rp.maxAsync(a.T, { axis: [0, 1] }), rp.max(a));
  assert.equal(await rp.argmaxAsync(a), a.argmax());
  assert.deepEqual(
    ((await rp.argminAsync(a, { axis: 0 })) as NDArray).tolist(),
    (a.argmin({ axis: 0 }) as NDArray).tolist(),
  );
  assert.equal(
    await rp.dotAsync(a.slice(0), b.slice(1)),
    rp.dot(a.slice(0), b.slice(1)),
  );
  assert.deepEqual(
    (await rp.addAsync(a, b.T)).tolist(),
    rp.add(a, b.T).tolist(),
  );
  assert.deepEqual((await rp.expAsync(a)).tolist(), rp.exp(a).tolist());
  assert.deepEqual(
    (await rp.whereAsync(rp.greater(a, 1), a, 0)).tolist(),
    rp.where(rp.greater(a, 1), a, 0).tolist(),
  );
  assert.deepEqual(
    (await rp.cumsumAsync(a, { axis: 0 })).tolist(),
    rp.cumsum(a, { axis: 0 }).tolist(),
  );
  const v = rp.array([3, NaN, -1, 2, -1]);
  assert.deepEqual((await rp.sortAsync(v)).tolist(), [-1, -1, 2, 3, NaN]);
  assert.deepEqual((await v.argsortAsync()).tolist(), [2n, 4n, 3n, 0n, 1n]);
  const f = new Float32Array([2, 1]);
  const s = await rp.sortAsync(f);
  assert.ok(s instanceof Float32Array);
  assert.deepEqual(Array.from(s), [1, 2]);
  assert.deepEqual(Array.from(f), [2, 1]); // a sorted copy
  // method forms
  assert.deepEqual((await a.matmulAsync(b)).tolist(), rp.matmul(a, b).tolist());
  assert.equal(await a.sumAsync(), rp.sum(a));
});

test("submit runs a pipeline as one job", async () => {
  const e = new rp.Engine({ threads: 2 });
  const x = m(64), W = rp.divide(rp.arange(64 * 8), 500).reshape(64, 8);
  const bias = rp.linspace(-1, 1, 8);
  const sigmoid = (z: NDArray) =>
    rp.divide(1, rp.add(1, rp.exp(rp.negative(z))));
  const expect = sigmoid(rp.add(rp.matmul(x, W), bias));
  const before = e.metrics().submitted;
  const got = await e.submit(() => sigmoid(rp.add(rp.matmul(x, W), bias)));
  assert.equal(e.metrics().submitted, before + 1);
  assert.deepEqual(got.tolist(), expect.tolist());
  // values computed by the job cannot be read while it is being built
  await assert.rejects(
    e.submit(() => rp.matmul(x, W).get(0, 0)),
    /no values yet/,
  );
  await assert.rejects(
    e.submit(() => rp.unique(rp.matmul(x, W))),
    /depends on the data/,
  );
  // a shape error is thrown while recording: nothing is queued
  await assert.rejects(
    e.submit(() => rp.add(x, rp.zeros([3]))),
    /could not be broadcast/,
  );
  await assert.rejects(
    rp.addAsync(x, x, { out: x } as rp.JobOptions),
    TypeError,
  );
  await e.close();
  addsUp(e);
});

test("inputs are copied at submission: mutation, transfer and GC cannot reach a job", async () => {
  const e = new rp.Engine({ threads: 1 });
  for (let round = 0; round < 300; round++) {
    const n = 20_000;
    const data = new Float64Array(n).fill(1);
    // queue behind a heavy job so the input is touched before the job runs
    const blocker = round % 50 === 0
      ? e.submit(() => rp.matmul(heavy, heavy))
      : null;
    const p = e.submit(() => rp.multiply(rp.asarray(data), 2));
    const mode = round % 3;
    if (mode === 0) data.fill(-5); // mutate
    if (mode === 1) (data.buffer as ArrayBuffer).transfer(); // detach
    if (round % 25 === 0) gc();
    const r = await p;
    assert.equal(r.get(0), 2);
    assert.equal(r.get(n - 1), 2);
    if (blocker) await blocker;
  }
  await e.close();
  addsUp(e);
});

test("jobs submitted in one turn all start once the turn ends", async () => {
  // Submissions are held while the submitting turn runs (a core is left to
  // the event loop) and the other workers are woken from a microtask at its
  // end: every worker must then be running one of the turn's jobs. Without
  // that wake, the second gate job would wait for the first, which never
  // ends, and `entered` would time out. (The wasm engine runs one job at a
  // time.)
  const threads = rp.backend.name === "wasm" ? 1 : 3;
  const e = new rp.Engine({ threads });
  const g = gate();
  const jobs = Array.from({ length: threads }, () => e.submit(g.job));
  await g.entered(threads);
  g.open();
  await Promise.all(jobs);
  assert.equal(e.metrics().completed, threads);
  await e.close();
});

test("backpressure: reject throws QueueFullError at once; wait waits for a slot", async () => {
  const e = new rp.Engine({ threads: 1, maxQueue: 2 });
  const g = gate();
  const ac = new AbortController();
  const jobs: Promise<unknown>[] = [e.submit(g.job, { signal: ac.signal })];
  await g.entered(); // the worker holds the gate job: the queue is empty
  jobs.push(
    e.submit(() => rp.matmul(heavy, heavy)),
    e.submit(() => rp.matmul(heavy, heavy)),
  );
  // rejected while the worker is still held: the rejection does not wait
  const err = await e.submit(() => rp.matmul(heavy, heavy)).catch((x) => x);
  assert.ok(err instanceof rp.QueueFullError, String(err));
  assert.equal(err.retryAfter, 1);
  ac.abort();
  await Promise.allSettled(jobs);
  assert.equal(e.metrics().rejected, 1);
  await e.close();
  await settled(e);
  addsUp(e);

  const w = new rp.Engine({ threads: 1, maxQueue: 1, onFull: "wait" });
  const all = [0, 1, 2, 3].map(() => w.submit(() => rp.matmul(heavy, heavy)));
  const out = await Promise.all(all);
  assert.equal(out.length, 4);
  assert.equal(w.metrics().completed, 4);
  // a waiter past its deadline fails with TimeoutError: the worker is held
  // and the queue full, so it cannot get in
  const h = gate();
  const busy: Promise<unknown>[] = [w.submit(h.job)];
  await h.entered();
  busy.push(w.submit(() => rp.matmul(heavy, heavy)));
  await assert.rejects(
    w.submit(() => rp.matmul(heavy, heavy), { timeout: 1 }),
    (x: Error) => x.name === "TimeoutError",
  );
  // a waiting job computes on its inputs as they were at submission, even
  // when the caller mutates or transfers them while it waits
  const data = new Float64Array(5000).fill(3);
  const f = rp.array(new Float64Array(5000).fill(4));
  const mutated = w.submit(() => rp.multiply(rp.asarray(data), 2));
  const transferred = w.submit(() => rp.add(f, 1));
  data.fill(-7);
  const fb = storageOf(f).buffer as ArrayBuffer;
  if (rp.backend.name !== "wasm") fb.transfer();
  else (storageOf(f) as Float64Array).fill(-1e6); // wasm memory: overwrite
  h.open();
  await Promise.all(busy);
  const r1 = await mutated, r2 = await transferred;
  assert.equal(r1.get(0), 6);
  assert.equal(r1.get(4999), 6);
  assert.equal(r2.get(0), 5);
  assert.equal(r2.get(4999), 5);
  await w.close();
  addsUp(w);
});

test("cancellation and timeouts: queued jobs leave at once, running ones stop", async () => {
  const e = new rp.Engine({ threads: 1, maxQueue: 16 });
  const big = m(300);
  const g = gate();
  const running = new AbortController();
  const p1 = e.submit(g.job, { signal: running.signal });
  const queued = new AbortController();
  const p2 = e.submit(() => rp.matmul(big, big), { signal: queued.signal });
  await g.entered(); // p1 holds the worker, p2 is queued
  queued.abort();
  await assert.rejects(p2, (x: Error) => x.name === "AbortError");
  // a running job sees its flag (the gate step polls it, as kernels do)
  running.abort();
  await assert.rejects(p1, (x: Error) => x.name === "AbortError");
  await settled(e);
  // a queued job times out while it waits behind a held worker
  const h = gate();
  const blocker = e.submit(h.job);
  await h.entered();
  await assert.rejects(
    e.submit(() => rp.matmul(big, big), { timeout: 5 }),
    (x: Error) => x.name === "TimeoutError",
  );
  h.open();
  await blocker;
  // a running kernel can be aborted too (whether it is still queued or
  // already running when the signal fires, the promise rejects)
  const k = new AbortController();
  const p3 = e.submit(() => rp.matmul(m(1024), m(1024)), { signal: k.signal });
  k.abort();
  await assert.rejects(p3, (x: Error) => x.name === "AbortError");
  const pre = new AbortController();
  pre.abort(new Error("already"));
  await assert.rejects(
    e.submit(() => rp.add(big, 1), { signal: pre.signal }),
    /already/,
  );
  await settled(e);
  const x = e.metrics();
  assert.equal(x.cancelled, 3);
  assert.equal(x.timedOut, 1);
  addsUp(e);
  await e.close();
});

test("priorities: a high-priority job overtakes queued normal ones", async () => {
  const e = new rp.Engine({ threads: 1 });
  const order: string[] = [];
  const g = gate();
  const blocker = e.submit(g.job);
  await g.entered(); // the worker is held: the three below queue
  const low = e.submit(() => rp.add(heavy, 1), { priority: "low" }).then(() =>
    order.push("low")
  );
  const normal = e.submit(() => rp.add(heavy, 2)).then(() =>
    order.push("normal")
  );
  const high = e.submit(() => rp.add(heavy, 3), { priority: "high" }).then(() =>
    order.push("high")
  );
  g.open();
  await Promise.all([blocker, low, normal, high]);
  assert.deepEqual(order, ["high", "normal", "low"]);
  await e.close();
});

test("close: drain finishes jobs; without drain they are cancelled; then submit fails", async () => {
  const e = new rp.Engine({ threads: 1 });
  const done = [1, 2, 3].map(() => e.submit(() => rp.matmul(heavy, heavy)));
  await e.close();
  assert.equal((await Promise.all(done)).length, 3);
  await assert.rejects(e.submit(() => rp.add(heavy, 1)), rp.EngineClosedError);

  const f = new rp.Engine({ threads: 1 });
  const g = gate();
  const jobs = [g.job, () => rp.matmul(heavy, heavy), () => rp.add(heavy, 1)]
    .map((fn) => f.submit<unknown>(fn).then(() => "ok", (x: Error) => x.name));
  await g.entered(); // one running (held), two queued
  await f.close({ drain: false });
  const outcomes = await Promise.all(jobs);
  assert.deepEqual(outcomes, ["AbortError", "AbortError", "AbortError"]);
  addsUp(f);
});

test("metrics add up over thousands of mixed jobs; Prometheus text parses", async () => {
  const events: rp.JobEvent[] = [];
  const e = new rp.Engine({
    threads: 2,
    maxQueue: 8,
    onJob: (ev) => events.push(ev),
  });
  const small = m(48);
  // both workers held for the first 100 submissions: the queue (8) fills
  // and the rest of them are rejected, whatever the machine's speed
  // (the wasm engine runs one job at a time: one holder holds it)
  const g = gate();
  const nHold = rp.backend.name === "wasm" ? 1 : 2;
  const holders = Array.from({ length: nHold }, () => e.submit(g.job));
  await g.entered(nHold);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const all: Promise<unknown>[] = [];
  let settledCount = 0;
  for (let i = 0; i < 2000; i++) {
    const ac = new AbortController();
    const p = e.submit(() => rp.add(rp.matmul(small, small), i), {
      signal: ac.signal,
      timeout: rnd() < 0.05 ? 0 : undefined,
    }).then((r) => {
      assert.equal(
        r.get(0, 0),
        (rp.matmul(small, small).get(0, 0) as number) + i,
      );
    }, () => {}).finally(() => settledCount++);
    if (rnd() < 0.1) ac.abort();
    all.push(p);
    if (i === 100) g.open();
    if (i % 200 === 0) {
      gc();
      await sleep(0);
    }
  }
  await Promise.all(all);
  await Promise.all(holders);
  assert.equal(settledCount, 2000);
  await settled(e);
  const x = e.metrics();
  assert.equal(x.submitted, 2000 + nHold);
  addsUp(e);
  assert.ok(
    x.completed > 0 && x.rejected > 0 && x.cancelled > 0,
    JSON.stringify(x),
  );
  // every job that reached the queue reported one event
  assert.equal(
    events.length,
    x.completed + x.failed + x.cancelled + x.timedOut,
  );
  assert.ok(x.runMs.p50 > 0 && x.runMs.p99 >= x.runMs.p50);

  // Prometheus text exposition: TYPE before samples, valid sample lines,
  // cumulative buckets ending in +Inf = _count
  const text = e.prometheus();
  const types = new Map<string, string>();
  const buckets: Record<string, number[]> = {};
  const counts: Record<string, number> = {};
  for (const line of text.trimEnd().split("\n")) {
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      types.set(name!, type!);
      continue;
    }
    if (line.startsWith("# HELP ")) continue;
    const mm = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+]+|\+Inf)$/
      .exec(line);
    assert.ok(mm, `bad sample line: ${line}`);
    const name = mm[1]!;
    const base = name.replace(/_(bucket|sum|count)$/, "");
    assert.ok(types.has(name) || types.has(base), `no TYPE before ${name}`);
    if (name.endsWith("_bucket")) (buckets[base] ??= []).push(Number(mm[3]));
    if (name.endsWith("_count")) counts[base] = Number(mm[3]);
  }
  for (const [base, bs] of Object.entries(buckets)) {
    for (let i = 1; i < bs.length; i++) assert.ok(bs[i]! >= bs[i - 1]!);
    assert.equal(bs.at(-1), counts[base]);
  }
  assert.equal(types.get("raptors_engine_queue_wait_seconds"), "histogram");
  assert.match(text, /raptors_engine_jobs_total\{outcome="completed"\} \d+/);
  assert.match(text, /raptors_engine_jobs_total\{outcome="timed_out"\} \d+/);
  assert.match(text, /raptors_engine_jobs_submitted_total \d+/);
  assert.doesNotMatch(text, /outcome="submitted"|timedOut/);
  await e.close();
});

test("a script that used the engine exits by itself, cleanly, every time", () => {
  const script = new URL("./fixtures/engine_exit.ts", import.meta.url).pathname;
  const g = globalThis as { Deno?: { execPath(): string } };
  const [cmd, args] = runtime === "deno"
    ? [g.Deno!.execPath(), [
      "run",
      "--allow-ffi",
      "--allow-env",
      "--allow-read",
      script,
    ]]
    : [
      (globalThis as unknown as { process: { execPath: string } }).process
        .execPath,
      [script],
    ];
  // exit races are timing-dependent: run it several times
  for (let i = 0; i < 8; i++) {
    const out = execFileSync(cmd, args, { timeout: 20_000, encoding: "utf8" });
    assert.match(out, /done 22 jobs/);
  }
});

test("read-only arrays: no raptors write reaches them; jobs read them in place", async () => {
  const w = m(40).asReadOnly();
  assert.equal(w.flags.writeable, false);
  assert.equal(w.asReadOnly(), w);
  assert.throws(() => w.set([0, 0], 1), /read-only/);
  assert.throws(() => w.slice("0:2").assign(0), /read-only/);
  assert.throws(() => rp.add(w, 1, { out: w }), /read-only/);
  assert.equal(w.T.flags.writeable, false); // views share the protection
  const d = w.data as Float64Array;
  d[0] = 123; // a copy: the array is unchanged
  assert.notEqual(w.get(0, 0), 123);
  assert.equal(w.dispose(), false);
  const x = m(40, 7);
  const jobs = Array.from({ length: 50 }, () => rp.matmulAsync(x, w));
  const expect = rp.matmul(x, w).tolist();
  for (const r of await Promise.all(jobs)) assert.deepEqual(r.tolist(), expect);
});

test("lend: the job reads and writes the array in place; it is locked until the job settles", async () => {
  const e = new rp.Engine({ threads: 1, maxQueue: 8 });
  for (const n of [3, 300, 300_000]) { // slab, pooled, large sizes
    const g = gate();
    const x = rp.arange(n, { dtype: "float64" });
    const xt = x.reshape(n, 1); // a view made before: the same memory
    // without lend, a job may not write into an array from outside it
    await assert.rejects(
      e.submit(() => rp.add(x, 1, { out: x })),
      /does not own/,
    );
    const p = e.submit(() => {
      g.job(); // the job cannot finish before the checks below
      rp.multiply(x, 2, { out: x }); // in place: the caller sees it after
      return rp.sum(x, { keepdims: true });
    }, { lend: [x] });
    await g.entered();
    const locked = /has not settled/;
    assert.throws(() => x.get(0), locked);
    assert.throws(() => xt.get(0, 0), locked);
    assert.throws(() => rp.add(x, 1), locked);
    assert.throws(() => x.set([0], 5), locked);
    assert.throws(() => x.dispose(), locked);
    // lent to one job at a time
    await assert.rejects(e.submit(() => rp.negative(x), { lend: [x] }), locked);
    g.open();
    const s = await p;
    assert.equal((s as NDArray).item(), n * (n - 1)); // 2 * (0 + ... + n-1)
    assert.equal(x.get(n - 1), 2 * (n - 1)); // the job's write, in place
    assert.equal(xt.get(1, 0), 2);
    rp.add(x, 1, { out: x }); // usable again
    assert.equal(x.get(0), 1);
  }
  // a job that fails or is cancelled gives the array back too
  const y = rp.ones([1000]);
  await assert.rejects(
    e.submit(() => rp.matmul(y.reshape(10, 100), y.reshape(10, 100)), {
      lend: [y],
    }),
    /shape|align|mismatch/i,
  );
  assert.equal(rp.sum(y), 1000);
  const g = gate();
  const held = e.submit(g.job);
  await g.entered();
  const ac = new AbortController();
  const c = e.submit(() => rp.multiply(y, 3), { lend: [y], signal: ac.signal });
  ac.abort();
  await assert.rejects(c, (err: Error) => err.name === "AbortError");
  g.open();
  await held;
  await settled(e);
  assert.equal(rp.sum(y), 1000);
  // *Async functions take lend too
  const a = rp.ones([4, 4]);
  const r = await rp.matmulAsync(a, a, { lend: [a], engine: e });
  assert.equal(rp.sum(r), 64);
  await e.close();
});

test("lend refuses what a job cannot read in place, naming it", async () => {
  const e = new rp.Engine({ threads: 1, maxQueue: 4 });
  const x = rp.ones([100]);
  const outside = rp.frombuffer(new ArrayBuffer(800)); // the caller's memory
  const taken = rp.ones([100]);
  void taken.data; // the caller holds its memory now
  const reachable = /reachable outside raptors/;
  await assert.rejects(
    e.submit(() => rp.add(outside, x), { lend: [outside] }),
    (err: Error) => err instanceof TypeError && reachable.test(err.message),
  );
  const wrapped = new rp.NDArray(new Float64Array(4), "float64", [4]);
  await assert.rejects(
    e.submit(() => rp.negative(wrapped), { lend: [wrapped] }),
    reachable,
  );
  await assert.rejects(
    e.submit(() => rp.add(taken, x), { lend: [x, taken] }),
    /lend\[1\]: its memory is reachable outside raptors/,
  );
  await assert.rejects(
    e.submit(() => rp.add(x, 1), { lend: x as unknown as NDArray[] }),
    /lend must be an array of NDArrays/,
  );
  await assert.rejects(
    e.submit(() => rp.add(x, 1), { lend: [new Float64Array(3)] as never }),
    /lend\[0\] is not an NDArray/,
  );
  // a second view of a caller's memory (a broadcast) is refused as well
  const wide = rp.frombuffer(new ArrayBuffer(32)).broadcastTo([2, 4]);
  await assert.rejects(
    e.submit(() => rp.negative(wide), { lend: [wide] }),
    reachable,
  );
  // memory handed out while the job is recorded is refused too
  const y = rp.ones([100]);
  await assert.rejects(
    e.submit(() => {
      void y.data;
      return rp.negative(y);
    }, { lend: [y] }),
    reachable,
  );
  // nothing was locked by the refusals
  assert.equal(rp.sum(x), 100);
  assert.equal(rp.sum(y), 100);
  // a read-only array is read in place anyway: lending it is allowed
  const ro = rp.ones([100]).asReadOnly();
  const r = await e.submit(() => rp.add(ro, x), { lend: [ro] });
  assert.equal(rp.sum(r), 200);
  assert.equal(e.metrics().inFlight, 0);
  await e.close();
});

test("RAPTORS_COPY_POOL_MB must be a whole number of MiB (a RangeError naming it)", async () => {
  const env = (globalThis as unknown as {
    process: { env: Record<string, string | undefined> };
  }).process.env;
  const before = env.RAPTORS_COPY_POOL_MB;
  try {
    for (const bad of ["0.5", "-1", "lots", "1e3"]) {
      env.RAPTORS_COPY_POOL_MB = bad;
      assert.throws(
        () => new rp.Engine({ threads: 1 }),
        (e: unknown) =>
          e instanceof RangeError &&
          e.message.includes("RAPTORS_COPY_POOL_MB") &&
          e.message.includes(bad),
        bad,
      );
    }
    env.RAPTORS_COPY_POOL_MB = " 64 ";
    const e = new rp.Engine({ threads: 1 });
    await e.close();
  } finally {
    if (before === undefined) delete env.RAPTORS_COPY_POOL_MB;
    else env.RAPTORS_COPY_POOL_MB = before;
  }
});

/**
 * This process's threads (Linux): name and nice value, read from /proc by
 * a shell (Deno lets a test read /proc/<pid> only with every permission).
 */
function threadNices(): { tid: number; comm: string; nice: number }[] {
  const out = execFileSync("sh", [
    "-c",
    `for t in /proc/${process.pid}/task/*; do ` +
    `echo "$(cat $t/comm 2>/dev/null)|$(cat $t/stat 2>/dev/null)"; done`,
  ], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes(")")).map((l) => {
    const [comm, stat] = [
      l.slice(0, l.indexOf("|")),
      l.slice(l.indexOf("|") + 1),
    ];
    // the fields after "(comm)": state is field 3, nice field 19
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { tid: Number(stat.split(" ")[0]), comm, nice: Number(f[16]) };
  });
}

test("workerNice: workers run below the event loop's priority (Linux); bad values throw", async () => {
  for (const bad of [-1, 40, 1.5, "3", NaN]) {
    assert.throws(
      () => new rp.Engine({ workerNice: bad as number }),
      (e: unknown) => e instanceof RangeError && /workerNice/.test(String(e)),
      String(bad),
    );
  }
  if (rp.backend.name === "wasm" || process.platform !== "linux") return;
  // the main thread (the event loop's) has the pid for its id
  const ownNice = () => threadNices().find((t) => t.tid === process.pid)!.nice;
  const base = ownNice();
  /** The nice values of the worker threads started since `old` was taken. */
  const newWorkers = (old: Set<number>) =>
    threadNices().filter((t) =>
      // "raptors-engine-N", cut to 15 bytes by the kernel
      !old.has(t.tid) && t.comm.startsWith("raptors-engine")
    ).map((t) => t.nice);
  const tids = () => new Set(threadNices().map((t) => t.tid));
  // each engine's workers held at a gate (so each has set its priority):
  // 7 steps below, the default (10 below), and 0 (the creator's priority)
  for (
    const [options, below] of [
      [{ workerNice: 7 }, 7],
      [{}, 10],
      [{ workerNice: 0 }, 0],
    ] as const
  ) {
    const target = Math.min(19, base + below);
    const old = tids();
    const e = new rp.Engine({ threads: 2, ...options });
    const g = gate();
    const jobs = [e.submit(g.job), e.submit(g.job)];
    await g.entered(2);
    assert.deepEqual(
      newWorkers(old),
      [target, target],
      `${below} below ${base}`,
    );
    assert.equal(ownNice(), base, "the event loop's own priority is unchanged");
    g.open();
    await Promise.all(jobs);
    await e.close();
  }
});
