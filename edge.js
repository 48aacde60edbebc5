// raptors for edge workers: the WebAssembly backend, never Deno.dlopen,
// bun:ffi or the file system. Bundle this entry (esbuild: mark
// "raptors.wasm" and "node:*" external) and declare wasm/raptors.wasm as a
// compiled wasm module named "raptors.wasm" (workerd: `wasm = embed`;
// wrangler: a CompiledWasm rule). Imports are evaluated in order, so the
// module is registered before raptors loads.
import "./edge_init.js";
export * from "./mod.ts";
