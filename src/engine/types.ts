/**
 * The engine's public options, events, metrics and errors (what a caller
 * passes to and gets from {@link Engine}); the engine itself is in
 * `engine.ts`, which re-exports these.
 *
 * @module
 */
import { RaptorsError } from "../errors.ts";
import { type OptionKeys, optionKeys } from "../_typed.ts";
import type { NDArray } from "../core/ndarray.ts";
import type { Engine } from "./engine.ts";

/**
 * The queue is full and the engine's policy is `"reject"`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const e = new rp.QueueFullError("the queue is full", 1);
 * assert.ok(e instanceof rp.RaptorsError);
 * assert.equal(e.retryAfter, 1); // seconds, for an HTTP Retry-After header
 * ```
 */
export class QueueFullError extends RaptorsError {
  /** Seconds after which a retry is reasonable (HTTP `Retry-After`). */
  readonly retryAfter: number;
  /** `retryAfter`: seconds after which a retry is reasonable. */
  constructor(message: string, retryAfter: number) {
    super(message);
    this.name = "QueueFullError";
    this.retryAfter = retryAfter;
  }
}

/**
 * The engine was closed.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const engine = new rp.Engine({ threads: 1 });
 * await engine.close();
 * await assert.rejects(engine.submit(() => rp.zeros([1])), rp.EngineClosedError);
 * ```
 */
export class EngineClosedError extends RaptorsError {
  /** An error for a job submitted to, or running on, a closed engine. */
  constructor(message = "the engine is closed") {
    super(message);
    this.name = "EngineClosedError";
  }
}

/** Options of an engine. */
export interface EngineOptions {
  /** Worker threads (default: the available cores). */
  threads?: number;
  /** Jobs that may wait in the queue (default 256). Never unbounded. */
  maxQueue?: number;
  /** When the queue is full: throw `QueueFullError` or wait for a slot. */
  onFull?: "reject" | "wait";
  /** Default per-job timeout in ms (default: none). */
  timeout?: number;
  /** Kernel threads one job may use (default 1: jobs run side by side). */
  intraOpThreads?: number;
  /**
   * How many steps below the creating thread's scheduling priority the
   * worker threads run (Linux nice steps, an integer 0-39; the result is
   * capped at nice 19). Default 10 on Linux, so the event loop that
   * submits jobs gets a core as soon as it wakes instead of waiting behind
   * running jobs (under a saturating load, `/health` p99 0.3-1.7 ms
   * against 3.5-5.6 ms at equal priority; docs/ARCHITECTURE.md, "Workers
   * run below the event loop's priority"). 0 keeps
   * the workers at the creating thread's priority. Thread priorities are
   * supported on Linux only: elsewhere the default is 0 and another value
   * throws. Kernel threads a job uses beyond its worker
   * (`intraOpThreads` > 1) keep their priority. No effect on the
   * WebAssembly backend, whose jobs run on the event loop.
   */
  workerNice?: number;
  /** Called once per finished job (tracing, logs). */
  onJob?: (event: JobEvent) => void;
  /**
   * Constant labels on every sample of {@link Engine.prometheus} (e.g.
   * `{ engine: "scoring" }`), so that two engines' series differ. Names
   * follow Prometheus' label rules (not `__`-prefixed, not `le` or
   * `outcome`); values are any strings.
   */
  labels?: Readonly<Record<string, string>>;
}

export const ENGINE_KEYS: OptionKeys = optionKeys<EngineOptions>({
  threads: 1,
  maxQueue: 1,
  onFull: 1,
  timeout: 1,
  intraOpThreads: 1,
  workerNice: 1,
  onJob: 1,
  labels: 1,
});

/** Per-job options. */
export interface JobOptions {
  /** Cancels the job (queued: removed at once; running: stops between chunks). */
  signal?: AbortSignal;
  /** Milliseconds until the job is cancelled with a `TimeoutError`. */
  timeout?: number;
  /** Queue priority (default "normal"). */
  priority?: "high" | "normal" | "low";
  /**
   * Arrays lent to the job: it reads them in place instead of copying
   * them at submission (the copy is the calling thread's main cost for a
   * large input: ~0.1 ms per MB), and may write into them (`out:`).
   * Until the job settles, any use of a lent array or a view of its
   * memory throws, as for a pending output; afterwards the caller has it
   * back, with whatever the job wrote. Only memory raptors alone can reach
   * can be lent: an array whose `data` was taken, or that views a
   * caller's buffer (`frombuffer`), is refused with a TypeError (leave it
   * out and the job copies it). Read-only arrays are read in place anyway.
   */
  lend?: readonly NDArray[];
}
/** The keys of {@link JobOptions}. */
export const JOB_KEYS: OptionKeys = optionKeys<JobOptions>({
  signal: 1,
  timeout: 1,
  priority: 1,
  lend: 1,
});

/**
 * Options of the `*Async` functions: the job's options and the engine to
 * run on (default: {@link defaultEngine}).
 */
export interface AsyncOptions extends JobOptions {
  /** The engine that runs the job (default: the default engine). */
  engine?: Engine;
}
/** The keys of {@link AsyncOptions}. */
export const ASYNC_KEYS: OptionKeys = optionKeys<AsyncOptions>({
  signal: 1,
  timeout: 1,
  priority: 1,
  lend: 1,
  engine: 1,
});

/** Options of {@link Engine.close}. */
export interface CloseEngineOptions {
  /** Let queued and running jobs finish first (default true). */
  drain?: boolean;
}
export const CLOSE_KEYS: OptionKeys = optionKeys<CloseEngineOptions>({
  drain: 1,
});

/** What {@link EngineOptions.onJob} receives. */
export interface JobEvent {
  /** The job's id (increasing per engine). */
  id: number;
  /** How the job ended. */
  outcome: "completed" | "failed" | "cancelled" | "timedOut";
  /** Time in the queue, ms (0 if unknown). */
  waitMs: number;
  /** Time running, ms. */
  runMs: number;
  /** The error of a failed, cancelled or timed-out job. */
  error?: Error;
}

/** Counters, gauges and histograms of one engine (see {@link Engine.metrics}). */
export interface EngineMetrics {
  /** Jobs accepted (each ends as exactly one outcome below, or is still in flight). */
  submitted: number;
  /** Jobs that completed. */
  completed: number;
  /** Jobs that ended with an error. */
  failed: number;
  /** Jobs refused at submission (a full queue with the `"reject"` policy, or a submission error). */
  rejected: number;
  /** Jobs cancelled (their `signal` aborted). */
  cancelled: number;
  /** Jobs past their `timeout`. */
  timedOut: number;
  /** Jobs waiting for a thread, including those waiting for queue space. */
  queueDepth: number;
  /** Jobs submitted and not yet settled. */
  inFlight: number;
  /** Threads running a job now. */
  busyThreads: number;
  /** The engine's worker threads. */
  threads: number;
  /** Time jobs waited in the queue, ms. */
  queueWaitMs: Quantiles;
  /** Time jobs ran, ms. */
  runMs: Quantiles;
}

/** Quantiles over the most recent jobs (up to 4096). */
export interface Quantiles {
  /** How many jobs the quantiles cover. */
  count: number;
  /** Median. */
  p50: number;
  /** 95th percentile. */
  p95: number;
  /** 99th percentile. */
  p99: number;
  /** Maximum. */
  max: number;
}
