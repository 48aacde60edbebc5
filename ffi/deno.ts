/**
 * Deno adapter: turns the symbol table into `Deno.dlopen`'s form.
 * Pointers are `"buffer"` parameters, so TypedArrays pass zero-copy.
 *
 * @module
 */
import { type NativeSymbols, type NativeType, symbols } from "./symbols.ts";

function denoType(t: NativeType): Deno.NativeType {
  return t === "ptr" ? "buffer" : t;
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
): { symbols: NativeSymbols; close(): void } {
  const lib = Deno.dlopen(path, denoInterface());
  return {
    symbols: lib.symbols as unknown as NativeSymbols,
    close: () => lib.close(),
  };
}
