/**
 * Sorting against NumPy (issue 6 targets): `sort` of 1e6 float64 and the
 * top-10 of 1e6 float64 by `argpartition`, plus `argsort` and `topk`.
 * NumPy is timed by `bench/numpy_sort.py` in a separate process.
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-write bench/sort.bench.ts
 *     bun bench/sort.bench.ts
 *
 * @module
 */
import { bench, do_not_optimize } from "mitata";
import * as rp from "../mod.ts";
import { randomF64, runAndSave } from "./_common.ts";

const N = 1_000_000;
const x = rp.asarray(randomF64(N, 3));
bench("sort 1e6 float64 (a sorted copy)", () => {
  using r = rp.sort(x);
  do_not_optimize(r);
});
bench("argsort 1e6 float64 (stable)", () => {
  using r = rp.argsort(x);
  do_not_optimize(r);
});
bench("argpartition top-10 of 1e6 float64", () => {
  using r = rp.argpartition(x, N - 10);
  do_not_optimize(r);
});
bench("topk 10 of 1e6 float64 (sorted values and indices)", () => {
  do_not_optimize(rp.topk(x, 10));
});
await runAndSave("sort", "ms");
