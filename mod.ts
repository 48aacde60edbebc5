/**
 * raptors: a NumPy-style array compute engine for Deno and Bun, with a Rust
 * core loaded through FFI.
 *
 * This entry re-exports the flat API over plain TypedArrays
 * (also available as the `./ops` subpath).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * const x = new Float64Array([3, 1, 2]);
 * rp.sum(x); // 6
 * rp.sort(x); // Float64Array [1, 2, 3]
 * ```
 *
 * @module
 */
export * from "./src/ops.ts";
export { LibraryLoadError, NativeError, RaptorsError } from "./src/errors.ts";
