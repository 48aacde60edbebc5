/**
 * The heavy request of the load benchmark, shared by every design: top-10
 * cosine similarity of a query against 100,000 x 128 float32 embeddings
 * (a matrix-vector product and a stable argsort of 100,000 scores,
 * ~10 ms on one core).
 *
 * @module
 */
import * as rp from "../../mod.ts";
import { DIM, randoms } from "../../examples/_app.ts";

export const ROWS = 100_000;
export const K = 10;

/** The embeddings, row-normalized, read-only. */
export function embeddings(): rp.NDArray {
  const raw = rp.asarray(randoms(ROWS * DIM, 42)).reshape(ROWS, DIM);
  const norms = rp.sqrt(
    rp.sum(rp.multiply(raw, raw), { axis: 1, keepdims: true }) as rp.NDArray,
  );
  return rp.divide(raw, norms).astype("float32").asReadOnly();
}

/** The query of request number `i` (deterministic). */
export function query(i: number): rp.NDArray {
  return rp.asarray(randoms(DIM, 1000 + i));
}

/** The job body: the order of the scores (recordable, so it runs anywhere). */
export function rank(e: rp.NDArray, q: rp.NDArray): rp.NDArray {
  return rp.argsort(rp.negative(rp.matmul(e, q)));
}

/** The top-K ids of a finished ranking. */
export function topK(order: rp.NDArray): number[] {
  return Array.from({ length: K }, (_, i) => Number(order.get(i)));
}
