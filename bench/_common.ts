/**
 * Shared helpers of the benchmarks: runtime detection, deterministic data,
 * result files.
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { run } from "mitata";

const g = globalThis as {
  Bun?: { version: string; gc(full: boolean): void };
  gc?: () => void;
  Deno?: {
    version: { deno: string; v8: string };
    env: { get(k: string): string | undefined };
  };
  process?: { env: Record<string, string | undefined> };
};

/** "deno" or "bun". */
export const runtimeName: "deno" | "bun" = g.Bun ? "bun" : "deno";

/** e.g. "Deno 2.9.6 (V8 15.0)" or "Bun 1.4.5". */
export const runtimeVersion = g.Bun
  ? `Bun ${g.Bun.version}`
  : `Deno ${g.Deno!.version.deno} (V8 ${g.Deno!.version.v8})`;

/**
 * A full garbage collection where the runtime allows one (Bun; Deno with
 * `--v8-flags=--expose-gc`), so that one case's garbage is not collected
 * during the next case's timing. Returns whether it ran.
 */
export function fullGc(): boolean {
  if (g.Bun) g.Bun.gc(true);
  else if (g.gc) g.gc();
  else return false;
  return true;
}

/** An environment variable in either runtime. */
export function env(name: string): string | undefined {
  return g.Deno ? g.Deno.env.get(name) : g.process?.env[name];
}

/**
 * Where result files go: `bench/results/`, or the directory
 * `BENCH_RESULTS_DIR` names (scripts/readme_sh.ts runs the README's
 * benchmark commands into a scratch copy).
 */
export function resultsDir(): URL {
  const d = env("BENCH_RESULTS_DIR");
  if (!d) return new URL("./results/", import.meta.url);
  return fileUrl(d.endsWith("/") ? d : d + "/");
}

/** A `file:` URL for a path, relative ones from the working directory. */
export function fileUrl(path: string): URL {
  const abs = path.startsWith("/") ? path : `${env("PWD") ?? "."}/${path}`;
  return new URL(`file://${abs}`);
}

/** Deterministic values in [-1, 1) (xorshift32). */
export function randomF64(n: number, seed = 1): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2147483648 - 1;
  }
  return out;
}

/**
 * Deterministic values in [-1, 1) from a hash of the index (counter-based,
 * so NumPy computes the same stream vectorized: bench/numpy_service.py):
 * x = i * 2654435761 + seed (mod 2^32), then x ^= x >>> 16,
 * x *= 0x45d9f3b, x ^= x >>> 16, value x / 2^31 - 1.
 */
export function hashF64(n: number, seed = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = (Math.imul(i, 2654435761 | 0) + seed) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    x = Math.imul(x, 0x45d9f3b) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    out[i] = x / 2147483648 - 1;
  }
  return out;
}

/**
 * The transcendental benchmarks' inputs (`bench/vmath.bench.ts`,
 * `bench/kernels.bench.ts`; NumPy's side: `FUNCS` in numpy_vmath.py): a
 * [-1, 1) stream scaled per function (log: |x| + 1e-3).
 */
export const VMATH_INPUTS: Record<string, (x: number) => number> = {
  exp: (x) => 10 * x,
  expm1: (x) => 2 * x,
  log: (x) => Math.abs(x) * 100 + 1e-3,
  tanh: (x) => 4 * x,
  sin: (x) => 10 * x,
  cos: (x) => 10 * x,
};

/** A plain JS top-k: a sorted window of the k best, insertion per hit. */
export function jsTopk(s: Float32Array, k: number): Int32Array {
  const idx = new Int32Array(k), val = new Float32Array(k).fill(-Infinity);
  let filled = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (filled === k && !(v > val[k - 1]!)) continue;
    let j = filled < k ? filled++ : k - 1;
    while (j > 0 && val[j - 1]! < v) {
      val[j] = val[j - 1]!;
      idx[j] = idx[j - 1]!;
      j--;
    }
    val[j] = v;
    idx[j] = i;
  }
  return idx;
}

/** The plain JS matrix-vector loop: `out[i] = sum_j x[i * cols + j] * w[j]`. */
export function jsMatvec<T extends Float32Array | Float64Array>(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  rows: number,
  cols: number,
  out: T,
): T {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[i * cols + j]! * w[j]!;
    out[i] = s;
  }
  return out;
}

/** Writes `data` as JSON to bench/results/<name>.json. */
export async function saveResults(
  name: string,
  data: unknown,
): Promise<string> {
  const dir = resultsDir();
  await mkdir(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  await writeFile(file, JSON.stringify(data, null, 1));
  return decodeURIComponent(file.pathname);
}

/** A duration in ns as "12.3 ns", "4.56 µs" or "7.89 ms" ("n/a" if absent). */
export function fmtNs(ns: number | null | undefined): string {
  if (ns == null) return "n/a";
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

/**
 * Runs the registered mitata benchmarks, prints each mean in `unit` ("ms",
 * 2 decimals, or "us", 1 decimal) after the runtime's version, and saves
 * `{ runtime, rows: [{ name, ms | us }] }` as bench/results/<file>-<runtime>.json.
 */
export async function runAndSave(
  file: string,
  unit: "ms" | "us",
): Promise<void> {
  const result = await run({ format: "quiet", throw: true });
  const scale = unit === "ms" ? 1e6 : 1e3;
  const rows = result.benchmarks.map((b) => ({
    name: b.alias,
    [unit]: b.runs[0]!.stats!.avg / scale,
  }));
  console.log(runtimeVersion);
  for (const r of rows) {
    const v = r[unit] as number;
    console.log(
      `${r.name}: ${
        unit === "ms" ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} µs`
      }`,
    );
  }
  console.log(
    `saved ${await saveResults(`${file}-${runtimeName}`, {
      runtime: runtimeVersion,
      rows,
    })}`,
  );
}
