/**
 * The speed gate CI runs (scripts/test.sh): request-sized cases, each
 * timed against a reference computed in the same process on the same
 * inputs (the plain JS loop a user would write), in interleaved rounds
 * (bench/_harness.ts). A case fails when raptors' time is more than
 * `limit` times the reference's (per runtime: JavaScriptCore runs a
 * 16-element JS loop with its allocation in ~30 ns, V8 in ~450 ns). The
 * limits sit 2-5x above the ratios measured on a quiet machine, wide
 * enough for a loaded one (both sides slow down alike), and tight enough
 * that losing a fast path fails (docs/BENCHMARKS.md, "Speed gate").
 *
 *     deno run -A bench/gate.ts      # or: bun bench/gate.ts
 *
 * Exits 1 if any case fails. Takes a few seconds.
 *
 * @module
 */
import * as rp from "../mod.ts";
import {
  jsMatvec,
  jsTopk,
  randomF64,
  runtimeName,
  runtimeVersion,
} from "./_common.ts";
import { measure } from "./_harness.ts";

interface GateCase {
  name: string;
  /** Largest raptors/JS ratio allowed, per runtime. */
  limit: { deno: number; bun: number };
  raptors: () => unknown;
  js: () => unknown;
}

const x16 = randomF64(16, 1), y16 = randomF64(16, 2);
const a16 = rp.array(x16), b16 = rp.array(y16);
const rows = 32, feats = 64;
const xm = randomF64(rows * feats, 3), wv = randomF64(feats, 4);
const X = rp.array(xm).reshape(rows, feats), W = rp.array(wv);
const big = Float32Array.from(randomF64(100_000, 5));
const S = rp.array(big);
const q384 = Float32Array.from(randomF64(384, 6)), Q = rp.array(q384);
// a batch of 8 queries against 2000 x 64 float32 embeddings
const eRows = 2000, nq = 8;
const ef = Float32Array.from(randomF64(eRows * feats, 7));
const qf = Float32Array.from(randomF64(nq * feats, 8));
const E = rp.array(ef).reshape(eRows, feats),
  QB = rp.array(qf).reshape(nq, feats);

const CASES: GateCase[] = [
  {
    name: "array(Float64Array(16))",
    limit: { deno: 5, bun: 12 },
    raptors: () => rp.array(x16),
    js: () => x16.slice(),
  },
  {
    name: "add, n = 16",
    limit: { deno: 6, bun: 25 },
    raptors: () => rp.add(a16, b16),
    js: () => {
      const o = new Float64Array(16);
      for (let i = 0; i < 16; i++) o[i] = x16[i]! + y16[i]!;
      return o;
    },
  },
  {
    name: "exp, n = 16",
    limit: { deno: 6, bun: 6 },
    raptors: () => rp.exp(a16),
    js: () => {
      const o = new Float64Array(16);
      for (let i = 0; i < 16; i++) o[i] = Math.exp(x16[i]!);
      return o;
    },
  },
  {
    name: "sum, n = 16",
    limit: { deno: 25, bun: 40 },
    raptors: () => rp.sum(a16),
    js: () => {
      let s = 0;
      for (let i = 0; i < 16; i++) s += x16[i]!;
      return s;
    },
  },
  {
    name: "matmul 32x64 @ 64",
    limit: { deno: 2, bun: 2 },
    raptors: () => rp.matmul(X, W),
    js: () => jsMatvec(xm, wv, rows, feats, new Float64Array(rows)),
  },
  {
    name: "linalg.norm, 384 float32",
    // under two CPU burners: Deno 3.18-3.35 in four CI runs, 4.14 in one
    // (an Intel host), Bun 1.40 and then 3.16 there; 27 / 28 with the fast
    // path disabled
    limit: { deno: 8, bun: 8 },
    raptors: () => rp.linalg.norm(Q),
    js: () => {
      let s = 0;
      for (let i = 0; i < 384; i++) s += q384[i]! * q384[i]!;
      return Math.sqrt(s);
    },
  },
  {
    // the small-side product (gemm_dots); through GEMM it packed all of
    // E as B
    name: "8 queries @ 2000x64 f32 .T",
    limit: { deno: 0.2, bun: 0.2 },
    raptors: () => rp.matmul(QB, E.T),
    js: () => {
      const o = new Float32Array(nq * eRows);
      for (let j = 0; j < nq; j++) {
        jsMatvec(
          ef,
          qf.subarray(j * feats),
          eRows,
          feats,
          o.subarray(j * eRows),
        );
      }
      return o;
    },
  },
  {
    name: "topk(k = 10), 1e5 float32",
    limit: { deno: 1, bun: 1 },
    raptors: () => {
      const t = rp.topk(S, 10);
      t.values.dispose();
      return t.indices;
    },
    js: () => jsTopk(big, 10),
  },
];

if (import.meta.main) {
  console.log(`speed gate: ${runtimeVersion}, backend ${rp.backend.name}`);
  let failed = 0;
  for (const c of CASES) {
    const t = measure({ raptors: c.raptors, js: c.js }, {
      rounds: 7,
      batchMs: 5,
    });
    const ratio = t.raptors / t.js;
    const limit = c.limit[runtimeName];
    const ok = ratio <= limit;
    if (!ok) failed++;
    console.log(
      `${ok ? "ok  " : "FAIL"} ${c.name.padEnd(28)} raptors ${
        (t.raptors / 1e3).toFixed(3)
      } µs, ` +
        `JS ${(t.js / 1e3).toFixed(3)} µs: ratio ${
          ratio.toFixed(2)
        } (limit ${limit})`,
    );
  }
  if (failed > 0) {
    console.log(`${failed} case(s) slower than their limit`);
    (globalThis as { process?: { exit(c: number): void } }).process?.exit(1);
  }
}
