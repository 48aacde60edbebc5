/**
 * What handing work to the engine costs the event loop, against doing it
 * inline (issue 17), Deno or Bun: the example service's scoring,
 * `sigmoid(X @ w + b)` (`scoreRows`, six NDArray operations) over float64
 * batches of 1 to 10000 rows x 64 features.
 *
 * Per batch size, in interleaved rounds:
 * - inline: one `scoreRows` call (µs);
 * - engine, copied: `engine.submit(() => scoreRows(X, w, b))` with 8 jobs
 *   in flight (each on its own X), timing the synchronous part of each
 *   submit (what the event loop spends: recording, marshalling, copying
 *   the inputs) and the wall time per job;
 * - engine, lent: the same with `{ lend: [X] }` (no copy of X).
 *
 * Medians over ROUNDS rounds (default 7), after a warm-up.
 *
 *     deno run -A bench/handoff.bench.ts
 *     bun bench/handoff.bench.ts
 *
 * @module
 */
import * as rp from "../mod.ts";
import { FEATURES, randoms, scoreRows } from "../examples/_app.ts";

const env = (globalThis as { process?: { env: Record<string, string> } })
  .process?.env ?? {};
const ROUNDS = Number(env.ROUNDS ?? 7);
const SIZES = (env.SIZES ?? "1,32,256,1024,4096,10000").split(",").map(Number);
const IN_FLIGHT = 8;
const runtime = "Bun" in globalThis ? "bun" : "deno";

const median = (xs: number[]) =>
  xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;

const engine = new rp.Engine({ maxQueue: 64 });
const w = rp.asarray(randoms(FEATURES, 7)).astype("float64").asReadOnly();

/** Inline: µs per call over a batch of at least 5 ms. */
function inline(X: rp.NDArray): number {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 5 || n < 20) {
    scoreRows(X, w, 0.25).dispose();
    n++;
  }
  return (performance.now() - t0) / n * 1e3;
}

/** Engine: [submit µs (event loop), wall µs per job] over `jobs` jobs. */
async function viaEngine(
  Xs: rp.NDArray[],
  lend: boolean,
  jobs: number,
): Promise<[number, number]> {
  let sync = 0, started = 0, done = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const go = (k: number) => {
      if (started >= jobs) return;
      started++;
      const X = Xs[k]!;
      const s = performance.now();
      const p = engine.submit(
        () => scoreRows(X, w, 0.25),
        lend ? { lend: [X] } : {},
      );
      sync += performance.now() - s;
      p.then((r) => {
        r.dispose();
        if (++done === jobs) resolve();
        else go(k);
      }, reject);
    };
    for (let k = 0; k < Xs.length; k++) go(k);
  });
  return [sync / jobs * 1e3, (performance.now() - t0) / jobs * 1e3];
}

console.log(
  `${runtime}: µs per request, median of ${ROUNDS} rounds ` +
    `(${IN_FLIGHT} jobs in flight, ${engine.metrics().threads} engine threads)`,
);
console.log(
  "rows   inline | copied: submit  wall/job | lent: submit  wall/job",
);
for (const rows of SIZES) {
  const Xs = Array.from(
    { length: IN_FLIGHT },
    (_, k) =>
      rp.asarray(randoms(rows * FEATURES, 100 + k)).astype("float64")
        .reshape(rows, FEATURES),
  );
  const jobs = Math.max(64, Math.min(2000, Math.floor(2e6 / rows)));
  inline(Xs[0]!);
  await viaEngine(Xs, false, 32);
  await viaEngine(Xs, true, 32);
  const r: number[][] = [[], [], [], [], []];
  for (let round = 0; round < ROUNDS; round++) {
    r[0]!.push(inline(Xs[0]!));
    const [cs, cw] = await viaEngine(Xs, false, jobs);
    const [ls, lw] = await viaEngine(Xs, true, jobs);
    r[1]!.push(cs), r[2]!.push(cw), r[3]!.push(ls), r[4]!.push(lw);
  }
  const m = r.map(median).map((v) => v.toFixed(1).padStart(7));
  console.log(
    `${String(rows).padStart(5)} ${m[0]} | ${m[1]} ${m[2]} | ${m[3]} ${m[4]}`,
  );
}
await engine.close();
