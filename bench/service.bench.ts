/**
 * The example services' compute per request, in-process
 * (`examples/_app.ts`: `scoreRows`, `topSimilar`), against the same
 * computation in numpy-ts and in a plain JS loop, on the same inputs;
 * NumPy runs the same code in its own process (`bench/numpy_service.py`).
 *
 *     deno run -A bench/service.bench.ts      # or: bun bench/service.bench.ts
 *
 * - score: `sigmoid(X @ w + b)`, X float64 rows x 64 (batch 1, 32, 1024, 10000),
 *   as the /score handler computes it from a parsed JSON body;
 * - similar: cosine top-10 of a 384-d float32 query against 100,000 x 384
 *   float32 unit rows (`E @ u`, then the top k);
 * - similar after idle: the same, each call made 20 ms after the last
 *   returned (the runtime's event loop idle in between, as a service's
 *   between requests): a kernel's helper threads are parked by then, so
 *   this row includes waking them. Median of IDLE_CALLS (30) single calls.
 *
 * Interleaved rounds, median per-call time (bench/_harness.ts); ROUNDS,
 * BATCH_MS. raptors is measured twice per case: alone first (`raptorsAlone`,
 * the figure to compare with NumPy's script, which runs alone), then
 * interleaved with the other two (`raptors`). Writes
 * bench/results/service-<runtime>-<backend>.json.
 *
 * @module
 */
import * as rp from "../mod.ts";
import { scoreRows, topSimilar, unit } from "../examples/_app.ts";
import { checkPeerHeap, np } from "./_peer.ts";
import {
  env,
  hashF64,
  runtimeName,
  runtimeVersion,
  saveResults,
} from "./_common.ts";
import { type Impl, measure, median } from "./_harness.ts";

const FEATURES = 64, DIM = 384, ROWS = Number(env("ROWS") ?? 100_000), K = 10;

function scoreCase(batch: number): Record<string, Impl> {
  const x = hashF64(batch * FEATURES, 21), w = hashF64(FEATURES, 22);
  const b = 0.25;
  const X = rp.array(x).reshape(batch, FEATURES), W = rp.array(w);
  // numpy-ts frees a base array's heap memory when the base is collected,
  // even while a reshaped view of it lives: keep the base referenced
  const nBase = np.array(x), nW = np.array(w);
  const nX = nBase.reshape([batch, FEATURES]);
  return {
    raptors: () => scoreRows(X, W, b),
    js: () => {
      const out = new Float64Array(batch);
      for (let i = 0; i < batch; i++) {
        let z = 0;
        for (let j = 0; j < FEATURES; j++) z += x[i * FEATURES + j]! * w[j]!;
        out[i] = 1 / (1 + Math.exp(-(z + b)));
      }
      return out;
    },
    numpyTs: () => {
      void nBase;
      const m = np.matmul(nX, nW);
      const z = np.add(m, b);
      const nz = np.negative(z);
      const e = np.exp(nz);
      const d = np.add(e, 1);
      const r = np.reciprocal(d); // numpy-ts refuses a scalar dividend
      for (const t of [m, z, nz, e, d]) t.dispose?.();
      return r;
    },
  };
}

function similarCase(): Record<string, Impl> {
  // unit rows, as the service stores them
  const raw = hashF64(ROWS * DIM, 31);
  const e = new Float32Array(ROWS * DIM);
  for (let i = 0; i < ROWS; i++) {
    let s = 0;
    for (let j = 0; j < DIM; j++) s += raw[i * DIM + j]! ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < DIM; j++) e[i * DIM + j] = raw[i * DIM + j]! * inv;
  }
  const qv = Float32Array.from(hashF64(DIM, 32));
  const E = rp.array(e).reshape(ROWS, DIM), q = rp.array(qv);
  const nEBase = np.array(e), nq = np.array(qv);
  const nE = nEBase.reshape([ROWS, DIM]);
  return {
    raptors: () => {
      const t = topSimilar(E, unit(q), K);
      t.values.dispose();
      return t.indices;
    },
    js: () => {
      let qq = 0;
      for (let j = 0; j < DIM; j++) qq += qv[j]! * qv[j]!;
      const inv = 1 / (Math.sqrt(qq) || 1);
      const bestI = new Int32Array(K),
        bestV = new Float64Array(K).fill(-Infinity);
      for (let i = 0; i < ROWS; i++) {
        let s = 0;
        const o = i * DIM;
        for (let j = 0; j < DIM; j++) s += e[o + j]! * qv[j]!;
        s *= inv;
        if (!(s > bestV[K - 1]!)) continue;
        let p = K - 1;
        while (p > 0 && bestV[p - 1]! < s) {
          bestV[p] = bestV[p - 1]!;
          bestI[p] = bestI[p - 1]!;
          p--;
        }
        bestV[p] = s;
        bestI[p] = i;
      }
      return bestI;
    },
    numpyTs: () => {
      void nEBase;
      const u = np.divide(nq, np.linalg.norm(nq));
      const s = np.matmul(nE, u);
      const neg = np.negative(s);
      const part = np.argpartition(neg, K - 1);
      const topView = part.slice(`0:${K}`);
      const top = topView.copy(); // (numpy-ts take() over the view read past it)
      const vals = np.take(neg, top);
      const order = np.argsort(vals);
      const r = np.take(top, order);
      for (const t of [u, s, neg, vals, order, top, topView, part]) {
        t.dispose?.();
      }
      return r;
    },
  };
}

if (import.meta.main) {
  const rounds = Number(env("ROUNDS") ?? 9),
    batchMs = Number(env("BATCH_MS") ?? 20);
  console.log(
    `${runtimeVersion}, backend ${rp.backend.name}; µs per request, median of ${rounds} interleaved rounds`,
  );
  const rows: Record<string, unknown>[] = [];
  const show = (name: string, t: Record<string, number>) => {
    rows.push({ case: name, ...t });
    const f = (v: number) => (v / 1e3).toFixed(1).padStart(9);
    console.log(
      `${name.padEnd(34)} raptors ${f(t.raptors!)} (alone ${
        f(t.raptorsAlone!)
      })  js ${f(t.js!)}  numpy-ts ${f(t.numpyTs!)}`,
    );
  };
  // raptors twice: alone, as NumPy's script runs (the figure to compare
  // with NumPy), then interleaved with the JS loop and numpy-ts, which
  // stream their own copies of the inputs between its batches (the
  // figures to compare with each other)
  const both = (
    impls: Record<string, Impl>,
    opts: Parameters<typeof measure>[1],
  ): Record<string, number> => {
    const alone = measure({ raptors: impls.raptors! }, opts).raptors;
    return { ...measure(impls, opts), raptorsAlone: alone };
  };
  for (const batch of [1, 32, 1024, 10000]) {
    show(
      `score sigmoid(X@w+b), ${batch} x 64`,
      both(scoreCase(batch), { rounds, batchMs }),
    );
  }
  const sim = similarCase();
  // the three answer the same question: the same ten rows, in order
  const ids = [
    Array.from((sim.raptors!() as rp.NDArray).data as BigInt64Array, Number),
    Array.from(sim.js!() as Int32Array),
    (sim.numpyTs!() as { toArray(): number[] }).toArray().map(Number),
  ];
  if (ids.some((x) => JSON.stringify(x) !== JSON.stringify(ids[0]))) {
    throw new Error(`top-10 rows differ: ${JSON.stringify(ids)}`);
  }
  show(
    `similar top-10, ${ROWS} x ${DIM} f32`,
    both(sim, { rounds, batchMs: Math.max(batchMs, 50), prime: true }),
  );
  // each call after 20 ms with the event loop idle; raptors alone first,
  // then the three taking turns call by call
  const idleMs = 20, idleCalls = Number(env("IDLE_CALLS") ?? 30);
  const afterIdle = async (impls: Record<string, Impl>) => {
    const times: Record<string, number[]> = {};
    for (const k in impls) times[k] = [];
    for (let c = 0; c < idleCalls; c++) {
      for (const [k, f] of Object.entries(impls)) {
        await new Promise((r) => setTimeout(r, idleMs));
        const t0 = performance.now();
        f();
        times[k]!.push((performance.now() - t0) * 1e6);
      }
    }
    return Object.fromEntries(
      Object.entries(times).map(([k, v]) => [k, median(v)]),
    );
  };
  const idleAlone = (await afterIdle({ raptors: sim.raptors! })).raptors!;
  show(`similar top-10 after ${idleMs} ms idle`, {
    ...(await afterIdle(sim)),
    raptorsAlone: idleAlone,
  });
  checkPeerHeap();
  const file = await saveResults(`service-${runtimeName}-${rp.backend.name}`, {
    runtime: runtimeVersion,
    backend: rp.backend.name,
    unit: "ns per request",
    rows,
  });
  console.log(`saved ${file}`);
}
