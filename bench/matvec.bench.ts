/**
 * Matrix-vector and vector products at the sizes of issue 15, raptors in
 * one process (interleaved rounds, bench/_harness.ts); NumPy runs the
 * same products on the same hashF64 inputs in bench/numpy_matvec.py,
 * which also measures the machine's streaming read bandwidth (OpenBLAS
 * ddot over two 800 MB arrays, both threads) as the reference "time to
 * stream the operands once".
 *
 *     deno run -A bench/matvec.bench.ts      # or: bun bench/matvec.bench.ts
 *
 * @module
 */
import * as rp from "../mod.ts";
import {
  hashF64,
  runtimeName,
  runtimeVersion,
  saveResults,
} from "./_common.ts";
import { measure } from "./_harness.ts";

const M = rp.array(Float32Array.from(hashF64(100000 * 384, 1))).reshape(
  100000,
  384,
);
const q = rp.array(Float32Array.from(hashF64(384, 2)));
const q2 = rp.array(Float32Array.from(hashF64(100000, 3)));
const X = rp.array(Float32Array.from(hashF64(10000 * 64, 4))).reshape(
  10000,
  64,
);
const w = rp.array(Float32Array.from(hashF64(64, 5)));
const a = rp.array(hashF64(1e7, 6)), b = rp.array(hashF64(1e7, 7));
const MT = M.T; // (384, 100000) view: M.T @ q2 reads M once, row by row
// a batch of 8 queries against 100000 x 128 embeddings (the batched
// similarity service): one pass over E for all eight
const E = rp.array(Float32Array.from(hashF64(100000 * 128, 8))).reshape(
  100000,
  128,
);
const Q = rp.array(Float32Array.from(hashF64(8 * 128, 9))).reshape(8, 128);
const t = measure({
  "M @ q (100000x384 f32)": () => rp.matmul(M, q),
  "q @ M (100000 @ 100000x384 f32)": () => rp.matmul(q2, M),
  "M.T @ q (384x100000 view)": () => rp.matmul(MT, q2),
  "X @ w (10000x64 f32)": () => rp.matmul(X, w),
  "dot 1e7 f64": () => rp.dot(a, b),
  "vdot 1e7 f64": () => rp.vdot(a, b),
  "norm 384 f32": () => rp.linalg.norm(q),
  "E @ Q.T (100000x128 f32, 8 queries)": () => rp.matmul(E, Q.T),
  "Q @ E.T (8 queries, 100000x128 f32)": () => rp.matmul(Q, E.T),
}, { rounds: 9, batchMs: 40 });
console.log(
  `${runtimeVersion}, backend ${rp.backend.name}: µs per call, median of 9 interleaved rounds`,
);
for (const [k, v] of Object.entries(t)) {
  console.log(`${k.padEnd(40)} ${(v / 1e3).toFixed(2)}`);
}
await saveResults(`matvec-${runtimeName}-${rp.backend.name}`, {
  runtime: runtimeVersion,
  unit: "ns",
  rows: t,
});
