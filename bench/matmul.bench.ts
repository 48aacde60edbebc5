/**
 * matmul GFLOP/s (2 m n k / time) at square sizes, including awkward ones,
 * float32 and float64, both cores. Compare with NumPy on the same machine:
 * `python3 -c "import numpy as np, timeit; a = np.ones((1024, 1024),
 * np.float32); print(2 * 1024**3 / min(timeit.repeat(lambda: a @ a, number=3,
 * repeat=5)) * 3 / 1e9)"`.
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-write bench/matmul.bench.ts
 *     bun bench/matmul.bench.ts
 *
 * @module
 */
import { bench, do_not_optimize, run } from "mitata";
import * as rp from "../mod.ts";
import { runtimeName, runtimeVersion, saveResults } from "./_common.ts";

const SIZES = [127, 256, 512, 1024];
const rows: Array<{ dtype: string; n: number; ms: number; gflops: number }> =
  [];
for (const dtype of ["float32", "float64"] as const) {
  for (const n of SIZES) {
    const a = rp.divide(rp.mod(rp.arange(n * n), 13), 4).astype(dtype).reshape(
      n,
      n,
    );
    bench(`matmul ${dtype} ${n}`, () => do_not_optimize(rp.matmul(a, a)));
  }
}
const result = await run({ format: "quiet", throw: true });
for (const b of result.benchmarks) {
  const [, dtype, ns] = b.alias.split(" ");
  const n = Number(ns);
  const avg = b.runs[0]!.stats!.avg; // ns
  rows.push({ dtype: dtype!, n, ms: avg / 1e6, gflops: (2 * n ** 3) / avg });
}
console.log(`${runtimeVersion}, ${rp.info().threads} threads`);
for (const r of rows) {
  console.log(
    `matmul ${r.dtype} ${r.n}: ${r.ms.toFixed(2)} ms, ${
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
