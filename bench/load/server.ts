/**
 * One server of the load benchmark (`bench/load.bench.mjs` starts them), in
 * Deno or Bun:
 *
 *     deno run -A bench/load/server.ts DESIGN PORT [hono]
 *     bun bench/load/server.ts DESIGN PORT [hono]
 *
 * Endpoints: `GET /similar?i=N` (the example service's top-10 cosine
 * similarity, over 100,000 x 128 float32 embeddings: a matrix-vector
 * product and the selection kernel), `GET /score?i=N` (the example's
 * logistic scoring of a batch of 256 rows x 64 features), `GET /health`,
 * and `GET /lag` (event-loop lag percentiles, measured with a 10 ms timer).
 * With `hono`, the same handlers are routed by a Hono app.
 *
 * - inline: the work runs on the event loop;
 * - workers: a pool of plain Web Workers (one per core, each with its own
 *   copy of the data), least-busy dispatch, bounded queue;
 * - engine: raptors' engine (one worker thread per core, bounded queue,
 *   `intraOpThreads` 1: each job on one core, jobs side by side);
 * - batched: what the example service (`examples/_app.ts`) does on the
 *   engine design: `/similar` through its `SimilarBatcher` (queries that
 *   arrive while every worker is busy go out together as one job, one
 *   pass over the embeddings, each answer bit for bit the unbatched one);
 *   `/score` by its `scoreRequest` policy (up to `SCORE_INLINE_ROWS` rows
 *   on the event loop, where the hand-off would cost it more than the
 *   work; larger batches as engine jobs with the rows lent, not copied).
 *
 * All three shed load past 64 queued requests with a 503 and Retry-After.
 *
 * @module
 */
import { Hono } from "hono";
import * as rp from "../../mod.ts";
import { env, scoreRequest, SimilarBatcher } from "../../examples/_app.ts";
import {
  BIAS,
  embeddings,
  K,
  numbers,
  scoreInput,
  scoreJob,
  similarJob,
  similarQuery,
  weights,
} from "./_work.ts";

const g = globalThis as {
  Deno?: {
    args: string[];
    serve(
      o: { port: number; hostname: string; onListen(): void },
      h: (r: Request) => Promise<Response>,
    ): unknown;
  };
  Bun?: {
    argv: string[];
    serve(
      o: {
        port: number;
        hostname: string;
        fetch(r: Request): Promise<Response>;
      },
    ): unknown;
  };
  navigator: { hardwareConcurrency: number };
};
const args = g.Deno ? g.Deno.args : g.Bun!.argv.slice(2);
const [design, portArg, router] = args;
const port = Number(portArg ?? 8100);
const MAX_QUEUE = 64;
const threads = g.navigator.hardwareConcurrency;

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

type Kind = "similar" | "score";
let heavy: (kind: Kind, i: number) => Promise<number[]>;
/** The engine's metrics (the engine design), for `GET /engine`. */
let metrics: () => unknown = () => null;
if (design === "inline") {
  const e = embeddings(), w = weights();
  heavy = (kind, i) =>
    Promise.resolve(
      numbers(kind === "similar" ? similarJob(e, i)() : scoreJob(w, i)()),
    );
} else if (design === "engine" || design === "batched") {
  const e = embeddings(), w = weights();
  const engine = new rp.Engine({
    threads: env("ENGINE_THREADS", threads),
    maxQueue: MAX_QUEUE,
    intraOpThreads: env("INTRA_OP", 1),
  });
  rp.setDefaultEngine(engine);
  metrics = () => engine.metrics();
  const batcher = new SimilarBatcher(engine, e, { maxWaiting: MAX_QUEUE });
  heavy = async (kind, i) => {
    if (kind === "similar" && design === "batched") {
      return numbers((await batcher.query(similarQuery(i), K)).indices);
    }
    if (design === "batched") {
      return numbers(await scoreRequest(engine, scoreInput(i), w, BIAS, false));
    }
    const job = kind === "similar" ? similarJob(e, i) : scoreJob(w, i);
    return numbers(await engine.submit(job));
  };
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
  const waiting = new Map<number, (out: number[]) => void>();
  const busy = new Array<number>(threads).fill(0);
  for (const w of workers) {
    w.onmessage = (ev) => {
      const { id, out } = ev.data as { id: number; out: number[] };
      busy[workers.indexOf(w)]!--;
      waiting.get(id)!(out);
      waiting.delete(id);
    };
  }
  let next = 0;
  heavy = (kind, i) => {
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
      workers[k]!.postMessage({ id, kind, i });
    });
  };
} else {
  throw new Error(`unknown design ${design}`);
}

async function work(kind: Kind, url: URL): Promise<Response> {
  try {
    return Response.json(await heavy(kind, Number(url.searchParams.get("i"))));
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

function lag(): Response {
  const recent = lags.splice(0);
  return Response.json({
    p50: q(recent, 0.5),
    p99: q(recent, 0.99),
    max: q(recent, 1),
    samples: recent.length,
  });
}

let handler: (req: Request) => Promise<Response>;
if (router === "hono") {
  const app = new Hono();
  app.get("/health", (c) => c.text("ok"));
  app.get("/lag", () => lag());
  app.get("/similar", (c) => work("similar", new URL(c.req.url)));
  app.get("/score", (c) => work("score", new URL(c.req.url)));
  handler = async (req) => await app.fetch(req);
} else {
  handler = (req) => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path === "/health") return Promise.resolve(new Response("ok"));
    if (path === "/lag") return Promise.resolve(lag());
    if (path === "/engine") return Promise.resolve(Response.json(metrics()));
    if (path === "/similar") return work("similar", url);
    if (path === "/score") return work("score", url);
    return Promise.resolve(new Response("not found", { status: 404 }));
  };
}

const listening = () =>
  console.log(`listening ${design}${router ? `+${router}` : ""} ${port}`);
if (g.Bun) {
  g.Bun.serve({ port, hostname: "127.0.0.1", fetch: handler });
  listening();
} else {
  g.Deno!.serve({ port, hostname: "127.0.0.1", onListen: listening }, handler);
}
