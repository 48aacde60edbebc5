/**
 * The WebAssembly backend: the same Rust kernels compiled to
 * `wasm32-unknown-unknown` (SIMD128, single-threaded), behind the same
 * {@link NativeSymbols} interface as the native library.
 *
 * A wasm module can only address its own linear memory, so each call
 * copies its buffer arguments in and back out. Arguments that share an
 * `ArrayBuffer` are copied as one region (the span they cover), so
 * aliasing between inputs and outputs — `out` overlapping an input, views
 * of one buffer — is exactly what the kernels see natively. Each region
 * keeps its address modulo 16, so the kernels' alignment checks pass or
 * fail exactly as they do natively. The module has no imports: it needs no
 * permission and runs anywhere WebAssembly does (Deno, Bun, Node, edge
 * workers).
 *
 * A Rust panic in wasm is a trap (there is no unwinding): the call returns
 * status PANIC with the trap's message, as a native panic does, and the
 * instance is discarded and re-created, so no state a trap left
 * half-updated is ever used again.
 *
 * @module
 */
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

interface WasmExports {
  memory: WebAssembly.Memory;
  rp_wasm_alloc(size: number): number;
  rp_wasm_free(ptr: number, size: number): void;
  [name: string]: unknown;
}

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

/** An opened wasm backend (the loader's `NativeLibrary` minus `path`). */
export interface WasmLibrary extends RuntimeHooks {
  readonly symbols: NativeSymbols;
  close(): void;
}

/**
 * Instantiates `module` and wraps its exports as {@link NativeSymbols}.
 * The engine symbols exist but the engine never calls them on this
 * backend (`src/engine.ts` runs jobs inline: there are no threads).
 */
export function openWasm(module: WebAssembly.Module): WasmLibrary {
  let ex = new WebAssembly.Instance(module, {})
    .exports as unknown as WasmExports;
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
        // one region per distinct buffer, spanning every view on it
        for (let i = 0; i < params.length; i++) {
          const t = params[i], a = args[i];
          if ((t !== "ptr" && t !== "cptr") || a === null || a === undefined) {
            continue;
          }
          const v = a as ArrayBufferView;
          if (v.byteLength === 0) continue;
          let r = regions.find((x) => x.buffer === v.buffer);
          if (r) r.written ||= t === "ptr";
          if (!r) {
            r = {
              written: t === "ptr",
              buffer: v.buffer,
              lo: v.byteOffset,
              hi: v.byteOffset + v.byteLength,
              base: 0,
              size: 0,
              at: 0,
            };
            regions.push(r);
          } else {
            r.lo = Math.min(r.lo, v.byteOffset);
            r.hi = Math.max(r.hi, v.byteOffset + v.byteLength);
          }
        }
        for (const r of regions) {
          r.size = r.hi - r.lo + 16;
          r.base = ex.rp_wasm_alloc(r.size) >>> 0;
          if (r.base === 0) {
            throw new RangeError(
              `${name}: the wasm heap cannot hold ${r.hi - r.lo} more bytes`,
            );
          }
          r.at = r.base + (r.lo & 15);
          new Uint8Array(ex.memory.buffer, r.at, r.hi - r.lo).set(
            new Uint8Array(r.buffer, r.lo, r.hi - r.lo),
          );
        }
        for (let i = 0; i < params.length; i++) {
          const t = params[i], a = args[i];
          if (t === "ptr" || t === "cptr") {
            const v = a as ArrayBufferView | null | undefined;
            if (!v || v.byteLength === 0) call[i] = 0;
            else {
              const r = regions.find((x) => x.buffer === v.buffer)!;
              call[i] = r.at + (v.byteOffset - r.lo);
            }
          } else if (t === "fn") call[i] = 0;
          else call[i] = a as number;
        }
        let result: number;
        shimError = null;
        try {
          result = fn(...call);
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError) {
            // a trap (panic): never reuse this instance
            ex = new WebAssembly.Instance(module, {})
              .exports as unknown as WasmExports;
            regions.length = 0;
            // reported like a native panic: status PANIC and a message
            shimError = `${name}: the WebAssembly kernel trapped ` +
              `(${e.message}); the instance was reset`;
            return STATUS.PANIC;
          }
          throw e;
        }
        // results back (the memory may have grown: fresh views)
        for (const r of regions) {
          if (!r.written) continue; // read-only arguments: nothing changed
          new Uint8Array(r.buffer, r.lo, r.hi - r.lo).set(
            new Uint8Array(ex.memory.buffer, r.at, r.hi - r.lo),
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
    new Uint8Array(v.buffer, v.byteOffset, v.byteLength).set(b);
    return b.length;
  };
  const readLast = () => {
    const n = out.rp_last_error_len!();
    const b = new Uint8Array(n);
    out.rp_last_error_copy!(b, n);
    return new TextDecoder().decode(b);
  };
  const engine = wasmEngine(out, readLast, (m) => (shimError = m));
  Object.assign(out, engine.functions);
  return {
    symbols: out as unknown as NativeSymbols,
    close: () => {},
    addressOf: engine.addressOf,
    notifyCallback: (fn): NotifyCallback => ({
      pointer: fn,
      ref: () => {},
      unref: () => {},
    }),
  };
}
