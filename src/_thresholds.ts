/**
 * Below these lengths an op runs in JS rather than crossing into Rust: the
 * crossing (~30 ns in Deno, ~10 ns in Bun with a buffer argument, plus the
 * JS-side checks) costs more than the work. Measured per op and per runtime
 * on float64 with `bench/crossover.ts`; see docs/BENCHMARKS.md. dot/norm
 * stay at or below 16 so the JS path keeps the native lane order (bit-
 * identical results on both sides of the switch).
 *
 * The object is mutable only so the crossover benchmark can force a path.
 *
 * @module
 */

/** Operation groups that share one threshold. */
export interface Thresholds {
  sum: number;
  mean: number;
  minmax: number;
  arg: number;
  dot: number;
  binary: number;
  unary: number;
  sqrt: number;
  exp: number;
  log: number;
  sin: number;
  cos: number;
  tanh: number;
  cumsum: number;
  sort: number;
  argsort: number;
  fill: number;
  copy: number;
}

// Deno 2.9.6, measured with bench/crossover.ts (bench/results/crossover-deno.json).
const DENO: Thresholds = {
  sum: 256,
  mean: 256,
  minmax: 48,
  arg: 96,
  dot: 16,
  binary: 128,
  unary: 64,
  sqrt: 16,
  exp: 8,
  log: 8,
  sin: 4,
  cos: 4,
  tanh: 24,
  // A running sum is one dependency chain: native is never faster below
  // ~1e3 and only slightly above; large arrays go native for steadier time.
  cumsum: 1024,
  sort: 8,
  // The JS fallback (comparator sort over an index array) is slow at any
  // length: native from 2.
  argsort: 2,
  // fill()/set() are native memset/memcpy builtins; the kernel only adds
  // threads, which pay off on large arrays: from 32768 elements for a copy
  // (the kernel's parallel threshold; float64 at 32768: 4.9 us with set(),
  // 3.3 native; at 10^5 15.7 and 8.4; Intel host, thirteenth session).
  fill: 1 << 20,
  copy: 1 << 15,
};

// Bun 1.4.5 (bench/results/crossover-bun.json): JSC's loops stay
// competitive longer, its FFI crossing is cheaper, and its Math.sin/cos cost
// about what libm's do, so those only go native where threads pay off.
const BUN: Thresholds = {
  sum: 512,
  mean: 512,
  minmax: 48,
  arg: 96,
  dot: 16,
  binary: 96,
  unary: 64,
  sqrt: 16,
  exp: 8,
  log: 8,
  sin: 256,
  cos: 256,
  tanh: 16,
  cumsum: 1024,
  sort: 8,
  argsort: 2,
  fill: 1 << 20,
  copy: 1 << 15, // (32768 float64: 4.8 us with set(), 4.3 native)
};

/** The thresholds in force for this runtime. */
export const JS_BELOW: Thresholds =
  (globalThis as { Bun?: unknown }).Bun === undefined ? DENO : BUN;
