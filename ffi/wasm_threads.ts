/**
 * Worker threads for the WebAssembly backend (Deno, Bun and Node; never on
 * edge workers, which have no threads).
 *
 * The module's memory is shared (`WebAssembly.Memory({ shared: true })`).
 * Each worker instantiates the same compiled module on it, moves its stack
 * pointer to a stack of its own (allocated from the heap by the main
 * thread), installs the relaxed-SIMD side module at the same table
 * indices as the main instance, joins the pool and calls
 * `rp_wasm_worker_step` in a loop: each call waits on the memory
 * (`memory.atomic.wait32`) for the next parallel region the main thread
 * publishes, runs tasks of it and returns (`rust/src/parallel.rs`,
 * `wasm_pool`; V8 has no on-stack replacement for wasm, so a wasm loop
 * that never returned would never leave baseline code). A worker that traps sets the
 * shared trap flag, so the main thread fails its call instead of waiting.
 *
 * `node:worker_threads` is used in all three runtimes: it runs the worker
 * from source (no file to read, no permission) and `unref()` lets the
 * process exit while workers wait. The workers get no message listener:
 * in Node and Bun one keeps the process alive.
 *
 * @module
 */

import type { WasmMemory, WasmModule } from "./_wasm_api.ts";

/** What a worker needs: all of it is shareable with `postMessage`. */
export interface WorkerInit {
  module: WasmModule;
  memory: WasmMemory;
  /** The side module and its kernels, installed at table index `at`. */
  side?: WasmModule;
  kernels: readonly string[];
  at: number;
  /** Top of this worker's stack (16-aligned), in the shared memory. */
  stackTop: number;
  /** Address of the i32 trap flag (`rp_wasm_trapped_flag`). */
  flag: number;
}

/** Starts one worker; the result stops it. */
export type StartWorker = (init: WorkerInit) => () => void;

// CommonJS: `eval` workers are scripts in Node, Deno and Bun alike.
const WORKER_SOURCE = `"use strict";
const d = require("node:worker_threads").workerData;
const env = { env: { memory: d.memory } };
const e = new WebAssembly.Instance(d.module, env).exports;
e.__stack_pointer.value = d.stackTop;
let ok = true;
if (d.side) {
  const k = new WebAssembly.Instance(d.side, env).exports;
  const t = e.__indirect_function_table;
  const at = t.grow(d.kernels.length);
  d.kernels.forEach((n, i) => t.set(at + i, k[n]));
  ok = at === d.at;
}
if (ok) {
  try {
    for (let seen = e.rp_wasm_worker_join();;) seen = e.rp_wasm_worker_step(seen);
  } catch (_) {
    Atomics.store(new Int32Array(d.memory.buffer), d.flag >> 2, 1);
  }
}
`;

interface NodeWorker {
  unref(): void;
  terminate(): unknown;
  on(event: "error", fn: (e: unknown) => void): void;
}
type NodeWorkerCtor = new (
  source: string,
  options: { eval: true; workerData: WorkerInit },
) => NodeWorker;

/**
 * A worker starter, or undefined where `node:worker_threads` is missing
 * (then the backend runs on one thread).
 */
export async function workerStarter(): Promise<StartWorker | undefined> {
  let Worker: NodeWorkerCtor;
  try {
    ({ Worker } = await import("node:worker_threads") as unknown as {
      Worker: NodeWorkerCtor;
    });
  } catch {
    return undefined;
  }
  return (init) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: init });
    w.unref();
    // a worker that fails to start only leaves the pool smaller
    w.on("error", () => {});
    return () => void w.terminate();
  };
}

/**
 * Kernel threads for the wasm backend: `RAPTORS_NUM_THREADS` (as natively)
 * when it is a positive integer, else the logical cores
 * (`navigator.hardwareConcurrency`, or `node:os` on Node before 21).
 */
export async function wasmThreadCount(
  env: string | undefined,
): Promise<number> {
  const n = Number(env);
  if (env !== undefined && Number.isInteger(n) && n > 0) return Math.min(n, 64);
  let cores = (globalThis as { navigator?: { hardwareConcurrency?: number } })
    .navigator?.hardwareConcurrency;
  if (typeof cores !== "number") {
    try {
      const os = await import("node:os") as {
        availableParallelism?(): number;
        cpus(): unknown[];
      };
      cores = os.availableParallelism?.() ?? os.cpus().length;
    } catch {
      cores = 1;
    }
  }
  return cores > 0 ? Math.min(cores, 64) : 1;
}
