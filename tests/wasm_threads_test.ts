/**
 * The wasm backend's worker threads (`ffi/wasm_threads.ts`,
 * `rust/src/parallel.rs` wasm_pool), in child processes so each starts
 * with its own thread count.
 */
import assert from "node:assert/strict";
import { childJson, test } from "./_shim.ts";

const child = (env: Record<string, string>) =>
  childJson(new URL("./_wasm_threads_child.ts", import.meta.url), {
    RAPTORS_BACKEND: "wasm",
    ...env,
  });

test("wasm threads: workers join and run kernel tasks; results are bit-identical to one thread", () => {
  const seen = child({ RAPTORS_NUM_THREADS: "3" });
  assert.equal(seen.backend, "wasm");
  assert.equal(seen.threads, 3);
  assert.equal(seen.joined, 2);
  for (const [op, ok] of Object.entries(seen.same)) {
    assert.ok(ok, `${op}: threaded result differs from one thread`);
  }
  assert.equal(Object.keys(seen.same).length, 10);
  assert.equal(seen.serialTasks, 0, "setNumThreads(1) still used workers");
  assert.ok(seen.parallelTasks > 0, "no task ran on a worker");
});

test("wasm threads: RAPTORS_NUM_THREADS=1 starts no worker", () => {
  const seen = child({ RAPTORS_NUM_THREADS: "1" });
  assert.equal(seen.threads, 1);
  assert.equal(seen.joined, 0);
  assert.equal(seen.parallelTasks, 0);
  assert.ok(Object.values(seen.same).every(Boolean));
});

test("wasm threads: a trap on a worker fails the call with a named error, and the instance recovers", () => {
  const seen = child({
    RAPTORS_NUM_THREADS: "2",
    RAPTORS_WASM_RELAXED: "1",
    THREADS_SIDE: "worker-trap",
  });
  assert.equal(seen.joined, 1);
  assert.match(seen.error, /trapped on a WebAssembly worker thread/);
  assert.match(seen.error, /instance was reset/);
  assert.deepEqual(seen.afterReset, [1, 2, 3, 4]);
  assert.equal(seen.threads, 2);
  assert.equal(seen.rejoined, 1, "no worker joined the new instance");
});
