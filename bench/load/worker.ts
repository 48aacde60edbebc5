/// <reference lib="deno.worker" />
/**
 * A plain Web Worker of the "JS worker pool" design: builds its own copy
 * of the embeddings and answers requests synchronously, one at a time.
 *
 * @module
 */
import { embeddings, query, rank, topK } from "./_work.ts";

const e = embeddings();
self.onmessage = (ev: MessageEvent<{ id: number; i: number }>) => {
  const ids = topK(rank(e, query(ev.data.i)));
  self.postMessage({ id: ev.data.id, ids });
};
self.postMessage({ ready: true });
