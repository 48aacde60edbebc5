/**
 * Run by `wasm_memory_test.ts` in a child process with
 * `RAPTORS_BACKEND=wasm RAPTORS_WASM_MEMORY_MB=32`: exercises the fixed
 * WebAssembly heap (arrays in wasm memory, the scratch reserve, exhaustion,
 * a trap and the reset that follows) and prints what it saw as JSON.
 */
import * as rp from "../mod.ts";
import { wasmHeap } from "../src/core/_arena.ts";
import { lastError, native } from "../src/_native.ts";
import { gc } from "./_shim.ts";
import { storageOf } from "../src/core/ndarray.ts";

const seen: Record<string, unknown> = {};
const MB = 1 << 20;
const turn = () => new Promise((r) => setTimeout(r, 5));
const inWasm = (x: rp.NDArray) => storageOf(x).buffer.byteLength === 32 * MB;

seen.backend = rp.backend.name;
const heap0 = wasmHeap()!;
seen.heapSize = heap0.size;

// results of 4 KiB or more live in wasm memory; smaller ones do not
const a = rp.arange(131072).astype("float64"); // 1 MiB
const r = rp.add(a, 1);
seen.bigInWasm = inWasm(r);
seen.smallInWasm = inWasm(rp.add(rp.arange(10), 1));
// so do random draws (kernels then read them in place)
const g = rp.defaultRng(3);
seen.randomInWasm = [
  g.standardNormal(1024) as rp.NDArray,
  g.random(2048, { dtype: "float32" }) as rp.NDArray,
  g.integers(0, 9, 600) as rp.NDArray,
  g.permutation(600),
].map(inWasm);
seen.values = r.get(131071) === 131072 && r.get(5) === 6;
// dispose() frees the block at once
const before = wasmHeap()!.free;
const t = rp.multiply(a, 2);
seen.allocatedFromHeap = before - wasmHeap()!.free >= MB;
t.dispose();
seen.disposeFrees = wasmHeap()!.free === before;

// fill the heap: arrays stop coming from it before the scratch reserve
const held: rp.NDArray[] = [];
let firstOutside = -1;
for (let i = 0; i < 40 && firstOutside < 0; i++) {
  const x = rp.add(a, i);
  if (!inWasm(x)) firstOutside = i;
  held.push(x);
}
seen.firstOutside = firstOutside;
seen.freeAtFull = wasmHeap()!.free;
// mixed operands (wasm memory and JS memory) compute correctly
const mixed = rp.subtract(held[held.length - 1]!, held[0]!);
seen.mixed = rp.all(rp.equal(mixed, held.length - 1));
seen.heldValues = held.every((x, i) => x.get(1000) === 1000 + i);

// a plain array larger than the free heap cannot be copied in: typed error
try {
  rp.sum(new Float64Array(40 * MB / 8));
  seen.tooBig = "no error";
} catch (e) {
  seen.tooBig = `${(e as Error).name}: ${(e as Error).message}`;
}

// a panic after that refused copy is reported as a panic, not as memory
const status = native.rp_debug_panic();
seen.panicAfterRefusedCopy = `${status} ${lastError()}`;

// kernel scratch that does not fit: a trap, reported, and the instance is
// reset; arrays in the old memory keep their values and still work
const big = held.splice(0);
for (const x of big) x.dispose();
mixed.dispose();
const s = rp.array(rp.linspace(1, 0, 1_250_000)); // 10 MB, in the heap
seen.sortInputInWasm = inWasm(s);
const hog: rp.NDArray[] = [];
for (let i = 0; i < 30; i++) {
  const x = rp.add(a, i);
  if (!inWasm(x)) break;
  hog.push(x);
}
try {
  rp.sort(s);
  seen.trap = "no error";
} catch (e) {
  seen.trap = `${(e as Error).name}: ${(e as Error).message}`;
}
seen.afterTrapOld = s.get(0) === 1 && s.get(1_249_999) === 0 &&
  hog.every((x, i) => x.get(7) === 7 + i);
// the old memory is now ordinary JS memory to the new instance: copied
const plus = rp.add(s, 1);
seen.afterTrapCopied = plus.get(0) === 2 && plus.get(1_249_999) === 1 &&
  storageOf(plus).buffer !== storageOf(s).buffer;
const sorted = rp.sort(rp.array(rp.linspace(1, 0, 100_000)));
seen.afterTrapSort = sorted.get(0) === 0 && sorted.get(99_999) === 1;
const fresh = rp.add(a, 3);
seen.afterTrapNewInWasm = storageOf(fresh).buffer !== storageOf(s).buffer &&
  fresh.get(9) === 12;

// a `data` view handed out keeps its block alive after the array is gone
let d: Float64Array | undefined = (() => rp.add(a, 7).data as Float64Array)();
for (let i = 0; i < 5; i++) {
  gc();
  await turn();
  for (let j = 0; j < 8; j++) rp.multiply(a, -1).dispose();
}
seen.escapedIntact = d[0] === 7 && d[131071] === 131078;
// and garbage-collected results (and views) give their memory back
d = undefined;
for (let i = 0; i < 6; i++) rp.add(a, i); // dropped at once
const free1 = wasmHeap()!.free;
let free2 = free1;
for (let i = 0; i < 40 && free2 <= free1; i++) {
  gc();
  await turn();
  free2 = wasmHeap()!.free;
}
seen.gcFrees = free2 > free1;
// engine jobs copy their inputs into the heap and free them when done
for (const x of [...hog.splice(0), plus, sorted, fresh]) x.dispose();
{
  const input = rp.array(rp.linspace(1, 0, 200_000)); // 1.6 MB, in the heap
  gc();
  await turn();
  const free0 = wasmHeap()!.free;
  let right = true;
  for (let i = 0; i < 20; i++) {
    const r = await rp.sortAsync(input);
    right &&= r.get(0) === 0 && r.get(199_999) === 1;
    r.dispose();
  }
  seen.jobs = { right, lost: free0 - wasmHeap()!.free, free0 };
}

// a subarray of a `data` view, kept after the array and the view are
// collected, still holds the array's values while new arrays come and go
{
  const sub = (() => rp.full([4096], 42).data.subarray(0, 10))();
  for (let i = 0; i < 8; i++) {
    gc();
    await turn();
    for (let j = 0; j < 16; j++) rp.full([4096], -i).dispose();
  }
  seen.keptSubarray = sub.every((v) => v === 42n || v === 42);
}

// stress: random creation, views, `data` views, dispose and dropped
// references under GC; every live array or view keeps its own value (a
// block freed while reachable would be reused and overwritten)
{
  let state = 12345; // xorshift32
  const rand = (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  type Live = {
    get(i: number): number;
    n: number;
    value: number;
    arr?: rp.NDArray;
  };
  const live: Live[] = [];
  let value = 1, bad = 0, disposed = 0, created = 0;
  const verify = () => {
    for (const l of live) {
      if (l.get(0) !== l.value || l.get(l.n - 1) !== l.value) bad++;
    }
  };
  for (let step = 0; step < 3000; step++) {
    const op = rand(12);
    const arrs = live.filter((l) => l.arr !== undefined);
    if (op < 3 || arrs.length === 0) {
      const n = 600 + rand(40_000);
      const x = rp.full([n], value, { dtype: "float64" });
      if (inWasm(x)) created++;
      live.push({ get: (i) => x.get(i) as number, n, value: value++, arr: x });
    } else if (op === 3) {
      const src = arrs[rand(arrs.length)]!;
      const v = src.arr!.slice("::2");
      live.push({
        get: (i) => v.get(i) as number,
        n: v.size,
        value: src.value,
      });
    } else if (op === 4) {
      const src = arrs[rand(arrs.length)]!;
      const d = src.arr!.data as Float64Array;
      live.push({ get: (i) => d[i]!, n: d.length, value: src.value });
    } else if (op < 7) {
      const i = live.indexOf(arrs[rand(arrs.length)]!);
      if (live[i]!.arr!.dispose()) {
        disposed++;
        live.splice(i, 1);
      }
    } else if (live.length > 0) {
      live.splice(rand(live.length), 1); // dropped: garbage from now on
    }
    if (step % 25 === 0) verify();
    if (step % 100 === 0) {
      gc();
      await turn();
    }
  }
  verify();
  seen.stress = { bad, disposed, created, live: live.length };
}
console.log(JSON.stringify(seen));
