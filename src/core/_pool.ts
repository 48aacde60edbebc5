/**
 * Reuse of large result buffers.
 *
 * A fresh `new Float64Array(1e6)` costs 0.4-0.7 ms in Deno and Bun (the
 * engine zero-fills fresh pages, then page faults and GC pressure follow)
 * where the kernel that fills it takes ~0.25 ms. So results of 1 KiB or
 * more come from a pool of ArrayBuffers in size classes (four per power of
 * two, so at most 25% of a buffer is unused), and go back to it when their
 * NDArray is explicitly disposed (`NDArray.dispose()`, `using`) or, from
 * 256 KiB, when its storage is garbage collected (FinalizationRegistry;
 * smaller classes are recycled by dispose only, see SMALL_CLASS_END). Collection is the
 * weak path: engines run finalizers only after a GC and an event-loop
 * turn, and a GC comes late when the JS heap holds only small wrappers, so
 * in measured loops the pool mostly ran dry and fell back to plain
 * allocation (never slower than without the pool). `dispose` is the fast
 * path, as `dispose()` is for numpy-ts.
 *
 * Safety rules, so a buffer is never handed out twice:
 * - the pool tracks the storage TypedArray that NDArrays (and their views)
 *   share; a buffer returns only when that object is unreachable, or on
 *   `dispose()` of an array that has no views;
 * - a storage that escapes to user code (`NDArray.data`) leaves the pool
 *   for good: its buffer is then ordinary GC-managed memory;
 * - a buffer found detached (transferred by its holder) is dropped.
 *
 * `RAPTORS_POOL_MB` bounds the bytes of idle buffers the pool keeps for
 * reuse (default 128; 0 turns the pool off); they stay resident. A buffer
 * coming back that does not fit first drops idle buffers (largest first),
 * and is dropped itself if it alone is over the budget. Buffers in use
 * are the program's arrays and are not bounded here: bounding them (the
 * design until the twenty-first session) sent every result to a fresh,
 * page-faulting allocation as soon as a program held 128 MiB of arrays,
 * which a service holding its embeddings does from the start. In
 * `bench/kernels.bench.ts`, whose inputs passed that mark, float32 `sin`
 * of 10^6 took 1.41 ms a call against 0.64 with the pool working
 * (`RAPTORS_POOL_MB=1024`), a 10000 x 64 @ 64 x 64 float32 `matmul` 1.59
 * against 0.80 (Deno, one run each, AMD EPYC).
 *
 * @module
 */
import { checkAlloc, maxArrayBytes } from "../_limits.ts";
import {
  SafeWeakMap,
  SafeWeakSet,
  taBuffer,
  taByteLength,
  taByteOffset,
  taLength,
} from "../_intrinsics.ts";
import { isSlabBuffer, SLAB_MAX, slabView, USE_SLABS } from "./_slab.ts";
import {
  type DType,
  dtypeCode,
  itemsize,
  type Storage,
  storageCtor,
} from "./dtype.ts";
import { noteFresh, recording } from "../engine/_record.ts";
import {
  adopt,
  arenaBlock,
  arenaStorage,
  finalizer,
  freeNow,
  pin,
} from "./_arena.ts";
import { readEnv } from "../../ffi/load.ts";
import { backend, library, native } from "../_native.ts";

/**
 * Smallest pooled allocation, in bytes (2^10). Below it: slabs on V8,
 * plain TypedArrays on JavaScriptCore (~0.1 us there). From 1 KiB a fresh
 * TypedArray costs 0.4-2.3 us in Bun and 2-6 us in Deno (zero fill, and
 * GC pressure under sustained allocation: an 8 KB result cost ~24 us per
 * call in a Bun loop), against ~0.5 us for a pooled view and its
 * registrations.
 */
const MIN_CLASS = 10;
/** Largest pooled allocation, in bytes (2^30). */
const MAX_CLASS = 30;

function envNumber(name: string): number | undefined {
  const v = readEnv(name); // without --allow-env: unset, the default applies
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    throw new RangeError(`${name}=${v}: expected a non-negative number`);
  }
  return n;
}

const budget = (envNumber("RAPTORS_POOL_MB") ?? 128) * 2 ** 20;
const free: ArrayBuffer[][] = Array.from(
  { length: 4 * (MAX_CLASS + 1) },
  () => [],
);
/** Bytes of the pooled buffers (classes from 256 KiB) in use or idle. */
let owned = 0;
/** Bytes of the idle ones (on the free stacks): what the budget bounds. */
let idle = 0;
/**
 * Storage objects whose buffer belongs to the pool, with their view count;
 * {@link DISPOSED} for one whose buffer went back to the pool. A disposed
 * storage keeps its entry (marked) instead of being deleted: the pool may
 * hand the same object out again (`lastView`), and in V8 re-inserting a
 * key into a WeakMap costs ~0.2 us (a new ephemeron) where updating one
 * is a few ns.
 */
const views = new SafeWeakMap<Storage, number>();
const DISPOSED = -1;

// (without a FinalizationRegistry, as in workerd, pooled buffers come
// back only through dispose() / `using`)
const registry = finalizer<ArrayBuffer>((buf) => release(buf));

/**
 * Bytes added to each pooled buffer on the native backend, so that its
 * views can start at a 64-byte boundary. V8 places an ArrayBuffer of more
 * than a few KiB at a 16-byte-aligned address, 16 past a cache line (the
 * allocator's header); JavaScriptCore at a 64-byte one. Misaligned, every
 * 64-byte AVX-512 load of a kernel spans two cache lines: the same native
 * `X @ w` (10000x64 float32) took 19.9 us on Deno's arrays and 16.9 on
 * Bun's. Zero on the wasm backend, whose kernels read copies.
 */
const PAD = backend.name === "native" ? 64 : 0;
/** Where the views of each pooled buffer start (its first 64-byte boundary). */
const starts = new SafeWeakMap<ArrayBuffer, number>();

/**
 * Fresh buffers of at least this many bytes ask the kernel for transparent
 * huge pages before their first write (native backend; `rust/src/hugepages.rs`
 * says why and what it measured), as NumPy does for its own arrays of 4 MiB
 * or more. `RAPTORS_HUGEPAGES=0` turns it off.
 */
const HUGE_MIN = 4 * 2 ** 20;
const hugepages = backend.name === "native" && !isOff("RAPTORS_HUGEPAGES");

function isOff(name: string): boolean {
  const v = envNumber(name);
  if (v !== undefined && v !== 0 && v !== 1) {
    throw new RangeError(`${name}=${v}: expected 0 or 1`);
  }
  return v === 0;
}

/**
 * Huge-page advice for a fresh buffer of `bytes` bytes that raptors made
 * and has not written yet (see {@link HUGE_MIN}).
 */
function adviseHuge(buf: ArrayBuffer, bytes: number): void {
  if (hugepages && bytes >= HUGE_MIN) {
    native.rp_advise_hugepages(new Uint8Array(buf), bytes);
  }
}

/** A new buffer for the pool: `size` usable bytes from a 64-byte boundary. */
function newBuffer(size: number): ArrayBuffer {
  const buf = new ArrayBuffer(size + PAD);
  adviseHuge(buf, size + PAD);
  if (PAD > 0) {
    const addr = library.addressOf(new Uint8Array(buf, 0, 1));
    starts.set(buf, (64 - (addr % 64)) % 64);
  }
  return buf;
}

/** The size class of a pooled buffer. */
function classOfBuffer(buf: ArrayBuffer): number {
  return classOf(buf.byteLength - PAD);
}

/** The uint8 dtype code and a zero byte, for {@link zeroFill}'s native path. */
const U8 = dtypeCode("uint8"), ZERO = new Uint8Array(1);
/**
 * Bytes from which {@link zeroFill} runs the library's fill (a memset
 * split over the threads) on the native backend: 10^5 float64 took
 * 12.5-13.5 us with `fill(0)`, 7.9-11 native; 10^6 229-260 against 126;
 * equal at 16384 float64 (Deno and Bun, thirteenth session).
 */
const NATIVE_ZERO_FROM = 1 << 18;

/** Sets every element of `st` to zero. */
function zeroFill(st: Storage): void {
  const bytes = taByteLength(st);
  if (
    bytes >= NATIVE_ZERO_FROM && bytes < 2 ** 32 && backend.name === "native" &&
    native.rp_fill(
        U8,
        new Uint8Array(taBuffer(st), taByteOffset(st), bytes),
        bytes,
        ZERO,
      ) === 0
  ) return;
  const big = st instanceof BigInt64Array || st instanceof BigUint64Array;
  (st as unknown as { fill(v: number | bigint): unknown }).fill(big ? 0n : 0);
}

/**
 * Size class of `bytes`: index `4e + j` holds buffers of `2^e (4 + j) / 4`
 * bytes, the smallest such size that fits.
 */
function classOf(bytes: number): number {
  let e = 31 - Math.clz32(bytes);
  // ceil(4 bytes / 2^e) - 4, in integers while 4 bytes fits 32 bits
  let j = bytes < 2 ** 29
    ? (((bytes << 2) + (1 << e) - 1) >>> e) - 4
    : Math.ceil((bytes / 2 ** e) * 4) - 4;
  if (j === 4) {
    e++;
    j = 0;
  }
  return 4 * e + j;
}
function classBytes(cls: number): number {
  const e = cls >> 2;
  return e < 29
    ? ((1 << e) * (4 + (cls & 3))) / 4
    : (2 ** e * (4 + (cls & 3))) / 4;
}

/**
 * Classes under 256 KiB are recycled through `dispose()` only: no
 * FinalizationRegistry entry (registering and unregistering cost ~0.4 us,
 * as much as the work of a 1000-element add); their idle buffers are
 * capped at {@link SMALL_IDLE_MAX} bytes together, apart from the budget.
 * An undisposed small result is ordinary GC-managed memory. The bound was 64 KiB: `add` of two 10^4-element float64 arrays
 * (an 80 KB result) took 3.6-5.5 us in Deno and 3.3-4.6 in Bun with the
 * registry, 2.9-3.4 and 2.6-2.7 without (three interleaved rounds; `array`
 * of 10^4 float64 2.2-3.2 against 1.8-1.9 in Deno).
 */
const SMALL_CLASS_END = 4 * 18;
const SMALL_IDLE_MAX = 4 * 2 ** 20;
let smallIdle = 0;

/** Drops idle buffers (largest classes first) until `bytes` are freed. */
function evictFree(bytes: number): void {
  for (let c = free.length - 1; c >= SMALL_CLASS_END && bytes > 0; c--) {
    const stack = free[c]!, size = classBytes(c) + PAD;
    while (stack.length > 0 && bytes > 0) {
      stack.pop();
      owned -= size;
      idle -= size;
      bytes -= size;
    }
  }
}

/**
 * Per small class, the storage object last disposed over the buffer on top
 * of its free stack, with its constructor: an allocation of the same type
 * and length takes the object back instead of building a new view (~0.1 us
 * in V8). Only the pool held it: its one NDArray let it go.
 */
const lastView: Array<Storage | undefined> = [];
const lastCtor: Array<unknown> = [];

function release(buf: ArrayBuffer, st?: Storage, ctor?: unknown): void {
  // a detached buffer (transferred by its holder) is dropped: its length
  // reads 0 now, so neither its class nor its bytes can be known
  if (buf.detached) return;
  const cls = classOfBuffer(buf);
  if (cls < SMALL_CLASS_END) {
    if (smallIdle + buf.byteLength > SMALL_IDLE_MAX) return;
    smallIdle += buf.byteLength;
    free[cls]!.push(buf);
    lastView[cls] = st;
    lastCtor[cls] = ctor;
    return;
  }
  const size = buf.byteLength;
  if (idle + size > budget) evictFree(idle + size - budget);
  if (idle + size > budget) {
    owned -= size; // over the budget alone: dropped
    return;
  }
  free[cls]!.push(buf);
  idle += size;
}

/**
 * Bool storage known to hold only 0 and 1: everything raptors allocates
 * (its kernels and stores write 0/1). The NDArray constructor checks any
 * other storage given for a bool array once, since a byte of 2 or 255
 * would be counted, cast and compared as its byte value.
 */
const canonicalBools = new SafeWeakSet<object>();
/** Records that `st` (bool storage) holds only 0 and 1. */
export function markCanonicalBool(st: Storage): void {
  canonicalBools.add(st);
}
/** Whether `st` is known to hold only 0 and 1. */
export function isCanonicalBool(st: Storage): boolean {
  return canonicalBools.has(st);
}

/**
 * Storage for `n` elements of `dtype`. Its contents are unspecified unless
 * `zero` (a pooled buffer may hold an earlier array's values): callers
 * that do not write every element must ask for zeros. Over the
 * `maxArrayBytes` cap (`src/_limits.ts`) it throws a ResourceLimitError
 * (naming `fn` if given) instead of allocating.
 */
export function allocStorage(
  dtype: DType,
  n: number,
  zero = false,
  fn?: string,
): Storage {
  const st = allocRaw(dtype, n, zero, fn);
  if (dtype === "bool") canonicalBools.add(st);
  return st;
}

function allocRaw(
  dtype: DType,
  n: number,
  zero: boolean,
  fn?: string,
): Storage {
  const Ctor = storageCtor(dtype);
  const bytes = n * itemsize(dtype);
  if (bytes > maxArrayBytes()) {
    checkAlloc(fn, n, itemsize(dtype), `an array of ${n} ${dtype} elements`);
  }
  // the wasm backend: in the module's memory, so kernels need no copies
  const inWasm = arenaStorage(
    Ctor as unknown as new (b: ArrayBuffer, o: number, n: number) => Storage,
    n,
    bytes,
  );
  if (inWasm !== undefined) {
    if (zero) zeroFill(inWasm);
    views.set(inWasm, 0);
    noteFresh(arenaBlock(inWasm)!);
    return inWasm;
  }
  if (USE_SLABS && bytes < SLAB_MAX && bytes > 0) {
    const v = slabView(
      Ctor as unknown as new (b: ArrayBuffer, o: number, n: number) => Storage,
      n,
      bytes,
    );
    noteFresh(v); // its own identity (see home() in _arena.ts)
    return v;
  }
  if (bytes < 2 ** MIN_CLASS || bytes > 2 ** MAX_CLASS || budget === 0) {
    const plain = new Ctor(n);
    // (the size first: reading .buffer costs a small array an
    // ArrayBuffer in JavaScriptCore and moves its elements off V8's heap)
    if (bytes >= HUGE_MIN) adviseHuge(taBuffer(plain) as ArrayBuffer, bytes);
    // (reading .buffer makes JavaScriptCore materialize an ArrayBuffer for
    // a small TypedArray, ~0.3 us: only inside a recording)
    if (recording() !== null) noteFresh(plain.buffer);
    // (tiny ones untracked: a WeakSet entry cost Bun ~60 ns an array;
    // see isPrivateStorage)
    if (bytes >= 2 ** MIN_CLASS) plainOwned.add(plain);
    return plain;
  }
  const cls = classOf(bytes);
  const size = classBytes(cls);
  const padded = size + PAD;
  const stack = free[cls]!;
  let buf: ArrayBuffer | undefined;
  let fresh = false;
  if (cls < SMALL_CLASS_END) {
    // dispose-only recycling (see SMALL_CLASS_END)
    const v = lastView[cls];
    lastView[cls] = undefined;
    while ((buf = stack.pop()) !== undefined) {
      smallIdle -= padded;
      if (!buf.detached) break;
    }
    if (buf === undefined) {
      buf = newBuffer(size);
      fresh = true;
    } else if (
      v !== undefined && lastCtor[cls] === Ctor && taLength(v) === n &&
      taBuffer(v) === buf
    ) {
      if (zero) zeroFill(v);
      views.set(v, 0);
      noteFresh(buf);
      return v;
    }
    return pooledView(Ctor, buf, n, zero && !fresh);
  }
  // (a detached buffer reads byteLength 0: its class gives its bytes)
  while ((buf = stack.pop()) !== undefined) {
    idle -= padded;
    if (!buf.detached) break;
    owned -= padded;
  }
  if (buf === undefined) {
    buf = newBuffer(size);
    owned += padded;
    fresh = true;
  }
  const st = pooledView(Ctor, buf, n, zero && !fresh);
  registry.register(st, buf, st);
  return st;
}

/** Storage over a pooled buffer (zeroed if `clear`), counted in `views`. */
function pooledView(
  Ctor: ReturnType<typeof storageCtor>,
  buf: ArrayBuffer,
  n: number,
  clear: boolean,
): Storage {
  const st = new (Ctor as unknown as new (
    b: ArrayBuffer,
    o: number,
    n: number,
  ) => Storage)(buf, starts.get(buf) ?? 0, n);
  if (clear) zeroFill(st);
  views.set(st, 0);
  noteFresh(buf);
  return st;
}

/** Counts one more NDArray over `st` (called by the NDArray constructor). */
export function noteView(st: Storage): void {
  const v = views.get(st);
  if (v !== undefined && v !== DISPOSED) views.set(st, v + 1);
}

/**
 * `st` leaves the pool: user code holds its memory from now on, through
 * `st` or `view` (a view of it).
 */
export function escape(st: Storage, view?: Storage): void {
  outside.add(st); // isPrivateStorage asks this before plainOwned
  if (arenaBlock(st) !== undefined) {
    // wasm memory: a view handed out may spawn views no finalizer can
    // track, so the block is never freed (see pin)
    views.delete(st);
    if (view !== undefined) adopt(st, view);
    pin(st);
    return;
  }
  const v = views.get(st);
  if (v !== undefined && views.delete(st) && v !== DISPOSED) {
    const buf = taBuffer(st) as ArrayBuffer;
    const bytes = buf.byteLength;
    if (classOfBuffer(buf) >= SMALL_CLASS_END) {
      registry.unregister(st);
      owned -= bytes;
    }
  }
}

/**
 * Storage raptors allocated outside the pool (too small or too large for
 * it, or the pool off) whose memory user code has not been given.
 */
const plainOwned = new SafeWeakSet<Storage>();
/**
 * Storage user code can reach: handed out (`data`, {@link escape}) or
 * wrapped by the public NDArray constructor (a caller's TypedArray,
 * `frombuffer`) without raptors knowing it as its own ({@link noteForeign}).
 */
const outside = new SafeWeakSet<Storage>();

/**
 * Called by the public NDArray constructor: `st` is a caller's memory
 * unless raptors already knows it as its own.
 */
export function noteForeign(st: Storage): void {
  if (views.get(st) !== undefined || plainOwned.has(st)) return;
  if (isSlabBuffer(taBuffer(st))) return;
  outside.add(st);
}

/**
 * Whether only raptors can reach `st`'s memory: allocated by raptors (the
 * pool, a slab, or a plain allocation) and never handed to user code
 * (`data`, which moves a slab array to memory of its own first). Memory a
 * caller passed in (`frombuffer`, `new NDArray(typedArray, ...)`) is not.
 * Plain allocations under 1 KiB (Bun's small arrays: no slabs there) are
 * not tracked, for speed: every way user memory becomes an array's
 * storage marks it (`noteForeign`, `escape`), so an unmarked small
 * storage is raptors' own.
 */
export function isPrivateStorage(st: Storage): boolean {
  const v = views.get(st);
  if (v !== undefined) return v !== DISPOSED;
  if (outside.has(st)) return false;
  if (plainOwned.has(st) || isSlabBuffer(taBuffer(st))) return true;
  return taByteLength(st) < 2 ** MIN_CLASS;
}

/**
 * Whether {@link disposeStorage} could free `st` (pooled or wasm memory
 * with one NDArray over it): a check that reads no slot of `st`, so that
 * disposing a small plain array stays cheap (in JavaScriptCore, reading
 * `.buffer` of a small TypedArray materializes an ArrayBuffer).
 */
export function mayDispose(st: Storage): boolean {
  return views.get(st) === 1;
}

/**
 * Returns `st`'s buffer to the pool now, if it is pooled and only one
 * NDArray was ever built over it. Returns whether it did.
 */
export function disposeStorage(st: Storage, ctor?: unknown): boolean {
  // inside an engine job being recorded, buffers stay with the job
  if (views.get(st) !== 1 || recording()) return false;
  if (arenaBlock(st) !== undefined) {
    views.delete(st);
    return freeNow(st);
  }
  views.set(st, DISPOSED);
  const buf = taBuffer(st) as ArrayBuffer;
  if (classOfBuffer(buf) >= SMALL_CLASS_END) registry.unregister(st);
  release(buf, st, ctor);
  return true;
}

/** Pool statistics (bytes), for tests and diagnostics. */
export function poolStats(): { ownedBytes: number; freeBytes: number } {
  let f = 0;
  for (let c = 0; c < free.length; c++) {
    f += free[c]!.length * (classBytes(c) + PAD);
  }
  return { ownedBytes: owned + smallIdle, freeBytes: f };
}

/** The buffer size the pool uses for a request of `bytes` (for tests). */
export function pooledSize(bytes: number): number {
  return classBytes(classOf(bytes));
}

/** Whether `buf` is idle in the pool (for tests). */
export function poolHas(buf: ArrayBufferLike): boolean {
  return free.some((stack) => stack.includes(buf as ArrayBuffer));
}
