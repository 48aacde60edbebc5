/**
 * The process-wide native library, opened once at first import.
 *
 * @module
 */
import {
  detectRuntime,
  loadLibrary,
  loadWasm,
  type NativeLibrary,
  readEnv,
} from "../ffi/load.ts";
import type { NativeSymbols } from "../ffi/symbols.ts";
import {
  IndexError,
  LibraryLoadError,
  LinAlgError,
  NativeError,
} from "./errors.ts";
import { STATUS } from "../ffi/symbols.ts";

/**
 * `RAPTORS_BACKEND`: `native` (the FFI library or an error), `wasm` (the
 * WebAssembly backend or an error), `auto` (default: native where the
 * runtime has FFI and it loads, else wasm).
 */
async function open(): Promise<
  { lib: NativeLibrary; name: "native" | "wasm"; fallback?: string }
> {
  const want = (readEnv("RAPTORS_BACKEND") ?? "auto").trim() || "auto";
  if (want !== "auto" && want !== "native" && want !== "wasm") {
    throw new LibraryLoadError(
      `RAPTORS_BACKEND=${want} is not one of auto, native, wasm`,
    );
  }
  if (want === "wasm") return { lib: await loadWasm(), name: "wasm" };
  if (want === "native" || detectRuntime() !== "other") {
    try {
      return { lib: await loadLibrary(), name: "native" };
    } catch (e) {
      if (want === "native" || !(e instanceof LibraryLoadError)) throw e;
      try {
        return { lib: await loadWasm(), name: "wasm", fallback: e.message };
      } catch (w) {
        throw new LibraryLoadError(
          `${e.message}\nThe WebAssembly fallback did not load either: ` +
            (w instanceof Error ? w.message : String(w)),
          e.attempts,
          { cause: e },
        );
      }
    }
  }
  return { lib: await loadWasm(), name: "wasm" };
}

const opened = await open();
if (opened.fallback !== undefined && !quiet()) {
  // once per process (this module is evaluated once): a user who expected
  // native speed learns why not, and how to fix or silence it
  console.warn(
    "raptors: the native library did not load, so raptors runs on its " +
      "WebAssembly backend (same results, slower on large arrays). Why: " +
      opened.fallback.split("\n")[0] + "\nrp.backend.fallback has every " +
      "attempt. Set RAPTORS_BACKEND=wasm to choose WebAssembly (no " +
      "warning), or RAPTORS_QUIET=1 to silence this.",
  );
}

/** `RAPTORS_QUIET=1`: no warning when `auto` falls back to wasm. */
function quiet(): boolean {
  const v = (readEnv("RAPTORS_QUIET") ?? "").trim();
  return v !== "" && v !== "0";
}
/** The opened library. */
export const library: NativeLibrary = opened.lib;

/**
 * Which backend runs, and from where (`rp.backend`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.ok(["native", "wasm"].includes(rp.backend.name));
 * ```
 */
export const backend: {
  /** `native` (FFI) or `wasm`. */
  readonly name: "native" | "wasm";
  /** The library file or module that was loaded. */
  readonly path: string;
  /** Which loader source provided it. */
  readonly source: string;
  /** Why `auto` fell back to wasm (the native loader's error), if it did. */
  readonly fallback?: string;
  /**
   * wasm only: `relaxed-simd` when matmul runs the relaxed-SIMD
   * (fused multiply-add) kernels, else `simd128` (`RAPTORS_WASM_RELAXED`).
   */
  readonly simd?: "relaxed-simd" | "simd128";
  /**
   * wasm only: kernel threads, the calling thread plus the worker threads
   * started (`RAPTORS_NUM_THREADS`, default the logical cores; 1 on edge).
   * Large kernels split across them as natively.
   */
  readonly threads?: number;
} = Object.freeze({
  name: opened.name,
  path: library.path,
  source: library.source,
  ...(library.simd ? { simd: library.simd } : {}),
  ...(library.threads ? { threads: library.threads } : {}),
  ...(opened.fallback ? { fallback: opened.fallback } : {}),
});
/** Its functions. */
export const native: NativeSymbols = library.symbols;

const decoder = new TextDecoder();

/** This thread's last native error message. */
export function lastError(): string {
  const len = native.rp_last_error_len();
  if (len === 0) return "unknown native error";
  const buf = new Uint8Array(len);
  const n = native.rp_last_error_copy(buf, len);
  return decoder.decode(buf.subarray(0, n));
}

/** Turns a non-zero status into the right error for `fn`. */
export function statusError(status: number, fn: string): Error {
  return errorForStatus(status, `${fn}(): ${lastError()}`);
}

/**
 * The error class a native status maps to, with `msg`: the one mapping
 * shared by synchronous calls and finished engine jobs.
 */
export function errorForStatus(status: number, msg: string): Error {
  switch (status) {
    case STATUS.EMPTY:
    case STATUS.OVERFLOW:
      return new RangeError(msg);
    case STATUS.INDEX:
      return new IndexError(msg);
    case STATUS.UNSUPPORTED_DTYPE:
    case STATUS.INVALID_ARGUMENT:
      return new TypeError(msg);
    case STATUS.LINALG:
      return new LinAlgError(msg);
    default:
      return new NativeError(status, msg);
  }
}
