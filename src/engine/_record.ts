/**
 * Recording NDArray operations into an engine job.
 *
 * The NDArray paths call kernels through {@link kernel} rather than
 * `native` directly. Normally that is the same call. While
 * {@link record} runs a function, kernel calls are appended to a job
 * program instead, with the exact metadata the synchronous path computed;
 * result arrays are allocated as usual (marked *fresh*: nobody else can
 * reach them) and filled when the job runs. Reading a fresh array's values
 * inside the recording throws, since they do not exist yet.
 *
 * @module
 */
import { STEP_SYMBOLS } from "../../ffi/symbols.ts";
import { native } from "../_native.ts";
import { RaptorsError } from "../errors.ts";
import { home } from "../core/_arena.ts";
import { push, SafeMap, SafeWeakSet } from "../_intrinsics.ts";

type StepName = (typeof STEP_SYMBOLS)[number];
/** A kernel argument: a number (u32/f64) or a view (pointer). */
export type KernelArg = number | ArrayBufferView | null;

/**
 * Which arguments of each step kernel are written (the outputs): they must be
 * job-private, or the job would write into a copy and the result be lost.
 */
export const STEP_OUTPUT: Readonly<Record<StepName, readonly number[]>> = {
  rp_copy_cast: [4],
  rp_ufunc1: [4],
  rp_ufunc2: [6],
  rp_reduce_axis: [4],
  rp_where: [7],
  rp_arg_axis: [4],
  rp_matmul: [5],
  rp_take: [7],
  rp_scan_axis: [4],
  rp_sort: [1],
  rp_argsort: [3],
  rp_searchsorted: [5],
  rp_sort_axis: [4],
  rp_linalg: [2, 5],
  rp_decomp: [2, 6, 7, 8],
  rp_test_gate: [],
  rp_topk: [7, 8],
};

/** One recorded kernel call. */
export interface Step {
  op: number;
  args: KernelArg[];
}

/** What {@link record} collected. */
export interface Recording {
  steps: Step[];
  /** Memory allocated during the recording (job-private), by {@link home}. */
  fresh: SafeWeakSet<object>;
  /** The same memory as a list: held pending while the job is in flight. */
  homes: object[];
}

let current: Recording | null = null;

/** Memory of read-only arrays ({@link markReadOnly}), by {@link home}. */
const readOnly = new SafeWeakSet<object>();
/**
 * How many memories and storage objects were ever marked read-only: while
 * both are 0 (most processes), {@link isWriteProtected} answers without a
 * lookup (a weak-set lookup costs 10-40 ns, a third of a small op's call).
 */
let readOnlyMarks = 0, readOnlyViewMarks = 0;
/** Marks `st`'s memory read-only: no raptors write reaches it from now on. */
export function markReadOnly(st: ArrayBufferView): void {
  readOnlyMarks++;
  readOnly.add(home(st));
}
/** Whether `st` is the memory of a read-only array. */
export function isReadOnly(st: ArrayBufferView): boolean {
  return readOnlyMarks !== 0 && readOnly.has(home(st));
}
/**
 * Storage objects that alias writable memory but may not be written
 * through: the storage of broadcast views (NumPy's `broadcast_to` returns
 * a read-only view, since one element stands for many). Keyed by the
 * storage object, not its memory: the base array stays writable, and its
 * memory is not stable enough for jobs to share it without a copy.
 */
const readOnlyViews = new SafeWeakSet<object>();
/** Marks storage object `st` (an alias of another's memory) read-only. */
export function markReadOnlyView(st: ArrayBufferView): void {
  readOnlyViewMarks++;
  readOnlyViews.add(st);
}
/** Whether `st` itself is a read-only alias ({@link markReadOnlyView}). */
export function isReadOnlyView(st: ArrayBufferView): boolean {
  return readOnlyViewMarks !== 0 && readOnlyViews.has(st);
}
/** Whether nothing may be written through `st` ({@link checkWritable}). */
export function isWriteProtected(st: ArrayBufferView): boolean {
  return (readOnlyViewMarks !== 0 && readOnlyViews.has(st)) ||
    (readOnlyMarks !== 0 && readOnly.has(home(st)));
}
/** Throws when `st` is the memory of a read-only array. */
export function checkWritable(st: ArrayBufferView, fn: string): void {
  if (readOnlyViewMarks !== 0 && readOnlyViews.has(st)) {
    throw new TypeError(
      `${fn}(): assignment destination is read-only (a broadcast view: ` +
        "one element stands for many; write to a copy())",
    );
  }
  if (readOnlyMarks !== 0 && readOnly.has(home(st))) {
    throw new TypeError(`${fn}(): assignment destination is read-only`);
  }
  checkSettled(st, fn);
}

/**
 * Memory of the outputs of engine jobs that have been recorded and not
 * yet settled (queued, waiting for a slot or running), by {@link home}.
 * Nothing may read, write or free it until the job reports: a worker may
 * be writing it right now. Normally unreachable (outputs are handed out
 * when the job resolves); an array leaked out of the job function is
 * refused with a RaptorsError instead of showing garbage.
 */
const pendingMem = new SafeWeakSet<object>();
/** How many memories {@link pendingMem} holds: 0 skips every lookup. */
export let pendingCount = 0;

/** Marks a job's outputs pending (at submission). */
export function holdPending(homes: readonly object[]): void {
  for (let i = 0; i < homes.length; i++) {
    const h = homes[i]!;
    if (!pendingMem.has(h)) {
      pendingMem.add(h);
      pendingCount++;
    }
  }
}
/** Releases a job's outputs (the job settled, or never reached the queue). */
export function releasePending(homes: readonly object[]): void {
  for (let i = 0; i < homes.length; i++) {
    if (pendingMem.delete(homes[i]!)) pendingCount--;
  }
}
/** Throws when `st` is the memory of an engine job's pending output. */
export function checkSettled(st: ArrayBufferView, fn: string): void {
  if (pendingCount !== 0 && pendingMem.has(home(st))) {
    throw new RaptorsError(
      `${fn}(): this array is an output of an engine job that has not ` +
        "settled yet; await the job's promise before using it",
    );
  }
}
/** {@link checkSettled} for every view among kernel arguments. */
function checkArgsSettled(name: string, args: readonly KernelArg[]): void {
  for (const a of args) {
    if (a !== null && typeof a === "object") checkSettled(a, name.slice(3));
  }
}
const STEP_INDEX = new SafeMap<string, number>();
for (let i = 0; i < STEP_SYMBOLS.length; i++) {
  STEP_INDEX.set(STEP_SYMBOLS[i]!, i);
}

/** The recording in progress, if any. */
export function recording(): Recording | null {
  return current;
}

/**
 * Small kernel arguments of the recording in progress (layout metadata,
 * scalar operands) are carved from one off-heap buffer instead of being
 * small TypedArrays of their own: the engine copies every such input at
 * submission, and reading the address of a fresh small TypedArray cost
 * Deno ~0.4 µs each (its elements moved off the V8 heap first), nine or
 * more per job. The buffer is reused by the next recording: a job's
 * inputs are copied before `submit` returns.
 */
let scratch = new ArrayBuffer(16384);
let scratchUsed = 0;

/**
 * `n` zeroed elements of `Ctor` for a kernel argument: from the
 * recording's scratch while a recording runs, else a new TypedArray.
 */
export function argView<T>(
  Ctor: { new (b: ArrayBuffer, o: number, n: number): T; new (n: number): T },
  n: number,
  bytesPer: number,
): T {
  if (current === null) return new Ctor(n);
  const bytes = n * bytesPer;
  let at = (scratchUsed + 7) & ~7;
  if (at + bytes > scratch.byteLength) {
    scratch = new ArrayBuffer(Math.max(16384, bytes));
    at = 0;
  }
  scratchUsed = at + bytes;
  new Uint8Array(scratch, at, bytes).fill(0);
  return new Ctor(scratch, at, n);
}

/** `n` zeroed float64 words of kernel metadata (see {@link argView}). */
export function metaWords(n: number): Float64Array {
  return argView(Float64Array, n, 8);
}

/** Runs `fn`, collecting its kernel calls instead of running them. */
export function record<T>(fn: () => T): { result: T; rec: Recording } {
  if (current) {
    throw new RaptorsError("engine jobs cannot be recorded inside each other");
  }
  const rec: Recording = { steps: [], fresh: new SafeWeakSet(), homes: [] };
  scratchUsed = 0;
  current = rec;
  try {
    return { result: fn(), rec };
  } finally {
    current = null;
  }
}

/**
 * Marks newly allocated memory (a {@link home}) as private to the
 * recording job.
 */
export function noteFresh(mem: object): void {
  if (current !== null && !current.fresh.has(mem)) {
    current.fresh.add(mem);
    push(current.homes, mem);
  }
}

/** Whether `st`'s values are produced by the job being recorded. */
export function isPendingOutput(st: ArrayBufferView): boolean {
  return current?.fresh.has(home(st)) === true;
}

/** Throws when `st`'s values are produced by the job being recorded. */
export function checkReadable(st: ArrayBufferView, fn: string): void {
  if (current?.fresh.has(home(st))) {
    throw new RaptorsError(
      `${fn}(): this array is computed by the engine job being built and ` +
        "has no values yet; return it from the job instead of reading it",
    );
  }
  checkSettled(st, fn);
}

/**
 * Calls kernel `name`, or records it when a recording is in progress.
 * Kernels whose output size depends on the data cannot be recorded.
 */
export function kernel(name: StepName, ...args: KernelArg[]): number {
  if (pendingCount !== 0) checkArgsSettled(name, args);
  if (current) {
    push(current.steps, { op: STEP_INDEX.get(name)!, args });
    return 0;
  }
  return (native[name] as (...a: KernelArg[]) => number)(...args);
}

/** Refuses a data-dependent kernel inside a recording. */
export function notRecordable(
  fn: string,
  why = "the size of its result depends on the data",
): void {
  if (current) {
    throw new RaptorsError(`${fn}() cannot run inside an engine job: ${why}`);
  }
}
