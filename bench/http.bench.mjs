/**
 * The example services over HTTP (issue 15): latency percentiles at a
 * fixed request rate, Deno and Bun, the same server code
 * (`examples/deno_serve.ts`, `examples/bun_serve.ts`, `examples/_app.ts`).
 *
 *     node bench/http.bench.mjs      # needs node (autocannon) and the deno and bun binaries
 *
 * Per runtime, one server (embeddings 100,000 x 128 float32, the engine on
 * both cores); per scenario a 2 s warm-up at the same rate, then
 * `HTTP_SECONDS` (default 8) s of autocannon at a fixed rate on one
 * connection (paced arrivals), every response time recorded (exact
 * percentiles).
 * Scenarios: `POST /score` with 1, 32 and 1024 rows of 64 features (JSON
 * bodies of 0.6 KB, 19 KB and 617 KB; the 1024 rows also as 512 KB of
 * float64, the binary form), `POST /similar` (top-10 cosine over the
 * 100,000 rows). The load generator shares the 2 cores with the
 * server: the numbers are the service as a whole (body parsing, JSON out,
 * the engine hand-off), not the kernels alone (bench/service.bench.ts).
 * Results: bench/results/http.json and a markdown table on stdout.
 */
import { pct, run, startListening } from "./_autocannon.mjs";
import { Buffer } from "node:buffer";
import { mkdirSync, writeFileSync } from "node:fs";

const root = new URL("../", import.meta.url).pathname;
const DURATION = Number(process.env.HTTP_SECONDS ?? 8);
const ROWS = 100_000;

const RUNTIMES = {
  deno: [`${root}node_modules/.bin/deno`, [
    "run",
    "--allow-ffi",
    "--allow-env",
    "--allow-read",
    "--allow-net",
    "examples/deno_serve.ts",
  ]],
  bun: [`${root}node_modules/.bin/bun`, ["examples/bun_serve.ts"]],
};

/** Deterministic numbers in [-1, 1), six decimals (a realistic JSON body). */
function numbers(n, seed) {
  let s = seed >>> 0 || 1;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = Math.round(((s >>> 0) / 2 ** 31 - 1) * 1e6) / 1e6;
  }
  return out;
}
function rowsBody(rows) {
  const flat = numbers(rows * 64, rows + 1);
  const r = [];
  for (let i = 0; i < rows; i++) r.push(flat.slice(i * 64, (i + 1) * 64));
  return JSON.stringify({ rows: r });
}

const SCENARIOS = [
  { name: "score, 1 row", path: "/score", body: rowsBody(1), rate: 400 },
  { name: "score, 32 rows", path: "/score", body: rowsBody(32), rate: 400 },
  {
    name: "score, 1024 rows",
    path: "/score",
    body: rowsBody(1024),
    rate: 40,
  },
  {
    name: "score, 1024 rows, binary",
    path: "/score",
    body: Buffer.from(new Float64Array(numbers(1024 * 64, 1025)).buffer),
    type: "application/octet-stream",
    rate: 40,
  },
  {
    name: "similar, top-10 of 100000 x 128",
    path: "/similar",
    body: JSON.stringify({ vector: numbers(128, 9), k: 10 }),
    rate: 100,
  },
];

function startServer(runtime, port) {
  const [bin, args] = RUNTIMES[runtime];
  return startListening(bin, args, {
    cwd: root,
    env: { ...process.env, PORT: String(port), ROWS: String(ROWS) },
  }, runtime);
}

const rows = [];
let port = 8300;
for (const runtime of Object.keys(RUNTIMES)) {
  port++;
  const proc = await startServer(runtime, port);
  const base = `http://127.0.0.1:${port}`;
  for (const sc of SCENARIOS) {
    const opts = {
      url: `${base}${sc.path}`,
      method: "POST",
      headers: { "content-type": sc.type ?? "application/json" },
      body: sc.body,
      // one connection, paced: arrivals at a steady rate. (With 8
      // connections autocannon sends in bursts of 8, and the numbers are
      // queueing behind the burst: /similar p50 17 ms against 4 ms paced.)
      connections: 1,
      overallRate: sc.rate,
    };
    await run({ ...opts, duration: 2 });
    const r = await run({ ...opts, duration: DURATION });
    const row = {
      runtime,
      scenario: sc.name,
      bodyBytes: sc.body.length,
      rate: sc.rate,
      rps: r.requests.average,
      ok: r["2xx"],
      non2xx: r.non2xx,
      errors: r.errors,
      p50: pct(r.times, 0.5),
      p90: pct(r.times, 0.9),
      p99: pct(r.times, 0.99),
      max: pct(r.times, 1),
    };
    rows.push(row);
    console.error(JSON.stringify(row));
  }
  proc.removeAllListeners("exit");
  proc.kill("SIGKILL");
}

const f = (x) => x.toFixed(2);
console.log(
  "| scenario | runtime | target req/s | served req/s | ok | non-2xx | p50 / p90 / p99 / max (ms) |",
);
console.log("|---|---|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.scenario} | ${r.runtime} | ${r.rate} | ${
      r.rps.toFixed(1)
    } | ${r.ok} | ${r.non2xx + r.errors} | ${f(r.p50)} / ${f(r.p90)} / ${
      f(r.p99)
    } / ${f(r.max)} |`,
  );
}
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(
  `${root}bench/results/http.json`,
  JSON.stringify(
    { date: new Date().toISOString(), duration: DURATION, rows },
    null,
    1,
  ),
);
