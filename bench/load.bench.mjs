/**
 * Load benchmark: the example services' heavy request (`/similar`, top-10
 * over 100,000 x 128 float32) saturating a server while a light `/health`
 * endpoint is hit at the same time, for each server design (compute
 * inline on the event loop, a pool of plain Web Workers, raptors' engine,
 * the engine behind a Hono router, and the engine with the example's
 * adaptive query batching) in Deno and in Bun; then the scoring request
 * (`/score`, 256 rows) the same way; then latency against offered load
 * (fixed request rates) for the inline, engine and batched designs.
 * Loopback only; the load generator (autocannon, in Node) shares the two
 * cores with the server.
 *
 *     node bench/load.bench.mjs      # LOAD_SECONDS=10 (per measurement)
 *
 * Per design: a 2 s warm-up, then LOAD_SECONDS of autocannon on the heavy
 * path (16 connections) and, at the same time, /health probed at
 * HEALTH_RATE (default 200) requests per second on 1 connection. Event-loop lag is measured inside the
 * server (a 10 ms interval's lateness). Every response is counted by
 * status: 200 and 503 (with Retry-After) are the only answers allowed;
 * any other status, a connection error or a timeout is a lost request.
 * Results: bench/results/load.json and docs/load.svg (latency vs load).
 */
import { pct, run, startListening } from "./_autocannon.mjs";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";

/**
 * Open-loop load at a fixed rate: request n is due at start + n / rate and
 * is sent then whether or not earlier ones were answered (up to 256 open
 * connections); its latency counts from when it was due, so time spent
 * queued in the client counts too (no coordinated omission). autocannon's
 * rate limit sends each second's quota back to back at the start of the
 * second, which measured the burst, not the rate.
 */
function openLoop(port, pathOf, rate, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const times = [], statuses = {};
  let errors = 0;
  const total = Math.round(rate * seconds);
  const start = performance.now() + 50;
  return new Promise((resolve) => {
    let done = 0, sent = 0;
    const finish = () => {
      if (++done === total) {
        agent.destroy();
        resolve({ times, statuses, errors });
      }
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) {
        const due = start + (sent * 1000) / rate;
        const req = http.get(
          { host: "127.0.0.1", port, path: pathOf(sent), agent },
          (res) => {
            res.resume();
            res.on("end", () => {
              times.push(performance.now() - due);
              statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
              finish();
            });
          },
        );
        req.on("error", () => {
          errors++;
          finish();
        });
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
}

const root = new URL("../", import.meta.url).pathname;
const bin = {
  deno: `${root}node_modules/.bin/deno`,
  bun: `${root}node_modules/.bin/bun`,
};
const DURATION = Number(process.env.LOAD_SECONDS ?? 10);
const RUNTIMES = (process.env.LOAD_RUNTIMES ?? "deno,bun").split(",");
/** /health probes per second, during every measurement. */
const HEALTH_RATE = Number(process.env.HEALTH_RATE ?? 200);

function startServer(runtime, design, router, port) {
  const args = [
    "bench/load/server.ts",
    design,
    String(port),
    ...(router ? [router] : []),
  ];
  return startListening(
    bin[runtime],
    runtime === "deno" ? ["run", "-A", ...args] : args,
    { cwd: root },
    `${runtime} ${design} server`,
  );
}

/** autocannon with every status counted (non-2xx in `statuses`). */
async function load(opts) {
  const statuses = {};
  const r = await run({
    ...opts,
    setupClient: (client) => {
      client.on("response", (status) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
      });
    },
  });
  return { ...r, statuses };
}

let port = 8300;
const rows = [];
for (const runtime of RUNTIMES) {
  for (const path of (process.env.LOAD_PATHS ?? "similar,score").split(",")) {
    for (
      const [design, router] of [["inline"], ["workers"], ["engine"], [
        "engine",
        "hono",
      ], ["batched"]]
    ) {
      if (path === "score" && router) continue;
      if (
        process.env.LOAD_DESIGNS &&
        !process.env.LOAD_DESIGNS.split(",").includes(design)
      ) continue;
      port++;
      const proc = await startServer(runtime, design, router, port);
      const base = `http://127.0.0.1:${port}`;
      let i = 0;
      const url = () => `${base}/${path}?i=${i++ % 1000}`;
      await load({ url: url(), connections: 8, duration: 2 });
      await fetch(`${base}/lag`); // reset the lag samples
      const [heavy, health] = await Promise.all([
        load({
          url: `${base}/${path}`,
          connections: 16,
          duration: DURATION,
          requests: [{
            setupRequest: (req) => ({
              ...req,
              path: `/${path}?i=${i++ % 1000}`,
            }),
          }],
        }),
        // a latency probe at a fixed rate, as a health checker sends: back
        // to back it made 10-20k requests per second that took CPU from
        // the designs that answer it fast (and none from inline)
        load({
          url: `${base}/health`,
          connections: 1,
          overallRate: HEALTH_RATE,
          duration: DURATION,
        }),
      ]);
      const lag = await (await fetch(`${base}/lag`)).json();
      proc.removeAllListeners("exit");
      proc.kill("SIGKILL");
      const other = Object.entries(heavy.statuses)
        .filter(([s]) => s !== "200" && s !== "503")
        .reduce((n, [, c]) => n + c, 0);
      const row = {
        runtime,
        path,
        design: router ? `${design} (${router})` : design,
        heavyRps: heavy.requests.average,
        heavyOk: heavy.statuses[200] ?? 0,
        heavyRejected: heavy.statuses[503] ?? 0,
        // connection errors, timeouts and any status but 200 / 503
        heavyLost: heavy.errors + other, // (autocannon's errors include timeouts)
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
  }
}

// latency against offered load: open-loop arrivals at fixed rates
// (fractions of the engine's saturated /similar throughput in that
// runtime), inline vs engine vs batched
const curves = [];
for (const runtime of process.env.LOAD_CURVES === "0" ? [] : RUNTIMES) {
  const sat = rows.find((r) =>
    r.runtime === runtime && r.path === "similar" && r.design === "engine"
  ).heavyRps;
  for (const design of ["inline", "engine", "batched"]) {
    port++;
    const proc = await startServer(runtime, design, undefined, port);
    const base = `http://127.0.0.1:${port}`;
    let i = 0;
    await load({ url: `${base}/similar?i=0`, connections: 8, duration: 2 });
    const points = [];
    for (const frac of [0.25, 0.5, 0.75, 0.9, 1.1]) {
      const rate = Math.max(1, Math.round(sat * frac));
      const secs = Math.max(3, DURATION / 2);
      const [heavy, health] = await Promise.all([
        openLoop(
          port,
          () =>
            `/similar?i=${i++ % 1000}`,
          rate,
          secs,
        ),
        openLoop(port, () => "/health", HEALTH_RATE, secs),
      ]);
      points.push({
        rate,
        p50: pct(heavy.times, 0.5),
        p99: pct(heavy.times, 0.99),
        healthP99: pct(health.times, 0.99),
        rejected: heavy.statuses[503] ?? 0,
        lost: heavy.errors + Object.entries(heavy.statuses)
          .filter(([c]) => c !== "200" && c !== "503")
          .reduce((n, [, c]) => n + c, 0),
      });
    }
    proc.removeAllListeners("exit");
    proc.kill("SIGKILL");
    curves.push({ runtime, design, points });
    console.log(JSON.stringify(curves.at(-1)));
  }
}

mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(
  `${root}bench/results/load.json`,
  JSON.stringify(
    { date: new Date().toISOString(), seconds: DURATION, rows, curves },
    null,
    1,
  ) + "\n",
);
writeFileSync(`${root}docs/load.svg`, chart(curves));

const f = (x) => x.toFixed(2);
console.log(
  "\n| runtime | request | design | heavy req/s | 200 / 503 / lost | heavy p50 / p95 / p99 ms | /health req/s | /health p50 / p95 / p99 / max ms | loop lag p99 / max ms |",
);
console.log("|---|---|---|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.runtime} | /${r.path} | ${r.design} | ${
      r.heavyRps.toFixed(1)
    } | ${r.heavyOk} / ${r.heavyRejected} / ${r.heavyLost} | ` +
      `${f(r.heavyP50)} / ${f(r.heavyP95)} / ${f(r.heavyP99)} | ${
        r.healthRps.toFixed(0)
      } | ` +
      `${f(r.healthP50)} / ${f(r.healthP95)} / ${f(r.healthP99)} / ${
        f(r.healthMax)
      } | ${f(r.lagP99)} / ${f(r.lagMax)} |`,
  );
}
console.log(
  "\n| runtime | design | offered req/s | heavy p50 / p99 ms | /health p99 ms | 503 | lost |",
);
console.log("|---|---|---:|---:|---:|---:|---:|");
for (const c of curves) {
  for (const p of c.points) {
    console.log(
      `| ${c.runtime} | ${c.design} | ${p.rate} | ${f(p.p50)} / ${f(p.p99)} | ${
        f(p.healthP99)
      } | ${p.rejected} | ${p.lost} |`,
    );
  }
}

/** Heavy p99 and /health p99 against offered rate (log y), one line per runtime x design. */
function chart(curves) {
  const W = 720, H = 420, L = 60, R = 170, T = 30, B = 45;
  const all = curves.flatMap((c) => c.points);
  const xmax = Math.max(...all.map((p) => p.rate)) * 1.05;
  const ys = all.flatMap((p) => [p.p99, p.healthP99]).filter((v) => v > 0);
  const ylo = 10 ** Math.floor(Math.log10(Math.min(...ys))),
    yhi = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x) => L + (x / xmax) * (W - L - R);
  const py = (y) =>
    T +
    (1 -
        (Math.log10(Math.max(y, ylo)) - Math.log10(ylo)) /
          (Math.log10(yhi) - Math.log10(ylo))) * (H - T - B);
  const colors = {
    "deno inline": "#d62728",
    "deno engine": "#1f77b4",
    "bun inline": "#ff7f0e",
    "bun engine": "#2ca02c",
    "deno batched": "#9467bd",
    "bun batched": "#8c564b",
  };
  let s =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">\n`;
  s +=
    `<text x="${L}" y="18" font-size="13">/similar p99 (solid) and /health p99 (dashed) against offered load</text>\n`;
  s += `<rect x="${L}" y="${T}" width="${W - L - R}" height="${
    H - T - B
  }" fill="none" stroke="#999"/>\n`;
  for (let e = Math.log10(ylo); e <= Math.log10(yhi); e++) {
    const y = py(10 ** e);
    s += `<line x1="${L}" x2="${
      W - R
    }" y1="${y}" y2="${y}" stroke="#eee"/><text x="${L - 5}" y="${
      y + 4
    }" text-anchor="end">${10 ** e} ms</text>\n`;
  }
  for (let k = 0; k <= 4; k++) {
    const x = (xmax * k) / 4;
    s += `<text x="${px(x)}" y="${H - B + 15}" text-anchor="middle">${
      x.toFixed(0)
    }</text>\n`;
  }
  s += `<text x="${(L + W - R) / 2}" y="${
    H - 8
  }" text-anchor="middle">offered /similar requests per second</text>\n`;
  curves.forEach((c, n) => {
    const key = `${c.runtime} ${c.design}`, col = colors[key] ?? "#000";
    const line = (f, dash) =>
      `<polyline fill="none" stroke="${col}" stroke-width="2"${
        dash ? ' stroke-dasharray="5,4"' : ""
      } points="${
        c.points.map((p) => `${px(p.rate).toFixed(1)},${py(f(p)).toFixed(1)}`)
          .join(" ")
      }"/>\n`;
    s += line((p) => p.p99, false) + line((p) => p.healthP99, true);
    s += `<line x1="${W - R + 10}" x2="${W - R + 30}" y1="${
      T + 12 + n * 18
    }" y2="${T + 12 + n * 18}" stroke="${col}" stroke-width="2"/><text x="${
      W - R + 35
    }" y="${T + 16 + n * 18}">${key}</text>\n`;
  });
  return s + "</svg>\n";
}
