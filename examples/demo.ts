/**
 * raptors demo: summary statistics, z-score normalisation, a similarity
 * score and a sort over 10 million sensor readings, each timed against the
 * plain TypedArray loop a user would write and checked against it.
 *
 *     deno run --allow-ffi --allow-env --allow-read examples/demo.ts
 *     bun examples/demo.ts
 *
 * @module
 */
import * as rp from "../mod.ts";

const N = Number(
  (globalThis as { Deno?: { env: { get(k: string): string | undefined } } })
    .Deno?.env.get("DEMO_N") ??
    (globalThis as { process?: { env: Record<string, string | undefined> } })
      .process?.env["DEMO_N"] ??
    10_000_000,
);

/** Deterministic pseudo-random readings (xorshift32), ~N(20, 5)-ish. */
function readings(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    let u = 0;
    for (let k = 0; k < 4; k++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      u += (s >>> 0) / 4294967296;
    }
    out[i] = 20 + (u - 2) * 8.66;
  }
  return out;
}

/** Median time of `reps` runs, in milliseconds. */
function time<T>(reps: number, f: () => T): { ms: number; value: T } {
  const times: number[] = [];
  let value!: T;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    value = f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1]!, value };
}

const runtime = (globalThis as { Bun?: { version: string } }).Bun
  ? `Bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`
  : `Deno ${
    (globalThis as unknown as { Deno: { version: { deno: string } } }).Deno
      .version.deno
  }`;
const info = rp.info();
console.log(
  `raptors demo on ${runtime}: ${
    N.toLocaleString("en-US")
  } float64 readings, ` +
    `native kernels (${info.simd}, ${info.threads} threads)`,
);

const t0 = performance.now();
const x = readings(N, 42);
const w = readings(N, 7);
console.log(
  `generated inputs in ${(performance.now() - t0).toFixed(0)} ms\n`,
);

type Row = [string, number, number, string];
const rows: Row[] = [];
const REPS = 5;

// sum and mean
const rs = time(REPS, () => rp.sum(x));
const js = time(REPS, () => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
});
rows.push([
  "sum",
  rs.ms,
  js.ms,
  `rel. diff ${
    (Math.abs(rs.value - js.value) / Math.abs(js.value)).toExponential(1)
  }`,
]);

// min / max
const rmm = time(REPS, () => [rp.min(x), rp.max(x)]);
const jmm = time(REPS, () => {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
});
rows.push([
  "min+max",
  rmm.ms,
  jmm.ms,
  rmm.value[0] === jmm.value[0] && rmm.value[1] === jmm.value[1]
    ? "identical"
    : "MISMATCH",
]);

// z-score: (x - mean) / std, into a reused output buffer
const z = new Float64Array(N);
const mean = rp.mean(x);
const centered = rp.subtract(x, mean);
const std = Math.sqrt(rp.dot(centered, centered) / N);
const rz = time(REPS, () => {
  rp.subtract(x, mean, z);
  return rp.multiply(z, 1 / std, z);
});
const zj = new Float64Array(N);
const jz = time(REPS, () => {
  const inv = 1 / std;
  for (let i = 0; i < x.length; i++) zj[i] = (x[i]! - mean) * inv;
  return zj;
});
let same = true;
for (let i = 0; i < N; i++) if (z[i] !== zj[i]) same = false;
rows.push(["z-score (2 ops)", rz.ms, jz.ms, same ? "identical" : "MISMATCH"]);

// weighted similarity: dot(x, w) / (|x| |w|)
const rc = time(REPS, () => rp.dot(x, w) / (rp.norm(x) * rp.norm(w)));
const jc = time(REPS, () => {
  let d = 0, nx = 0, nw = 0;
  for (let i = 0; i < x.length; i++) {
    d += x[i]! * w[i]!;
    nx += x[i]! * x[i]!;
    nw += w[i]! * w[i]!;
  }
  return d / (Math.sqrt(nx) * Math.sqrt(nw));
});
rows.push([
  "cosine(x, w)",
  rc.ms,
  jc.ms,
  `rel. diff ${(Math.abs(rc.value - jc.value) / jc.value).toExponential(1)}`,
]);

// sort a copy (median and percentiles)
const rsort = time(3, () => rp.sort(x.slice()));
const jsort = time(3, () => x.slice().sort());
let sortedSame = true;
for (let i = 0; i < N; i++) {
  if (rsort.value[i] !== jsort.value[i]) sortedSame = false;
}
rows.push([
  "sort (copy)",
  rsort.ms,
  jsort.ms,
  sortedSame ? "identical" : "MISMATCH",
]);

const pad = (s: string, n: number) => s.padEnd(n);
console.log(
  `${pad("operation", 17)}${pad("raptors", 12)}${pad("plain JS", 12)}${
    pad("speed-up", 10)
  }check`,
);
for (const [name, r, j, note] of rows) {
  console.log(
    `${pad(name, 17)}${pad(r.toFixed(2) + " ms", 12)}${
      pad(j.toFixed(2) + " ms", 12)
    }${pad((j / r).toFixed(1) + "x", 10)}${note}`,
  );
}
const sorted = rsort.value;
const pct = (p: number) => sorted[Math.min(N - 1, Math.floor((p / 100) * N))]!;
console.log(
  `\nreadings: mean ${mean.toFixed(4)}, std ${std.toFixed(4)}, ` +
    `min ${rmm.value[0]!.toFixed(3)}, median ${pct(50).toFixed(3)}, ` +
    `p99 ${pct(99).toFixed(3)}, max ${rmm.value[1]!.toFixed(3)}`,
);
console.log(
  `timings: median of ${REPS} runs (sort: 3), one process; see docs/BENCHMARKS.md for the method`,
);
if (rows.some((r) => r[3] === "MISMATCH")) {
  console.error("a result did not match the plain JS reference");
  (globalThis as { process?: { exit(c: number): void } }).process?.exit(1);
  throw new Error("mismatch");
}
