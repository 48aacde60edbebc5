/**
 * The result-buffer pool (`src/core/_pool.ts`): reuse after `dispose()` and
 * after garbage collection, and the rules that keep a buffer from being
 * handed out twice (views, `data`, detached buffers).
 */
import assert from "node:assert/strict";
import * as rp from "../mod.ts";
import fc from "fast-check";
import { pooledSize, poolHas } from "../src/core/_pool.ts";
import { childJson, gc, test } from "./_shim.ts";
import { wasmHeap } from "../src/core/_arena.ts";
import { library } from "../src/_native.ts";
import { storageOf } from "../src/core/ndarray.ts";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { firstHugeBoundary, hugeAdvised } from "./_hugepages_child.ts";

const onWasm = rp.backend.name === "wasm";

const N = 100_000; // 800 KB of float64: pooled
const a = rp.arange(N).astype("float64");

test("dispose() returns the buffer; the next result reuses it with fresh values", () => {
  const r = rp.add(a, 1);
  const buf = storageOf(r).buffer;
  assert.equal(r.dispose(), true);
  const r2 = rp.multiply(a, 2);
  assert.equal(storageOf(r2).buffer, buf);
  assert.equal(r2.get(N - 1), 2 * (N - 1));
  assert.equal(r2.get(3), 6);
  // a disposed array cannot be read, in JS or natively
  assert.throws(() => r.get(0), /disposed/);
  assert.throws(() => r.tolist(), /disposed/);
  assert.throws(() => rp.add(r, 1));
  assert.equal(r.dispose(), false);
  // zeros() on a reused, dirty buffer is still zeros
  assert.equal(r2.dispose(), true);
  const z = rp.zeros([N]);
  assert.equal(storageOf(z).buffer, buf);
  assert.equal(rp.countNonzero(z), 0);
  z.dispose();
});

test("an array with views, or whose data escaped, is not released", () => {
  const r = rp.add(a, 1);
  const v = r.slice("::2");
  assert.equal(r.dispose(), false);
  assert.equal(v.get(1), 3);
  assert.equal(r.get(1), 2);

  const s = rp.add(a, 5);
  const d = s.data as Float64Array;
  assert.equal(s.dispose(), false);
  for (let i = 0; i < 20; i++) rp.add(a, i).dispose();
  assert.equal(d[10], 15);
  assert.equal(s.get(10), 15);
});

test("`using` disposes at the end of the block", () => {
  let buf: ArrayBufferLike;
  {
    using r = rp.subtract(a, 1);
    buf = storageOf(r).buffer;
    assert.equal(r.get(1), 0);
  }
  const r2 = rp.subtract(a, 2);
  assert.equal(storageOf(r2).buffer, buf);
  assert.equal(r2.get(5), 3);
});

test("a detached pooled buffer is dropped, never reused", () => {
  const r = rp.add(a, 1);
  const buf = storageOf(r).buffer as ArrayBuffer;
  if (onWasm) {
    // results live in the wasm memory, which no holder can detach
    assert.throws(() => buf.transfer(), TypeError);
    assert.equal(r.get(2), 3);
    assert.equal(r.dispose(), true);
    return;
  }
  buf.transfer(); // a holder detaches it
  assert.equal(r.dispose(), true); // released, but detached: dropped
  const r2 = rp.add(a, 3);
  assert.notEqual(storageOf(r2).buffer, buf);
  assert.equal(r2.get(2), 5);
});

test("collected results return to the pool after GC (event-loop turn)", async () => {
  if (onWasm) {
    // results live in the wasm heap: collection frees their blocks
    const free0 = wasmHeap()!.free;
    for (let i = 0; i < 8; i++) rp.add(a, i);
    const free1 = wasmHeap()!.free;
    assert.ok(free1 < free0, "results were allocated in the wasm heap");
    let free = free1;
    for (let round = 0; round < 40 && free <= free1; round++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
      free = wasmHeap()!.free;
    }
    assert.ok(free > free1, "no collected result gave its memory back");
  }
  // hold the buffers, not the arrays: the storages can be collected
  const used = new Set<ArrayBufferLike>();
  for (let i = 0; i < 8; i++) used.add(storageOf(rp.add(a, i)).buffer);
  let back = onWasm; // no pooled buffers there: checked above
  for (let round = 0; round < 40 && !back; round++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
    back = [...used].some((b) => poolHas(b));
  }
  assert.ok(back, "no collected buffer came back to the pool");
  // and it is handed out again, with fresh values (other tests' garbage
  // may sit above it in the free stack)
  let reused = false;
  const held: rp.NDArray[] = [];
  for (let i = 0; i < 200 && !reused; i++) {
    const r = rp.add(a, 100);
    held.push(r);
    reused = used.has(storageOf(r).buffer);
    if (reused) assert.equal(r.get(5), 105);
  }
  assert.ok(reused, "no collected buffer came back to the pool");
  // thousands of results under GC: values stay right
  for (let i = 0; i < 2000; i++) {
    const r = rp.add(a, i);
    if (r.get(N - 1) !== N - 1 + i) assert.fail(`round ${i}: stale values`);
    if (i % 500 === 0) gc();
  }
});

test("pooled results start at a 64-byte boundary on the native backend (AVX-512 loads within one cache line)", () => {
  if (onWasm) return assert.equal(rp.backend.name, "wasm"); // kernels read copies there
  // from 1 KiB (smaller results live in slabs)
  for (const n of [256, 1000, 4096, 10_000, 65_536, 100_000, 640_000]) {
    for (const dt of ["float64", "float32"] as const) {
      const a = rp.zeros([n], { dtype: dt });
      const st = storageOf(a) as Float64Array | Float32Array;
      assert.equal(library.addressOf(st) % 64, 0, `${n} ${dt}`);
      assert.equal(st.length, n);
      a.dispose();
      // the next result over the same buffer starts there too, holding its own values
      const b = rp.add(rp.zeros([n], { dtype: dt }), 2);
      assert.equal(library.addressOf(storageOf(b) as Float64Array) % 64, 0);
      assert.equal(b.get(n - 1), 2);
      b.dispose();
    }
  }
});

test("size classes fit every request with at most 25% to spare", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2 ** 10, max: 2 ** 30 }), (bytes) => {
      const size = pooledSize(bytes);
      assert.ok(size >= bytes, `${size} < ${bytes}`);
      assert.ok(size <= bytes * 1.25, `${size} > 1.25 x ${bytes}`);
      assert.equal(pooledSize(size), size); // a class size maps to itself
    }),
    { numRuns: 2000, seed: 20261121 },
  );
});

test("zeros of every dtype on reused (dirty) buffers are zeros", async () => {
  // let earlier tests' garbage return to the pool so these allocations fit
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
  for (const dtype of rp.DTYPES) {
    const n = 70_000; // pooled for every itemsize
    const x = rp.ones([n], { dtype });
    const buf = storageOf(x).buffer;
    assert.equal(x.dispose(), true);
    // the same (dirty) buffer: 70 KB of int8 are zeroed by fill(), 560 KB
    // of float64 by the library's fill on the native backend
    const z = rp.zeros([n], { dtype });
    assert.equal(storageOf(z).buffer, buf, dtype);
    assert.equal(rp.countNonzero(z), 0, dtype);
    z.dispose();
  }
});

test("a disposed result's memory (and storage object) serves the next result of the same size, never through the disposed array", () => {
  const x = rp.arange(3000).astype("float64"), y = rp.ones([3000]);
  const a = rp.add(x, y);
  const keep = rp.add(x, x); // a live neighbour of the same size
  assert.equal(a.dispose(), true);
  assert.throws(() => a.get(0), /disposed/);
  const b = rp.multiply(x, 2); // takes a's buffer back
  const c = rp.add(x, y, { out: rp.empty([3000]) });
  assert.equal(b.get(2999), 5998);
  assert.equal(c.get(10), 11);
  assert.equal(keep.get(7), 14);
  assert.throws(() => rp.add(x, y, { out: a }), /disposed/);
  // a different dtype of the same byte size gets its own view
  assert.equal(b.dispose(), true);
  const d = rp.add(x.astype("int64"), 1n);
  assert.equal(d.dtype, "int64");
  assert.equal(d.get(5), 6n);
  assert.equal(keep.get(7), 14);
});

test("a broadcast view keeps its base's memory: the base's dispose() refuses, and later results never show through the view", () => {
  const x = rp.arange(4096).astype("float64"), y = rp.ones([4096]);
  const a = rp.add(x, y);
  const v = a.broadcastTo([2, 4096]);
  assert.equal(a.dispose(), false);
  const c = rp.multiply(x, 7); // would take a's buffer if it were freed
  assert.equal(v.get(1, 10), 11);
  assert.equal(c.get(10), 70);
  assert.equal(a.get(10), 11);
  const b = rp.broadcastTo(rp.add(x, y), [3, 4096]);
  const d = rp.multiply(x, 3);
  assert.equal(b.get(2, 5), 6);
  assert.equal(d.get(5), 15);
});

test("results stay pooled while the program holds more arrays than RAPTORS_POOL_MB (the budget bounds idle buffers only)", () => {
  // 170 results of a's size held (156 MB): past the default budget of
  // 128 MiB, and no room left under it for one more
  const held = Array.from({ length: 170 }, () => rp.add(a, 1));
  const r = rp.add(a, 1);
  const [buf, off] = [storageOf(r).buffer, storageOf(r).byteOffset];
  assert.equal(r.dispose(), true);
  if (!onWasm) assert.ok(poolHas(buf)); // (wasm: the heap's own free list)
  const r2 = rp.multiply(a, 2);
  assert.equal(storageOf(r2).buffer, buf);
  assert.equal(storageOf(r2).byteOffset, off);
  assert.equal(r2.get(N - 1), 2 * (N - 1));
  r2.dispose();
  for (const h of held) h.dispose();
});

test("fresh results of 4 MiB or more are on memory advised for huge pages (Linux, native); RAPTORS_HUGEPAGES=0 turns it off", () => {
  if (onWasm || process.platform !== "linux") return;
  // a kernel without transparent huge pages refuses the advice
  const thp = execFileSync("sh", [
    "-c",
    "test -e /sys/kernel/mm/transparent_hugepage/enabled && echo yes || echo no",
  ], { encoding: "utf8" }).trim() === "yes";
  const large = rp.zeros([2 ** 20]); // 8 MiB
  const at = firstHugeBoundary(library.addressOf(storageOf(large)));
  assert.equal(hugeAdvised(at), thp);
  large.assign(1); // the advice changes no contents
  assert.equal(rp.sum(large), 2 ** 20);
  large.dispose();
  // below 4 MiB, and with the variable at 0, nothing is advised
  const child = (value: string) =>
    childJson(
      new URL("./_hugepages_child.ts", import.meta.url),
      { RAPTORS_HUGEPAGES: value, RAPTORS_BACKEND: "native" },
      // (the child loads the library and runs a shell to read /proc)
      { denoFlags: ["--allow-all"] },
    );
  assert.deepEqual(child("1"), { small: false, large: thp });
  assert.deepEqual(child("0"), { small: false, large: false });
  assert.match(child("2").error, /RAPTORS_HUGEPAGES=2: expected 0 or 1/);
});
