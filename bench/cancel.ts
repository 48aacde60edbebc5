/**
 * Cancellation latency of running engine jobs: from `abort()` until the
 * worker is free again (the native side reported the job), for a
 * 2048x2048 float64 matmul and a 5e7-element `exp`, 10 times each.
 *
 *     deno run --allow-ffi --allow-env --allow-read bench/cancel.ts
 *     bun bench/cancel.ts
 *
 * @module
 */
import * as rp from "../mod.ts";
import { runtimeVersion } from "./_common.ts";

const big = rp.divide(rp.arange(2048 * 2048), 7).reshape(2048, 2048)
  .asReadOnly();
const v = rp.arange(50_000_000).astype("float64").asReadOnly();
const e = new rp.Engine({ threads: 1 });
const cases = [
  [
    "matmul 2048x2048",
    (s: AbortSignal) => e.submit(() => rp.matmul(big, big), { signal: s }),
  ],
  ["exp 5e7", (s: AbortSignal) => e.submit(() => rp.exp(v), { signal: s })],
] as const;
console.log(runtimeVersion);
for (const [name, start] of cases) {
  const ms: number[] = [];
  for (let i = 0; i < 10; i++) {
    const ac = new AbortController();
    const p = start(ac.signal).catch(() => {});
    await new Promise((r) => setTimeout(r, 30)); // surely running
    const t0 = performance.now();
    ac.abort();
    await p;
    while (e.metrics().inFlight > 0) await new Promise((r) => setTimeout(r, 0));
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(
    `${name}: abort -> worker free, median ${ms[5]!.toFixed(2)} ms, max ${
      ms[9]!.toFixed(2)
    } ms`,
  );
}
await e.close();
