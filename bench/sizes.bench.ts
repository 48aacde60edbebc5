/**
 * The size sweep: request-sized to large work, raptors against the plain
 * TypedArray loop a user would write and numpy-ts, in one process, on the
 * same inputs; NumPy runs the same cases in its own process
 * (`bench/numpy_sizes.py`, started by `bench/sizes.ts`, which also draws
 * the chart).
 *
 *     deno run -A --v8-flags=--expose-gc bench/sizes.bench.ts   # or: bun bench/sizes.bench.ts
 *     SIZES=16,1000 CASES=add,exp ROUNDS=9 ...   # a subset
 *
 * Method: every (case, size) measures its implementations in interleaved
 * rounds (raptors, JS, numpy-ts, raptors, ...); a round times a batch of
 * calls lasting at least BATCH_MS (default 4 ms) after a warm-up (WARM_MS,
 * default 150 ms per implementation), and the
 * result is the median over ROUNDS rounds (default 7) of time per call.
 * Results of every library are disposed in the loop, as their docs advise.
 * A full garbage collection runs before each (case, size) (Bun; Deno with
 * `--v8-flags=--expose-gc`, as bench/sizes.sh runs it).
 * Prints a table of µs per call and writes
 * bench/results/sizes-<runtime>.json.
 *
 * @module
 */
import * as rp from "../mod.ts";
import { checkPeerHeap, np } from "./_peer.ts";
import {
  env,
  fullGc,
  jsMatvec,
  jsTopk,
  randomF64,
  runtimeName,
  runtimeVersion,
  saveResults,
} from "./_common.ts";
import { type Impl, measure } from "./_harness.ts";

/** A case: the three implementations over inputs of `n` elements. */
export interface SizeCase {
  name: string;
  make(n: number): { raptors: Impl; js: Impl; numpyTs: Impl };
}

const f32 = (n: number, seed: number) => Float32Array.from(randomF64(n, seed));

/** Rows x cols for a 2-d case of about n elements (cols at most `c`). */
function grid(n: number, c: number): [number, number] {
  const cols = Math.min(n, c);
  return [Math.max(1, Math.floor(n / cols)), cols];
}

export const CASES: SizeCase[] = [
  {
    name: "array (from Float64Array)",
    make(n) {
      const x = randomF64(n, 1);
      return {
        raptors: () => rp.array(x),
        js: () => x.slice(),
        numpyTs: () => np.array(x),
      };
    },
  },
  {
    name: "add f64",
    make(n) {
      const x = randomF64(n, 1), y = randomF64(n, 2);
      const a = rp.array(x), b = rp.array(y);
      const na = np.array(x), nb = np.array(y);
      return {
        raptors: () => rp.add(a, b),
        js: () => {
          const o = new Float64Array(n);
          for (let i = 0; i < n; i++) o[i] = x[i]! + y[i]!;
          return o;
        },
        numpyTs: () => np.add(na, nb),
      };
    },
  },
  {
    // NumPy's `np.add(a, b, out=o)`; numpy-ts has no `out`, so its column
    // is the plain `add` again
    name: "add f64 into out",
    make(n) {
      const x = randomF64(n, 1), y = randomF64(n, 2);
      const a = rp.array(x), b = rp.array(y), out = rp.zeros([n]);
      const o = new Float64Array(n);
      const na = np.array(x), nb = np.array(y);
      return {
        raptors: () => {
          rp.add(a, b, { out }); // (the result is `out`: not disposed)
        },
        js: () => {
          for (let i = 0; i < n; i++) o[i] = x[i]! + y[i]!;
          return o;
        },
        numpyTs: () => np.add(na, nb),
      };
    },
  },
  {
    name: "multiply f32 by scalar",
    make(n) {
      const x = f32(n, 3);
      const a = rp.array(x), na = np.array(x);
      return {
        raptors: () => rp.multiply(a, 0.5),
        js: () => {
          const o = new Float32Array(n);
          for (let i = 0; i < n; i++) o[i] = x[i]! * 0.5;
          return o;
        },
        numpyTs: () => np.multiply(na, 0.5),
      };
    },
  },
  {
    name: "exp f64",
    make(n) {
      const x = randomF64(n, 4);
      const a = rp.array(x), na = np.array(x);
      return {
        raptors: () => rp.exp(a),
        js: () => {
          const o = new Float64Array(n);
          for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!);
          return o;
        },
        numpyTs: () => np.exp(na),
      };
    },
  },
  {
    name: "sum f64",
    make(n) {
      const x = randomF64(n, 5);
      const a = rp.array(x), na = np.array(x);
      return {
        raptors: () => rp.sum(a),
        js: () => {
          let s = 0;
          for (let i = 0; i < n; i++) s += x[i]!;
          return s;
        },
        numpyTs: () => np.sum(na),
      };
    },
  },
  {
    name: "mean axis=0 f64 (rows x 16)",
    make(n) {
      const [r, c] = grid(n, 16);
      const x = randomF64(r * c, 6);
      const a = rp.array(x).reshape(r, c), na = np.array(x).reshape([r, c]);
      return {
        raptors: () => rp.mean(a, { axis: 0 }),
        js: () => {
          const o = new Float64Array(c);
          for (let i = 0; i < r; i++) {
            for (let j = 0; j < c; j++) o[j] = o[j]! + x[i * c + j]!;
          }
          for (let j = 0; j < c; j++) o[j] = o[j]! / r;
          return o;
        },
        numpyTs: () => np.mean(na, 0),
      };
    },
  },
  {
    name: "std axis=-1 f64 (rows x 16)",
    make(n) {
      const [r, c] = grid(n, 16);
      const x = randomF64(r * c, 7);
      const a = rp.array(x).reshape(r, c), na = np.array(x).reshape([r, c]);
      return {
        raptors: () => rp.std(a, { axis: -1 }),
        js: () => {
          const o = new Float64Array(r);
          for (let i = 0; i < r; i++) {
            let m = 0;
            for (let j = 0; j < c; j++) m += x[i * c + j]!;
            m /= c;
            let v = 0;
            for (let j = 0; j < c; j++) v += (x[i * c + j]! - m) ** 2;
            o[i] = Math.sqrt(v / c);
          }
          return o;
        },
        numpyTs: () => np.std(na, -1),
      };
    },
  },
  {
    name: "matmul f32 (rows x 64) @ w",
    make(n) {
      const [r, c] = grid(n, 64);
      const x = f32(r * c, 8), w = f32(c, 9);
      const a = rp.array(x).reshape(r, c), b = rp.array(w);
      const na = np.array(x).reshape([r, c]), nb = np.array(w);
      return {
        raptors: () => rp.matmul(a, b),
        js: () => jsMatvec(x, w, r, c, new Float32Array(r)),
        numpyTs: () => np.matmul(na, nb),
      };
    },
  },
  {
    name: "topk k=10 f32",
    make(n) {
      const x = f32(n, 10), k = Math.min(10, n);
      const a = rp.array(x), na = np.array(x);
      return {
        raptors: () => {
          const t = rp.topk(a, k);
          t.indices.dispose();
          return t.values;
        },
        js: () => jsTopk(x, k),
        // numpy-ts: argpartition, then an argsort of the k (NumPy's idiom)
        numpyTs: () => {
          const p = np.argpartition(np.negative(na), k - 1);
          return p;
        },
      };
    },
  },
];

export const SIZES = [1, 16, 256, 1_000, 10_000, 100_000, 1_000_000];

if (import.meta.main) {
  const sizes = env("SIZES")?.split(",").map(Number) ?? SIZES;
  const only = env("CASES")?.split(",");
  const rounds = Number(env("ROUNDS") ?? 7);
  const batchMs = Number(env("BATCH_MS") ?? 4);
  // V8 compiles a hot function's optimized code on a background thread
  // and installs it some time later: with `add(a, b, { out })` at n = 1000
  // the install came 10 to more than 30 batches of 5000 calls into a loop
  // (--trace-opt), and until then a call took 0.65-0.75 us instead of
  // 0.31-0.34. A warm-up of 150 ms per implementation measures the code a
  // service runs after its first seconds, for every library alike.
  const warmMs = Number(env("WARM_MS") ?? 150);
  console.log(
    `${runtimeVersion}, backend ${rp.backend.name}; µs per call, median of ${rounds} interleaved rounds`,
  );
  const rows: Record<string, unknown>[] = [];
  for (const c of CASES) {
    if (only && !only.some((o) => c.name.startsWith(o))) continue;
    for (const n of sizes) {
      const impls = c.make(n);
      // the previous case's garbage (8 MB arrays at 10^6) collected now:
      // left to the next case, it made Bun's plain loop of 16 elements
      // 0.06 -> 0.46 us and raptors' add 0.29 -> 0.49 us
      fullGc();
      const t = measure(impls, { rounds, batchMs, warmMs });
      rows.push({ case: c.name, n, ...t });
      const f = (v: number) => (v / 1e3).toFixed(v < 1e4 ? 3 : 1);
      console.log(
        `${c.name.padEnd(30)} n=${String(n).padStart(8)}  raptors ${
          f(t.raptors).padStart(9)
        }  js ${f(t.js).padStart(9)}  numpy-ts ${f(t.numpyTs).padStart(9)}`,
      );
    }
  }
  checkPeerHeap();
  const file = await saveResults(`sizes-${runtimeName}-${rp.backend.name}`, {
    runtime: runtimeVersion,
    backend: rp.backend.name,
    rounds,
    batchMs,
    unit: "ns per call",
    rows,
  });
  console.log(`saved ${file}`);
}
