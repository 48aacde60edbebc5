/**
 * matmul GFLOP/s (2 m n k / time) at square sizes, including awkward ones,
 * float32 and float64, both cores, and the tall-skinny 10000 x 64 @ 64 x 64
 * (each result disposed, as a tight loop should).
 * NumPy on the same inputs, alone in its own process: `python3
 * bench/numpy_matmul.py`.
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-write bench/matmul.bench.ts
 *     bun bench/matmul.bench.ts
 *
 * @module
 */
import { bench, run } from "mitata";
import * as rp from "../mod.ts";
import { runtimeName, runtimeVersion, saveResults } from "./_common.ts";

const SIZES = [127, 255, 256, 512, 1024];
const rows: Array<{ dtype: string; n: number; ms: number; gflops: number }> =
  [];
for (const dtype of ["float32", "float64"] as const) {
  for (const n of SIZES) {
    const a = rp.divide(rp.mod(rp.arange(n * n), 13), 4).astype(dtype).reshape(
      n,
      n,
    );
    bench(`matmul ${dtype} ${n}`, () => rp.matmul(a, a).dispose());
  }
  // tall-skinny: 10000 x 64 @ 64 x 64 (n reported as 0: see below)
  const x = rp.divide(rp.mod(rp.arange(10000 * 64), 13), 4).astype(dtype)
    .reshape(10000, 64);
  const w = rp.divide(rp.mod(rp.arange(64 * 64), 7), 4).astype(dtype)
    .reshape(64, 64);
  bench(`matmul ${dtype} 0`, () => rp.matmul(x, w).dispose());
}
const result = await run({ format: "quiet", throw: true });
for (const b of result.benchmarks) {
  const [, dtype, ns] = b.alias.split(" ");
  const n = Number(ns);
  const avg = b.runs[0]!.stats!.avg; // ns
  // n = 0 stands for the tall-skinny product, 2 * 10000 * 64 * 64 flops
  const flops = n === 0 ? 2 * 10000 * 64 * 64 : 2 * n ** 3;
  rows.push({ dtype: dtype!, n, ms: avg / 1e6, gflops: flops / avg });
}
console.log(`${runtimeVersion}, ${rp.info().threads} threads`);
for (const r of rows) {
  console.log(
    `matmul ${r.dtype} ${r.n || "10000x64 @ 64x64"}: ${r.ms.toFixed(2)} ms, ${
      r.gflops.toFixed(1)
    } GFLOP/s`,
  );
}
console.log(
  `saved ${await saveResults(`matmul-${runtimeName}`, {
    runtime: runtimeVersion,
    rows,
  })}`,
);
