/**
 * The transcendental ufuncs (issue 18): exp, expm1, log, tanh, sin and cos
 * of float64 and float32 NDArrays at 10^3-10^6 elements, written into a
 * preallocated `out` (the kernel and the call, no allocation), against
 * NumPy's `np.f(x, out=out)` on the same inputs in its own process
 * (`bench/numpy_vmath.py`). Native backend; both cores.
 *
 *     bash bench/vmath.sh            # Deno, Bun, then NumPy alone, then the table
 *     deno run -A bench/vmath.bench.ts            # one runtime
 *     deno run -A bench/vmath.bench.ts --report   # the markdown table from bench/results
 *
 * @module
 */
import * as rp from "../mod.ts";
import { measure } from "./_harness.ts";
import {
  randomF64,
  runtimeName,
  runtimeVersion,
  saveResults,
  VMATH_INPUTS,
} from "./_common.ts";
import { readFile } from "node:fs/promises";

export const SIZES = [1_000, 10_000, 100_000, 1_000_000];
const DTYPES = ["float64", "float32"] as const;

interface Row {
  fn: string;
  dtype: string;
  n: number;
  ns: number;
}

async function run(): Promise<void> {
  const rows: Row[] = [];
  console.log(`${runtimeVersion}, backend ${rp.backend.name}; ns per call`);
  for (const dtype of DTYPES) {
    for (const n of SIZES) {
      const base = randomF64(n, 1);
      for (const [fn, scale] of Object.entries(VMATH_INPUTS)) {
        const x = rp.array(base.map(scale)).astype(dtype);
        const out = rp.empty([n], { dtype });
        const f = (rp as unknown as Record<
          string,
          (a: rp.NDArray, o: { out: rp.NDArray }) => rp.NDArray
        >)[fn]!;
        const r = measure({ raptors: () => void f(x, { out }) }, {
          rounds: 15,
          batchMs: 10,
          warmMs: 150, // (V8's optimized code installed: see sizes.bench.ts)
        });
        rows.push({ fn, dtype, n, ns: r.raptors });
        console.log(`${fn} ${dtype} ${n}: ${(r.raptors / 1e3).toFixed(2)} µs`);
      }
    }
  }
  await saveResults(`vmath-${runtimeName}`, {
    runtime: runtimeVersion,
    rows,
  });
}

async function report(): Promise<void> {
  const load = async (f: string) =>
    JSON.parse(
      await readFile(new URL(`./results/${f}.json`, import.meta.url), "utf8"),
    ) as { rows: Row[]; runtime?: string; numpy?: string };
  const [d, b, np] = await Promise.all([
    load("vmath-deno"),
    load("vmath-bun"),
    load("numpy-vmath"),
  ]);
  const key = (r: Row) => `${r.fn} ${r.dtype} ${r.n}`;
  const bmap = new Map(b.rows.map((r) => [key(r), r.ns]));
  const nmap = new Map(np.rows.map((r) => [key(r), r.ns]));
  const us = (ns: number | undefined) =>
    ns === undefined ? "n/a" : (ns / 1e3).toFixed(ns < 1e5 ? 2 : 1);
  console.log(
    `µs per call, median of 15 interleaved rounds; ratio = raptors' time / NumPy's (below 1: raptors faster). ${d.runtime}; ${b.runtime}; NumPy ${np.numpy}.\n`,
  );
  console.log(
    "| function | dtype | n | raptors Deno | raptors Bun | NumPy | ratio Deno / Bun |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|");
  for (const r of d.rows) {
    const bn = bmap.get(key(r)), nn = nmap.get(key(r));
    const ratio = (v: number | undefined) =>
      v === undefined || nn === undefined ? "n/a" : (v / nn).toFixed(2);
    console.log(
      `| ${r.fn} | ${r.dtype} | ${r.n} | ${us(r.ns)} | ${us(bn)} | ${
        us(nn)
      } | ${ratio(r.ns)} / ${ratio(bn)} |`,
    );
  }
}

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv;
if (args.includes("--report")) await report();
else await run();
