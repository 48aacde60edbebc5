/**
 * The interleaved-rounds timer of the size sweep and the CI speed gate:
 * implementations of one case take turns, each round timing a batch of
 * calls that lasts at least `batchMs`, so a noisy neighbour slows every
 * implementation of a round alike; the answer is the median per-call time
 * over the rounds.
 *
 * @module
 */

/** One implementation: called in a loop; a result with `dispose` is disposed. */
export type Impl = () => unknown;

/**
 * The last result, kept where the JIT must assume it is read: a loop
 * whose result nobody uses can be compiled away (JavaScriptCore sank the
 * allocation of a 16-element plain-JS `add` to 29 ns per call).
 */
export let sink: unknown;

function release(res: unknown): void {
  sink = res;
  if (typeof res === "object" && res !== null) {
    (res as { dispose?: () => void }).dispose?.();
  }
}

/** Calls per batch so that one batch lasts about `batchMs`. */
function calibrate(f: Impl, batchMs: number): number {
  let calls = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) release(f());
    const dt = performance.now() - t0;
    if (dt >= batchMs || calls >= 1 << 22) return calls;
    calls = dt <= 0
      ? calls * 16
      : Math.min(calls * 16, Math.ceil(calls * batchMs * 1.2 / dt));
  }
}

/** The median of `v` (the mean of the two middle values for an even count). */
export function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Times each implementation (ns per call, median of `rounds` interleaved
 * rounds after a warm-up of `warmMs` each). With `prime`, each timed batch
 * is preceded by one untimed call: for inputs of hundreds of MB, where
 * every implementation holds its own copy and the batch before evicted it
 * from the last-level cache, so the first call of a batch would pay a
 * read from DRAM that a process running one implementation alone (NumPy's
 * script) never pays.
 */
export function measure<K extends string>(
  impls: Record<K, Impl>,
  opts: {
    rounds?: number;
    batchMs?: number;
    warmMs?: number;
    prime?: boolean;
  } = {},
): Record<K, number> {
  const rounds = opts.rounds ?? 7, batchMs = opts.batchMs ?? 4;
  const names = Object.keys(impls) as K[];
  const calls = {} as Record<K, number>;
  const times = {} as Record<K, number[]>;
  for (const k of names) {
    // warm-up: let the JIT compile every path before the clock runs
    const until = performance.now() + (opts.warmMs ?? 3 * batchMs);
    while (performance.now() < until) release(impls[k]());
    calls[k] = calibrate(impls[k], batchMs);
    times[k] = [];
  }
  for (let r = 0; r < rounds; r++) {
    // alternate the order too, so no implementation always runs first
    const order = r % 2 ? names.slice().reverse() : names;
    for (const k of order) {
      const f = impls[k], c = calls[k];
      if (opts.prime) release(f());
      const t0 = performance.now();
      for (let i = 0; i < c; i++) release(f());
      times[k].push(((performance.now() - t0) * 1e6) / c);
    }
  }
  const out = {} as Record<K, number>;
  for (const k of names) out[k] = median(times[k]);
  return out;
}
