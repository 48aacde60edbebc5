/**
 * NDArray operations issue 3 sets targets for, against NumPy on the same
 * machine (NumPy timed by the Python one-liner printed at the end):
 * a 1000x1000 minus a row vector (broadcast), and sum(axis=0) of 10000x100.
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-write bench/ndarray.bench.ts
 *     bun bench/ndarray.bench.ts
 *
 * @module
 */
import { bench, do_not_optimize } from "mitata";
import * as rp from "../mod.ts";
import { runAndSave } from "./_common.ts";

const m = rp.divide(rp.mod(rp.arange(1_000_000), 97), 7).reshape(1000, 1000);
const row = rp.divide(rp.arange(1000), 3);
const out = rp.zeros([1000, 1000]);
const tall = rp.divide(rp.mod(rp.arange(1_000_000), 89), 5).reshape(10000, 100);

bench("1000x1000 - row (new array, disposed)", () => {
  using r = rp.subtract(m, row);
  do_not_optimize(r);
});
bench(
  "1000x1000 - row (out=)",
  () => do_not_optimize(rp.subtract(m, row, { out })),
);
bench(
  "sum(axis=0) of 10000x100",
  () => do_not_optimize(rp.sum(tall, { axis: 0 })),
);
bench(
  "sum(axis=1) of 10000x100",
  () => do_not_optimize(rp.sum(tall, { axis: 1 })),
);

// last: results left to the GC fill the pool until the event loop turns
bench(
  "1000x1000 - row (new array, left to GC)",
  () => do_not_optimize(rp.subtract(m, row)),
);

await runAndSave("ndarray", "us");
