// Registers the WebAssembly module for edge builds (see edge.js). The bare
// specifier "raptors.wasm" is resolved by the platform's bundler config to
// a module compiled at build time (a WebAssembly.Module), as Cloudflare
// Workers/workerd and other edge runtimes require: they refuse to compile
// wasm bytes at run time.
import wasm from "raptors.wasm";

globalThis[Symbol.for("raptors.wasm")] = wasm;
