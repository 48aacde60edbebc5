/**
 * raptors against numpy-ts on the four operations of issue 5 (sum, add,
 * matmul, sort), measured as interleaved A/B rounds instead of one long
 * block per library: on a shared VM whose speed drifts by 10-30% over
 * seconds, a block measured after another one can land in a different
 * "weather". Each round times a burst of raptors calls, then a burst of
 * numpy-ts calls on the same data (the order alternates per round), and
 * records the ratio numpy-ts time / raptors time. The median over the
 * rounds, and the share of rounds raptors won, are what to read; the
 * spread says how much the machine moved.
 *
 *     RAPTORS_BACKEND=wasm deno run --allow-ffi --allow-env --allow-read --allow-write bench/ab.bench.ts
 *     RAPTORS_BACKEND=wasm bun bench/ab.bench.ts
 *
 * Before any timing, every case of both libraries runs for `AB_WARMUP_S`
 * seconds (default 3): V8 first runs wasm in its baseline compiler and
 * optimizes hot functions on a background thread, which on this 2-core
 * machine also takes the core raptors' second kernel thread would use. The
 * rounds then measure the steady state a long-running service sees.
 *
 * Results: bench/results/ab{-wasm}{-1thread}-{deno,bun}.json (`-1thread`
 * when the wasm backend runs on one thread: `RAPTORS_NUM_THREADS=1`).
 * Every result is disposed at once, as both libraries' docs say for loops.
 *
 * @module
 */
import * as rp from "../mod.ts";
import { env, runtimeName, runtimeVersion, saveResults } from "./_common.ts";
import { checkPeerHeap, N, n, np, r } from "./_peer.ts";

const ROUNDS = Number(env("AB_ROUNDS") ?? 21);
const out = rp.zeros([N]);

/** Calls `f` and frees what it returned (a number needs nothing). */
function once(f: () => unknown): void {
  const res = f() as { dispose?: () => void } | number;
  if (typeof res === "object" && res !== null) res.dispose?.();
}

// [name, raptors, numpy-ts, calls per burst]
const cases: Array<[string, () => unknown, () => unknown, number]> = [
  ["sum 1e6 f64", () => rp.sum(r.v), () => np.sum(n.v), 40],
  ["add 1e6 f64", () => rp.add(r.v, r.w), () => np.add(n.v, n.w), 20],
  [
    "add 1e6 f64, out=",
    () => {
      rp.add(r.v, r.w, { out });
      return 0;
    },
    () => np.add(n.v, n.w),
    20,
  ],
  [
    "matmul 256 f64",
    () => rp.matmul(r.a256, r.a256),
    () => np.matmul(n.a256, n.a256),
    8,
  ],
  [
    "matmul 512 f32",
    () => rp.matmul(r.a512f32, r.a512f32),
    () => np.matmul(n.a512f32, n.a512f32),
    2,
  ],
  ["sort 1e6 f64", () => rp.sort(r.v), () => np.sort(n.v), 1],
];

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};
const burst = (f: () => unknown, calls: number) => {
  const t = performance.now();
  for (let i = 0; i < calls; i++) once(f);
  return (performance.now() - t) / calls;
};

const warmUntil = performance.now() +
  1000 * Number(env("AB_WARMUP_S") ?? 3);
while (performance.now() < warmUntil) {
  for (const [, a, b] of cases) (once(a), once(b));
}

const rows = [];
for (const [name, a, b, calls] of cases) {
  for (let i = 0; i < 3; i++) (once(a), once(b)); // warm both up
  const ta: number[] = [], tb: number[] = [], ratio: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let ra: number, rb: number;
    if (round % 2 === 0) {
      ra = burst(a, calls);
      rb = burst(b, calls);
    } else {
      rb = burst(b, calls);
      ra = burst(a, calls);
    }
    ta.push(ra);
    tb.push(rb);
    ratio.push(rb / ra);
  }
  const sorted = [...ratio].sort((p, q) => p - q);
  const row = {
    name,
    raptorsUs: median(ta) * 1e3,
    numpyTsUs: median(tb) * 1e3,
    ratioMedian: median(ratio),
    ratioP10: sorted[Math.floor(0.1 * (sorted.length - 1))]!,
    ratioP90: sorted[Math.ceil(0.9 * (sorted.length - 1))]!,
    raptorsWon: ratio.filter((q) => q > 1).length / ratio.length,
  };
  rows.push(row);
}

checkPeerHeap();
const simd = rp.backend.simd ? `/${rp.backend.simd}` : "";
const threads = rp.info().threads;
console.log(
  `${runtimeVersion}, raptors ${rp.backend.name}${simd} backend on ` +
    `${threads} thread(s), numpy-ts 1.7.0 (one thread), ${ROUNDS} ` +
    "interleaved rounds",
);
for (const q of rows) {
  console.log(
    `${q.name}: raptors ${q.raptorsUs.toFixed(1)} µs, numpy-ts ` +
      `${q.numpyTsUs.toFixed(1)} µs (medians); ratio median ` +
      `${q.ratioMedian.toFixed(2)}x, p10-p90 ${q.ratioP10.toFixed(2)}-` +
      `${q.ratioP90.toFixed(2)}x, raptors faster in ` +
      `${Math.round(q.raptorsWon * 100)}% of rounds`,
  );
}
const wasm = rp.backend.name === "wasm"
  ? threads === 1 ? "wasm-1thread-" : "wasm-"
  : "";
console.log(
  `saved ${await saveResults(`ab-${wasm}${runtimeName}`, {
    runtime: runtimeVersion,
    backend: rp.backend.name,
    simd: rp.backend.simd ?? null,
    threads,
    rounds: ROUNDS,
    rows,
  })}`,
);
