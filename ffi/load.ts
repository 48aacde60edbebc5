/**
 * Finds and opens the native library, in order:
 *
 * 1. `RAPTORS_LIB_PATH`: an explicit file. If set, it must load; no
 *    silent fallback past an explicit choice.
 * 2. The local build: `rust/target/release/` beside this package (a git
 *    checkout after `cargo build --release`).
 * 3. The prebuilt binary for this platform: verified against the SHA-256
 *    manifest shipped with the package, from the per-version cache or
 *    downloaded into it first (`fetch.ts`).
 *
 * When nothing loads, the error lists every attempt and the fix. A missing
 * FFI permission is reported as such at once, with the flag to add.
 *
 * @module
 */
import { LibraryLoadError } from "../src/errors.ts";
import {
  ABI_VERSION,
  type NativeSymbols,
  type RuntimeHooks,
} from "./symbols.ts";
import { openDeno } from "./deno.ts";
import { openBun } from "./bun.ts";
import { downloadSource } from "./fetch.ts";
import {
  DEFAULT_WASM_MB,
  openWasm,
  type WasmArena,
  type WasmSimd,
  type WasmThreads,
} from "./wasm.ts";
import { wasmThreadCount, workerStarter } from "./wasm_threads.ts";
import { WA, type WasmModule } from "./_wasm_api.ts";

/** The JS runtime we are in. */
export type Runtime = "deno" | "bun" | "other";

/** Detects Deno, Bun, or anything else (Node, browsers, edge workers). */
export function detectRuntime(): Runtime {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (typeof g.Bun !== "undefined") return "bun";
  if (typeof g.Deno !== "undefined") return "deno";
  return "other";
}

/** A place the library may be found. */
export interface LibrarySource {
  /** Short name used in messages ("RAPTORS_LIB_PATH", "local build"). */
  readonly name: string;
  /** If true, a failure to load from this source is final. */
  readonly explicit: boolean;
  /** The candidate path, or undefined when this source has none. */
  path(): string | undefined | Promise<string | undefined>;
  /**
   * For a source that verifies what it provides (the prebuilt download):
   * the verified file held open. The loader then loads `loadPath` instead
   * of calling `path()`, and releases it after `dlopen`.
   */
  verified?(): Promise<VerifiedLibrary>;
}

/** A library file a source verified and holds open until it is loaded. */
export interface VerifiedLibrary {
  /** The file, for messages and {@link NativeLibrary.path}. */
  readonly path: string;
  /**
   * What to `dlopen`: `/proc/self/fd/<n>` of the descriptor whose bytes
   * were verified where the platform and permissions allow (Linux, Deno
   * with an unscoped `--allow-ffi`), else `path`.
   */
  readonly loadPath: string;
  /** Closes the descriptor (`dlopen` keeps its own mapping). */
  release(): Promise<void>;
}

/** An opened native library. */
export interface NativeLibrary extends RuntimeHooks {
  readonly symbols: NativeSymbols;
  /** Arrays in the module's memory (the wasm backend only). */
  readonly arena?: WasmArena;
  /** The wasm backend's GEMM kernels (the wasm backend only). */
  readonly simd?: WasmSimd;
  /** The wasm backend's kernel threads (the wasm backend only). */
  readonly threads?: number;
  /** The wasm backend's worker pool (the wasm backend only). */
  pool?(): { workers: number; tasks: number };
  readonly path: string;
  /** Which source provided it. */
  readonly source: string;
  close(): void;
}

/** The platform's file name for the library. */
export function libraryFileName(os: string = platformOs()): string {
  if (os === "windows" || os === "win32") return "raptors.dll";
  if (os === "darwin") return "libraptors.dylib";
  return "libraptors.so";
}

function platformOs(): string {
  const g = globalThis as {
    Deno?: { build: { os: string } };
    process?: { platform: string };
  };
  return g.Deno?.build.os ?? g.process?.platform ?? "linux";
}

/** Reads an environment variable; undefined when unset or not permitted. */
export function readEnv(name: string): string | undefined {
  const g = globalThis as {
    Deno?: { env: { get(k: string): string | undefined } };
    process?: { env: Record<string, string | undefined> };
  };
  try {
    if (g.Deno) return g.Deno.env.get(name);
    return g.process?.env[name];
  } catch {
    // No --allow-env: behave as if unset (the local build still works).
    return undefined;
  }
}

/** `RAPTORS_LIB_PATH`. */
export const envSource: LibrarySource = {
  name: "RAPTORS_LIB_PATH",
  explicit: true,
  path: () => readEnv("RAPTORS_LIB_PATH") || undefined,
};

/** `rust/target/release/<lib>` next to this package, for file: URLs. */
export const localBuildSource: LibrarySource = {
  name: "local build",
  explicit: false,
  path() {
    const url = new URL(
      `../rust/target/release/${libraryFileName()}`,
      import.meta.url,
    );
    if (url.protocol !== "file:") return undefined;
    return decodeURIComponent(url.pathname);
  },
};

/**
 * The npm per-platform package (`@raptors/<platform>`, an optional
 * dependency of the `raptors` npm package that npm/bun install only on its
 * os/cpu/libc), resolved from `from` (default: this file).
 */
export function platformPackageSource(from?: string): LibrarySource {
  return {
    name: "npm platform package",
    explicit: false,
    async path() {
      const base = from ?? import.meta.url;
      if (!base.startsWith("file:") && !base.startsWith("/")) return undefined;
      try {
        const { createRequire } = await import("node:module");
        const { platformKey } = await import("./fetch.ts");
        const req = createRequire(base);
        const pkg = req.resolve(`@raptors/${platformKey()}/package.json`);
        return pkg.replace(/package\.json$/, libraryFileName());
      } catch {
        return undefined; // not installed (another platform, or not npm)
      }
    },
  };
}

/** The default search order. */
export const defaultSources: readonly LibrarySource[] = [
  envSource,
  localBuildSource,
  platformPackageSource(),
  downloadSource(),
];

function isPermissionError(e: unknown): boolean {
  const g = globalThis as {
    Deno?: {
      errors: { NotCapable?: unknown; PermissionDenied?: unknown };
    };
  };
  const errors = g.Deno?.errors;
  if (!errors) return false;
  for (const cls of [errors.NotCapable, errors.PermissionDenied]) {
    if (typeof cls === "function" && e instanceof cls) return true;
  }
  return false;
}

async function open(
  runtime: Runtime,
  path: string,
): Promise<{ symbols: NativeSymbols; close(): void } & RuntimeHooks> {
  if (runtime === "deno") return openDeno(path);
  return await openBun(path);
}

/**
 * Opens a verified library by its descriptor path; by its file path only
 * if the descriptor path does not exist (Linux without /proc mounted).
 */
async function openVerified(
  runtime: Runtime,
  v: VerifiedLibrary,
): Promise<{ symbols: NativeSymbols; close(): void } & RuntimeHooks> {
  if (v.loadPath === v.path) return await open(runtime, v.path);
  try {
    return await open(runtime, v.loadPath);
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    if (isPermissionError(e) || !/No such file|not found/i.test(m)) throw e;
    return await open(runtime, v.path);
  }
}

const BUILD_HINT =
  "build it with `cargo build --release --manifest-path rust/Cargo.toml`, " +
  "or set RAPTORS_LIB_PATH to the path of a built " + libraryFileName();

/**
 * Opens the native library from the first source that has it.
 *
 * @param sources Where to look, in order (default {@link defaultSources}).
 * @throws {LibraryLoadError} naming every attempt and the fix.
 */
export async function loadLibrary(
  sources: readonly LibrarySource[] = defaultSources,
): Promise<NativeLibrary> {
  const runtime = detectRuntime();
  if (runtime === "other") {
    throw new LibraryLoadError(
      "raptors' native backend needs Deno (Deno.dlopen) or Bun (bun:ffi); " +
        "this runtime has neither",
    );
  }
  const attempts: string[] = [];
  for (const source of sources) {
    let path: string | undefined;
    let held: VerifiedLibrary | undefined;
    try {
      if (source.verified) {
        held = await source.verified();
        path = held.path;
      } else path = await source.path();
    } catch (e) {
      if (!(e instanceof LibraryLoadError)) throw e;
      attempts.push(`${source.name}: ${e.message}`);
      throw new LibraryLoadError(
        `${e.message}\nOr ${BUILD_HINT}. Tried:\n  ${attempts.join("\n  ")}`,
        attempts,
        { cause: e },
      );
    }
    if (path === undefined) {
      attempts.push(`${source.name}: not available`);
      continue;
    }
    let lib: { symbols: NativeSymbols; close(): void } & RuntimeHooks;
    try {
      lib = held
        ? await openVerified(runtime, held)
        : await open(runtime, path);
    } catch (e) {
      if (isPermissionError(e)) {
        throw new LibraryLoadError(
          `raptors needs FFI permission to load its native library ${path}: ` +
            `run Deno with --allow-ffi (narrowest: --allow-ffi=${path})`,
          [...attempts, `${source.name}: ${path}: permission denied`],
          { cause: e },
        );
      }
      const reason = e instanceof Error ? e.message : String(e);
      attempts.push(`${source.name}: ${path}: ${reason}`);
      if (source.explicit) {
        throw new LibraryLoadError(
          `Cannot load the native library named by ${source.name} (${path}): ` +
            `${reason}. Fix the path, or unset ${source.name} to use the default search`,
          attempts,
          { cause: e },
        );
      }
      continue;
    } finally {
      await held?.release();
    }
    const abi = lib.symbols.rp_abi_version();
    if (abi !== ABI_VERSION) {
      lib.close();
      throw new LibraryLoadError(
        `The native library at ${path} has ABI version ${abi} but this ` +
          `package expects ${ABI_VERSION}: rebuild it (${BUILD_HINT})`,
        attempts,
      );
    }
    return { ...lib, path, source: source.name };
  }
  throw new LibraryLoadError(
    `raptors could not find its native library: ${BUILD_HINT}. Tried:\n  ` +
      attempts.join("\n  "),
    attempts,
  );
}

/**
 * A precompiled module set by an edge entry point (`edge.ts`) before
 * raptors loads: bundlers for edge platforms compile `.wasm` imports at
 * build time, and those platforms refuse to compile bytes at run time.
 */
export const WASM_MODULE_KEY: unique symbol = Symbol.for("raptors.wasm");

/**
 * The relaxed-SIMD GEMM side module (`wasm/gemm_relaxed.wasm`, precompiled)
 * an edge entry may register beside {@link WASM_MODULE_KEY}.
 */
export const WASM_SIDE_KEY: unique symbol = Symbol.for(
  "raptors.wasm.gemm_relaxed",
);

/** The largest WebAssembly module the loader reads (raptors.wasm: ~7 MB). */
const MAX_WASM_BYTES = 64 * 1024 * 1024;

/**
 * The bytes at `url`, at most {@link MAX_WASM_BYTES}: read from disk for
 * `file:` URLs (a regular file only: a FIFO or device is refused before it
 * is read), fetched otherwise, which happens only for this package's own
 * URL (raptors imported over https), never for `RAPTORS_WASM_PATH`.
 */
async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === "file:") {
    const { readRegularFile } = await import("./fetch.ts");
    return await readRegularFile(
      decodeURIComponent(url.pathname),
      MAX_WASM_BYTES,
    );
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const parts: Uint8Array[] = [];
  let n = 0;
  const reader = res.body?.getReader();
  try {
    for (;;) {
      const next = reader === undefined ? undefined : await reader.read();
      if (next === undefined || next.done) break;
      const part = next.value;
      n += part.length;
      if (n > MAX_WASM_BYTES) {
        throw new Error(`${url.href} is larger than ${MAX_WASM_BYTES} bytes`);
      }
      parts.push(part);
    }
  } catch (e) {
    // stop the download (as a for-await loop's early exit did)
    await reader?.cancel().catch(() => {});
    throw e;
  }
  const out = new Uint8Array(n);
  n = 0;
  for (const part of parts) out.set(part, (n += part.length) - part.length);
  return out;
}

/**
 * The module `RAPTORS_WASM_PATH` names: a path (relative to the working
 * directory) or a `file:` URL. Any other URL is refused: a module fetched
 * from the network would run with no integrity check.
 */
async function wasmPathUrl(env: string): Promise<URL> {
  if (/^file:/i.test(env)) return new URL(env);
  if (/^[a-z][a-z0-9+.-]*:/i.test(env) && !/^[a-z]:[\\/]/i.test(env)) {
    throw new LibraryLoadError(
      `RAPTORS_WASM_PATH=${env} is not a local file: raptors reads the ` +
        "WebAssembly module it names only from disk, since a module " +
        "fetched from a URL would run with no integrity check. Download " +
        "it and set RAPTORS_WASM_PATH to the file's path",
    );
  }
  const { pathToFileURL } = await import("node:url");
  const { resolve } = await import("node:path");
  return pathToFileURL(resolve(cwd(), env));
}

/**
 * The relaxed-SIMD GEMM side module, by `RAPTORS_WASM_RELAXED`: `auto`
 * (default) uses it where this engine compiles relaxed SIMD and the file
 * is there (`gemm_relaxed.wasm` beside the main module), `0` never, `1`
 * always (an error where it cannot).
 */
async function loadSide(
  pre: boolean,
  main: URL | undefined,
): Promise<WasmModule | undefined> {
  const want = (readEnv("RAPTORS_WASM_RELAXED") ?? "auto").trim() || "auto";
  if (want !== "auto" && want !== "0" && want !== "1") {
    throw new LibraryLoadError(
      `RAPTORS_WASM_RELAXED=${want} is not one of auto, 0, 1`,
    );
  }
  if (want === "0") return undefined;
  const url = main ? new URL("gemm_relaxed.wasm", main) : undefined;
  try {
    const g = (globalThis as Record<symbol, unknown>)[WASM_SIDE_KEY];
    if (g instanceof WA().Module) return g;
    if (pre || !url) throw new Error("no side module was registered");
    const bytes = await readBytes(url);
    if (!WA().validate(bytes)) {
      throw new Error("this engine does not compile relaxed SIMD");
    }
    return await WA().compile(bytes);
  } catch (e) {
    if (want === "auto") return undefined;
    throw new LibraryLoadError(
      `RAPTORS_WASM_RELAXED=1 but the relaxed-SIMD side module ` +
        `${
          url ? decodeURIComponent(url.pathname) : "(none registered)"
        } cannot be used: ` +
        `${e instanceof Error ? e.message : String(e)} (set ` +
        "RAPTORS_WASM_RELAXED=auto to fall back to SIMD128)",
      [],
      { cause: e },
    );
  }
}

/**
 * Opens the WebAssembly backend: the module an edge entry registered
 * under {@link WASM_MODULE_KEY}, else `RAPTORS_WASM_PATH` (a local path or
 * `file:` URL; other URLs are refused), else `wasm/raptors.wasm` in this
 * package (read from disk for `file:` URLs, fetched otherwise: this
 * package's own origin). Files must be regular and at most 64 MiB.
 *
 * @throws {LibraryLoadError} naming the file and the fix.
 */
export async function loadWasm(): Promise<NativeLibrary> {
  const pre = (globalThis as Record<symbol, unknown>)[WASM_MODULE_KEY];
  // an edge entry registered a precompiled module: no files, no threads
  const precompiled = pre instanceof WA().Module ? pre : undefined;
  let module: WasmModule;
  let where: string;
  let url: URL | undefined;
  if (precompiled) {
    module = precompiled;
    where = "(precompiled module)";
  } else {
    const env = readEnv("RAPTORS_WASM_PATH");
    url = env
      ? await wasmPathUrl(env)
      : new URL("../wasm/raptors.wasm", import.meta.url);
    where = url.protocol === "file:"
      ? decodeURIComponent(url.pathname)
      : url.href;
    try {
      module = await WA().compile(await readBytes(url));
    } catch (e) {
      throw new LibraryLoadError(
        `Cannot load the WebAssembly backend from ${where}: ` +
          `${e instanceof Error ? e.message : String(e)}. Build it with ` +
          "`bash scripts/build_wasm.sh`, or set RAPTORS_WASM_PATH" +
          (isPermissionError(e) ? " (Deno needs --allow-read for it)" : ""),
        [],
        { cause: e },
      );
    }
  }
  const side = await loadSide(precompiled !== undefined, url);
  // edge isolates have little memory (128 MB on Cloudflare): a smaller heap
  const mb = readEnv("RAPTORS_WASM_MEMORY_MB");
  // worker threads, except on edge (a precompiled module): no threads there
  let threads: WasmThreads | undefined;
  const count = precompiled
    ? 1
    : await wasmThreadCount(readEnv("RAPTORS_NUM_THREADS"));
  const start = count > 1 ? await workerStarter() : undefined;
  if (start) threads = { count, start };
  let lib: ReturnType<typeof openWasm>;
  try {
    lib = openWasm(
      module,
      mb ? Number(mb) : precompiled ? 64 : DEFAULT_WASM_MB,
      side,
      threads,
    );
  } catch (e) {
    throw new LibraryLoadError(
      `Cannot start the WebAssembly backend: ${(e as Error).message}`,
      [],
      { cause: e },
    );
  }
  const abi = lib.symbols.rp_abi_version();
  if (abi !== ABI_VERSION) {
    throw new LibraryLoadError(
      `The WebAssembly module ${where} has ABI version ${abi} but this ` +
        `package expects ${ABI_VERSION}: rebuild it (bash scripts/build_wasm.sh)`,
    );
  }
  return { ...lib, path: where, source: "wasm" };
}

function cwd(): string {
  const g = globalThis as {
    Deno?: { cwd(): string };
    process?: { cwd(): string };
  };
  try {
    return g.Deno?.cwd() ?? g.process?.cwd() ?? "/";
  } catch {
    return "/";
  }
}
