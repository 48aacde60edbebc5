/**
 * Load benchmark (issue 4): heavy requests saturate the pool while a light
 * `/health` endpoint is hit at the same time, for three server designs in
 * one run: compute inline on the event loop, a pool of plain Web Workers,
 * and raptors' engine. Loopback only, bounded in time (~45 s in all).
 *
 *     node bench/load.bench.mjs            # needs node (for autocannon) and the deno binary
 *
 * Per design: a 2 s warm-up, then 10 s of autocannon on /heavy (16
 * connections) and, at the same time, on /health (1 connection, one
 * request after another). Event-loop lag is measured inside the server (a
 * 10 ms interval's lateness). Results: bench/results/load.json.
 */
import { pct, run, startListening } from "./_autocannon.mjs";
import { mkdirSync, writeFileSync } from "node:fs";

const root = new URL("../", import.meta.url).pathname;
const deno = `${root}node_modules/.bin/deno`;
const DURATION = Number(process.env.LOAD_SECONDS ?? 10);

function startServer(design, port) {
  return startListening(
    deno,
    ["run", "-A", "bench/load/server.ts", design, String(port)],
    { cwd: root },
    `${design} server`,
  );
}

const rows = [];
let port = 8200;
for (const design of ["inline", "workers", "engine"]) {
  port++;
  const proc = await startServer(design, port);
  const base = `http://127.0.0.1:${port}`;
  await run({ url: `${base}/heavy`, connections: 8, duration: 2 });
  await fetch(`${base}/lag`); // reset the lag samples
  const [heavy, health] = await Promise.all([
    run({ url: `${base}/heavy`, connections: 16, duration: DURATION }),
    run({ url: `${base}/health`, connections: 1, duration: DURATION }),
  ]);
  const lag = await (await fetch(`${base}/lag`)).json();
  proc.removeAllListeners("exit");
  proc.kill("SIGKILL");
  const row = {
    design,
    heavyRps: heavy.requests.average,
    heavyOk: heavy["2xx"],
    heavyRejected: heavy.non2xx,
    heavyP50: pct(heavy.times, 0.5),
    heavyP95: pct(heavy.times, 0.95),
    heavyP99: pct(heavy.times, 0.99),
    healthRps: health.requests.average,
    healthP50: pct(health.times, 0.5),
    healthP95: pct(health.times, 0.95),
    healthP99: pct(health.times, 0.99),
    healthMax: pct(health.times, 1),
    lagP99: lag.p99,
    lagMax: lag.max,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}

const f = (x) => `${x.toFixed(2)} ms`;
console.log(
  "\n| design | heavy req/s | heavy ok | heavy 503 | heavy p50 / p95 / p99 | /health req/s | /health p50 / p95 / p99 | /health max | loop lag p99 / max |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.design} | ${
      r.heavyRps.toFixed(1)
    } | ${r.heavyOk} | ${r.heavyRejected} | ` +
      `${f(r.heavyP50)} / ${f(r.heavyP95)} / ${f(r.heavyP99)} | ${
        r.healthRps.toFixed(0)
      } | ` +
      `${f(r.healthP50)} / ${f(r.healthP95)} / ${f(r.healthP99)} | ${
        f(r.healthMax)
      } | ` +
      `${f(r.lagP99)} / ${f(r.lagMax)} |`,
  );
}
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(
  `${root}bench/results/load.json`,
  JSON.stringify(
    { date: new Date().toISOString(), duration: DURATION, rows },
    null,
    1,
  ),
);
