/**
 * Measures, per op group, the length at which the native kernel becomes
 * faster than the JS loop, by forcing each path through the thresholds
 * table. Float64 input, one runtime per run:
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-write bench/crossover.ts
 *     bun bench/crossover.ts
 *
 * Prints a table and the suggested thresholds (the smallest measured length
 * from which native stays faster), and saves bench/results/crossover-<runtime>.json.
 *
 * @module
 */
import { do_not_optimize, measure } from "mitata";
import * as rp from "../mod.ts";
import { JS_BELOW, type Thresholds } from "../src/_thresholds.ts";
import {
  randomF64,
  runtimeName,
  runtimeVersion,
  saveResults,
} from "./_common.ts";

const SIZES = [2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];

type Group = keyof Thresholds;
type Run = (
  a: Float64Array,
  b: Float64Array,
  o: Float64Array,
  pos: Float64Array,
) => unknown;
const groups: Array<[Group, Run]> = [
  ["sum", (a) => rp.sum(a)],
  ["mean", (a) => rp.mean(a)],
  ["minmax", (a) => rp.max(a)],
  ["arg", (a) => rp.argmax(a)],
  ["dot", (a, b) => rp.dot(a, b)],
  ["binary", (a, b, o) => rp.multiply(a, b, o)],
  ["unary", (a, _b, o) => rp.abs(a, o)],
  ["sqrt", (_a, _b, o, pos) => rp.sqrt(pos, o)],
  ["exp", (a, _b, o) => rp.exp(a, o)],
  ["log", (_a, _b, o, pos) => rp.log(pos, o)],
  ["sin", (a, _b, o) => rp.sin(a, o)],
  ["cos", (a, _b, o) => rp.cos(a, o)],
  ["tanh", (a, _b, o) => rp.tanh(a, o)],
  ["cumsum", (a, _b, o) => rp.cumsum(a, o)],
  ["sort", (a, _b, o) => {
    o.set(a);
    return rp.sort(o);
  }],
  ["argsort", (a) => rp.argsort(a)],
];

async function time(f: () => unknown): Promise<number> {
  const s = await measure(() => do_not_optimize(f()), { min_cpu_time: 40e6 });
  return s.avg;
}

const saved = { ...JS_BELOW };
const suggested: Partial<Thresholds> = {};
const table: Record<
  string,
  Array<{ n: number; js_ns: number; native_ns: number }>
> = {};
console.log(
  `${runtimeVersion}: JS path vs native kernel, float64, ns per call`,
);
for (const [group, f] of groups) {
  const rows: Array<{ n: number; js_ns: number; native_ns: number }> = [];
  for (const n of SIZES) {
    if ((group === "dot") && n > 16) break; // JS path limited to <= 16 (lane order)
    const a = randomF64(n, 3), b = randomF64(n, 4), o = new Float64Array(n);
    const pos = a.map(Math.abs);
    JS_BELOW[group] = Infinity;
    const js = await time(() => f(a, b, o, pos));
    JS_BELOW[group] = 0;
    const nat = await time(() => f(a, b, o, pos));
    rows.push({ n, js_ns: js, native_ns: nat });
  }
  JS_BELOW[group] = saved[group];
  table[group] = rows;
  // smallest n from which native is faster at every measured larger n
  let cross = Infinity;
  for (let i = rows.length - 1; i >= 0; i--) {
    if (rows[i]!.native_ns < rows[i]!.js_ns) cross = rows[i]!.n;
    else break;
  }
  suggested[group] = group === "dot" ? Math.min(cross, 16) : cross;
  console.log(
    `${group.padEnd(15)} ` +
      rows.map((r) => `${r.n}:${r.js_ns.toFixed(0)}/${r.native_ns.toFixed(0)}`)
        .join(" ") +
      `  -> native from n=${cross}`,
  );
}
const file = await saveResults(`crossover-${runtimeName}`, {
  runtime: runtimeVersion,
  date: new Date().toISOString(),
  table,
  suggested,
});
console.log("suggested:", JSON.stringify(suggested));
console.log(`saved ${file}`);
