/// <reference lib="deno.worker" />
/**
 * A plain Web Worker of the "JS worker pool" design (Deno and Bun): builds
 * its own copy of the data and answers requests synchronously, one at a
 * time.
 *
 * @module
 */
import { embeddings, numbers, scoreJob, similarJob, weights } from "./_work.ts";

const e = embeddings(), w = weights();
self.onmessage = (
  ev: MessageEvent<{ id: number; kind: "similar" | "score"; i: number }>,
) => {
  const { id, kind, i } = ev.data;
  const out = numbers(
    kind === "similar" ? similarJob(e, i)() : scoreJob(w, i)(),
  );
  self.postMessage({ id, out });
};
self.postMessage({ ready: true });
