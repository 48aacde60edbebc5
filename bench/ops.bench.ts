/**
 * Every flat-API op against the plain TypedArray loop a user would write,
 * side by side in one process, at 10, 1e3, 1e5 and 1e7 float64 elements,
 * plus the bare FFI crossing. Same file under both runtimes:
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-write bench/ops.bench.ts
 *     bun bench/ops.bench.ts
 *
 * BENCH_SIZES=10,1000 limits the sizes. Results: bench/results/<runtime>.json
 * (rendered into docs/BENCHMARKS.md by bench/report.ts).
 *
 * Method: mitata, each benchmark run for at least ~0.6 s of CPU time and 12
 * samples; we report the mean time per call. Inputs are allocated once
 * outside the timed region; outputs go to preallocated buffers on both
 * sides (`out`), so allocation is not measured. sort/argsort copy the
 * input into a work buffer inside the timed region on both sides.
 *
 * @module
 */
import { bench, do_not_optimize, run } from "mitata";
import * as rp from "../mod.ts";
import { native } from "../src/_native.ts";
import {
  env,
  fmtNs,
  randomF64,
  runtimeName,
  runtimeVersion,
  saveResults,
} from "./_common.ts";

const SIZES = (env("BENCH_SIZES") ?? "10,1000,100000,10000000")
  .split(",")
  .map(Number);

interface Pair {
  op: string;
  n: number;
  raptors: () => unknown;
  plain?: () => unknown;
}
const pairs: Pair[] = [];

for (const n of SIZES) {
  const a = randomF64(n, 1);
  const b = randomF64(n, 2);
  const pos = a.map(Math.abs);
  const out = new Float64Array(n);
  const work = new Float64Array(n);
  const idx = new Uint32Array(n);
  const P = (op: string, raptors: () => unknown, plain?: () => unknown) =>
    pairs.push({ op, n, raptors, plain });

  P("sum", () => rp.sum(a), () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]!;
    return s;
  });
  P("mean", () => rp.mean(a), () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]!;
    return s / n;
  });
  P("min", () => rp.min(a), () => {
    let m = a[0]!;
    for (let i = 1; i < n; i++) if (a[i]! < m) m = a[i]!;
    return m;
  });
  P("max", () => rp.max(a), () => {
    let m = a[0]!;
    for (let i = 1; i < n; i++) if (a[i]! > m) m = a[i]!;
    return m;
  });
  P("argmin", () => rp.argmin(a), () => {
    let m = a[0]!, k = 0;
    for (let i = 1; i < n; i++) if (a[i]! < m) (m = a[i]!, k = i);
    return k;
  });
  P("argmax", () => rp.argmax(a), () => {
    let m = a[0]!, k = 0;
    for (let i = 1; i < n; i++) if (a[i]! > m) (m = a[i]!, k = i);
    return k;
  });
  P("dot", () => rp.dot(a, b), () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
    return s;
  });
  P("norm", () => rp.norm(a), () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i]! * a[i]!;
    return Math.sqrt(s);
  });
  P("add", () => rp.add(a, b, out), () => {
    for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
    return out;
  });
  P("subtract", () => rp.subtract(a, b, out), () => {
    for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
    return out;
  });
  P("multiply", () => rp.multiply(a, b, out), () => {
    for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
    return out;
  });
  P("divide", () => rp.divide(a, b, out), () => {
    for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
    return out;
  });
  P("add scalar", () => rp.add(a, 1.5, out), () => {
    for (let i = 0; i < n; i++) out[i] = a[i]! + 1.5;
    return out;
  });
  P("clip", () => rp.clip(a, -0.5, 0.5, out), () => {
    for (let i = 0; i < n; i++) {
      const v = a[i]!;
      out[i] = v < -0.5 ? -0.5 : v > 0.5 ? 0.5 : v;
    }
    return out;
  });
  P("abs", () => rp.abs(a, out), () => {
    for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]!);
    return out;
  });
  P("sqrt", () => rp.sqrt(pos, out), () => {
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(pos[i]!);
    return out;
  });
  for (const f of ["exp", "log", "sin", "cos", "tanh"] as const) {
    const src = f === "log" ? pos : a;
    const mf = Math[f];
    P(f, () => rp[f](src, out), () => {
      for (let i = 0; i < n; i++) out[i] = mf(src[i]!);
      return out;
    });
  }
  P("cumsum", () => rp.cumsum(a, out), () => {
    let s = 0;
    for (let i = 0; i < n; i++) out[i] = s += a[i]!;
    return out;
  });
  P("sort", () => {
    work.set(a);
    return rp.sort(work);
  }, () => {
    work.set(a);
    return work.sort();
  });
  P(
    "argsort",
    () => rp.argsort(a),
    // The plain version takes ~10 s per call at 1e7: not sampled there.
    n > 1e6 ? undefined : () => {
      for (let i = 0; i < n; i++) idx[i] = i;
      return idx.sort((i, j) => a[i]! - a[j]!);
    },
  );
  P("fill", () => rp.fill(out, 0.5), () => {
    for (let i = 0; i < n; i++) out[i] = 0.5;
    return out;
  });
  P("copy", () => rp.copy(a, out), () => {
    for (let i = 0; i < n; i++) out[i] = a[i]!;
    return out;
  });
}

// Warm-up: the first benchmarks of a process were measured while the JIT
// was still tiering up mitata's own loop (a JS no-op read 4-5 ns instead of
// 0.3 ns in Deno). Call every function a few hundred times, then run one
// discarded benchmark, before anything is recorded.
for (const p of pairs) {
  const reps = p.n >= 1e6 ? 2 : p.n >= 1e4 ? 20 : 500;
  for (let i = 0; i < reps; i++) {
    do_not_optimize(p.raptors());
    if (p.plain) do_not_optimize(p.plain());
  }
}
const warm = randomF64(10, 9);
bench("warm-up (discarded)", () => do_not_optimize(rp.sum(warm)));

// The bare crossing: a native no-op against a JS no-op.
const jsNoop = () => 0;
bench("ffi rp_noop()", () => do_not_optimize(native.rp_noop()));
bench("js noop()", () => do_not_optimize(jsNoop()));
const one = new Float64Array(1);
const slot = new Float64Array(1);
bench(
  "ffi rp_sum(u32, buffer, u32, buffer), n=1",
  () => do_not_optimize(native.rp_sum(10, one, 1, slot)),
);

for (const p of pairs) {
  bench(`${p.op} n=${p.n} raptors`, () => do_not_optimize(p.raptors()));
  if (p.plain) {
    const f = p.plain;
    bench(`${p.op} n=${p.n} plain`, () => do_not_optimize(f()));
  }
}

const result = await run({ format: "quiet", throw: true });
const avg = new Map<string, number>();
for (const b of result.benchmarks) {
  const r = b.runs[0];
  if (r?.stats) avg.set(b.alias, r.stats.avg);
}

const rows = pairs.map((p) => {
  const r = avg.get(`${p.op} n=${p.n} raptors`)!;
  const j = p.plain ? avg.get(`${p.op} n=${p.n} plain`) : undefined;
  return {
    op: p.op,
    n: p.n,
    raptors_ns: r,
    plain_ns: j ?? null,
    speedup: j ? j / r : null,
  };
});
const crossing = {
  ffi_noop_ns: avg.get("ffi rp_noop()"),
  js_noop_ns: avg.get("js noop()"),
  ffi_sum_n1_ns: avg.get("ffi rp_sum(u32, buffer, u32, buffer), n=1"),
};
const info = rp.info();
const file = await saveResults(runtimeName, {
  runtime: runtimeVersion,
  date: new Date().toISOString(),
  cpu: result.context.cpu.name ?? null,
  simd: info.simd,
  threads: info.threads,
  crossing,
  rows,
});

console.log(
  `${runtimeVersion}, ${result.context.cpu.name}, ${info.simd}, ${info.threads} threads`,
);
console.log(
  `FFI crossing: no-op ${fmtNs(crossing.ffi_noop_ns!)} (JS no-op ${
    fmtNs(crossing.js_noop_ns!)
  }), ` +
    `rp_sum n=1 ${fmtNs(crossing.ffi_sum_n1_ns!)}`,
);
for (const r of rows) {
  console.log(
    `${r.op.padEnd(11)} n=${String(r.n).padEnd(9)} raptors ${
      fmtNs(r.raptors_ns).padStart(10)
    }  plain ${fmtNs(r.plain_ns).padStart(10)}  ${
      r.speedup === null ? "" : r.speedup.toFixed(2) + "x"
    }`,
  );
}
console.log(`saved ${file}`);
