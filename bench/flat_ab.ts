/**
 * The flat API, and request-sized NDArray calls, of another checkout
 * ("before") against this one ("after"),
 * in one process, on the same native library, in interleaved rounds: the
 * check that a refactor of the TS layer did not slow the flat functions.
 *
 *     git worktree add /tmp/before <commit>
 *     deno run -A --v8-flags=--expose-gc bench/flat_ab.ts /tmp/before
 *     bun bench/flat_ab.ts /tmp/before
 *
 * `AB_FILTER=regex` runs the matching cases only, `AB_ROUNDS=n` sets the
 * rounds (default 9). Prints the median ns per call of each side and the ratio after/before.
 * The library is this checkout's build (RAPTORS_LIB_PATH), so only the TS
 * layers differ; the op codes of the flat kernels must agree.
 *
 * @module
 */
import process from "node:process";

const before = process.argv[2] ??
  (globalThis as { Deno?: { args: string[] } }).Deno?.args[0];
if (before === undefined) {
  console.error("usage: flat_ab.ts <directory of the other checkout>");
  process.exit(2);
}
const here = new URL("../", import.meta.url).pathname;
process.env.RAPTORS_LIB_PATH ??= `${here}rust/target/release/libraptors.so`;
const oldOps = await import(`${before.replace(/\/$/, "")}/mod.ts`);
const newOps = await import(`${here}mod.ts`);
type Ops = typeof newOps;
const cases: [string, number, (o: Ops) => () => unknown][] = [];
for (const n of [16, 1000, 100000]) {
  const a = new Float64Array(n).map((_, i) => 1 + (i % 7) * 0.25);
  const b = new Float64Array(n).map((_, i) => 2 + (i % 5) * 0.5);
  const out = new Float64Array(n);
  const f = new Float32Array(a),
    g = new Float32Array(b),
    fo = new Float32Array(n);
  const i32 = new Int32Array(n).map((_, i) => i % 100), io = new Int32Array(n);
  cases.push([`add(a,b,out) f64`, n, (o) => () => o.add(a, b, out)]);
  cases.push([`add(a,b) f64 new`, n, (o) => () => o.add(a, b)]);
  cases.push([
    `multiply(a,2.5,out) f64`,
    n,
    (o) => () => o.multiply(a, 2.5, out),
  ]);
  cases.push([`divide(a,b,out) f64`, n, (o) => () => o.divide(a, b, out)]);
  cases.push([`add(f,g,fo) f32`, n, (o) => () => o.add(f, g, fo)]);
  cases.push([`subtract(i,3,io) i32`, n, (o) => () => o.subtract(i32, 3, io)]);
  cases.push([`sqrt(a,out) f64`, n, (o) => () => o.sqrt(a, out)]);
  cases.push([`exp(a,out) f64`, n, (o) => () => o.exp(a, out)]);
  cases.push([`abs(f,fo) f32`, n, (o) => () => o.abs(f, fo)]);
  cases.push([`negative(a,out) f64`, n, (o) => () => o.negative(a, out)]);
  cases.push([`sum(a) f64`, n, (o) => () => o.sum(a)]);
  cases.push([`max(f) f32`, n, (o) => () => o.max(f)]);
  cases.push([`dot(a,b) f64`, n, (o) => () => o.dot(a, b)]);
  cases.push([`fill(out,1.5) f64`, n, (o) => () => o.fill(out, 1.5)]);
  cases.push([`clip(a,1,2,out) f64`, n, (o) => () => o.clip(a, 1, 2, out)]);
  // NDArray calls: each side's arrays are its own NDArray class
  if (n > 1000) continue;
  cases.push([`rp.array(f64) nd`, n, (o) => () => o.array(a)]);
  cases.push([`rp.add(x,y) nd f64`, n, (o) => {
    const x = o.array(a), y = o.array(b);
    return () => o.add(x, y);
  }]);
  cases.push([`rp.add(z,0.1) nd f32`, n, (o) => {
    const z = o.array(f);
    return () => o.add(z, 0.1);
  }]);
  cases.push([`rp.exp(x) nd f64`, n, (o) => {
    const x = o.array(a);
    return () => o.exp(x);
  }]);
  cases.push([`rp.sum(x) nd f64`, n, (o) => {
    const x = o.array(a);
    return () => o.sum(x);
  }]);
  cases.push([`x.reshape(-1).get(3) nd`, n, (o) => {
    const x = o.array(a);
    return () => x.reshape(-1).get(3);
  }]);
}
const gc = (globalThis as { gc?: () => void }).gc;
function time(fn: () => unknown, minMs: number): number {
  // a collection before each round (--expose-gc / Bun): allocating cases
  // then start from the same heap state on both sides
  gc?.();
  let k = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= minMs) return (dt * 1e6) / k; // ns per call
    k *= dt < 1 ? 8 : Math.ceil((minMs / dt) * 1.2);
  }
}
// AB_FILTER: a regular expression selecting cases by name (default all)
const only = new RegExp(process.env.AB_FILTER ?? "");
const ROUNDS = Number(process.env.AB_ROUNDS ?? 9);
console.log(
  "case | n | before ns | after ns | after/before | ratio of the fastest rounds",
);
for (const [name, n, mk] of cases) {
  if (!only.test(`${name} ${n}`)) continue;
  const fo = mk(oldOps as Ops), fn = mk(newOps);
  time(fo, 20);
  time(fn, 20);
  const to: number[] = [], tn: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      to.push(time(fo, 15));
      tn.push(time(fn, 15));
    } else {
      tn.push(time(fn, 15));
      to.push(time(fo, 15));
    }
  }
  const med = (x: number[]) => x.sort((p, q) => p - q)[x.length >> 1]!;
  const mo = med(to), mn = med(tn);
  // allocating cases vary with GC: the fastest rounds are steadier
  const fast = Math.min(...tn) / Math.min(...to);
  console.log(
    `${name} | ${n} | ${mo.toFixed(1)} | ${mn.toFixed(1)} | ${
      (mn / mo).toFixed(3)
    } | ${fast.toFixed(3)}`,
  );
}
