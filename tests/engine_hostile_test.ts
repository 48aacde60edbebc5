/**
 * The engine against hostile use: outputs leaked out of a job function
 * before it settles, async job functions, inputs changed, transferred or
 * freed while a job waits for a slot, small arrays that share a slab.
 * Every wait is on a state (a test gate, a promise), never on a clock.
 */
import assert from "node:assert/strict";
import * as rp from "../mod.ts";
import type { NDArray } from "../mod.ts";
import { gc, test, waitFor } from "./_shim.ts";
import { kernel } from "../src/engine/_record.ts";
import { native } from "../src/_native.ts";
import { storageOf } from "../src/core/ndarray.ts";

const slot = new Float64Array(1);

/**
 * Takes an array's memory away from it: a transfer of its buffer (native)
 * or, for wasm memory (which cannot be detached), overwriting it.
 */
function drop(a: NDArray): void {
  const buf = storageOf(a).buffer as ArrayBuffer;
  if (
    typeof buf.transfer === "function" && !(buf instanceof SharedArrayBuffer)
  ) {
    buf.transfer();
  } else (storageOf(a) as Float64Array).fill(-1e6);
}
/** A test gate (rp_test_gate): holds a worker until opened. */
function gate(g: number) {
  assert.equal(native.rp_test_gate_ctl(g, 0, slot), 0);
  return {
    hold: () => kernel("rp_test_gate", g),
    entered: () =>
      waitFor(() => {
        assert.equal(native.rp_test_gate_ctl(g, 2, slot), 0);
        return slot[0]! >= 1;
      }, `a job entering test gate ${g}`),
    open: () => assert.equal(native.rp_test_gate_ctl(g, 1, slot), 0),
  };
}

test("outputs of a pending job cannot be read, written, used or disposed until it settles", async () => {
  const e = new rp.Engine({ threads: 1, maxQueue: 4 });
  const g = gate(14);
  const x = rp.arange(1000, { dtype: "float64" });
  let leaked: NDArray | undefined;
  const p = e.submit(() => {
    g.hold(); // the job cannot finish before the checks below
    leaked = rp.multiply(x, 2);
    return rp.sum(leaked, { keepdims: true });
  });
  await g.entered();
  const out = leaked!;
  const pending = /has not settled yet/;
  assert.throws(() => out.dispose(), pending);
  assert.throws(() => out.get(0), pending);
  assert.throws(() => out.tolist(), pending);
  assert.throws(() => out.data, pending);
  assert.throws(() => String(out), pending);
  assert.throws(() => rp.add(out, 1), pending); // a kernel input
  assert.throws(() => rp.add(x, 1, { out }), pending); // a kernel output
  assert.throws(() => out.set([0], 5), pending);
  assert.throws(() => rp.sum(out), pending);
  // and the memory never went to the pool: zeros() are zeros
  const z = rp.zeros([1000]);
  assert.equal(rp.sum(z), 0);
  g.open();
  const s = await p;
  assert.equal((s as NDArray).get(0), 999 * 1000);
  // settled: the leaked output is an ordinary array now
  assert.equal(out.get(999), 1998);
  assert.equal(typeof out.dispose(), "boolean"); // no longer refused
  await e.close();
});

test("an output leaked from a job that is cancelled stays unreachable until the native side reports", async () => {
  const e = new rp.Engine({ threads: 1 });
  const g = gate(13);
  let leaked: NDArray | undefined;
  const ac = new AbortController();
  const p = e.submit(() => {
    g.hold();
    leaked = rp.add(rp.ones([64]), 1);
    return leaked;
  }, { signal: ac.signal });
  await g.entered();
  ac.abort();
  await assert.rejects(p, (x: Error) => x.name === "AbortError");
  // rejected, but the worker may still write it: still refused
  assert.throws(() => leaked!.dispose(), /has not settled yet/);
  assert.throws(() => leaked!.get(0), /has not settled yet/);
  await e.close(); // resolves once the job has been reported
  assert.equal(typeof leaked!.dispose(), "boolean"); // an ordinary array now
});

test("async job functions are refused before they run", async () => {
  const e = new rp.Engine({ threads: 1 });
  const x = rp.ones([8]);
  let ran = false;
  await assert.rejects(
    e.submit(async () => {
      ran = true;
      await null;
      return rp.add(x, 1);
    }),
    (err: Error) => err instanceof TypeError && /synchronous/.test(err.message),
  );
  assert.equal(ran, false);
  // a plain function returning a promise is refused too
  await assert.rejects(
    e.submit(() => Promise.resolve(rp.add(x, 1))),
    /synchronous/,
  );
  await assert.rejects(
    e.submit(42 as unknown as () => number),
    /expected a function/,
  );
  await e.close();
});

test("a storm of waiting jobs: inputs changed, transferred and collected while they wait never reach a job", async () => {
  const e = new rp.Engine({ threads: 1, maxQueue: 2, onFull: "wait" });
  const g = gate(12);
  const held = e.submit(() => {
    g.hold();
    return 0;
  });
  await g.entered();
  const jobs: Promise<NDArray>[] = [];
  const want: number[] = [];
  for (let i = 0; i < 60; i++) {
    const n = 2000 + 37 * i;
    const data = new Float64Array(n).fill(i);
    const a = rp.array(new Float64Array(n).fill(i + 0.5));
    jobs.push(e.submit(() => rp.add(rp.asarray(data), a)));
    want.push((2 * i + 0.5) * n);
    // after submit() returned, the caller owns its memory again
    if (i % 3 === 0) data.fill(-1e6);
    if (i % 3 === 1) (data.buffer as ArrayBuffer).transfer();
    if (i % 3 === 2) drop(a);
    if (i % 20 === 0) gc();
  }
  g.open();
  await held;
  const got = await Promise.all(jobs);
  for (let i = 0; i < got.length; i++) assert.equal(rp.sum(got[i]!), want[i]);
  await e.close();
});

test("small arrays share slabs: data gives memory of the array's own, a transfer detaches it alone", () => {
  const a = rp.add(rp.ones([4]), 1); // small results: from a slab on V8
  const b = rp.add(rp.ones([4]), 2);
  const va = a.reshape(2, 2); // a view sharing a's memory
  const d = a.data as Float64Array;
  d[0] = 7; // the view sees writes through data
  assert.equal(va.get(0, 0), 7);
  va.set([1, 1], 9);
  assert.equal(d[3], 9);
  (d.buffer as ArrayBuffer).transfer();
  assert.throws(() => a.get(0), /detached/);
  // b, carved from the same slab on V8, is untouched
  assert.deepEqual(b.tolist(), [3, 3, 3, 3]);
  assert.equal(rp.sum(b), 12);
  // a broadcast (read-only) view keeps its protection when it moves out
  const c = rp.add(rp.ones([3]), 0);
  const bc = c.broadcastTo([2, 3]);
  void c.data;
  assert.throws(() => bc.set([0, 0], 1), /read-only/);
  assert.equal(bc.get(1, 2), 1);
});

test("built-ins redefined after import do not decide what a job reads in place or keeps alive", async () => {
  const e = new rp.Engine({ threads: 1, maxQueue: 4 });
  const g = gate(15);
  const held = e.submit(() => {
    g.hold(); // the job below stays queued until the caller's memory is gone
    return 0;
  });
  await g.entered();
  const data = new Float64Array(4096).fill(1);
  const a = rp.asarray(data); // the caller's memory, not a copy
  type Saved = [object, string, PropertyDescriptor];
  const saved: Saved[] = [];
  const redefine = (o: object, k: string, v: unknown) => {
    saved.push([o, k, Reflect.getOwnPropertyDescriptor(o, k)!]);
    Object.defineProperty(o, k, {
      value: v,
      configurable: true,
      writable: true,
    });
  };
  let p: Promise<NDArray>;
  try {
    // "every buffer is job-private or read-only": read it in place
    redefine(WeakSet.prototype, "has", () => true);
    redefine(WeakMap.prototype, "get", () => undefined);
    // "nothing is in flight": nothing keeps the job's memory alive
    redefine(Map.prototype, "set", function (this: unknown) {
      return this;
    });
    redefine(Map.prototype, "get", () => undefined);
    p = e.submit(() => rp.multiply(a, 2));
  } finally {
    for (const [o, k, d] of saved.reverse()) Object.defineProperty(o, k, d);
  }
  // after submit() returned the caller owns its memory: change it, take it
  data.fill(-1e6);
  (data.buffer as ArrayBuffer).transfer();
  gc();
  g.open();
  await held;
  const r = await p;
  assert.equal(r.size, 4096);
  assert.equal(rp.sum(r), 2 * 4096);
  assert.equal(e.metrics().inFlight, 0);
  await e.close();
});

test("an array's memory is not reachable through its properties: only data hands it out, and the bookkeeping knows", async () => {
  const a = rp.ones([1000]);
  const lent = rp.ones([100_000]);
  for (const x of [a, lent, a.T, a.asReadOnly(), rp.add(a, 1)]) {
    assert.equal((x as unknown as Record<string, unknown>)._storage, undefined);
    for (const k of Reflect.ownKeys(x)) {
      const v = (x as unknown as Record<PropertyKey, unknown>)[k];
      assert.ok(!ArrayBuffer.isView(v), `own property ${String(k)}`);
    }
  }
  // the private field's brand check: nothing else passes for an NDArray
  const fake = Object.create(rp.NDArray.prototype);
  assert.throws(() => storageOf(fake), TypeError);
  // data is the way out, and it takes the memory out of what a job may
  // read in place
  void lent.data;
  await assert.rejects(
    rp.defaultEngine().submit(() => rp.negative(lent), { lend: [lent] }),
    /reachable outside raptors/,
  );
});
