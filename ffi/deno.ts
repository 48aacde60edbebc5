/**
 * Deno adapter: turns the symbol table into `Deno.dlopen`'s form.
 * Pointers are `"buffer"` parameters, so TypedArrays pass zero-copy.
 *
 * Deno's FFI is reached through the narrow interface below, not the `Deno`
 * namespace types: the compiled package's declarations must type-check
 * under any configuration (Node's `tsc`, Bun's default tsconfig), where
 * those types do not exist.
 *
 * @module
 */
import {
  SafeWeakMap,
  taBuffer,
  taByteLength,
  taByteOffset,
} from "../src/_intrinsics.ts";
import {
  type NativeSymbols,
  type NativeType,
  type RuntimeHooks,
  symbols,
} from "./symbols.ts";

/** A parameter or result type in `Deno.dlopen`'s form. */
type DenoNativeType =
  | Exclude<NativeType, "ptr" | "cptr" | "fn">
  | "buffer"
  | "function";
/** One function of a `Deno.dlopen` interface. */
interface DenoForeignFunction {
  parameters: DenoNativeType[];
  result: NativeType;
}
/** The part of Deno's FFI raptors uses (see Deno's `Deno.dlopen` docs). */
interface DenoFfi {
  dlopen(
    path: string,
    iface: Record<string, DenoForeignFunction>,
  ): { symbols: Record<string, unknown>; close(): void };
  UnsafePointer: {
    of(value: ArrayBufferView): unknown;
    value(pointer: unknown): number | bigint;
  };
  UnsafeCallback: {
    threadSafe(
      def: { parameters: []; result: "void" },
      fn: () => void,
    ): { pointer: unknown; ref(): number; unref(): number };
  };
}

function deno(): DenoFfi {
  return (globalThis as unknown as { Deno: DenoFfi }).Deno;
}

function denoType(t: NativeType): DenoNativeType {
  return t === "ptr" || t === "cptr" ? "buffer" : t === "fn" ? "function" : t;
}

/** The table in `Deno.dlopen` form. */
export function denoInterface(): Record<string, DenoForeignFunction> {
  const out: Record<string, DenoForeignFunction> = {};
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
  const D = deno();
  const lib = D.dlopen(path, denoInterface());
  // The address of each ArrayBuffer's first byte, asked of Deno once per
  // buffer (`UnsafePointer.of` + `value` cost ~0.3 µs a call, and a job
  // passes the address of every array it touches). V8 never moves an
  // ArrayBuffer's backing store: a resizable one reserves its maximum up
  // front, and a transfer detaches the old buffer (the engine refuses
  // detached views before asking). `taBuffer` first: it moves a small
  // typed array's elements off the V8 heap, where they would move.
  const bases = new SafeWeakMap<ArrayBufferLike, number>();
  const addressOf = (v: ArrayBufferView): number => {
    if (taByteLength(v) === 0) return 0;
    const buf = taBuffer(v);
    let base = bases.get(buf);
    if (base === undefined) {
      base = Number(D.UnsafePointer.value(D.UnsafePointer.of(v))) -
        taByteOffset(v);
      bases.set(buf, base);
    }
    return base + taByteOffset(v);
  };
  return {
    symbols: lib.symbols as unknown as NativeSymbols,
    close: () => lib.close(),
    addressOf,
    notifyCallback: (fn) => {
      // called from raptors' notifier thread (which blocks until it ran)
      const cb = D.UnsafeCallback.threadSafe(
        { parameters: [], result: "void" },
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
