/**
 * The numpy-ts side of the peer benchmarks (`peers.bench.ts`,
 * `ab.bench.ts`): numpy-ts configured as its docs say for loops, and the
 * inputs both libraries share, each made the way its library copies data
 * into memory it owns (`rp.array`, `np.array`).
 *
 * @module
 */
import * as numpyTs from "numpy-ts";
import * as rp from "../mod.ts";
import { randomF64 } from "./_common.ts";

// numpy-ts's typings and raptors' differ in shape-argument conventions; the
// benchmarks call it as its README does.
// deno-lint-ignore no-explicit-any
export const np: any = numpyTs;
// numpy-ts keeps array data in one WebAssembly heap: give it room and free
// every result at once (its documented use in loops), so its WASM kernels
// run throughout; a run must fail if it ever fell back to JS-backed arrays.
np.configureWasm({ maxMemory: 1024 * 1024 * 1024 });
let exhausted = false;
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (String(args[0]).includes("WASM heap exhausted")) exhausted = true;
  warn(...args);
};

/** Throws if numpy-ts ran out of its WASM heap during the run. */
export function checkPeerHeap(): void {
  if (exhausted) {
    throw new Error("numpy-ts ran out of WASM heap: the comparison is unfair");
  }
}

export const N = 1_000_000;
/** The float64 data every input is cut from. */
export const x: Float64Array = randomF64(N, 7);
export const y: Float64Array = randomF64(N, 11);

/** raptors' inputs: 1e6 vectors, a 256x256 f64 and a 512x512 f32 matrix. */
export const r = {
  v: rp.array(x),
  w: rp.array(y),
  a256: rp.array(x.subarray(0, 65536)).reshape(256, 256),
  a512f32: rp.array(x.subarray(0, 262144)).reshape(512, 512).astype(
    "float32",
  ),
};
/** The same inputs for numpy-ts. */
export const n = {
  v: np.array(Array.from(x), "float64"),
  w: np.array(Array.from(y), "float64"),
  a256: np.array(Array.from(x.subarray(0, 65536)), "float64").reshape([
    256,
    256,
  ]),
  a512f32: np.array(Array.from(x.subarray(0, 262144)), "float32").reshape([
    512,
    512,
  ]),
};
