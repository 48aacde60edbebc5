/**
 * Shared by the HTTP benchmarks (load.bench.mjs, http.bench.mjs): start a
 * server process and wait for its "listening" line, run autocannon
 * recording every response time, exact percentiles.
 */
import autocannon from "autocannon";
import { spawn } from "node:child_process";

/** Spawns `bin args` and resolves with the process once it prints "listening". */
export function startListening(bin, args, options, name) {
  const proc = spawn(bin, args, {
    ...options,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      if (out.includes("listening")) resolve(proc);
    });
    proc.on("exit", (code) => reject(new Error(`${name} exited ${code}`)));
  });
}

/** Runs autocannon; also records every response time (ms) for exact percentiles. */
export const run = (opts) =>
  new Promise((resolve, reject) => {
    const times = [];
    const inst = autocannon(
      opts,
      (err, res) => (err ? reject(err) : resolve({ ...res, times })),
    );
    inst.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  });

/** The `p` quantile of `xs` (0 for none). */
export const pct = (xs, p) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : 0;
};
