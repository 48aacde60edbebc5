/**
 * One server of the load benchmark (`bench/load.bench.mjs` starts them):
 * `GET /heavy` (top-10 similarity, see `_work.ts`), `GET /health`, and
 * `GET /lag` (event-loop lag percentiles measured with a 10 ms timer).
 *
 *     deno run -A bench/load/server.ts inline|workers|engine PORT
 *
 * - inline: the heavy work runs on the event loop;
 * - workers: a pool of plain Web Workers (one per core), bounded queue;
 * - engine: raptors' engine (one worker thread per core, bounded queue,
 *   kernels of a job may use every core when the others are idle).
 *
 * All three shed load past 64 queued requests with a 503.
 *
 * @module
 */
import * as rp from "../../mod.ts";
import { embeddings, query, rank, topK } from "./_work.ts";

const [design, portArg] = Deno.args;
const port = Number(portArg ?? 8100);
const MAX_QUEUE = 64;
const threads = navigator.hardwareConcurrency;
let counter = 0;

// event-loop lag: how late a 10 ms interval fires
const lags: number[] = [];
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  lags.push(Math.max(0, now - last - 10));
  last = now;
}, 10);
const q = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : 0;
};

let heavy: (i: number) => Promise<number[]>;
if (design === "inline") {
  const e = embeddings();
  heavy = (i) => Promise.resolve(topK(rank(e, query(i))));
} else if (design === "engine") {
  const e = embeddings();
  // intraOpThreads = threads: a job alone may use every core, as a Web
  // Worker's synchronous call may (the kernel pool runs one parallel
  // region at a time; a second caller runs inline)
  const engine = new rp.Engine({
    threads,
    maxQueue: MAX_QUEUE,
    intraOpThreads: threads,
  });
  rp.setDefaultEngine(engine);
  heavy = async (i) => topK(await engine.submit(() => rank(e, query(i))));
} else if (design === "workers") {
  const workers = await Promise.all(
    Array.from({ length: threads }, () =>
      new Promise<Worker>((res) => {
        const w = new Worker(new URL("./worker.ts", import.meta.url), {
          type: "module",
        });
        w.onmessage = (ev) => {
          if (ev.data.ready) res(w);
        };
      })),
  );
  const waiting = new Map<number, (ids: number[]) => void>();
  const busy = new Array<number>(threads).fill(0);
  for (const w of workers) {
    w.onmessage = (ev) => {
      const { id, ids } = ev.data as { id: number; ids: number[] };
      busy[workers.indexOf(w)]!--;
      waiting.get(id)!(ids);
      waiting.delete(id);
    };
  }
  let next = 0;
  heavy = (i) => {
    if (waiting.size >= MAX_QUEUE + threads) {
      return Promise.reject(new rp.QueueFullError("full", 1));
    }
    // least busy worker
    let k = 0;
    for (let j = 1; j < threads; j++) if (busy[j]! < busy[k]!) k = j;
    busy[k]!++;
    const id = next++;
    return new Promise((res) => {
      waiting.set(id, res);
      workers[k]!.postMessage({ id, i });
    });
  };
} else {
  throw new Error(`unknown design ${design}`);
}

Deno.serve({
  port,
  hostname: "127.0.0.1",
  onListen: () => console.log(`listening ${design} ${port}`),
}, async (req) => {
  const path = new URL(req.url).pathname;
  if (path === "/health") return new Response("ok");
  if (path === "/lag") {
    const recent = lags.splice(0);
    return Response.json({
      p50: q(recent, 0.5),
      p99: q(recent, 0.99),
      max: q(recent, 1),
      samples: recent.length,
    });
  }
  if (path === "/heavy") {
    try {
      return Response.json({ ids: await heavy(counter++) });
    } catch (e) {
      if (e instanceof rp.QueueFullError) {
        return new Response("overloaded", {
          status: 503,
          headers: { "retry-after": "1" },
        });
      }
      throw e;
    }
  }
  return new Response("not found", { status: 404 });
});
