/**
 * Run by `wasm_threads_test.ts` in a child process on the wasm backend,
 * with `RAPTORS_NUM_THREADS` set by the test: waits for the worker threads
 * to join, then prints what they did as JSON.
 *
 * By default it computes parallel kernels (elementwise, reductions, sort,
 * matmul) once on one thread (`setNumThreads(1)`) and once on all, and
 * reports whether the bytes match and how many tasks the workers ran.
 *
 * `THREADS_SIDE=worker-trap` registers a GEMM side module whose kernels
 * trap when their accumulator is outside the main thread's stack (the
 * first MiB of memory), that is, only on a worker thread: the matmul call
 * must fail with the trap, not wait forever for the lost task.
 */
import type { NDArray } from "../mod.ts";
import { sideModule } from "./_wasm_side.ts";

const env =
  (globalThis as unknown as { process: { env: Record<string, string> } })
    .process.env;

if (env.THREADS_SIDE === "worker-trap") {
  // local.get 3 (acc); i32.const 1 MiB; i32.ge_u; if unreachable end
  const trapOffMainStack = [
    0,
    0x20,
    3,
    0x41,
    0x80,
    0x80,
    0xc0,
    0x00,
    0x4f,
    0x04,
    0x40,
    0x00,
    0x0b,
    0x0b,
  ];
  (globalThis as Record<symbol, unknown>)[
    Symbol.for("raptors.wasm.gemm_relaxed")
  ] = sideModule({
    gemm_f64_4x4: trapOffMainStack,
    gemm_f32_4x8: trapOffMainStack,
  });
}

const rp = await import("../mod.ts");
const { library } = await import("../src/_native.ts");
const pool = () => library.pool!();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits (up to 10 s) until `n` workers have joined; returns how many. */
async function joined(n: number): Promise<number> {
  for (let i = 0; i < 400 && pool().workers < n; i++) await sleep(25);
  return pool().workers;
}

const seen: Record<string, unknown> = {
  backend: rp.backend.name,
  threads: rp.backend.threads,
};
seen.joined = await joined(rp.backend.threads! - 1);

if (env.THREADS_SIDE === "worker-trap") {
  const a = rp.ones([128, 128]);
  let error: Error | undefined;
  for (let i = 0; i < 200 && !error; i++) {
    try {
      rp.matmul(a, a).dispose();
    } catch (e) {
      error = e as Error;
    }
  }
  seen.error = error ? `${error.name}: ${error.message}` : null;
  seen.afterReset = rp.add(rp.arange(4, { dtype: "float64" }), 1).tolist();
  seen.rejoined = await joined(rp.backend.threads! - 1);
} else {
  const g = rp.defaultRng(11);
  const x = g.standardNormal(1_000_003) as NDArray;
  const y = g.standardNormal(1_000_003) as NDArray;
  const i64 = g.integers(-1000, 1000, 1_000_003) as NDArray;
  const m = g.standardNormal([203, 301]) as NDArray;
  const k = g.standardNormal([301, 157]) as NDArray;
  const ops: Record<string, () => NDArray | number | bigint> = {
    add: () => rp.add(x, y),
    exp: () => rp.exp(x),
    multiplyInt: () => rp.multiply(i64, i64),
    sum: () => x.sum() as number,
    sumInt: () => i64.sum() as bigint,
    max: () => x.max() as number,
    dot: () => rp.dot(x, y) as number,
    sort: () => rp.sort(x),
    matmul: () => rp.matmul(m, k),
    matmulF32: () => rp.matmul(m.astype("float32"), k.astype("float32")),
  };
  const bytes = (r: NDArray | number | bigint) =>
    typeof r === "object"
      ? new Uint8Array(r.data.slice().buffer)
      : new TextEncoder().encode(String(r));
  const same: Record<string, boolean> = {};
  let serialTasks = 0, parallelTasks = 0;
  for (const [name, op] of Object.entries(ops)) {
    rp.setNumThreads(1);
    let t = pool().tasks;
    const one = bytes(op());
    serialTasks += pool().tasks - t;
    rp.setNumThreads(0);
    t = pool().tasks;
    let all = bytes(op());
    // again, so a worker that was asleep for the first call runs tasks
    for (let r = 0; r < 3; r++) all = bytes(op());
    parallelTasks += pool().tasks - t;
    let equal = one.length === all.length;
    for (let i = 0; equal && i < one.length; i++) equal = one[i] === all[i];
    same[name] = equal;
  }
  seen.same = same;
  seen.serialTasks = serialTasks;
  seen.parallelTasks = parallelTasks;
}
console.log(JSON.stringify(seen));
