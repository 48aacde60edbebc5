/**
 * Arrays that live in the WebAssembly backend's memory.
 *
 * On the wasm backend a kernel can only address the module's linear
 * memory, so an argument anywhere else is copied in and out of every call
 * (`ffi/wasm.ts`). NDArray results of {@link ARENA_MIN} bytes or more are
 * therefore allocated *in* that memory (by the Rust heap, `rp_wasm_alloc_keep`)
 * and passed to kernels by address: no copy at all. That is safe because the
 * memory is grown once, at start-up, to a fixed size and never again (see
 * `rust/src/arena.rs`), so these views never detach.
 *
 * Lifetime: a block is freed when every JS object that can reach it (the
 * storage TypedArray NDArrays share, and each `data` view handed to user
 * code) has been garbage collected, or at once by `dispose()` when no view
 * was ever made. A scratch reserve (a quarter of the heap, at least 16 MiB)
 * is never given to arrays, so kernels keep room for their work buffers;
 * when arrays would eat into it, new results are ordinary TypedArrays
 * (copied per call, as any user TypedArray is).
 *
 * All arrays in wasm memory share one `ArrayBuffer`, so "the same buffer"
 * no longer means "the same array": {@link home} names the memory an array
 * owns (its block, or its ArrayBuffer elsewhere), and overlap is decided by
 * byte ranges ({@link overlaps}).
 *
 * @module
 */
import {
  SafeWeakMap,
  taBuffer,
  taByteLength,
  taByteOffset,
  taKind,
} from "../_intrinsics.ts";
import { isSlabBuffer } from "./_slab.ts";
import { library } from "../_native.ts";
import { ARENA_MIN } from "../../ffi/wasm.ts";

interface Block {
  /** The wasm memory it was allocated in (a reset instance has another). */
  mem: ArrayBuffer;
  ptr: number;
  /** Live JS objects that can reach the block. */
  holders: number;
  /** Never freed: its memory was handed to user code ({@link pin}). */
  pinned?: boolean;
}

const arena = library.arena;
const blocks = new SafeWeakMap<object, Block>();

function dropHolder(b: Block): void {
  if (--b.holders === 0) arena!.free(b.mem, b.ptr);
}

/**
 * A FinalizationRegistry calling `cleanup`, or, where the runtime has none
 * (workerd), one that never calls it: memory then comes back only through
 * `dispose()`.
 */
export function finalizer<T>(
  cleanup: (held: T) => void,
): Pick<FinalizationRegistry<T>, "register" | "unregister"> {
  return typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<T>(cleanup)
    : { register: () => {}, unregister: () => false };
}

const registry = finalizer(dropHolder);
/** Second views of slab arrays (broadcast, `data`) -> the array's identity. */
const slabAlias = new SafeWeakMap<object, object>();

/**
 * Storage for `n` elements in wasm memory, or undefined (not the wasm
 * backend, too small, or no room outside the scratch reserve). Contents
 * are unspecified (memory is reused).
 */
export function arenaStorage<T extends ArrayBufferView>(
  Ctor: new (b: ArrayBuffer, o: number, n: number) => T,
  n: number,
  bytes: number,
): T | undefined {
  if (arena === undefined || bytes < ARENA_MIN) return undefined;
  const ptr = arena.alloc(bytes);
  if (ptr === 0) return undefined;
  const mem = arena.memory();
  const st = new Ctor(mem, ptr, n);
  const b: Block = { mem, ptr, holders: 1 };
  blocks.set(st, b);
  registry.register(st, b, st);
  return st;
}

/** The block `v` holds, if it is an array in wasm memory. */
export function arenaBlock(v: object): object | undefined {
  return blocks.get(v);
}

/**
 * `view` (a view of `st`'s memory handed to user code, or another storage
 * over it) keeps `st`'s block alive too, for as long as it lives.
 */
export function adopt(st: ArrayBufferView, view: ArrayBufferView): void {
  // a second view of a slab array has that array's identity (home)
  if (taKind(st) !== undefined && isSlabBuffer(taBuffer(st))) {
    slabAlias.set(view, home(st));
  }
  const b = blocks.get(st);
  if (b === undefined || view === st || blocks.has(view)) return;
  b.holders++;
  blocks.set(view, b);
  registry.register(view, b);
}

/**
 * `st`'s block is never freed: user code got a view of it (`data`), and
 * views made from that view (`subarray`, `new Float64Array(v.buffer,
 * ...)`) all share the one wasm memory buffer, so no finalizer can tell
 * when the last of them is gone. Freeing the block when the tracked views
 * die let a kept `data.subarray()` read and write the next array given
 * that memory. Pinned blocks are counted in {@link wasmHeap}.
 */
export function pin(st: ArrayBufferView): void {
  const b = blocks.get(st);
  if (b === undefined || b.pinned) return;
  b.pinned = true;
  b.holders++;
  pinnedBytes += taByteLength(st);
}
let pinnedBytes = 0;

/**
 * Frees `st`'s block now (its only holder is being disposed). Returns
 * false if `st` is not in wasm memory or something else still holds it.
 */
export function freeNow(st: ArrayBufferView): boolean {
  const b = blocks.get(st);
  if (b === undefined || b.holders !== 1) return false;
  registry.unregister(st);
  blocks.delete(st);
  dropHolder(b);
  return true;
}

/**
 * The memory `v` owns, as an identity: its block in wasm memory, else its
 * ArrayBuffer (a view of wasm memory raptors did not allocate, or of a
 * slab of small results, is its own).
 */
export function home(v: ArrayBufferView): object {
  const buf = taBuffer(v);
  // a view of a slab (small results, _slab.ts) is its own memory, or that
  // of the array it was adopted from
  if (isSlabBuffer(buf)) return slabAlias.get(v) ?? v;
  if (arena === undefined) return buf; // native: no wasm memory
  const b = blocks.get(v);
  if (b !== undefined) return b;
  return buf === arena.memory() ? v : buf;
}

/** Whether the bytes of `a` and `b` overlap. */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const ao = taByteOffset(a), bo = taByteOffset(b);
  return taBuffer(a) === taBuffer(b) &&
    ao < bo + taByteLength(b) && bo < ao + taByteLength(a);
}

/**
 * The wasm heap's size, free bytes and bytes pinned by `data` ({@link pin});
 * undefined on the native backend.
 */
export function wasmHeap():
  | { size: number; free: number; pinned: number }
  | undefined {
  return arena === undefined
    ? undefined
    : { ...arena.stats(), pinned: pinnedBytes };
}
