/**
 * Bun adapter: turns the symbol table into `bun:ffi`'s form. Pointers are
 * `"ptr"` arguments, to which Bun passes TypedArrays zero-copy.
 *
 * @module
 */
import { taByteLength } from "../src/_intrinsics.ts";
import { type NativeSymbols, type RuntimeHooks, symbols } from "./symbols.ts";

interface BunFfi {
  ptr(view: ArrayBufferView): number;
  JSCallback: new (
    fn: () => void,
    def: { args: string[]; returns: string; threadsafe: boolean },
  ) => { ptr: number; close(): void };
  dlopen(
    path: string,
    spec: Record<string, { args: readonly string[]; returns: string }>,
  ): { symbols: Record<string, unknown>; close(): void };
}

/** The table in `bun:ffi` form. */
export function bunInterface(): Record<
  string,
  { args: string[]; returns: string }
> {
  const out: Record<string, { args: string[]; returns: string }> = {};
  for (const [name, spec] of Object.entries(symbols)) {
    out[name] = {
      args: spec.parameters.map((t) =>
        t === "fn" ? "function" : t === "cptr" ? "ptr" : t
      ),
      returns: spec.result,
    };
  }
  return out;
}

let ffi: BunFfi | undefined;

/** Imports `bun:ffi` (a variable specifier keeps `deno check` away from it). */
export async function bunFfi(): Promise<BunFfi> {
  if (!ffi) {
    const specifier = "bun:ffi";
    ffi = (await import(specifier)) as BunFfi;
  }
  return ffi;
}

/** Opens the library at `path`; throws Bun's own error on failure. */
export async function openBun(
  path: string,
): Promise<{ symbols: NativeSymbols; close(): void } & RuntimeHooks> {
  const { dlopen, ptr, JSCallback } = await bunFfi();
  const lib = dlopen(path, bunInterface());
  return {
    symbols: lib.symbols as unknown as NativeSymbols,
    close: () => lib.close(),
    addressOf: (v) => (taByteLength(v) === 0 ? 0 : ptr(v)),
    notifyCallback: (fn) => {
      const cb = new JSCallback(fn, {
        args: [],
        returns: "void",
        threadsafe: true,
      });
      // a threadsafe JSCallback does not keep Bun alive: a ref'd timer
      // does, while jobs are in flight
      let timer: ReturnType<typeof setInterval> | undefined;
      return {
        pointer: cb.ptr,
        ref: () => {
          timer ??= setInterval(() => {}, 1 << 30);
        },
        unref: () => {
          if (timer !== undefined) clearInterval(timer);
          timer = undefined;
        },
      };
    },
  };
}
