/**
 * The wasm backend's worker threads (`ffi/wasm_threads.ts`,
 * `rust/src/parallel.rs` wasm_pool), in child processes so each starts
 * with its own thread count.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { childJson, test } from "./_shim.ts";
import { openWasm } from "../ffi/wasm.ts";
import { BINARY_OP, DTYPE } from "../ffi/symbols.ts";

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

test("wasm threads: workers that cannot start, or never join, leave the kernels on fewer threads", async () => {
  const module = await WebAssembly.compile(
    await readFile(
      fileURLToPath(new URL("../wasm/raptors.wasm", import.meta.url)),
    ),
  );
  const failing = openWasm(module, 64, undefined, {
    count: 3,
    start: () => {
      throw new Error("no workers here");
    },
  });
  assert.equal(failing.threads, 1);
  let started = 0;
  const silent = openWasm(module, 64, undefined, {
    count: 3,
    start: () => (started++, () => {}),
  });
  assert.equal(silent.threads, 3);
  assert.equal(started, 2);
  for (const lib of [failing, silent]) {
    // large enough to be split: the parts all run on the caller
    const a = new Float64Array(200_000).map((_, i) => i);
    const out = new Float64Array(a.length);
    const status = lib.symbols.rp_binary(
      BINARY_OP.add,
      DTYPE.float64,
      a,
      a,
      out,
      a.length,
    );
    assert.equal(status, 0);
    assert.ok(out.every((v, i) => v === 2 * i));
    assert.deepEqual(lib.pool(), { workers: 0, tasks: 0 });
    lib.close();
  }
});
