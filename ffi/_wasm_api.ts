/**
 * The WebAssembly JS API, as much of it as raptors uses, declared here
 * instead of taken from the `dom` lib: the package's code and declarations
 * must type-check under any configuration (Deno's default, Node's `tsc`
 * with `lib: ["es2022"]`, Bun's default tsconfig), and some have no
 * `WebAssembly` namespace or a different one. The runtime object is the
 * engine's own `globalThis.WebAssembly`.
 *
 * @module
 */

/** A compiled module (`WebAssembly.Module`: an object with no members). */
export type WasmModule = object;
/** A module's linear memory (`WebAssembly.Memory`). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}
/** A function table (`WebAssembly.Table`). */
export interface WasmTable {
  readonly length: number;
  get(index: number): unknown;
  grow(delta: number): number;
  set(index: number, value: unknown): void;
}
/** An import or export descriptor (`WebAssembly.Module.imports()`). */
export interface WasmDescriptor {
  readonly module?: string;
  readonly name: string;
  readonly kind: string;
}

/** The `WebAssembly` namespace object, narrowed to what raptors calls. */
export interface WasmApi {
  Module: {
    new (bytes: BufferSource): WasmModule;
    imports(module: WasmModule): WasmDescriptor[];
    exports(module: WasmModule): WasmDescriptor[];
  };
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: Record<string, unknown> };
  Memory: new (
    desc: { initial: number; maximum?: number; shared?: boolean },
  ) => WasmMemory;
  RuntimeError: new (message?: string) => Error;
  validate(bytes: BufferSource): boolean;
  compile(bytes: BufferSource): Promise<WasmModule>;
}

/** Bytes a module can be compiled from. */
export type BufferSource = ArrayBufferView | ArrayBuffer;

/** This engine's `WebAssembly` (undefined where there is none). */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

/** This engine's `WebAssembly`; a TypeError where there is none. */
export function WA(): WasmApi {
  const api = wasmApi();
  if (api === undefined) {
    throw new TypeError("this JavaScript runtime has no WebAssembly");
  }
  return api;
}
