/**
 * What every `*Async` function shares (`src/engine/async.ts`, and the generated
 * `src/engine/async_ufuncs.ts`): operands to NDArrays, the job submission with
 * its options, and the async ufunc makers.
 *
 * @module
 */
import { NDArray } from "../core/ndarray.ts";
import { array, asarray } from "../core/creation.ts";
import {
  ASYNC_KEYS,
  type AsyncOptions,
  defaultEngine,
  Engine,
} from "./engine.ts";
import * as uf from "../ufunc/ufunc.ts";
import type { ArrayLikeInput } from "../ufunc/ufunc.ts";
import { checkOptions, type OptionKeys } from "../_typed.ts";
import { show } from "../_show.ts";

export function nd(x: ArrayLikeInput): NDArray {
  if (x instanceof NDArray) return x;
  return ArrayBuffer.isView(x) ? asarray(x) : array(x);
}

export function noOut(o: { out?: unknown } | undefined, fn: string): void {
  if (o && o.out !== undefined) {
    throw new TypeError(
      `${fn}(): async variants take no 'out' (a job never writes into caller memory)`,
    );
  }
}

/**
 * Submits `fn` to `o.engine` (default: the default engine) with the job's
 * own options (the others are the op's).
 */
export function job<T>(fn: () => T, o: AsyncOptions = {}): Promise<T> {
  const e = o.engine ?? defaultEngine();
  if (!(e instanceof Engine)) {
    return Promise.reject(
      new TypeError(
        `async: the engine option must be an Engine, got ${show(e)}`,
      ),
    );
  }
  return e.submit(fn, {
    signal: o.signal,
    timeout: o.timeout,
    priority: o.priority,
    lend: o.lend,
  });
}

/**
 * The job's keys and those of the sync function an async one runs, built
 * on first use (the sync modules' key sets are not initialized yet while
 * the import cycle through ndarray.ts evaluates this module).
 */
export function withJob(keys: () => OptionKeys): () => OptionKeys {
  let all: Set<string> | undefined;
  return () => {
    if (all === undefined) {
      all = new Set(ASYNC_KEYS);
      for (const k of keys()) all.add(k);
    }
    return all;
  };
}

/**
 * The options an async function hands to the sync function it runs: its
 * own, without the job's (which the sync function would refuse).
 */
export function own<T extends object>(options: T & AsyncOptions): T {
  const r: Record<string, unknown> = {};
  for (const k of Object.keys(options)) {
    if (!ASYNC_KEYS.has(k)) r[k] = (options as Record<string, unknown>)[k];
  }
  return r as T;
}

const UFUNC_JOB = withJob(() => uf.UFUNC_KEYS);

type Op2 = Parameters<typeof uf.ufunc2>[0];
type Op1 = Parameters<typeof uf.ufunc1>[0];

/** An async binary ufunc. */
export type BinaryAsync = (
  a: ArrayLikeInput,
  b: ArrayLikeInput,
  options?: AsyncOptions & { out?: unknown },
) => Promise<NDArray>;
/** An async unary ufunc. */
export type UnaryAsync = (
  a: ArrayLikeInput,
  options?: AsyncOptions & { out?: unknown },
) => Promise<NDArray>;

/**
 * A ufunc job: `fn`'s options checked (the job's and `out`, refused)
 * before anything is submitted; a bad option rejects the promise.
 */
function ufuncJob(
  fn: string,
  options: AsyncOptions & { out?: unknown },
  run: () => NDArray,
): Promise<NDArray> {
  try {
    checkOptions(options, fn, UFUNC_JOB());
    noOut(options, fn);
  } catch (e) {
    return Promise.reject(e);
  }
  return job(run, options);
}

/** The binary ufunc `op` as an engine job (`src/engine/async_ufuncs.ts`). */
export function asyncBinary(op: Op2): BinaryAsync {
  return (a, b, options = {}) =>
    ufuncJob(`${op}Async`, options, () => uf.ufunc2(op, nd(a), nd(b)));
}
/** The unary ufunc `op` as an engine job (`src/engine/async_ufuncs.ts`). */
export function asyncUnary(op: Op1): UnaryAsync {
  return (a, options = {}) =>
    ufuncJob(`${op}Async`, options, () => uf.ufunc1(op, nd(a)));
}
