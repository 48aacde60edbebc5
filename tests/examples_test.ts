/**
 * The example services end to end over real HTTP on loopback: each server
 * flavour this runtime can run (Deno: `Deno.serve` and Hono; Bun:
 * `Bun.serve` and Hono) is started as a subprocess and asked for top-k
 * similarities, scores, metrics, bad input, and more load than its queue
 * holds (503 with Retry-After).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as rp from "../mod.ts";
import {
  Batcher,
  DIM,
  FEATURES,
  randoms,
  readiness,
  SCORE_INLINE_ROWS,
  scoreBatcher,
  scoreRequest,
  scoreRows,
  SimilarBatcher,
  topSimilar,
  unit,
} from "../examples/_app.ts";
import { runtime, test } from "./_shim.ts";

const root = new URL("../", import.meta.url).pathname;

interface Server {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

async function start(
  file: string,
  envExtra: Record<string, string> = {},
): Promise<Server> {
  const g = globalThis as {
    Deno?: { execPath(): string };
    process?: { execPath: string; env: Record<string, string> };
  };
  const [cmd, args] = runtime === "deno"
    ? [g.Deno!.execPath(), [
      "run",
      "--allow-ffi",
      "--allow-env",
      "--allow-read",
      "--allow-net=127.0.0.1",
      file,
    ]]
    : [g.process!.execPath, [file]];
  const proc = spawn(cmd, args, {
    cwd: root,
    env: { ...(g.process?.env ?? {}), ...envVars(), ...envExtra, PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${file} did not start: ${out}`)),
      20_000,
    );
    proc.stdout!.on("data", (d: Uint8Array) => {
      out += new TextDecoder().decode(d);
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.stderr!.on(
      "data",
      (d: Uint8Array) => (out += new TextDecoder().decode(d)),
    );
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}: ${out}`));
    });
  });
  return {
    url,
    proc,
    stop: () =>
      new Promise<void>((res) => {
        proc.removeAllListeners("exit");
        proc.on("exit", () => res());
        proc.kill("SIGKILL");
      }),
  };
}

/** The Deno process's environment, for the child (Bun: process.env). */
function envVars(): Record<string, string> {
  const g = globalThis as {
    Deno?: { env: { toObject(): Record<string, string> } };
  };
  return g.Deno ? g.Deno.env.toObject() : {};
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** The expected answers, computed synchronously from the same data. */
function expectedTopK(vector: number[], k: number, rows: number): number[] {
  const raw = rp.asarray(randoms(rows * DIM, 42)).reshape(rows, DIM);
  const norms = rp.sqrt(
    rp.sum(rp.multiply(raw, raw), { axis: 1, keepdims: true }) as rp.NDArray,
  );
  const e = rp.divide(raw, norms).astype("float32");
  const q = rp.divide(
    rp.array(vector, { dtype: "float32" }),
    Math.hypot(...vector),
  )
    .astype("float32");
  const order = rp.argsort(rp.negative(rp.matmul(e, q)));
  return Array.from({ length: k }, (_, i) => Number(order.get(i)));
}

const flavours = runtime === "deno"
  ? ["examples/deno_serve.ts", "examples/hono.ts"]
  : ["examples/bun_serve.ts", "examples/hono.ts"];

for (const file of flavours) {
  test(`${file}: similarity, scoring, metrics and bad input over HTTP`, async () => {
    const s = await start(file, { ROWS: "5000" });
    try {
      assert.equal(await (await fetch(`${s.url}/health`)).text(), "ok");
      const ready = await fetch(`${s.url}/ready`);
      assert.equal(ready.status, 200);
      const rj = await ready.json() as { ready: boolean; limit: number };
      assert.equal(rj.ready, true);
      assert.equal(rj.limit, 64); // READY_QUEUE defaults to MAX_QUEUE
      const vector = Array.from(randoms(DIM, 99));
      const r = await post(`${s.url}/similar`, { vector, k: 5 });
      assert.equal(r.status, 200);
      const body = await r.json() as { ids: number[]; scores: number[] };
      assert.deepEqual(body.ids, expectedTopK(vector, 5, 5000));
      for (let i = 1; i < 5; i++) {
        assert.ok(body.scores[i - 1]! >= body.scores[i]!);
      }

      const rows = [
        Array.from(randoms(FEATURES, 3)),
        new Array(FEATURES).fill(0),
      ];
      const sr = await post(`${s.url}/score`, { rows });
      assert.equal(sr.status, 200);
      const p = (await sr.json() as { probabilities: number[] }).probabilities;
      const w = rp.asarray(randoms(FEATURES, 7)).astype("float64");
      const z = rp.add(rp.matmul(rp.array(rows), w), 0.25);
      const expect = rp.divide(1, rp.add(1, rp.exp(rp.negative(z))));
      assert.deepEqual(p, expect.tolist());
      assert.ok(Math.abs(p[1]! - 1 / (1 + Math.exp(-0.25))) < 1e-15);
      // a batch over SCORE_INLINE_ROWS: an engine job, the parsed rows lent
      const n = SCORE_INLINE_ROWS + 1;
      const flat = randoms(n * FEATURES, 11);
      const big = Array.from(
        { length: n },
        (_, i) => Array.from(flat.subarray(i * FEATURES, (i + 1) * FEATURES)),
      );
      const br = await post(`${s.url}/score`, { rows: big });
      assert.equal(br.status, 200);
      const bp = (await br.json() as { probabilities: number[] })
        .probabilities;
      const bx = rp.asarray(flat).astype("float64").reshape(n, FEATURES);
      assert.deepEqual(bp, scoreRows(bx, w, 0.25).tolist());

      assert.equal(
        (await post(`${s.url}/similar`, { vector: [1, 2] })).status,
        400,
      );
      assert.equal((await post(`${s.url}/score`, { rows: [[1]] })).status, 400);
      const bad = await fetch(`${s.url}/score`, { method: "POST", body: "{" });
      assert.equal(bad.status, 400);
      await bad.body?.cancel();

      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      assert.match(
        metrics,
        /raptors_engine_jobs_total\{outcome="completed"\} 2\n/,
      );
      assert.match(metrics, /# TYPE raptors_engine_run_seconds histogram/);
    } finally {
      await s.stop();
    }
  });

  test(`${file}: the binary forms (octet-stream bodies, bytes back) answer what the JSON forms answer`, async () => {
    const s = await start(file, { ROWS: "5000" });
    const bin = (path: string, body: ArrayBufferView) =>
      fetch(`${s.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: body as Uint8Array<ArrayBuffer>,
      });
    try {
      // scoring: 3 rows of little-endian float64, float64 bytes back
      const rows = [0, 1, 2].map((i) => Array.from(randoms(FEATURES, 11 + i)));
      const want = await (await post(`${s.url}/score`, { rows })).json() as {
        probabilities: number[];
      };
      const r = await bin("/score", new Float64Array(rows.flat()));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), "application/octet-stream");
      const got = new Float64Array(await r.arrayBuffer());
      assert.deepEqual(Array.from(got), want.probabilities);
      // similarity: 128 float32, k in the query string, JSON back
      const vector = Array.from(randoms(DIM, 99));
      const wantTop = await (await post(`${s.url}/similar`, { vector, k: 7 }))
        .json();
      const t = await bin("/similar?k=7", new Float32Array(vector));
      assert.equal(t.status, 200);
      assert.deepEqual(await t.json(), wantTop);
      // bad bodies are 400s naming the expected layout
      for (
        const [path, body] of [
          ["/score", new Float64Array(FEATURES + 1)],
          ["/score", new Uint8Array(0)],
          ["/score", new Uint8Array(7)],
          ["/similar", new Float32Array(DIM - 1)],
          ["/similar", new Float32Array(DIM).fill(NaN)],
          ["/similar?k=0", new Float32Array(DIM)],
          ["/similar?k=0x10", new Float32Array(DIM)],
          ["/score", new Float64Array(FEATURES).fill(Infinity)],
        ] as const
      ) {
        const b = await bin(path, body);
        assert.equal(b.status, 400, `${path} with ${body.byteLength} bytes`);
        assert.match(
          (await b.json() as { error: string }).error,
          /float|k must|finite/,
        );
      }
      // a body announced over the largest valid one is refused unread
      const big = await bin("/similar", new Float32Array(4 * DIM));
      assert.equal(big.status, 413);
      await big.body?.cancel();
    } finally {
      await s.stop();
    }
  });

  test(`${file}: overload answers 503 with Retry-After, never queues without bound`, async () => {
    const s = await start(file, {
      ROWS: "200000",
      MAX_QUEUE: "2",
      THREADS: "1",
    });
    try {
      const vector = Array.from(randoms(DIM, 5));
      const responses = await Promise.all(
        Array.from(
          { length: 24 },
          () => post(`${s.url}/similar`, { vector, k: 3 }),
        ),
      );
      const codes = responses.map((r) => r.status);
      await Promise.all(responses.map((r) => r.body?.cancel()));
      const shed = responses.filter((r) => r.status === 503);
      assert.ok(shed.length > 0, `no 503 among ${codes}`);
      assert.ok(codes.includes(200), `no 200 among ${codes}`);
      assert.ok(codes.every((c) => c === 200 || c === 503), String(codes));
      for (const r of shed) assert.equal(r.headers.get("retry-after"), "1");
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      // shed by the engine's queue or by the similarity batcher's list
      const rejected = Number(/outcome="rejected"\} (\d+)/.exec(metrics)![1]);
      const batcherShed = Number(
        /raptors_app_similar_shed_total (\d+)/.exec(metrics)![1],
      );
      assert.equal(rejected + batcherShed, shed.length);
      assert.match(metrics, /# TYPE raptors_app_similar_waiting gauge\n/);
    } finally {
      await s.stop();
    }
  });
}

for (const file of flavours) {
  test(`${file}: /ready answers 503 with the queue depth when the queue is at READY_QUEUE`, async () => {
    // READY_QUEUE=0: "saturated" with an empty queue, so the answer does
    // not depend on how fast jobs run
    const s = await start(file, { ROWS: "1000", READY_QUEUE: "0" });
    try {
      const r = await fetch(`${s.url}/ready`);
      assert.equal(r.status, 503);
      assert.equal(r.headers.get("retry-after"), "1");
      const body = await r.json() as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), [
        "busyThreads",
        "limit",
        "queueDepth",
        "ready",
        "threads",
      ]);
      assert.equal(body.ready, false);
      assert.equal(body.limit, 0);
      // liveness is unaffected
      assert.equal(await (await fetch(`${s.url}/health`)).text(), "ok");
    } finally {
      await s.stop();
    }
  });
}

test("readiness(): ready exactly while the queue holds fewer jobs than the limit", async () => {
  const e = new rp.Engine({ threads: 1 });
  const idle = e.metrics();
  await e.close();
  const m = (queueDepth: number) => ({ ...idle, queueDepth });
  assert.equal(readiness(m(0), 4).ready, true);
  assert.equal(readiness(m(3), 4).ready, true);
  assert.equal(readiness(m(4), 4).ready, false);
  assert.equal(readiness(m(9), 4).ready, false);
  assert.deepEqual(readiness(m(5), 4), {
    ready: false,
    queueDepth: 5,
    limit: 4,
    busyThreads: idle.busyThreads,
    threads: 1,
  });
});

test("SimilarBatcher: queries that wait for a slot go out as one batch job, each answer bit for bit what the query alone gets; past maxWaiting it sheds", async () => {
  const engine = new rp.Engine({ threads: 1 });
  try {
    const e = rp.asarray(randoms(3000 * DIM, 42)).reshape(3000, DIM)
      .asReadOnly();
    const b = new SimilarBatcher(engine, e, { slots: 1, maxWaiting: 6 });
    const us = Array.from(
      { length: 7 },
      (_, i) => unit(rp.asarray(randoms(DIM, 100 + i))),
    );
    const ks = [3, 10, 1, 7, 10, 2, 5];
    // one turn: the first takes the only slot, the other six wait and
    // then go as one batch
    const answers = await Promise.all(us.map((u, i) => b.query(u, ks[i]!)));
    assert.equal(engine.metrics().submitted, 2);
    us.forEach((u, i) => {
      const want = topSimilar(e, u, ks[i]!);
      assert.deepEqual(answers[i]!.indices.tolist(), want.indices.tolist());
      const got = answers[i]!.values.data as Float32Array;
      const exp = want.values.data as Float32Array;
      assert.equal(got.length, ks[i]);
      got.forEach((v, j) => assert.ok(Object.is(v, exp[j]), `query ${i}`));
    });
    // one running, six waiting: the eighth is shed
    const more = us.map((u) => b.query(u, 3));
    const shed = b.query(us[0]!, 3);
    await assert.rejects(shed, rp.QueueFullError);
    assert.equal((await Promise.all(more)).length, 7);
  } finally {
    await engine.close();
  }
});

test("scoreBatcher: waiting requests are scored as one matrix, each answered its own rows, bit for bit the unbatched scores; a failing batch rejects every request in it", async () => {
  const engine = new rp.Engine({ threads: 1 });
  try {
    const w = rp.asarray(randoms(FEATURES, 7)).astype("float64").asReadOnly();
    const b = scoreBatcher(engine, w, 0.25, { slots: 1 });
    const sizes = [5, 1, 300, 17, 64];
    const xs = sizes.map((n, i) =>
      rp.asarray(randoms(n * FEATURES, 40 + i)).astype("float64")
        .reshape(n, FEATURES)
    );
    const got = await Promise.all(xs.map((x) => b.submit(x)));
    assert.equal(engine.metrics().submitted, 2); // one alone, four as one
    xs.forEach((x, i) => {
      const want = scoreRows(x, w, 0.25).data as Float64Array;
      const g = got[i]!.data as Float64Array;
      assert.equal(g.length, sizes[i]);
      g.forEach((v, j) => assert.ok(Object.is(v, want[j]), `request ${i}`));
    });
    // a request of the wrong width fails its batch's job: every request
    // in that batch gets the error, and the batcher keeps serving
    const first = b.submit(xs[0]!);
    const bad = rp.ones([3, FEATURES + 1]);
    // outcomes taken at once (a rejection must not wait for a handler)
    const mixed = [b.submit(xs[1]!), b.submit(bad)].map((p) =>
      p.then(() => null, (e: unknown) => e)
    );
    await first;
    for (const e of await Promise.all(mixed)) {
      assert.ok(e instanceof RangeError, String(e));
    }
    assert.equal((await b.submit(xs[2]!)).shape[0], 300);
  } finally {
    await engine.close();
  }
});

test("scoreRequest: small batches inline, large ones as engine jobs with their rows lent; the same bits either way", async () => {
  const engine = new rp.Engine({ threads: 1 });
  try {
    const w = rp.asarray(randoms(FEATURES, 7)).astype("float64").asReadOnly();
    const n = SCORE_INLINE_ROWS;
    const rows = (k: number, seed: number) =>
      rp.asarray(randoms(k * FEATURES, seed)).astype("float64")
        .reshape(k, FEATURES);
    const small = rows(n, 3);
    const r1 = scoreRequest(engine, small, w, 0.25, true);
    assert.ok(r1 instanceof rp.NDArray); // computed on the spot
    assert.equal(engine.metrics().submitted, 0);
    const big = rows(n + 1, 4), bytes = rows(n + 1, 4);
    const p = scoreRequest(engine, big, w, 0.25, true);
    assert.ok(p instanceof Promise);
    // lent: locked until the job settles
    assert.throws(() => big.get(0, 0), /has not settled/);
    const q = scoreRequest(engine, bytes, w, 0.25, false); // copied
    bytes.get(0, 0); // not lent: the caller keeps it
    const [a, b] = await Promise.all([p, q]);
    assert.equal(engine.metrics().submitted, 2);
    const want = scoreRows(rows(n + 1, 4), w, 0.25).data as Float64Array;
    for (const got of [a, b]) {
      const g = got.data as Float64Array;
      assert.equal(g.length, n + 1);
      g.forEach((v, j) => assert.ok(Object.is(v, want[j]), `row ${j}`));
    }
    assert.equal(big.get(0, 0), rows(1, 4).get(0, 0)); // given back, unchanged
  } finally {
    await engine.close();
  }
});

test("Batcher: a job or a split that throws rejects every request of its batch, and the next batch still runs", async () => {
  const engine = new rp.Engine({ threads: 1 });
  try {
    let splitFails = true;
    const b = new Batcher<number, rp.NDArray, number>(engine, {
      job: (qs) => {
        const x = rp.array(qs, { dtype: "float64" });
        return () => rp.multiply(x, 2);
      },
      split: (r, qs) => {
        if (splitFails && qs.length > 1) throw new RangeError("bad split");
        return Array.from(r.data as Float64Array);
      },
    }, { slots: 1 });
    // one alone (answered), then three as one batch whose split throws
    const ps = [1, 2, 3, 4].map((q) =>
      b.submit(q).then((v) => v, (e: unknown) => e)
    );
    const [one, ...rest] = await Promise.all(ps);
    assert.equal(one, 2);
    for (const e of rest) assert.ok(e instanceof RangeError, String(e));
    splitFails = false;
    assert.deepEqual(await Promise.all([5, 6, 7].map((q) => b.submit(q))), [
      10,
      12,
      14,
    ]);
    assert.equal(b.waiting, 0);
  } finally {
    await engine.close();
  }
});
