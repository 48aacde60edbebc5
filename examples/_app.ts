/**
 * The two example services, shared by every server flavour
 * (`deno_serve.ts`, `bun_serve.ts`, `hono.ts`):
 *
 * - `POST /similar` `{ "vector": number[128], "k": 10 }`: top-k cosine
 *   similarity against an in-memory embedding matrix (20,000 x 128,
 *   float32): a matrix-vector product, then the top k by the selection
 *   kernel. Requests go through a {@link SimilarBatcher}: one job each
 *   while an engine thread is free, and the queries that arrive while all
 *   are busy go out together as one job (one pass over the matrix).
 * - `POST /score` `{ "rows": number[][] }` (64 features each): a logistic
 *   model over the batch, `sigmoid(X @ w + b)`: on the event loop up to
 *   {@link SCORE_INLINE_ROWS} rows (where handing the work to the engine
 *   would cost the event loop more than doing it), as one engine job
 *   above, the parsed rows lent to it (no copy).
 * - The binary forms, for clients that can send bytes: `POST /score` with
 *   `content-type: application/octet-stream` and the rows as float64 in the
 *   host's byte order (little-endian on x86-64 and arm64; rows x 64 values,
 *   row after row, finite) answers the probabilities as float64 bytes;
 *   `POST /similar?k=10` with the vector as 128 float32 answers the same
 *   JSON as the JSON form. Bodies announced over the largest valid size
 *   are refused (413) before they are read. The request body
 *   becomes an NDArray without a copy (`rp.frombuffer` over
 *   `await req.arrayBuffer()`), and no JSON is parsed or built for the
 *   numbers.
 * - `GET /metrics`: the engine's Prometheus text, and the batcher's
 *   `raptors_app_similar_waiting` and `raptors_app_similar_shed_total`;
 *   `GET /health`: "ok" (liveness); `GET /ready`: 200 while the engine's
 *   queue (with the queries waiting in the batcher) has room, 503 (with
 *   the queue depth) when it holds `READY_QUEUE` (readiness).
 *
 * Heavy work never runs on the event loop (work under ~50 µs does, where
 * the hand-off would cost more); when the engine's queue is full
 * the service answers 503 with `Retry-After` instead of queueing without
 * bound (similarity queries past `MAX_QUEUE` waiting in the batcher are
 * answered 503 the same way). Environment: `PORT` (default 8000),
 * `MAX_QUEUE` (default 64),
 * `READY_QUEUE` (default `MAX_QUEUE`),
 * `THREADS` (default: all cores), `ROWS` (embedding rows, default 20000).
 *
 * @module
 */
import * as rp from "../mod.ts";

const g = globalThis as {
  Deno?: { env: { get(k: string): string | undefined } };
  process?: { env: Record<string, string | undefined> };
};
/** An environment variable in either runtime. */
export function env(name: string, fallback: number): number {
  const v = g.Deno ? g.Deno.env.get(name) : g.process?.env[name];
  return v === undefined || v === "" ? fallback : Number(v);
}

export const DIM = 128;
export const FEATURES = 64;

/** Deterministic pseudo-random floats in [-1, 1). */
export function randoms(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** `q / |q|` (float32; a zero vector stays zero). */
export function unit(q: rp.NDArray): rp.NDArray {
  return rp.divide(q, (rp.linalg.norm(q) as number) || 1);
}

/**
 * The similarity service's compute: the cosine similarity of a unit
 * vector `u` with every row of `embeddings` (rows of unit length too) is
 * `embeddings @ u`; the k best rows by the selection kernel (no sort of
 * every score). Values descending, ties by row index.
 */
export function topSimilar(
  embeddings: rp.NDArray,
  u: rp.NDArray,
  k: number,
): { values: rp.NDArray; indices: rp.NDArray } {
  const scores = rp.matmul(embeddings, u);
  return rp.topk(scores, Math.min(k, scores.size));
}

/**
 * {@link topSimilar} for a batch of unit queries at once (`Q`, b x DIM):
 * `Q @ embeddings.T` reads the embeddings once for the whole batch, and
 * each row of scores is the same dot products, with the same bits, that
 * `embeddings @ u` gives for that query alone (kernels/gemv.rs,
 * `gemm_dots`), so row i of the answer equals `topSimilar(embeddings,
 * Q[i], k)`.
 */
export function topSimilarBatch(
  embeddings: rp.NDArray,
  Q: rp.NDArray,
  k: number,
): { values: rp.NDArray; indices: rp.NDArray } {
  const scores = rp.matmul(Q, embeddings.T);
  return rp.topk(scores, Math.min(k, scores.shape[1]!));
}

/** A request waiting in a {@link Batcher}. */
interface Waiting<Q, R> {
  q: Q;
  resolve(r: R): void;
  reject(e: unknown): void;
}

/** How a {@link Batcher} turns requests into jobs and answers. */
export interface BatchWork<Q, T, R> {
  /**
   * The job for one or more requests (recordable, as `engine.submit`), or
   * the job and arrays made for it that it may read in place (the
   * submit's `lend` option: no copy at submission).
   */
  job(qs: Q[]): (() => T) | { run: () => T; lend: rp.NDArray[] };
  /** Each request's answer from the job's result, in request order. */
  split(result: T, qs: Q[]): R[];
}

/**
 * Adaptive batching of requests through an engine: while the engine has
 * a free slot a request goes out at once, as its own job (no timer, no
 * added latency at low load); while every slot is busy, requests wait
 * here and the next free slot takes all of them (up to `maxBatch`) as one
 * job. Worth it where a batch costs much less than its requests one by
 * one: a matrix-vector product bound by memory bandwidth (one pass over
 * the matrix per query; a batch makes one pass for all). For work smaller
 * than the engine's hand-off it saves hand-offs, but the load benchmark's
 * `/score` (256 rows) stayed below computing inline with it (the event
 * loop's own work is the limit there). Past `maxWaiting` waiting requests,
 * `submit` rejects with {@link rp.QueueFullError} (answer 503 with
 * Retry-After).
 */
export class Batcher<Q, T, R> {
  #waiting: Waiting<Q, R>[] = [];
  #running = 0;
  #shed = 0;
  readonly #engine: rp.Engine;
  readonly #work: BatchWork<Q, T, R>;
  readonly #slots: number;
  readonly #maxBatch: number;
  readonly #maxWaiting: number;

  constructor(
    engine: rp.Engine,
    work: BatchWork<Q, T, R>,
    options: { slots?: number; maxBatch?: number; maxWaiting?: number } = {},
  ) {
    this.#engine = engine;
    this.#work = work;
    this.#slots = options.slots ?? engine.metrics().threads;
    this.#maxBatch = options.maxBatch ?? 16;
    this.#maxWaiting = options.maxWaiting ?? 64;
  }

  /** Requests waiting for a slot (not yet submitted). */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Requests refused so far because `maxWaiting` were waiting. */
  get shed(): number {
    return this.#shed;
  }

  /** The answer to request `q`. */
  submit(q: Q): Promise<R> {
    if (this.#waiting.length >= this.#maxWaiting) {
      this.#shed++;
      return Promise.reject(
        new rp.QueueFullError(`${this.#maxWaiting} requests are waiting`, 1),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push({ q, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#running < this.#slots && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#maxBatch);
      const qs = batch.map((w) => w.q);
      this.#running++;
      let job: (() => T) | { run: () => T; lend: rp.NDArray[] };
      try {
        job = this.#work.job(qs);
      } catch (e) {
        this.#running--;
        batch.forEach((w) => w.reject(e));
        continue;
      }
      // the slot is free again before the requests are answered, so code
      // that awaits an answer and submits again finds it free
      const done = (settle: () => void) => {
        this.#running--;
        settle();
        this.#pump();
      };
      const submitted = typeof job === "function"
        ? this.#engine.submit(job)
        : this.#engine.submit(job.run, { lend: job.lend });
      submitted.then(
        (result) =>
          done(() => {
            let answers: R[];
            try {
              answers = this.#work.split(result, qs);
            } catch (e) {
              // a split that throws fails its batch, never leaves it waiting
              return batch.forEach((w) => w.reject(e));
            }
            batch.forEach((w, i) => w.resolve(answers[i]!));
          }),
        (err) => done(() => batch.forEach((w) => w.reject(err))),
      );
    }
  }
}

type Top = { values: rp.NDArray; indices: rp.NDArray };

/**
 * Similarity queries through a {@link Batcher}: one query is
 * {@link topSimilar}, several are {@link topSimilarBatch} (one pass over
 * the embeddings), and every answer is bit for bit the one the query gets
 * alone (row i, first k_i: the top k of a row are the first k of its top
 * max-k, values descending, ties by index).
 */
export class SimilarBatcher {
  readonly #b: Batcher<{ u: rp.NDArray; k: number }, Top, Top>;

  constructor(
    engine: rp.Engine,
    embeddings: rp.NDArray,
    options: { slots?: number; maxBatch?: number; maxWaiting?: number } = {},
  ) {
    this.#b = new Batcher(engine, {
      job: (qs) => {
        if (qs.length === 1) {
          const { u, k } = qs[0]!;
          return () => topSimilar(embeddings, u, k);
        }
        const Q = rp.stack(qs.map((q) => q.u));
        const k = Math.max(...qs.map((q) => q.k));
        return () => topSimilarBatch(embeddings, Q, k);
      },
      split: (top, qs) =>
        qs.length === 1 ? [top] : qs.map((q, i) => ({
          values: top.values.slice(i, `0:${q.k}`).copy(),
          indices: top.indices.slice(i, `0:${q.k}`).copy(),
        })),
    }, options);
  }

  /** The top `k` rows for unit vector `u` (as {@link topSimilar}). */
  query(u: rp.NDArray, k: number): Promise<Top> {
    return this.#b.submit({ u, k });
  }

  /** Queries waiting for a free engine thread. */
  get waiting(): number {
    return this.#b.waiting;
  }

  /** Queries refused so far because `maxWaiting` were waiting. */
  get shed(): number {
    return this.#b.shed;
  }

  /**
   * The batcher's gauge and counter in Prometheus' text format (appended
   * to the engine's: `prefix_similar_waiting`, `prefix_similar_shed_total`).
   */
  prometheus(prefix = "raptors_app"): string {
    return `# HELP ${prefix}_similar_waiting Similarity queries waiting for a free engine thread.
# TYPE ${prefix}_similar_waiting gauge
${prefix}_similar_waiting ${this.waiting}
# HELP ${prefix}_similar_shed_total Similarity queries answered 503 while the batcher's waiting list was full.
# TYPE ${prefix}_similar_shed_total counter
${prefix}_similar_shed_total ${this.shed}
`;
  }
}

/**
 * Scoring requests through a {@link Batcher}: the batch's rows scored as
 * one matrix ({@link scoreRows} of the rows stacked), each request
 * answered its own rows' probabilities. Each row's probability is
 * computed from that row alone, so the answers do not depend on the
 * batch.
 */
export function scoreBatcher(
  engine: rp.Engine,
  weights: rp.NDArray,
  bias: number,
  options: { slots?: number; maxBatch?: number; maxWaiting?: number } = {},
): Batcher<rp.NDArray, rp.NDArray, rp.NDArray> {
  return new Batcher(engine, {
    job: (xs) => {
      if (xs.length === 1) {
        const X = xs[0]!;
        return () => scoreRows(X, weights, bias);
      }
      // a fresh matrix only this job uses: lent to it, read in place
      // instead of copied at submission
      const X = rp.concatenate(xs, { axis: 0 });
      return { run: () => scoreRows(X, weights, bias), lend: [X] };
    },
    split: (p, xs) => {
      if (xs.length === 1) return [p];
      let at = 0;
      return xs.map((x) => {
        const n = x.shape[0]!;
        const part = p.slice(`${at}:${at + n}`).copy();
        at += n;
        return part;
      });
    },
  }, options);
}

/**
 * The scoring service's compute: a logistic model, `sigmoid(X @ w + b)`.
 * One new array (the product); every later step writes into it in place
 * (`{ out: t }`), so a request allocates once whatever its size.
 */
export function scoreRows(
  X: rp.NDArray,
  w: rp.NDArray,
  b: number,
): rp.NDArray {
  const t = rp.matmul(X, w);
  rp.add(t, b, { out: t });
  rp.negative(t, { out: t });
  rp.exp(t, { out: t });
  rp.add(t, 1, { out: t });
  rp.divide(1, t, { out: t });
  return t;
}

/**
 * Batches of up to this many rows are scored on the event loop; larger
 * ones go to the engine. Handing a job to the engine costs the event loop
 * 30-50 µs whatever its size once nothing is copied (recording the six
 * operations of {@link scoreRows} and submitting; measured in Deno and Bun
 * on a 2-core AMD EPYC, docs/BENCHMARKS.md "The engine's hand-off"),
 * while scoring 4096 rows of 64 features inline takes ~27-37 µs and 256
 * rows ~6 µs: below this size the hand-off costs the event loop more than
 * the work, and adds latency.
 */
export const SCORE_INLINE_ROWS = 4096;

/**
 * The scoring policy of the example service: {@link scoreRows} inline for
 * up to {@link SCORE_INLINE_ROWS} rows, else as an engine job. `own`
 * says `X` was made for this request (e.g. by `rp.array` of the parsed
 * body): then it is lent to the job (read in place, no copy at
 * submission; a 10000 x 64 float64 batch copied took 0.37-0.48 ms of
 * the event loop, lent 0.04). A view of a request's bytes (`frombuffer`) is copied.
 */
export function scoreRequest(
  engine: rp.Engine,
  X: rp.NDArray,
  w: rp.NDArray,
  b: number,
  own: boolean,
): rp.NDArray | Promise<rp.NDArray> {
  if (X.shape[0]! <= SCORE_INLINE_ROWS) return scoreRows(X, w, b);
  return engine.submit(() => scoreRows(X, w, b), own ? { lend: [X] } : {});
}

/** What `GET /ready` answers (see {@link readiness}). */
export interface Readiness {
  ready: boolean;
  queueDepth: number;
  limit: number;
  busyThreads: number;
  threads: number;
}

/**
 * Readiness of a replica: ready while its engine's queue holds fewer than
 * `limit` jobs. A load balancer or Kubernetes (readinessProbe on `/ready`)
 * then stops sending requests to a saturated replica instead of letting
 * them queue or be shed with 503; it comes back as soon as the queue
 * drains below the limit.
 */
export function readiness(m: rp.EngineMetrics, limit: number): Readiness {
  return {
    ready: m.queueDepth < limit,
    queueDepth: m.queueDepth,
    limit,
    busyThreads: m.busyThreads,
    threads: m.threads,
  };
}

/** The model data and the engine the handlers use. */
export interface App {
  engine: rp.Engine;
  /** Row-normalized embeddings (rows x DIM, float32). */
  embeddings: rp.NDArray;
  weights: rp.NDArray;
  bias: number;
  handle(req: Request): Promise<Response>;
}

function json(
  body: unknown,
  status = 200,
  headers: HeadersInit = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * A 413 answer when the request announces a body over `max` bytes (checked
 * before reading it; a body without Content-Length is read and then
 * checked for its exact size).
 */
function bodyTooLarge(req: Request, max: number): Response | undefined {
  const len = Number(req.headers.get("content-length") ?? 0);
  return len > max ? json({ error: `body over ${max} bytes` }, 413) : undefined;
}

/** Whether the request body is raw bytes (the binary forms). */
function isBinary(req: Request): boolean {
  return (req.headers.get("content-type") ?? "").startsWith(
    "application/octet-stream",
  );
}

/** Builds the services. */
export function createApp(): App {
  const rows = env("ROWS", 20_000);
  const maxQueue = env("MAX_QUEUE", 64);
  // not ready from this many queued jobs (default: a full queue)
  const readyQueue = env("READY_QUEUE", maxQueue);
  const engine = new rp.Engine({
    threads: env("THREADS", 0) || undefined,
    maxQueue,
    onFull: "reject",
    timeout: env("JOB_TIMEOUT_MS", 2000),
  });
  const raw = rp.asarray(randoms(rows * DIM, 42)).reshape(rows, DIM);
  const norms = rp.sqrt(
    rp.sum(rp.multiply(raw, raw), { axis: 1, keepdims: true }) as rp.NDArray,
  );
  // read-only: jobs read these in place instead of copying them per job
  const embeddings = rp.divide(raw, norms).astype("float32").asReadOnly();
  const weights = rp.asarray(randoms(FEATURES, 7)).astype("float64")
    .asReadOnly();
  const bias = 0.25;
  // similarity queries wait here (at most MAX_QUEUE) while every engine
  // thread is busy, then go out together as one job
  const similarBatcher = new SimilarBatcher(engine, embeddings, {
    maxWaiting: maxQueue,
  });

  async function similar(req: Request, url: URL): Promise<Response> {
    let q: rp.NDArray, k: number;
    if (isBinary(req)) {
      // 128 float32 in the host's byte order (little-endian on x86-64
      // and arm64), k from the query string as decimal digits
      const tooBig = bodyTooLarge(req, DIM * 4);
      if (tooBig) return tooBig;
      const buf = await req.arrayBuffer();
      const kq = url.searchParams.get("k") ?? "10";
      k = /^[0-9]{1,4}$/.test(kq) ? Number(kq) : NaN;
      if (buf.byteLength !== DIM * 4) {
        return json(
          { error: `body must be ${DIM} float32 (${DIM * 4} bytes)` },
          400,
        );
      }
      q = rp.frombuffer(buf, { dtype: "float32" });
      if (!rp.all(rp.isfinite(q))) {
        return json({ error: `vector must be ${DIM} finite numbers` }, 400);
      }
    } else {
      const body = await req.json() as { vector?: number[]; k?: number };
      const v = body.vector;
      k = body.k ?? 10;
      if (!Array.isArray(v) || v.length !== DIM || !v.every(Number.isFinite)) {
        return json({ error: `vector must be ${DIM} finite numbers` }, 400);
      }
      q = rp.array(Float32Array.from(v));
    }
    if (!Number.isInteger(k) || k < 1 || k > 1000) {
      return json({ error: "k must be an integer in 1..1000" }, 400);
    }
    const u = unit(q);
    const top = await similarBatcher.query(u, k);
    return json({
      ids: Array.from(top.indices.data as BigInt64Array, Number),
      scores: Array.from(top.values.data as Float32Array),
    });
  }

  async function score(req: Request): Promise<Response> {
    if (isBinary(req)) {
      // rows x 64 float64 in the host's byte order (little-endian on
      // x86-64 and arm64), row after row; answered as float64 bytes
      const rowBytes = FEATURES * 8;
      const tooBig = bodyTooLarge(req, 10_000 * rowBytes);
      if (tooBig) return tooBig;
      const buf = await req.arrayBuffer();
      const n = buf.byteLength / rowBytes;
      if (!Number.isInteger(n) || n < 1 || n > 10_000) {
        return json({
          error: `body must be 1..10000 rows of ${FEATURES} float64 ` +
            `(a multiple of ${rowBytes} bytes)`,
        }, 400);
      }
      const X = rp.frombuffer(buf, { dtype: "float64" }).reshape(n, FEATURES);
      if (!rp.all(rp.isfinite(X))) {
        return json({ error: "rows must hold finite numbers" }, 400);
      }
      const p = await scoreRequest(engine, X, weights, bias, false);
      // tobytes(): a copy of its own (8 bytes a row), never a view of
      // memory the library may reuse or that is shared (the wasm heap)
      return new Response(p.tobytes() as Uint8Array<ArrayBuffer>, {
        headers: { "content-type": "application/octet-stream" },
      });
    }
    const body = await req.json() as { rows?: number[][] };
    const r = body.rows;
    if (
      !Array.isArray(r) || r.length === 0 || r.length > 10_000 ||
      !r.every((row) => Array.isArray(row) && row.length === FEATURES)
    ) {
      return json({
        error: `rows must be 1..10000 arrays of ${FEATURES} numbers`,
      }, 400);
    }
    const X = rp.array(r, { dtype: "float64" });
    const p = await scoreRequest(engine, X, weights, bias, true);
    return json({ probabilities: Array.from(p.data as Float64Array) });
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    try {
      if (path === "/health") return new Response("ok");
      if (path === "/ready") {
        const m = engine.metrics();
        const r = readiness(
          { ...m, queueDepth: m.queueDepth + similarBatcher.waiting },
          readyQueue,
        );
        return json(
          r,
          r.ready ? 200 : 503,
          r.ready ? {} : { "retry-after": "1" },
        );
      }
      if (path === "/metrics") {
        return new Response(engine.prometheus() + similarBatcher.prometheus(), {
          headers: { "content-type": "text/plain; version=0.0.4" },
        });
      }
      if (req.method === "POST" && path === "/similar") {
        return await similar(req, url);
      }
      if (req.method === "POST" && path === "/score") return await score(req);
      return json({ error: "not found" }, 404);
    } catch (e) {
      if (e instanceof rp.QueueFullError) {
        return json({ error: "overloaded" }, 503, {
          "retry-after": String(e.retryAfter),
        });
      }
      if (e instanceof DOMException && e.name === "TimeoutError") {
        return json({ error: "timed out" }, 503, { "retry-after": "1" });
      }
      if (e instanceof SyntaxError) return json({ error: "invalid JSON" }, 400);
      return json({ error: String(e) }, 500);
    }
  }

  return { engine, embeddings, weights, bias, handle };
}
