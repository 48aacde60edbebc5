/**
 * The heavy requests of the load benchmark, shared by every design: the
 * example services' compute (`examples/_app.ts`) on request-sized inputs.
 *
 * - `/similar`: top-10 cosine similarity of a query against 100,000 x 128
 *   float32 embeddings (a 51 MB matrix-vector product, then the selection
 *   kernel; ~2-4 ms on one core);
 * - `/score`: `sigmoid(X @ w + b)` for a batch of 256 rows x 64 features.
 *
 * Each is a function returning a job body (recordable, so the engine runs
 * it on a worker thread) whose NDArray result {@link numbers} turns into
 * the plain numbers the response carries.
 *
 * @module
 */
import * as rp from "../../mod.ts";
import {
  DIM,
  FEATURES,
  randoms,
  scoreRows,
  topSimilar,
  unit,
} from "../../examples/_app.ts";

export const ROWS = 100_000;
export const K = 10;
/** Rows per /score request. */
export const rows = 256;

/** The embeddings, row-normalized, read-only. */
export function embeddings(): rp.NDArray {
  const raw = rp.asarray(randoms(ROWS * DIM, 42)).reshape(ROWS, DIM);
  const norms = rp.sqrt(
    rp.sum(rp.multiply(raw, raw), { axis: 1, keepdims: true }) as rp.NDArray,
  );
  return rp.divide(raw, norms).astype("float32").asReadOnly();
}

/** The scoring model's weights, read-only. */
export function weights(): rp.NDArray {
  return rp.asarray(randoms(FEATURES, 7)).astype("float64").asReadOnly();
}

/** The unit query of similarity request number `i`. */
export function similarQuery(i: number): rp.NDArray {
  return unit(rp.asarray(randoms(DIM, 1000 + i)));
}

/** The job of similarity request number `i`: the top-K row ids. */
export function similarJob(e: rp.NDArray, i: number): () => rp.NDArray {
  const u = similarQuery(i);
  return () => topSimilar(e, u, K).indices;
}

/** The bias of the scoring model. */
export const BIAS = 0.25;

/** Distinct /score batches; request `i` scores batch `i % SCORE_INPUTS`. */
export const SCORE_INPUTS = 64;
const scoreInputs: rp.NDArray[] = [];

/**
 * The rows of scoring request number `i`: one of {@link SCORE_INPUTS}
 * batches made once and kept read-only, as a request's parsed body is.
 * Generating them per request (16,384 xorshift draws in JS) took 150 µs
 * of the event loop in Deno, most of a request's cost there, and ran on
 * the worker in the worker-pool design but on the event loop in the
 * others; parsing a body is measured apart (`bench/http.bench.mjs`).
 */
export function scoreInput(i: number): rp.NDArray {
  const b = i % SCORE_INPUTS;
  return scoreInputs[b] ??= rp.asarray(randoms(rows * FEATURES, 5000 + b))
    .astype("float64").reshape(rows, FEATURES).asReadOnly();
}

/** The job of scoring request number `i`: the probabilities. */
export function scoreJob(w: rp.NDArray, i: number): () => rp.NDArray {
  const X = scoreInput(i);
  return () => scoreRows(X, w, BIAS);
}

/** A job's result as plain numbers (the response body). */
export function numbers(r: rp.NDArray): number[] {
  return Array.from(r.data as ArrayLike<number | bigint>, Number);
}
