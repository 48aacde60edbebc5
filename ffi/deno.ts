/**
 * Deno adapter: turns the symbol table into `Deno.dlopen`'s form.
 * Pointers are `"buffer"` parameters, so TypedArrays pass zero-copy.
 *
 * @module
 */
import {
  type NativeSymbols,
  type NativeType,
  type RuntimeHooks,
  symbols,
} from "./symbols.ts";

function denoType(t: NativeType): Deno.NativeType {
  return t === "ptr" || t === "cptr" ? "buffer" : t === "fn" ? "function" : t;
}

/** The table in `Deno.dlopen` form. */
export function denoInterface(): Deno.ForeignLibraryInterface {
  const out: Record<string, Deno.ForeignFunction> = {};
  for (const [name, spec] of Object.entries(symbols)) {
    out[name] = {
      parameters: spec.parameters.map(denoType),
      result: spec.result,
    };
  }
  return out;
}

/** Opens the library at `path`; throws Deno's own error on failure. */
export function openDeno(
  path: string,
): { symbols: NativeSymbols; close(): void } & RuntimeHooks {
  const lib = Deno.dlopen(path, denoInterface());
  return {
    symbols: lib.symbols as unknown as NativeSymbols,
    close: () => lib.close(),
    addressOf: (v) => {
      const p = Deno.UnsafePointer.of(v as unknown as Uint8Array<ArrayBuffer>);
      return BigInt(Deno.UnsafePointer.value(p));
    },
    notifyCallback: (fn) => {
      // called from raptors' notifier thread (which blocks until it ran)
      const cb = Deno.UnsafeCallback.threadSafe(
        { parameters: [], result: "void" } as const,
        fn,
      );
      cb.unref(); // an idle engine must not keep the process alive
      return {
        pointer: cb.pointer,
        ref: () => cb.ref(),
        unref: () => cb.unref(),
      };
    },
  };
}
