/**
 * Small results carved from slabs, on V8 (Deno, Node).
 *
 * V8 keeps a TypedArray of at most 64 bytes inside its heap; a larger one
 * gets an ArrayBuffer with a backing store from the embedder's allocator,
 * which costs 0.5-2 us in Deno (measured 1.57 us for 16 float64s) against
 * ~65 ns for a view of an existing buffer. A request-sized operation
 * (`add` of 16 elements) cannot be sub-microsecond with that, so results
 * under {@link SLAB_MAX} bytes are views carved from 16 KiB ArrayBuffers,
 * bump-allocated and never reused: a slab is freed by the GC once every
 * array carved from it is gone. JavaScriptCore (Bun) allocates small
 * TypedArrays in ~30 ns, faster than a view there (~130 ns), so Bun does
 * not use slabs.
 *
 * Consequences (documented in README):
 * - a long-lived small array keeps its whole slab (16 KiB) alive;
 * - arrays of one slab share an ArrayBuffer, so identity questions (read-
 *   only, job-private) key on the view, not the buffer ({@link home} in
 *   `_arena.ts` asks {@link isSlabBuffer});
 * - `data.buffer` of such an array spans its neighbours: transferring it
 *   detaches them too (they then throw a "detached" TypeError), so send
 *   `data.slice()`.
 *
 * @module
 */
import { SafeWeakSet } from "../_intrinsics.ts";

/** Results of fewer bytes come from slabs (V8 only). */
export const SLAB_MAX = 1024;
const SLAB_BYTES = 16384;

const g = globalThis as { Bun?: unknown; Deno?: unknown; process?: unknown };
/** Whether this runtime carves small results from slabs (V8 runtimes). */
export const USE_SLABS = g.Bun === undefined &&
  (g.Deno !== undefined || g.process !== undefined);

const slabs = new SafeWeakSet<object>();
let slab: ArrayBuffer | null = null;
let used = SLAB_BYTES;

/** Whether `buf` is a slab (its views are separate arrays). */
export function isSlabBuffer(buf: object): boolean {
  return slabs.has(buf);
}

/**
 * A zeroed view of `n` elements (`bytes` bytes, under {@link SLAB_MAX})
 * carved from the current slab, 16-byte aligned.
 */
export function slabView<T>(
  Ctor: new (b: ArrayBuffer, o: number, n: number) => T,
  n: number,
  bytes: number,
): T {
  if (used + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabs.add(slab);
    used = 0;
  }
  const v = new Ctor(slab!, used, n);
  used += (bytes + 15) & ~15;
  return v;
}
