/**
 * Dense linear algebra against NumPy (issue 6 targets: `solve` and `svd`
 * of 512x512 float64 within 3x of NumPy/LAPACK). NumPy is timed by the one-liner in
 * the output header, in a separate process on the same machine.
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-write bench/linalg.bench.ts
 *     bun bench/linalg.bench.ts
 *
 * @module
 */
import { bench, do_not_optimize } from "mitata";
import * as rp from "../mod.ts";
import { runAndSave } from "./_common.ts";

const g = rp.defaultRng(1);
const M = g.random([512, 512]) as rp.NDArray;
const B = g.random([512]) as rp.NDArray;
const S = rp.add(rp.matmul(M, M.T), rp.multiply(rp.eye(512), 512));
bench("solve 512x512 float64", () => do_not_optimize(rp.linalg.solve(M, B)));
bench("inv 512x512 float64", () => do_not_optimize(rp.linalg.inv(M)));
bench("det 512x512 float64", () => do_not_optimize(rp.linalg.det(M)));
bench("cholesky 512x512 float64", () => do_not_optimize(rp.linalg.cholesky(S)));
bench("svd 512x512 float64", () => do_not_optimize(rp.linalg.svd(M)));
bench("svdvals 512x512 float64", () => do_not_optimize(rp.linalg.svdvals(M)));
bench("eigh 512x512 float64", () => do_not_optimize(rp.linalg.eigh(S)));
bench("qr 512x512 float64", () => do_not_optimize(rp.linalg.qr(M)));
await runAndSave("linalg", "ms");
