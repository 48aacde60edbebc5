/**
 * Engine soak: mixed jobs (matmul, ufunc pipelines, reductions, sorts) for
 * SOAK_SECONDS (default 60, at most 600), with random cancellation,
 * timeouts and queue overflow, GC forced throughout. Fails (exit 1) unless
 * every promise settled exactly once, results were right, the metrics add
 * up (submitted = completed + failed + rejected + cancelled + timedOut)
 * and RSS stayed flat: the last quarter's peak within 64 MiB of the first
 * quarter's, not counting the buffer pool's bytes (`src/core/_pool.ts`: a cache
 * bounded by RAPTORS_POOL_MB, 128 MiB by default, which fills at a pace
 * set by when the runtime's GC runs finalizers).
 *
 *     deno run --allow-ffi --allow-env --allow-read --v8-flags=--expose-gc bench/soak.ts
 *     bun bench/soak.ts
 *
 * @module
 */
import * as rp from "../mod.ts";
import { poolStats } from "../src/core/_pool.ts";
import { env, runtimeVersion } from "./_common.ts";

const seconds = Math.min(600, Number(env("SOAK_SECONDS") ?? 60));
const g = globalThis as {
  Bun?: { gc(sync: boolean): void };
  gc?: () => void;
  Deno?: { memoryUsage(): { rss: number } };
  process?: { memoryUsage(): { rss: number } };
};
const gc = () => (g.Bun ? g.Bun.gc(true) : g.gc?.());
const rss =
  () => (g.Deno ? g.Deno.memoryUsage().rss : g.process!.memoryUsage().rss);

const engine = new rp.Engine({ threads: 2, maxQueue: 32 });
const a = rp.divide(rp.mod(rp.arange(96 * 96), 17), 8).reshape(96, 96);
const w = rp.linspace(-1, 1, 96).asReadOnly();
const expect = {
  mm: rp.sum(rp.matmul(a, a)) as number,
  pipe: rp.sum(rp.tanh(rp.add(rp.matmul(a, w), 1))) as number,
  sort: rp.sort(a.ravel()).get(4000),
};
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

let launched = 0, settledOnce = 0, settledTwice = 0, wrong = 0;
const t0 = performance.now();
const samples: Array<[number, number]> = [];
let lastSample = 0;
while (performance.now() - t0 < seconds * 1000) {
  const batch: Promise<void>[] = [];
  for (let i = 0; i < 64; i++) {
    const kind = Math.floor(rnd() * 3);
    const ac = new AbortController();
    const timeout = rnd() < 0.05 ? Math.floor(rnd() * 3) : undefined;
    let settled = 0;
    const done = () => (++settled === 1 ? settledOnce++ : settledTwice++);
    const job = kind === 0
      ? engine.submit(() => rp.matmul(a, a), { signal: ac.signal, timeout })
        .then((r) => rp.sum(r) === expect.mm)
      : kind === 1
      ? engine.submit(() => rp.tanh(rp.add(rp.matmul(a, w), 1)), {
        signal: ac.signal,
        timeout,
      }).then((r) => rp.sum(r) === expect.pipe)
      : engine.submit(() => rp.sort(a.ravel()), { signal: ac.signal, timeout })
        .then((r) => r.get(4000) === expect.sort);
    launched++;
    batch.push(job.then((ok) => {
      if (!ok) wrong++;
      done();
    }, () => {
      done();
    }));
    if (rnd() < 0.1) ac.abort();
  }
  await Promise.all(batch);
  gc();
  const now = performance.now() - t0;
  if (now - lastSample > 250) {
    samples.push([now, rss() - poolStats().ownedBytes]);
    lastSample = now;
    if (env("SOAK_TRACE") && samples.length % 40 === 0) {
      console.log(
        `${(now / 1000).toFixed(0)} s: ${launched} jobs, RSS ${
          Math.round(rss() / 2 ** 20)
        } MiB`,
      );
    }
  }
}
await engine.close();
const m = engine.metrics();
const sum = m.completed + m.failed + m.rejected + m.cancelled + m.timedOut;
const q = Math.max(1, Math.floor(samples.length / 4));
const early = Math.max(...samples.slice(0, q).map((s) => s[1]));
const late = Math.max(...samples.slice(-q).map((s) => s[1]));
const report = {
  runtime: runtimeVersion,
  seconds,
  launched,
  settledOnce,
  settledTwice,
  wrong,
  metrics: {
    submitted: m.submitted,
    completed: m.completed,
    failed: m.failed,
    rejected: m.rejected,
    cancelled: m.cancelled,
    timedOut: m.timedOut,
  },
  // RSS less the pool's bytes, peak of the first and of the last quarter
  rssEarlyMiB: Math.round(early / 2 ** 20),
  rssLateMiB: Math.round(late / 2 ** 20),
  poolMiB: Math.round(poolStats().ownedBytes / 2 ** 20),
};
console.log(JSON.stringify(report));
const ok = settledOnce === launched && settledTwice === 0 && wrong === 0 &&
  m.submitted === launched && sum === m.submitted && m.inFlight === 0 &&
  late - early < 64 * 2 ** 20;
if (!ok) {
  console.error("soak FAILED");
  g.Deno
    ? Deno.exit(1)
    : (globalThis as unknown as { process: { exit(c: number): never } }).process
      .exit(1);
}
console.log("soak ok");
