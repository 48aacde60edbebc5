// Child of hostile_test.ts: one memory or time bomb (argv / BOMB env),
// run in its own process so an unguarded one is killed (or fails the
// parent's guard timeout) instead of taking the suite with it. Prints
// { outcome, maxRssKB }.
import process from "node:process";
import { readFileSync } from "node:fs";
import * as rp from "../mod.ts";

const x = rp.array([1, 2, 3, 4], { dtype: "float64" });
const bombs: Record<string, () => unknown> = {
  zeros: () => rp.zeros([2 ** 31]),
  zeros2d: () => rp.zeros([2 ** 16, 2 ** 16], { dtype: "uint8" }),
  full: () => rp.full([2 ** 15, 2 ** 15], 1),
  histogramBins: () => rp.histogram(x, { bins: 1e9 }),
  diffHugeN: () => rp.diff(x, { n: 2 ** 53 }).size,
  broadcastMean: () => rp.mean(rp.array([1.5]).broadcastTo([2 ** 31])),
  broadcastStd: () => rp.std(rp.array([1.5]).broadcastTo([2 ** 31])),
  linspace: () => rp.linspace(0, 1, 1e12),
  bincount: () => rp.bincount(rp.array([2 ** 40])),
  outer: () => rp.outer(rp.zeros([1e5]), rp.zeros([1e5])),
  random: () => rp.defaultRng(1).random([2 ** 31]),
  matmulBatch: () =>
    rp.matmul(
      rp.zeros([2 ** 20, 1, 1, 0]),
      rp.zeros([1, 2 ** 20, 0, 1]),
    ),
  tile: () => rp.tile(x, 2 ** 28),
  eye: () => rp.eye(2 ** 17),
};

/**
 * This process's peak resident set (VmHWM), in KiB. Not
 * `process.resourceUsage().maxRSS`: Linux carries ru_maxrss over fork and
 * exec, so a child starts at its parent's peak.
 */
function peakRssKB(): number {
  const status = readFileSync("/proc/self/status", "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]);
}

const name = process.argv.at(-1)!;
let outcome: string;
try {
  const r = bombs[name]!();
  outcome = `ok ${r instanceof rp.NDArray ? `shape ${r.shape}` : String(r)}`;
} catch (e) {
  outcome = `${(e as Error).name}: ${(e as Error).message}`;
}
console.log(
  JSON.stringify({
    outcome,
    maxRssKB: peakRssKB(),
    names: Object.keys(bombs),
  }),
);
