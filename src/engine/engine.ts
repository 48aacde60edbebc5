/**
 * The async job engine: heavy array work off the event loop, on a
 * Rust-owned thread pool with a bounded queue, backpressure, cancellation,
 * timeouts and metrics (`rust/src/engine/`).
 *
 * A job is recorded, then submitted: `engine.submit(() => ...)` runs the
 * function once, synchronously, with every kernel call recorded instead of
 * executed (shapes, dtypes and errors are settled right there), and queues
 * the recorded steps as ONE job. The returned promise resolves to the
 * function's result once the job has run.
 *
 * Memory semantics: **copy in, private out.** Every input buffer the job
 * reads is copied when the job is submitted, so whatever the caller does
 * with its arrays afterwards (mutate, drop, transfer/detach, GC) cannot
 * reach the running job, and the job computes on the values at submission.
 * The exception is a read-only array (`a.asReadOnly()`): nothing can write
 * to, expose or free its memory, so jobs read it in place (pinned by
 * reference until they end) — the way to share a large model matrix
 * across many jobs without a copy per job.
 * Results and intermediates are allocated by the recording, reachable by
 * nothing but the job until it ends, and handed out only on success.
 *
 * @module
 */
import { COPY_TAG, STATUS, STEP_SYMBOLS } from "../../ffi/symbols.ts";
import { readEnv } from "../../ffi/load.ts";
import type { NotifyCallback } from "../../ffi/symbols.ts";
import { errorForStatus, library, native, statusError } from "../_native.ts";
import {
  checkSettled,
  holdPending,
  isReadOnly,
  type KernelArg,
  record,
  releasePending,
  STEP_OUTPUT,
} from "./_record.ts";
import { home } from "../core/_arena.ts";
import { isSlabBuffer } from "../core/_slab.ts";
import { isPrivateStorage } from "../core/_pool.ts";
import { show } from "../_show.ts";
import {
  isDetached,
  push,
  SafeMap,
  type SafeWeakSet,
  taBuffer,
  taByteLength,
  taByteOffset,
  taLength,
  taSet,
} from "../_intrinsics.ts";
import { NativeError, RaptorsError } from "../errors.ts";
import {
  AS_NUMBER,
  NDArray,
  SCALAR_RESULT,
  storageOf,
} from "../core/ndarray.ts";
import { Histogram, labelText, prometheusText } from "./_metrics.ts";
import { checkOptions } from "../_typed.ts";
import {
  CLOSE_KEYS,
  type CloseEngineOptions,
  ENGINE_KEYS,
  EngineClosedError,
  type EngineMetrics,
  type EngineOptions,
  JOB_KEYS,
  type JobEvent,
  type JobOptions,
  QueueFullError,
} from "./types.ts";

export {
  ASYNC_KEYS,
  EngineClosedError,
  JOB_KEYS,
  QueueFullError,
} from "./types.ts";
export type {
  AsyncOptions,
  CloseEngineOptions,
  EngineMetrics,
  EngineOptions,
  JobEvent,
  JobOptions,
  Quantiles,
} from "./types.ts";

/**
 * A job's result as the sync code would have returned it: a 0-d array (a
 * full reduction recorded in the job, `rp.sum(x)`) becomes its JS scalar,
 * at the top level and inside a returned array or plain object.
 */
function scalars(r: unknown): unknown {
  if (r instanceof NDArray) {
    if (!SCALAR_RESULT.has(r)) return r;
    return AS_NUMBER.has(r) ? Number(r.item()) : r.item();
  }
  if (Array.isArray(r)) {
    return r.map((v) => v instanceof NDArray ? scalars(v) : v);
  }
  if (r !== null && typeof r === "object") {
    const proto = Object.getPrototypeOf(r);
    if (proto === Object.prototype || proto === null) {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        o[k] = v instanceof NDArray ? scalars(v) : v;
      }
      return o;
    }
  }
  return r;
}

/**
 * `RAPTORS_COPY_POOL_MB` (the engine's pool of input-copy buffers, read by
 * the native engine): a whole number of MiB, else a RangeError here rather
 * than a silently ignored value there.
 */
function checkCopyPoolEnv(): void {
  const v = readEnv("RAPTORS_COPY_POOL_MB");
  if (v !== undefined && v.trim() !== "" && !/^[0-9]+$/.test(v.trim())) {
    throw new RangeError(
      `Engine: RAPTORS_COPY_POOL_MB=${v} is not a whole number of MiB ` +
        "(0 keeps no input-copy buffers; default 128)",
    );
  }
}

const PRIORITY = { high: 0, normal: 1, low: 2 } as const;
interface Pending {
  id: number;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  result: unknown;
  /** Keeps the job's private buffers alive until the native side is done. */
  keep: unknown[];
  /** The job's outputs, pending ({@link holdPending}) until it reports. */
  homes: readonly object[];
  settled: boolean;
  reason?: "cancelled" | "timedOut";
  error?: Error;
  cleanup: () => void;
}

interface Waiter {
  retry: () => boolean;
  fail: (e: Error) => void;
}

const ASYNC_FN = new Set([
  "[object AsyncFunction]",
  "[object AsyncGeneratorFunction]",
  "[object GeneratorFunction]",
]);

function asyncFnError(): TypeError {
  return new TypeError(
    "submit(): the job function must be synchronous (an async function's " +
      "code after its first await runs outside the job, on results that " +
      "do not exist yet); record the array operations in a plain " +
      "function and await the promise submit() returns",
  );
}

function isThenable(v: unknown): boolean {
  return (typeof v === "object" || typeof v === "function") && v !== null &&
    typeof (v as { then?: unknown }).then === "function";
}

/**
 * A private copy of `v`'s bytes (8-byte aligned), for a job that waits
 * for a queue slot: nothing but the job can reach it.
 */
function snapshot(v: ArrayBufferView): Uint8Array {
  const n = taByteLength(v);
  const c = new Uint8Array(new ArrayBuffer((n + 7) & ~7), 0, n);
  taSet(c, new Uint8Array(taBuffer(v) as ArrayBuffer, taByteOffset(v), n), 0);
  return c;
}

function abortError(signal?: AbortSignal): Error {
  const r = signal?.reason;
  if (r instanceof Error) return r;
  return new DOMException("The job was aborted", "AbortError");
}
function timeoutError(ms: number): Error {
  return new DOMException(`The job timed out after ${ms} ms`, "TimeoutError");
}

const isArray = Array.isArray;

/** The memory (by `home`) of the arrays of a job's `lend` option. */
function lentMemory(lend: unknown): object[] {
  const out: object[] = [];
  if (lend === undefined) return out;
  if (!isArray(lend)) {
    throw new TypeError(
      `submit(): lend must be an array of NDArrays, got ${show(lend)}`,
    );
  }
  for (let i = 0; i < lend.length; i++) {
    const a: unknown = lend[i];
    if (!(a instanceof NDArray)) {
      throw new TypeError(`submit(): lend[${i}] is not an NDArray`);
    }
    const st = storageOf(a);
    checkSettled(st, "submit");
    if (isReadOnly(st)) continue; // read in place anyway, and never written
    if (!isPrivateStorage(st)) {
      throw new TypeError(
        `submit(): lend[${i}]: its memory is reachable outside raptors (its ` +
          "data was taken, or it views a caller's buffer: frombuffer), so a " +
          "job cannot read it in place; leave it out of lend and the job " +
          "copies it",
      );
    }
    push(out, home(st));
  }
  return out;
}

/**
 * A job program's u64 words from numbers below 2^53, written as 32-bit
 * halves (no BigInt per word); a negative word `-(i + 1)` is copied input
 * `i`, tagged with `COPY_TAG` (bit 63).
 */
function encodeProgram(
  head: readonly number[],
  steps: readonly number[],
): BigUint64Array {
  const n = head.length + steps.length;
  const prog = new BigUint64Array(n);
  // little-endian halves: every target (x86-64, aarch64, wasm) is
  const half = new Uint32Array(taBuffer(prog), 0, 2 * n);
  const put = (ws: readonly number[], at: number): void => {
    for (let k = 0; k < ws.length; k++, at += 2) {
      const w = ws[k]!;
      if (w < 0) {
        half[at] = -w - 1;
        half[at + 1] = COPY_HIGH;
      } else {
        half[at] = w >>> 0;
        half[at + 1] = Math.floor(w / 4294967296);
      }
    }
  };
  put(head, 0);
  put(steps, 2 * head.length);
  return prog;
}
/** `COPY_TAG`'s high 32-bit half. */
const COPY_HIGH = Number(COPY_TAG >> 32n);

const slot = new Float64Array(1);
const decoder = new TextDecoder();
const POLL_CAP = 64;

/**
 * An engine: worker threads, a bounded queue and its metrics. Prefer the
 * shared {@link defaultEngine} unless a service needs its own limits.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const engine = new rp.Engine({ threads: 1, maxQueue: 16 });
 * const a = rp.array([[1, 2], [3, 4]]);
 * const r = await engine.submit(() => rp.matmul(a, a));
 * assert.deepEqual(r.tolist(), [[7n, 10n], [15n, 22n]]);
 * await engine.close();
 * ```
 */
export class Engine {
  readonly #id: number;
  readonly #threads: number;
  readonly #maxQueue: number;
  readonly #onFull: "reject" | "wait";
  readonly #timeout?: number;
  readonly #onJob?: (e: JobEvent) => void;
  readonly #labels: string;
  readonly #cb: NotifyCallback;
  readonly #pending = new SafeMap<number, Pending>();
  readonly #waiters: Waiter[] = [];
  #closed = false;
  #draining: Promise<void> | null = null;
  readonly #pollOut = new Float64Array(POLL_CAP * 6);
  readonly #pollMsg = new Uint8Array(POLL_CAP * 256);
  readonly #stats = new Float64Array(4);
  readonly #c = {
    submitted: 0,
    completed: 0,
    failed: 0,
    rejected: 0,
    cancelled: 0,
    timedOut: 0,
  };
  readonly #wait = new Histogram();
  readonly #run = new Histogram();
  /**
   * Submissions are held (`rp_engine_submit(.., hold = 1)`): while this
   * thread runs, they wake workers only up to all cores but one, so a
   * burst of submissions keeps a core for the event loop instead of being
   * descheduled behind the jobs it starts. The rest wake at the end of the
   * turn, in a microtask.
   */
  #wakeQueued = false;
  readonly #wakeHeld = (): void => {
    this.#wakeQueued = false;
    // status ignored: an engine closed since has nothing left to wake
    native.rp_engine_wake(this.#id);
  };

  /** A new engine with its own worker threads (see {@link EngineOptions}). */
  constructor(options: EngineOptions = {}) {
    checkOptions(options, "Engine", ENGINE_KEYS);
    checkCopyPoolEnv();
    const threads = options.threads ?? native.rp_num_threads();
    const maxQueue = options.maxQueue ?? 256;
    const intra = options.intraOpThreads ?? 1;
    const nice = options.workerNice;
    const LIMIT = 1 << 20;
    for (
      const [k, v, lo, hi] of [
        ["threads", threads, 1, LIMIT],
        ["maxQueue", maxQueue, 1, LIMIT],
        ["intraOpThreads", intra, 1, LIMIT],
        ["workerNice", nice === undefined ? 0 : nice, 0, 39],
      ] as const
    ) {
      if (!Number.isInteger(v) || v < lo || v > hi) {
        const range = hi === LIMIT ? `>= ${lo}` : `${lo}..${hi}`;
        throw new RangeError(
          `Engine: ${k} must be an integer ${range}, got ${String(v)}`,
        );
      }
    }
    if (
      options.onFull !== undefined && options.onFull !== "reject" &&
      options.onFull !== "wait"
    ) {
      throw new TypeError(`Engine: onFull must be "reject" or "wait"`);
    }
    this.#threads = threads;
    this.#maxQueue = maxQueue;
    this.#onFull = options.onFull ?? "reject";
    this.#timeout = options.timeout;
    this.#onJob = options.onJob;
    this.#labels = labelText(options.labels);
    // 0xFFFFFFFF: the platform's default (engine::NICE_DEFAULT)
    const st = native.rp_engine_new(
      threads,
      maxQueue,
      intra,
      nice ?? 0xFFFFFFFF,
      slot,
    );
    if (st !== 0) throw statusError(st, "Engine");
    this.#id = slot[0]!;
    this.#cb = library.notifyCallback(() => this.#drain());
    native.rp_engine_set_callback(this.#id, this.#cb.pointer);
  }

  /**
   * Runs `fn` as one job: its NDArray operations are recorded (not run) and
   * executed on a worker without returning to JS between them. Resolves to
   * `fn`'s result. Values of arrays computed inside `fn` cannot be read
   * inside it (they do not exist yet); operations whose result size depends
   * on the data (`unique`, `nonzero`) cannot be part of a job.
   */
  submit<T>(fn: () => T, options: JobOptions = {}): Promise<T> {
    try {
      checkOptions(options, "submit", JOB_KEYS);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.#closed) return Promise.reject(new EngineClosedError());
    if (options.signal?.aborted) {
      return Promise.reject(abortError(options.signal));
    }
    if (typeof fn !== "function") {
      return Promise.reject(
        new TypeError("submit(): expected a function that records the job"),
      );
    }
    if (ASYNC_FN.has(Object.prototype.toString.call(fn))) {
      // its code after the first await would run outside the recording,
      // on arrays the job has not computed yet
      return Promise.reject(asyncFnError());
    }
    let rec;
    try {
      rec = record(fn);
    } catch (e) {
      return Promise.reject(e);
    }
    const { result, rec: recording } = rec;
    if (isThenable(result)) return Promise.reject(asyncFnError());
    let lent: object[];
    try {
      // after recording: `fn` may have taken a lent array's `data`
      lent = lentMemory(options.lend);
    } catch (e) {
      return Promise.reject(e);
    }
    if (recording.steps.length === 0) {
      try {
        return Promise.resolve(scalars(result) as T);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    // from here until the job reports, its outputs and the arrays lent to
    // it are untouchable: an array leaked out of `fn` is refused, not read
    // half-written, and lent memory is the job's, like its own
    const homes = recording.homes;
    for (let i = 0; i < lent.length; i++) {
      const h = lent[i]!;
      if (!recording.fresh.has(h)) {
        recording.fresh.add(h);
        push(homes, h);
      }
    }
    holdPending(homes);
    const refuse = (e: unknown): Promise<T> => {
      releasePending(homes);
      return Promise.reject(e);
    };
    // marshal: fresh buffers pinned by reference, everything else copied.
    // Indexed loops and the engine's own collections throughout: what a
    // job reads in place, and what keeps that memory alive, must not hang
    // on an iterator or a method user code can redefine.
    const inputs: ArrayBufferView[] = [];
    const inputIndex = new SafeMap<ArrayBufferView, number>();
    const keep: unknown[] = [result];
    const steps = recording.steps;
    const stepWords: number[] = [steps.length];
    try {
      for (let s = 0; s < steps.length; s++) {
        const step = steps[s]!;
        const name = STEP_SYMBOLS[step.op]!;
        const outs = STEP_OUTPUT[name];
        for (let k = 0; k < outs.length; k++) {
          const out = step.args[outs[k]!];
          if (
            out !== null && typeof out === "object" &&
            !recording.fresh.has(home(out))
          ) {
            throw new RaptorsError(
              `submit(): ${name} would write into memory the job does not own ` +
                "(an array created outside the job, or an out= argument)",
            );
          }
        }
        const args = step.args;
        push(stepWords, step.op);
        push(stepWords, args.length);
        for (let k = 0; k < args.length; k++) {
          push(
            stepWords,
            this.#arg(args[k]!, recording.fresh, inputs, inputIndex, keep),
          );
        }
      }
    } catch (e) {
      return refuse(e);
    }
    const priority = PRIORITY[options.priority ?? "normal"];
    if (priority === undefined) {
      return refuse(
        new TypeError(`submit(): unknown priority ${options.priority}`),
      );
    }
    // the program: the inputs' addresses and byte lengths (from the
    // internal slots), then the steps
    const program = (): BigUint64Array => {
      const head: number[] = [inputs.length];
      for (let k = 0; k < inputs.length; k++) {
        const v = inputs[k]!;
        push(head, library.addressOf(v));
        push(head, taByteLength(v));
      }
      return encodeProgram(head, stepWords);
    };
    let prog = program();
    push(keep, inputs); // readable until submit has copied them
    const timeout = options.timeout ?? this.#timeout;
    // every job that reaches the queue's door is counted once here, and
    // once more as exactly one of completed, failed, rejected, cancelled or
    // timedOut
    this.#c.submitted++;
    return new Promise<T>((resolve, reject) => {
      const attempt = (): boolean | Error => {
        const status = native.rp_engine_submit(
          this.#id,
          prog,
          taLength(prog),
          priority,
          1,
          slot,
        );
        if (status === STATUS.QUEUE_FULL) return false;
        if (status === STATUS.CLOSED) return new EngineClosedError();
        if (status !== 0) {
          return new NativeError(status, "submit(): the job was refused");
        }
        if (!this.#wakeQueued) {
          this.#wakeQueued = true;
          queueMicrotask(this.#wakeHeld);
        }
        this.#track(
          slot[0]!,
          result,
          keep,
          homes,
          resolve as (v: unknown) => void,
          reject,
          options,
          timeout,
        );
        return true;
      };
      const first = attempt();
      if (first === true) return;
      if (first instanceof Error) {
        this.#c.rejected++;
        releasePending(homes);
        return reject(first);
      }
      if (this.#onFull === "reject") {
        this.#c.rejected++;
        releasePending(homes);
        return reject(
          new QueueFullError(
            `the engine's queue is full (${this.#maxQueue} jobs waiting)`,
            1,
          ),
        );
      }
      // "wait": the inputs are copied now, as in every mode, into memory
      // only this job can reach (the caller may change, transfer or free
      // theirs as soon as submit() returns); the retries submit the copies
      for (let i = 0; i < inputs.length; i++) inputs[i] = snapshot(inputs[i]!);
      prog = program();
      // retry as jobs finish, until the deadline or an abort
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter: Waiter = {
        retry: () => {
          const r = attempt();
          if (r === false) return false;
          done();
          if (r instanceof Error) {
            this.#c.rejected++;
            releasePending(homes);
            reject(r);
          }
          return true;
        },
        fail: (e) => {
          done();
          releasePending(homes);
          reject(e);
        },
      };
      const onAbort = () => {
        this.#c.cancelled++;
        waiter.fail(abortError(options.signal));
      };
      const done = () => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        this.#keepAlive();
      };
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          this.#c.timedOut++;
          waiter.fail(timeoutError(timeout));
        }, timeout);
      }
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#keepAlive();
    });
  }

  /**
   * One step argument as a program word: a number as it is, a view in
   * place (its address) or as a copied input (`-(index + 1)`, tagged by
   * {@link encodeProgram}).
   */
  #arg(
    a: KernelArg,
    fresh: SafeWeakSet<object>,
    inputs: ArrayBufferView[],
    index: SafeMap<ArrayBufferView, number>,
    keep: unknown[],
  ): number {
    if (a === null) return 0;
    if (typeof a === "number") {
      if (!Number.isSafeInteger(a) || a < 0) {
        // f64 parameters are not used by step kernels
        throw new TypeError(`submit(): unexpected kernel argument ${a}`);
      }
      return a;
    }
    if (isDetached(taBuffer(a))) {
      throw new TypeError(
        "submit(): an input is a view of a detached ArrayBuffer",
      );
    }
    if (
      fresh.has(home(a)) ||
      // a read-only array's memory is stable, unless it sits in a slab
      // whose other arrays' buffers user code may hold
      (isReadOnly(a) && !isSlabBuffer(taBuffer(a)))
    ) {
      // job-private, or read-only and kept alive by `keep`: used in place
      push(keep, a);
      return library.addressOf(a);
    }
    let i = index.get(a);
    if (i === undefined) {
      i = inputs.length;
      push(inputs, a);
      index.set(a, i);
    }
    return -(i + 1);
  }

  #track(
    id: number,
    result: unknown,
    keep: unknown[],
    homes: readonly object[],
    resolve: (v: unknown) => void,
    reject: (e: unknown) => void,
    options: JobOptions,
    timeout: number | undefined,
  ): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const signal = options.signal;
    const p: Pending = {
      id,
      resolve,
      reject,
      result,
      keep,
      homes,
      settled: false,
      cleanup: () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      },
    };
    const stop = (reason: "cancelled" | "timedOut", err: Error) => {
      if (p.settled) return;
      p.settled = true;
      p.reason = reason;
      p.error = err;
      p.cleanup();
      // reject now; the buffers stay pinned until the native side reports
      reject(err);
      native.rp_engine_cancel(this.#id, id, slot);
    };
    const onAbort = () => stop("cancelled", abortError(signal));
    if (timeout !== undefined) {
      timer = setTimeout(
        () => stop("timedOut", timeoutError(timeout)),
        timeout,
      );
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#pending.set(id, p);
    this.#keepAlive();
  }

  #alive = false;
  #allReported: (() => void) | undefined;
  #checkReported(): void {
    if (this.#allReported !== undefined && this.#pending.size === 0) {
      this.#allReported();
      this.#allReported = undefined;
    }
  }
  /**
   * Keeps the process alive exactly while jobs are in flight or waiting
   * (ref/unref only on transitions: Deno counts references).
   */
  #keepAlive(): void {
    const busy = this.#pending.size > 0 || this.#waiters.length > 0;
    if (busy === this.#alive) return;
    this.#alive = busy;
    if (busy) this.#cb.ref();
    else this.#cb.unref();
  }

  /** Drains finished jobs (called from the notifier's callback). */
  #drain(): void {
    while (true) {
      const st = native.rp_engine_poll(
        this.#id,
        this.#pollOut,
        POLL_CAP,
        this.#pollMsg,
        taLength(this.#pollMsg),
        slot,
      );
      const n = st === 0 ? slot[0]! : 0;
      if (n === 0) break;
      for (let k = 0; k < n; k++) {
        const r = this.#pollOut.subarray(6 * k, 6 * k + 6);
        const id = r[0]!,
          status = r[1]!,
          waitMs = r[2]! / 1e3,
          runMs = r[3]! / 1e3;
        const msg = decoder.decode(
          this.#pollMsg.subarray(r[4]!, r[4]! + r[5]!),
        );
        this.#finish(id, status, waitMs, runMs, msg);
      }
    }
    // free slots: let waiting submitters in, oldest first
    while (this.#waiters.length > 0 && this.#waiters[0]!.retry()) {
      // retry() removed it
    }
    this.#keepAlive();
  }

  #finish(
    id: number,
    status: number,
    waitMs: number,
    runMs: number,
    msg: string,
  ): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    // the native side is done with the outputs: usable (or garbage) now
    releasePending(p.homes);
    this.#checkReported();
    this.#wait.observe(waitMs);
    if (runMs > 0) this.#run.observe(runMs);
    let outcome: JobEvent["outcome"];
    let error: Error | undefined;
    if (p.settled) {
      // cancelled or timed out by JS: whatever the native status, the
      // promise was already rejected and the outputs are dropped
      outcome = p.reason!;
      error = p.error;
    } else if (status === 0) {
      outcome = "completed";
      p.settled = true;
      p.cleanup();
      try {
        p.resolve(scalars(p.result));
      } catch (e) {
        // a throwing getter on the returned object, a disposed output:
        // the job's promise rejects, the engine goes on
        error = e instanceof Error ? e : new Error(String(e));
        outcome = "failed";
        p.reject(error);
      }
    } else if (status === STATUS.CANCELLED) {
      outcome = "cancelled"; // closed without drain
      error = new DOMException(msg || "The job was cancelled", "AbortError");
      p.settled = true;
      p.cleanup();
      p.reject(error);
    } else {
      outcome = "failed";
      error = errorForStatus(status, `engine job: ${msg}`);
      p.settled = true;
      p.cleanup();
      p.reject(error);
    }
    this.#c[outcome]++;
    if (this.#onJob) {
      try {
        this.#onJob({ id, outcome, waitMs, runMs, error });
      } catch {
        // a tracing hook must not break the engine
      }
    }
  }

  /** Counters, gauges and queue-wait/run-time quantiles. */
  metrics(): EngineMetrics {
    native.rp_engine_stats(this.#id, this.#stats);
    return {
      ...this.#c,
      queueDepth: this.#stats[0]! + this.#waiters.length,
      inFlight: this.#pending.size,
      busyThreads: this.#stats[2]!,
      threads: this.#threads,
      queueWaitMs: this.#wait.quantiles(),
      runMs: this.#run.quantiles(),
    };
  }

  /**
   * The metrics in Prometheus' text exposition format (version 0.0.4):
   * `<prefix>_jobs_submitted_total`; `<prefix>_jobs_total` by `outcome`
   * (completed, failed, rejected, cancelled, timed_out: each job once, so
   * the family sums to the finished jobs); the gauges `queue_depth`,
   * `in_flight`, `busy_threads`, `threads`; the histograms
   * `queue_wait_seconds` and `run_seconds`. Every sample carries the
   * engine's constant `labels`. `prefix` must be a valid metric name
   * (`[a-zA-Z_:][a-zA-Z0-9_:]*`), else a RangeError.
   */
  prometheus(prefix = "raptors_engine"): string {
    return prometheusText(
      prefix,
      this.#labels,
      this.metrics(),
      this.#wait,
      this.#run,
    );
  }

  /**
   * Stops accepting jobs. With `drain` (default) the queued and running
   * jobs finish first; otherwise they are cancelled (their promises reject
   * with an `AbortError`). Resolves when every job has settled.
   */
  close(options: CloseEngineOptions = {}): Promise<void> {
    checkOptions(options, "close", CLOSE_KEYS);
    if (this.#draining) return this.#draining;
    this.#closed = true;
    const drain = options.drain ?? true;
    for (const w of this.#waiters.slice()) {
      this.#c.cancelled++;
      w.fail(new EngineClosedError());
    }
    native.rp_engine_close(this.#id, drain ? 1 : 0);
    // settles when the native side has reported every job (#finish)
    this.#draining = new Promise<void>((res) => {
      this.#allReported = res;
      this.#checkReported();
    }).then(() => this.#keepAlive());
    return this.#draining;
  }
}

let shared: Engine | undefined;

/**
 * The engine the `*Async` functions use, created on first use with one
 * worker per core, a queue of 256 and `onFull: "reject"`. Call
 * {@link setDefaultEngine} first to choose other limits.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.ok(rp.defaultEngine() instanceof rp.Engine);
 * ```
 */
export function defaultEngine(): Engine {
  shared ??= new Engine();
  return shared;
}

/**
 * Makes `engine` the one the `*Async` functions use.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const previous = rp.defaultEngine();
 * const engine = new rp.Engine({ threads: 1, maxQueue: 64 });
 * rp.setDefaultEngine(engine);
 * assert.equal(rp.defaultEngine(), engine);
 * rp.setDefaultEngine(previous);
 * await engine.close();
 * ```
 */
export function setDefaultEngine(engine: Engine): void {
  shared = engine;
}
