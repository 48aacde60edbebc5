/**
 * Issue 18's cases, raptors' side (native backend unless RAPTORS_BACKEND
 * says otherwise): the transcendental ufuncs on 10^6 elements, `matmul`
 * at 127, 255 and 1024 and tall-skinny (10000 x 64 @ 64 x 64), float32
 * and float64, and the dense linear algebra of 512 x 512 float64. The
 * inputs are the ones `bench/numpy_kernels.py` builds (hashF64 streams,
 * the matmul ramps of `bench/matmul.bench.ts`, `default_rng(1)` for the
 * linear algebra, which raptors reproduces). Time per call: the median of
 * 7 interleaved rounds of batches of at least 40 ms (bench/_harness.ts).
 *
 *     deno run -A bench/kernels.bench.ts      # or: bun bench/kernels.bench.ts
 *
 * `bench/kernels_rounds.ts` runs it in both runtimes with NumPy between,
 * round after round, and prints the ratios against issue 18's targets.
 *
 * @module
 */
import * as rp from "../mod.ts";
import {
  hashF64,
  runtimeName,
  runtimeVersion,
  saveResults,
  VMATH_INPUTS,
} from "./_common.ts";
import { type Impl, measure } from "./_harness.ts";

const impls: Record<string, Impl> = {};

// transcendental ufuncs: the inputs of bench/vmath.bench.ts at 10^6
const ufuncs = { exp: rp.exp, log: rp.log, tanh: rp.tanh, sin: rp.sin };
for (const dtype of ["float64", "float32"] as const) {
  for (const [fn, u] of Object.entries(ufuncs)) {
    const x = rp.array(hashF64(1e6, 11).map(VMATH_INPUTS[fn]!)).astype(dtype);
    impls[`${fn} ${dtype} 1e6`] = () => u(x);
  }
}

// matmul: the ramps of bench/matmul.bench.ts
const ramp = (size: number, mod: number, shape: number[], dtype: string) =>
  rp.divide(rp.mod(rp.arange(size), mod), 4).astype(dtype as "float64")
    .reshape(shape);
for (const dtype of ["float32", "float64"]) {
  for (const n of [127, 255, 1024]) {
    const a = ramp(n * n, 13, [n, n], dtype);
    impls[`matmul ${dtype} ${n}`] = () => rp.matmul(a, a);
  }
  const x = ramp(10000 * 64, 13, [10000, 64], dtype);
  const w = ramp(64 * 64, 7, [64, 64], dtype);
  impls[`matmul ${dtype} 10000x64 @ 64x64`] = () => rp.matmul(x, w);
}

// dense linear algebra, as bench/linalg.bench.ts
const g = rp.defaultRng(1);
const M = g.random([512, 512]) as rp.NDArray;
const B = g.random([512]) as rp.NDArray;
const S = rp.add(rp.matmul(M, M.T), rp.multiply(rp.eye(512), 512));
const la = rp.linalg;
Object.assign(impls, {
  "solve 512": () => la.solve(M, B),
  "inv 512": () => la.inv(M),
  "det 512": () => la.det(M),
  "cholesky 512": () => la.cholesky(S),
  "qr 512": () => la.qr(M),
  "eigh 512": () => la.eigh(S),
  "svd 512": () => la.svd(M),
});

const t = measure(impls, { rounds: 7, batchMs: 40 });
console.log(
  `${runtimeVersion}, backend ${rp.backend.name}: ms per call, median of 7 interleaved rounds`,
);
for (const [k, v] of Object.entries(t)) {
  console.log(`${k.padEnd(34)} ${(v / 1e6).toFixed(3)}`);
}
await saveResults(`kernels-${runtimeName}-${rp.backend.name}`, {
  runtime: runtimeVersion,
  rows: t,
});
