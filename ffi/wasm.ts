/**
 * The WebAssembly backend: the same Rust kernels compiled to
 * `wasm32-unknown-unknown` (SIMD128), behind the same
 * {@link NativeSymbols} interface as the native library.
 *
 * A wasm module can only address its own linear memory. The memory is
 * created here (shared, so worker threads can run kernel tasks on it:
 * `wasm_threads.ts`) at a fixed size (`RAPTORS_WASM_MEMORY_MB`) and never
 * grows, so views of it never detach: NDArray results live there
 * (`src/core/_arena.ts`) and are passed by address, with no copy. Any other
 * buffer argument is copied in and back out of each call. Arguments that share an
 * `ArrayBuffer` are copied as one region (the span they cover), so
 * aliasing between inputs and outputs — `out` overlapping an input, views
 * of one buffer — is exactly what the kernels see natively. Each region
 * keeps its address modulo 16, so the kernels' alignment checks pass or
 * fail exactly as they do natively. The module imports only its memory:
 * it needs no permission and runs anywhere WebAssembly does (Deno, Bun,
 * Node, edge workers). Where the engine has relaxed SIMD, a 769-byte side module
 * (`wasm/gemm_relaxed.wasm`) instantiated on the same memory supplies
 * fused multiply-add GEMM kernels through the main module's function table
 * (`installSide`).
 *
 * A Rust panic in wasm is a trap (there is no unwinding): the call returns
 * status PANIC with the trap's message, as a native panic does, and the
 * instance is discarded and re-created on a new memory with new workers,
 * so no state a trap left half-updated is ever used again.
 *
 * @module
 */
import { taBuffer, taByteLength, taByteOffset } from "../src/_intrinsics.ts";
import {
  type NativeSymbols,
  type NotifyCallback,
  type RuntimeHooks,
  STATUS,
  type SymbolName,
  symbols,
} from "./symbols.ts";
import { NativeError } from "../src/errors.ts";
import { wasmEngine } from "./wasm_engine.ts";
import {
  WA,
  type WasmMemory,
  type WasmModule,
  type WasmTable,
} from "./_wasm_api.ts";
import type { StartWorker } from "./wasm_threads.ts";

interface WasmExports {
  __indirect_function_table?: WasmTable;
  rp_wasm_trapped_flag?(): number;
  rp_wasm_set_workers?(n: number): number;
  rp_wasm_pool?(which: number): number;
  rp_wasm_set_gemm?(f64: number, f32: number): number;
  rp_wasm_init(mb: number): number;
  rp_wasm_alloc(size: number): number;
  rp_wasm_alloc_keep(size: number, keep: number): number;
  rp_wasm_free(ptr: number, size: number): void;
  rp_wasm_heap(which: number): number;
  [name: string]: unknown;
}

/** Arrays in the module's memory (used by `src/core/_arena.ts`). */
export interface WasmArena {
  /**
   * The memory's buffer. It only changes when a trap reset the instance;
   * arrays in the old one then stay valid and are copied like any other.
   */
  memory(): ArrayBuffer;
  /** `bytes` (16-aligned) outside the scratch reserve, or 0. */
  alloc(bytes: number): number;
  /** Frees `ptr` if `mem` is still the current memory. */
  free(mem: ArrayBuffer, ptr: number): void;
  /** The heap's size and free bytes. */
  stats(): { size: number; free: number };
}

/** Default size of the wasm memory, MiB (`RAPTORS_WASM_MEMORY_MB`). */
export const DEFAULT_WASM_MB = 1024;

/**
 * Smallest allocation, in bytes, placed in wasm memory (NDArray results,
 * job input copies); smaller ones are cheaper to copy per call.
 */
export const ARENA_MIN = 4096;

interface Region {
  buffer: ArrayBufferLike;
  /** Some argument in it may be written (a `ptr`, not a `cptr`). */
  written: boolean;
  lo: number;
  hi: number;
  base: number; // allocation
  size: number;
  at: number; // wasm address of byte `lo`
}

/** Which GEMM micro-kernels an opened wasm backend runs. */
export type WasmSimd = "relaxed-simd" | "simd128";

/** An opened wasm backend (the loader's `NativeLibrary` minus `path`). */
export interface WasmLibrary extends RuntimeHooks {
  readonly symbols: NativeSymbols;
  readonly arena: WasmArena;
  /** `relaxed-simd` when the side module's kernels are installed. */
  readonly simd: WasmSimd;
  /** Kernel threads: the calling thread plus the workers started. */
  readonly threads: number;
  /**
   * The workers that have joined the pool (they join a few ms after
   * start-up or a trap reset) and the kernel tasks they have run.
   */
  pool(): { workers: number; tasks: number };
  close(): void;
}

/** Worker threads for the kernels (`ffi/wasm_threads.ts`). */
export interface WasmThreads {
  /** Threads wanted, the calling one included (1: no workers). */
  count: number;
  start: StartWorker;
}

/** Stack of each worker thread (the main thread's is the same 1 MiB). */
const WORKER_STACK = 1 << 20;

/** The side module's kernels, in the main module's table order. */
const SIDE_KERNELS = ["gemm_f64_4x4", "gemm_f32_4x8"] as const;

/**
 * Checks that `side` is the GEMM side module (`wasm/gemm_relaxed.wasm`):
 * it imports only `env.memory` and exports {@link SIDE_KERNELS}.
 *
 * @throws {TypeError} naming what differs.
 */
export function checkSideModule(side: WasmModule): void {
  const imports = WA().Module.imports(side);
  const exports = WA().Module.exports(side);
  const [m] = imports;
  const ok = imports.length === 1 && m?.module === "env" &&
    m.name === "memory" && m.kind === "memory" &&
    SIDE_KERNELS.every((n) =>
      exports.some((e) => e.name === n && e.kind === "function")
    );
  if (!ok) {
    throw new TypeError(
      "not the raptors GEMM side module: expected the import env.memory " +
        `and the functions ${SIDE_KERNELS.join(", ")}; got imports ` +
        JSON.stringify(imports) + " and exports " + JSON.stringify(exports),
    );
  }
}

/**
 * Installs the side module's kernels in a fresh instance `e`: instantiated
 * on `e`'s memory, its functions appended to `e`'s function table, and
 * their indices given to `rp_wasm_set_gemm` (Rust calls them through
 * function pointers, which are table indices in wasm32).
 */
function installSide(
  e: WasmExports,
  memory: WasmMemory,
  side: WasmModule,
): number {
  const table = e.__indirect_function_table;
  if (!table || typeof e.rp_wasm_set_gemm !== "function") {
    throw new TypeError(
      "this raptors.wasm cannot take side-module kernels (no exported " +
        "growable table or rp_wasm_set_gemm): rebuild it with " +
        "`bash scripts/build_wasm.sh`",
    );
  }
  const k = new (WA().Instance)(side, { env: { memory } }).exports;
  const at = table.grow(SIDE_KERNELS.length);
  SIDE_KERNELS.forEach((n, i) => table.set(at + i, k[n]));
  e.rp_wasm_set_gemm(at, at + 1);
  return at;
}

/**
 * Instantiates `module` and wraps its exports as {@link NativeSymbols}.
 * The engine symbols exist but the engine never calls them on this
 * backend (`src/engine/engine.ts` runs jobs inline: there are no threads).
 * `side`, the relaxed-SIMD GEMM side module compiled by this engine (see
 * `rust/wasm_kernels/gemm_relaxed.c`), replaces the SIMD128 GEMM kernels.
 */
export function openWasm(
  module: WasmModule,
  memoryMB: number = DEFAULT_WASM_MB,
  side?: WasmModule,
  threads?: WasmThreads,
): WasmLibrary {
  if (side) checkSideModule(side);
  if (!Number.isInteger(memoryMB) || memoryMB < 16 || memoryMB > 4095) {
    throw new RangeError(
      `RAPTORS_WASM_MEMORY_MB=${memoryMB}: expected an integer from 16 to 4095`,
    );
  }
  const pages = memoryMB * 16;
  let stopWorkers: (() => void)[] = [];
  const stopAll = () => {
    for (const stop of stopWorkers) stop();
    stopWorkers = [];
  };
  const instantiate = () => {
    let memory: WasmMemory;
    try {
      // shared, for the worker threads; sized once, never grown
      memory = new (WA().Memory)({
        initial: pages,
        maximum: pages,
        shared: true,
      });
    } catch (e) {
      throw new RangeError(
        `cannot reserve ${memoryMB} MiB of WebAssembly memory for raptors ` +
          `(${(e as Error).message}): set RAPTORS_WASM_MEMORY_MB lower`,
      );
    }
    const e = new (WA().Instance)(module, { env: { memory } })
      .exports as unknown as WasmExports;
    if (e.rp_wasm_init(memoryMB) !== 1) {
      throw new RangeError(
        `cannot reserve ${memoryMB} MiB of WebAssembly memory for raptors: ` +
          "set RAPTORS_WASM_MEMORY_MB lower",
      );
    }
    const at = side ? installSide(e, memory, side) : 0;
    // workers of a trapped instance wait on a memory nothing uses again
    stopAll();
    for (let i = 1; i < (threads?.count ?? 1); i++) {
      const stack = e.rp_wasm_alloc(WORKER_STACK) >>> 0;
      if (stack === 0 || typeof e.rp_wasm_trapped_flag !== "function") break;
      try {
        stopWorkers.push(threads!.start({
          module,
          memory,
          side,
          kernels: SIDE_KERNELS,
          at,
          stackTop: stack + WORKER_STACK,
          flag: e.rp_wasm_trapped_flag() >>> 0,
        }));
      } catch {
        // no (more) workers here: the kernels run on fewer threads
        e.rp_wasm_free(stack, WORKER_STACK);
        break;
      }
    }
    e.rp_wasm_set_workers?.(stopWorkers.length);
    return { e, memory };
  };
  let { e: ex, memory } = instantiate();
  let mem = memory.buffer as ArrayBuffer;
  // arrays never take the last quarter (at least 16 MiB): kernel scratch
  const keep = Math.max(16 << 20, ex.rp_wasm_heap(0) / 4) >>> 0;
  const out: Record<string, (...args: unknown[]) => number> = {};
  // a message from the JS engine emulation, reported by rp_last_error_*
  let shimError: string | null = null;
  for (const name of Object.keys(symbols) as SymbolName[]) {
    const params = symbols[name].parameters;
    out[name] = (...args: unknown[]) => {
      const fn = ex[name] as ((...a: number[]) => number) | undefined;
      if (typeof fn !== "function") {
        throw new NativeError(
          STATUS.INVALID_ARGUMENT,
          `${name}: not exported by the wasm module`,
        );
      }
      const regions: Region[] = [];
      const call: number[] = new Array(params.length);
      try {
        // one region per distinct buffer, spanning every view on it; views
        // of the wasm memory itself are passed as they are
        for (let i = 0; i < params.length; i++) {
          const t = params[i], a = args[i];
          if ((t !== "ptr" && t !== "cptr") || a === null || a === undefined) {
            continue;
          }
          const v = a as ArrayBufferView;
          if (taByteLength(v) === 0 || taBuffer(v) === mem) continue;
          let r = regions.find((x) => x.buffer === taBuffer(v));
          if (r) r.written ||= t === "ptr";
          if (!r) {
            r = {
              written: t === "ptr",
              buffer: taBuffer(v),
              lo: taByteOffset(v),
              hi: taByteOffset(v) + taByteLength(v),
              base: 0,
              size: 0,
              at: 0,
            };
            regions.push(r);
          } else {
            r.lo = Math.min(r.lo, taByteOffset(v));
            r.hi = Math.max(r.hi, taByteOffset(v) + taByteLength(v));
          }
        }
        for (const r of regions) {
          r.size = r.hi - r.lo + 16;
          r.base = ex.rp_wasm_alloc(r.size) >>> 0;
          if (r.base === 0) {
            throw new RangeError(
              `${name}: the WebAssembly heap (${memoryMB} MiB) cannot hold ` +
                `a copy of ${r.hi - r.lo} more bytes (${ex.rp_wasm_heap(1)} ` +
                "bytes free): set RAPTORS_WASM_MEMORY_MB higher",
            );
          }
          r.at = r.base + (r.lo & 15);
          new Uint8Array(mem, r.at, r.hi - r.lo).set(
            new Uint8Array(r.buffer, r.lo, r.hi - r.lo),
          );
        }
        for (let i = 0; i < params.length; i++) {
          const t = params[i], a = args[i];
          if (t === "ptr" || t === "cptr") {
            const v = a as ArrayBufferView | null | undefined;
            if (!v || taByteLength(v) === 0) call[i] = 0;
            else if (taBuffer(v) === mem) call[i] = taByteOffset(v);
            else {
              const r = regions.find((x) => x.buffer === taBuffer(v))!;
              call[i] = r.at + (taByteOffset(v) - r.lo);
            }
          } else if (t === "fn") call[i] = 0;
          else call[i] = a as number;
        }
        let result: number;
        shimError = null;
        try {
          result = fn(...call);
        } catch (e) {
          if (e instanceof WA().RuntimeError) {
            // a trap (panic, or a failed allocation): never reuse this
            // instance. Arrays in its memory stay readable (the buffer
            // does not detach) and are copied from now on.
            const failed = ex.rp_wasm_heap(2) >>> 0;
            const free = ex.rp_wasm_heap(1) >>> 0;
            const flag = ex.rp_wasm_trapped_flag?.() ?? 0;
            const onWorker = flag !== 0 &&
              Atomics.load(new Int32Array(mem), flag >>> 2) !== 0;
            ({ e: ex, memory } = instantiate());
            mem = memory.buffer as ArrayBuffer;
            regions.length = 0;
            // reported like a native panic: status PANIC and a message
            shimError = failed !== 0
              ? `${name}: out of WebAssembly memory: the kernel needed ` +
                `${failed} bytes and the ${memoryMB} MiB heap had ${free} ` +
                "free (set RAPTORS_WASM_MEMORY_MB higher, or dispose() " +
                "arrays sooner); the instance was reset"
              : onWorker
              ? `${name}: a kernel task trapped on a WebAssembly worker ` +
                "thread; the instance was reset"
              : `${name}: the WebAssembly kernel trapped ` +
                `(${e.message}); the instance was reset`;
            return STATUS.PANIC;
          }
          throw e;
        }
        // results back
        for (const r of regions) {
          if (!r.written) continue; // read-only arguments: nothing changed
          new Uint8Array(r.buffer, r.lo, r.hi - r.lo).set(
            new Uint8Array(mem, r.at, r.hi - r.lo),
          );
        }
        return name === "rp_noop" ? 0 : result;
      } finally {
        for (const r of regions) {
          if (r.base !== 0) ex.rp_wasm_free(r.base, r.size);
        }
      }
    };
  }
  const enc = new TextEncoder();
  const lastLen = out.rp_last_error_len!, lastCopy = out.rp_last_error_copy!;
  out.rp_last_error_len = () =>
    shimError === null ? lastLen() : enc.encode(shimError).length;
  out.rp_last_error_copy = (buf, cap) => {
    if (shimError === null) return lastCopy(buf, cap);
    const b = enc.encode(shimError).subarray(0, cap as number);
    const v = buf as ArrayBufferView;
    new Uint8Array(taBuffer(v), taByteOffset(v), taByteLength(v)).set(b);
    return b.length;
  };
  const readLast = () => {
    const n = out.rp_last_error_len!();
    const b = new Uint8Array(n);
    out.rp_last_error_copy!(b, n);
    return new TextDecoder().decode(b);
  };
  const arena: WasmArena = {
    memory: () => mem,
    alloc: (bytes) => ex.rp_wasm_alloc_keep(bytes, keep) >>> 0,
    free: (m, ptr) => {
      if (m === mem) ex.rp_wasm_free(ptr, 0);
    },
    stats: () => ({
      size: ex.rp_wasm_heap(0) >>> 0,
      free: ex.rp_wasm_heap(1) >>> 0,
    }),
  };
  // job input copies of ARENA_MIN or more go to the module's memory, so
  // the job's kernels read them in place instead of copying them once more
  const engine = wasmEngine(out, readLast, (m) => (shimError = m), {
    alloc: (bytes) => {
      const ptr = bytes < ARENA_MIN ? 0 : arena.alloc(bytes);
      return ptr === 0 ? undefined : new Uint8Array(mem, ptr, bytes);
    },
    free: (v) => arena.free(v.buffer as ArrayBuffer, v.byteOffset),
  });
  Object.assign(out, engine.functions);
  return {
    symbols: out as unknown as NativeSymbols,
    arena,
    simd: side ? "relaxed-simd" : "simd128",
    threads: 1 + stopWorkers.length,
    pool: () => ({
      workers: ex.rp_wasm_pool?.(0) ?? 0,
      tasks: ex.rp_wasm_pool?.(1) ?? 0,
    }),
    close: stopAll,
    addressOf: engine.addressOf,
    notifyCallback: (fn): NotifyCallback => ({
      pointer: fn,
      ref: () => {},
      unref: () => {},
    }),
  };
}
