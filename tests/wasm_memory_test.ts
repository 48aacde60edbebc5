/**
 * The WebAssembly backend's fixed heap (`rust/src/arena.rs`,
 * `src/core/_arena.ts`), in a child process with a 32 MiB heap so exhaustion is
 * quick to reach. Runs from either backend: the child always uses wasm.
 */
import assert from "node:assert/strict";
import { childJson, test } from "./_shim.ts";

test("wasm heap: arrays live in wasm memory, the scratch reserve holds, a trap resets cleanly", () => {
  const seen = childJson(
    new URL("./_wasm_memory_child.ts", import.meta.url),
    { RAPTORS_BACKEND: "wasm", RAPTORS_WASM_MEMORY_MB: "32" },
    { denoFlags: ["--v8-flags=--expose-gc"] },
  );
  assert.equal(seen.backend, "wasm");
  // 32 MiB minus the module's static data and stack
  assert.ok(seen.heapSize > 28 << 20 && seen.heapSize < 32 << 20);
  assert.equal(seen.bigInWasm, true);
  assert.deepEqual(seen.randomInWasm, [true, true, true, true]);
  assert.equal(seen.smallInWasm, false);
  assert.equal(seen.values, true);
  assert.equal(seen.allocatedFromHeap, true);
  assert.equal(seen.disposeFrees, true);
  // 1 MiB arrays: about (heap - 16 MiB reserve) of them fit, then JS memory
  assert.ok(
    seen.firstOutside >= 10 && seen.firstOutside <= 16,
    `first array outside the heap: #${seen.firstOutside}`,
  );
  assert.ok(seen.freeAtFull >= 16 << 20, "the scratch reserve was kept");
  assert.equal(seen.mixed, true);
  assert.equal(seen.heldValues, true);
  assert.match(seen.tooBig, /^RangeError: .*RAPTORS_WASM_MEMORY_MB higher/);
  assert.match(seen.panicAfterRefusedCopy, /^5 .*kernel trapped.*reset/);
  assert.doesNotMatch(seen.panicAfterRefusedCopy, /out of WebAssembly memory/);
  assert.equal(seen.sortInputInWasm, true);
  assert.match(
    seen.trap,
    /out of WebAssembly memory: the kernel needed \d+ bytes.*instance was reset/,
  );
  assert.equal(seen.afterTrapOld, true);
  assert.equal(seen.afterTrapCopied, true);
  assert.equal(seen.afterTrapSort, true);
  assert.equal(seen.afterTrapNewInWasm, true);
  assert.equal(seen.escapedIntact, true);
  assert.equal(seen.gcFrees, true);
  // 20 async sorts of a 1.6 MB array: right, and their copies freed
  assert.equal(seen.jobs.right, true);
  assert.ok(seen.jobs.lost <= 1 << 20, `heap bytes lost: ${seen.jobs.lost}`);
  // (with room for the copies: more than the 16 MiB reserve plus 1.6 MB)
  assert.ok(seen.jobs.free0 > 18 << 20, `free: ${seen.jobs.free0}`);
  // 3,000 random steps: no live array or view ever saw another's values
  assert.equal(seen.stress.bad, 0);
  assert.ok(seen.stress.disposed > 100, `disposed ${seen.stress.disposed}`);
  // (a `data` view pins its block for good, so the heap fills as the
  // stress takes them: fewer arrays fit than before that rule)
  assert.ok(seen.stress.created > 300, `in the heap: ${seen.stress.created}`);
  // a subarray of a `data` view outlives the array and the view: its block
  // is never reused (it was, in Bun, before `data` pinned blocks)
  assert.equal(seen.keptSubarray, true);
});
