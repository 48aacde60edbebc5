/**
 * The process-wide native library, opened once at first import.
 *
 * @module
 */
import { loadLibrary, type NativeLibrary, readEnv } from "../ffi/load.ts";
import type { NativeSymbols } from "../ffi/symbols.ts";
import {
  IndexError,
  LibraryLoadError,
  LinAlgError,
  NativeError,
} from "./errors.ts";
import { STATUS } from "../ffi/symbols.ts";

/** `RAPTORS_BACKEND`: `auto` (default) or `native`; `wasm` is refused. */
function selectBackend(): "native" {
  const want = (readEnv("RAPTORS_BACKEND") ?? "auto").trim() || "auto";
  if (want === "native" || want === "auto") return "native";
  if (want === "wasm") {
    throw new LibraryLoadError(
      "RAPTORS_BACKEND=wasm: this build of raptors has no WebAssembly " +
        "backend yet; unset RAPTORS_BACKEND or set it to native (Deno with " +
        "--allow-ffi, or Bun)",
    );
  }
  throw new LibraryLoadError(
    `RAPTORS_BACKEND=${want} is not one of auto, native, wasm`,
  );
}

const backendName = selectBackend();
/** The opened library. */
export const library: NativeLibrary = await loadLibrary();

/** Which backend runs, and from where (`rp.backend`). */
export const backend: {
  readonly name: "native";
  readonly path: string;
  readonly source: string;
} = Object.freeze({
  name: backendName,
  path: library.path,
  source: library.source,
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
