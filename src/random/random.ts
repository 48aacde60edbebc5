/**
 * Random numbers identical to NumPy's: `defaultRng(seed)` returns a
 * {@link Generator} whose PCG64 stream, seeded through NumPy's
 * `SeedSequence`, yields the same values as
 * `numpy.random.default_rng(seed)` for `random` (float64 and float32),
 * `integers` (int64, `endpoint`), `uniform`, `standardNormal` (float64 and
 * float32, NumPy's ziggurat), `normal`, `choice` (with or without
 * replacement, optionally weighted), `permutation` and `shuffle`. The bit
 * generator and the draws run natively (`rust/src/kernels/random.rs`).
 *
 * @module
 */
import { show } from "../_show.ts";
import { taLength } from "../_intrinsics.ts";
import { native, statusError } from "../_native.ts";
import { NDArray, ownArray } from "../core/ndarray.ts";
import { array } from "../core/creation.ts";
import { asShape, sizeOf } from "../core/_shape.ts";
import { type ArrayLikeInput, ufunc2 } from "../ufunc/ufunc.ts";
import { take } from "../array/indexing.ts";
import { cumsumAxis } from "../reduce/reduce.ts";
import { searchsorted } from "../array/sorting.ts";
import { copyInto } from "../core/ndarray.ts";
import { checkOptions, optionKeys } from "../_typed.ts";
import { allocStorage } from "../core/_pool.ts";

/** A shape argument: `undefined` (one scalar), a length, or a shape. */
export type Size = number | readonly number[] | undefined;

const KIND = {
  random: 0,
  random32: 1,
  integers: 2,
  uniform: 3,
  permutation: 4,
  standardNormal: 5,
  standardNormal32: 6,
  normal: 7,
  choiceNoReplace: 8,
} as const;

/** The uint32 words (least significant first) NumPy seeds from. */
function entropyWords(
  seed: number | bigint | readonly number[] | undefined,
): Uint32Array {
  if (seed === undefined) {
    return crypto.getRandomValues(new Uint32Array(4)); // 128 bits, as NumPy
  }
  if (Array.isArray(seed)) {
    const words: number[] = [];
    for (const s of seed) words.push(...entropyWords(s));
    return Uint32Array.from(words);
  }
  if (typeof seed === "number" && !Number.isSafeInteger(seed)) {
    throw new TypeError(`defaultRng(): seed ${seed} is not an integer`);
  }
  if (typeof seed !== "number" && typeof seed !== "bigint") {
    throw new TypeError(
      `defaultRng(): a seed must be a non-negative integer, a bigint or a list of them; got ${
        show(seed)
      }`,
    );
  }
  let v = typeof seed === "bigint" ? seed : BigInt(seed as number);
  if (v < 0n) {
    throw new RangeError("defaultRng(): expected non-negative integer seeds");
  }
  const words: number[] = [];
  do {
    words.push(Number(v & 0xffffffffn));
    v >>= 32n;
  } while (v > 0n);
  return Uint32Array.from(words);
}

/** Options of {@link Generator.random} and {@link Generator.standardNormal}. */
export interface FloatDrawOptions {
  /** float64 (default) or float32 draws. */
  dtype?: "float64" | "float32";
}
const FLOAT_DRAW_KEYS = optionKeys<FloatDrawOptions>({ dtype: 1 });

/** Options of {@link Generator.integers}. */
export interface IntegersOptions {
  /** Draw from [low, high] instead of [low, high). */
  endpoint?: boolean;
  /**
   * The result dtype: "int64" (default), "int32", "uint32" or "uint64",
   * each the same stream as NumPy's. The 8- and 16-bit dtypes and bool,
   * which NumPy draws from 16- and 8-bit slices of its 32-bit output, are
   * not supported yet: a TypeError.
   */
  dtype?: "int64" | "int32" | "uint32" | "uint64";
}
const INTEGERS_KEYS = optionKeys<IntegersOptions>({ endpoint: 1, dtype: 1 });
/** The inclusive bounds of the integer dtypes `integers` draws. */
const INT_BOUNDS: Record<string, readonly [bigint, bigint]> = {
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  int32: [-(1n << 31n), (1n << 31n) - 1n],
  uint32: [0n, (1n << 32n) - 1n],
  uint64: [0n, (1n << 64n) - 1n],
};

/** Options of {@link Generator.choice}. */
export interface ChoiceOptions {
  /** Draw with replacement (default true). */
  replace?: boolean;
  /** The probability of each entry of `a` (default uniform). */
  p?: ArrayLikeInput;
  /** Shuffle a draw without replacement (default true). */
  shuffle?: boolean;
}
const CHOICE_KEYS = optionKeys<ChoiceOptions>({ replace: 1, p: 1, shuffle: 1 });

/**
 * NumPy's `Generator` over PCG64.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const g = new rp.Generator(42);
 * assert.equal(g.random(), 0.7739560485559633); // NumPy's default_rng(42)
 * ```
 */
export class Generator {
  /** PCG64 state: state hi/lo, increment hi/lo, has_uint32, uinteger. */
  readonly #state = new BigUint64Array(6);
  readonly #params = new BigUint64Array(2);
  readonly #paramsF = new Float64Array(this.#params.buffer);

  /** A generator seeded as NumPy's `default_rng(seed)` (no seed: OS entropy). */
  constructor(seed?: number | bigint | readonly number[]) {
    const e = entropyWords(seed);
    const st = native.rp_rng_seed(e, taLength(e), this.#state);
    if (st !== 0) throw statusError(st, "defaultRng");
  }

  #fill(kind: number, out: ArrayBufferView, n: number): void {
    if (n === 0) return;
    const st = native.rp_rng_fill(kind, this.#state, out, n, this.#params);
    if (st !== 0) throw statusError(st, "random");
  }

  /**
   * `size` draws of `kind` into a new array of `dtype` (with the params
   * already set), or one JS scalar when `size` is undefined.
   */
  #draw(
    kind: number,
    dtype: "float64" | "float32" | "int64",
    size: Size,
    fn: string,
  ): NDArray | number | bigint {
    const shape = size === undefined
      ? []
      : asShape(size as number | number[], fn);
    const n = sizeOf(shape);
    // from the array allocator: on the wasm backend, in the module's
    // memory, so later kernels read the draws in place (no copies)
    const out = allocStorage(dtype, n, false, fn);
    this.#fill(kind, out, n);
    const r = ownArray(out, dtype, shape);
    return size === undefined ? (r.item() as number | bigint) : r;
  }

  /**
   * A draw with the `dtype` option (float64 by default, or float32): `kind64`
   * or `kind32`, after checking the options of `fn`.
   */
  #floatDraw(
    kind64: number,
    kind32: number,
    size: Size,
    options: FloatDrawOptions,
    fn: string,
  ): NDArray | number {
    checkOptions(options, fn, FLOAT_DRAW_KEYS);
    const f32 = options.dtype === "float32";
    return this.#draw(
      f32 ? kind32 : kind64,
      f32 ? "float32" : "float64",
      size,
      fn,
    ) as NDArray | number;
  }

  /** Floats in [0, 1): a JS number, or an array of `size`. */
  random(
    size?: Size,
    options: FloatDrawOptions = {},
  ): NDArray | number {
    return this.#floatDraw(KIND.random, KIND.random32, size, options, "random");
  }

  /**
   * Integers in [low, high) (or [low, high] with `endpoint`), int64
   * (bigints); `integers(high)` draws from [0, high).
   */
  integers(
    low: number | bigint,
    high?: number | bigint | null,
    size?: Size,
    options: IntegersOptions = {},
  ): NDArray | bigint | number {
    checkOptions(options, "integers", INTEGERS_KEYS);
    const dtype = options.dtype ?? "int64";
    const bounds = INT_BOUNDS[dtype];
    if (bounds === undefined) {
      throw new TypeError(
        `integers(): dtype ${show(dtype)} is not supported (int64, ` +
          `int32, uint32 and uint64 are; NumPy's 8- and 16-bit and bool ` +
          `draws are not implemented)`,
      );
    }
    let lo = BigInt(low), hi: bigint;
    if (high === undefined || high === null) {
      hi = lo;
      lo = 0n;
    } else hi = BigInt(high);
    if (!options.endpoint) hi -= 1n;
    if (lo < bounds[0]) {
      throw new RangeError(`integers(): low is out of bounds for ${dtype}`);
    }
    if (hi > bounds[1]) {
      throw new RangeError(`integers(): high is out of bounds for ${dtype}`);
    }
    if (lo > hi) throw new RangeError(`integers(): low >= high`);
    if (hi - lo >= 1n << 64n || hi >= 1n << 63n) {
      // the kernel draws int64 offsets; NumPy's uint64 beyond is not here
      throw new RangeError(
        "integers(): bounds above 2**63 - 1 are not supported",
      );
    }
    this.#params[0] = BigInt.asUintN(64, lo);
    this.#params[1] = BigInt.asUintN(64, hi - lo);
    const r = this.#draw(KIND.integers, "int64", size, "integers") as
      | NDArray
      | bigint;
    // the same stream for every dtype: NumPy's 32-bit fills use the same
    // Lemire draws as its 64-bit fill does for a range below 2**32
    if (!(r instanceof NDArray)) {
      return dtype === "int32" || dtype === "uint32" ? Number(r) : r;
    }
    return dtype === "int64" ? r : r.astype(dtype);
  }

  /** Floats uniform in [low, high): `low + (high - low) * random()`. */
  uniform(low = 0, high = 1, size?: Size): NDArray | number {
    this.#paramsF[0] = low;
    this.#paramsF[1] = high - low;
    return this.#draw(KIND.uniform, "float64", size, "uniform") as
      | NDArray
      | number;
  }

  /**
   * Standard normal draws (NumPy's 256-layer ziggurat, the same stream as
   * `standard_normal`), float64 or float32.
   */
  standardNormal(
    size?: Size,
    options: FloatDrawOptions = {},
  ): NDArray | number {
    return this.#floatDraw(
      KIND.standardNormal,
      KIND.standardNormal32,
      size,
      options,
      "standardNormal",
    );
  }

  /** Normal draws `loc + scale * standardNormal()` (float64). */
  normal(loc = 0, scale = 1, size?: Size): NDArray | number {
    if (typeof loc !== "number" || typeof scale !== "number") {
      throw new TypeError("normal(): loc and scale must be numbers");
    }
    if (scale < 0 || Object.is(scale, -0)) {
      throw new RangeError("normal(): scale < 0");
    }
    this.#paramsF[0] = loc;
    this.#paramsF[1] = scale;
    return this.#draw(KIND.normal, "float64", size, "normal") as
      | NDArray
      | number;
  }

  /** NumPy's shuffle order for `n` items: result[i] = items[order[i]]. */
  #order(n: number): NDArray {
    const out = allocStorage("int64", n);
    this.#fill(KIND.permutation, out, n);
    return ownArray(out, "int64", [n]);
  }

  /** A permuted `arange(x)`, or a permuted copy of `x` along axis 0. */
  permutation(x: number | ArrayLikeInput): NDArray {
    if (typeof x === "number") return this.#order(x);
    const a = x instanceof NDArray ? x : array(x);
    if (a.ndim === 0) {
      throw new RangeError(
        "permutation(): x must be an integer or at least 1-dimensional",
      );
    }
    return take(a, this.#order(a.shape[0]!), { axis: 0 });
  }

  /** `count` distinct indices of 0..pop, uniformly (native, NumPy's). */
  #distinct(pop: number, count: number, shuffle: boolean): NDArray {
    const out = allocStorage("int64", count);
    this.#params[0] = BigInt(pop);
    this.#params[1] = shuffle ? 1n : 0n;
    this.#fill(KIND.choiceNoReplace, out, count);
    return ownArray(out, "int64", [count]);
  }

  /**
   * `count` distinct indices drawn with probabilities `p` (NumPy's loop:
   * draw the missing number of uniforms against the CDF of the not yet
   * chosen items, keep first occurrences, repeat).
   */
  #distinctWeighted(p: NDArray, count: number): NDArray {
    const w = Float64Array.from(p.copy()._read("choice") as Float64Array);
    if (w.reduce((n, v) => n + (v > 0 ? 1 : 0), 0) < count) {
      throw new RangeError("choice(): Fewer non-zero entries in p than size");
    }
    const found: number[] = [];
    const cdf = new Float64Array(w.length);
    while (found.length < count) {
      const u = this.random([count - found.length]) as NDArray;
      for (const f of found) w[f] = 0;
      let acc = 0;
      for (let i = 0; i < w.length; i++) cdf[i] = acc += w[i]!;
      const last = cdf[w.length - 1]!;
      for (let i = 0; i < w.length; i++) cdf[i] = cdf[i]! / last;
      const pos = (searchsorted(ownArray(cdf, "float64", [cdf.length]), u, {
        side: "right",
      }) as NDArray).astype("float64").copy()._read("choice") as Float64Array;
      const seen = new Set<number>();
      for (const v of pos) {
        if (!seen.has(v)) {
          seen.add(v);
          found.push(v);
        }
      }
    }
    return ownArray(BigInt64Array.from(found, BigInt), "int64", [count]);
  }

  /** Shuffles `x` in place along axis 0 (NumPy's `shuffle`). */
  shuffle(x: NDArray): void {
    if (x.ndim === 0) {
      throw new RangeError("shuffle(): x must be at least 1-dimensional");
    }
    const p = take(x, this.#order(x.shape[0]!), { axis: 0 });
    copyInto(p, x);
  }

  /**
   * Samples from `a` (an array, or `arange(a)` for a number) uniformly or
   * with probabilities `p`, with replacement (default) or without
   * (`replace: false`; `shuffle: false` keeps NumPy's unshuffled order).
   * The same draws as NumPy's `Generator.choice` in every mode.
   */
  choice(
    a: number | ArrayLikeInput,
    size?: Size,
    options: ChoiceOptions = {},
  ): NDArray | number | bigint {
    checkOptions(options, "choice", CHOICE_KEYS);
    const pop = typeof a === "number"
      ? a
      : (a instanceof NDArray ? a : array(a)).shape[0]!;
    if (typeof a === "number" && !(Number.isSafeInteger(a) && a >= 0)) {
      throw new RangeError("choice(): a must be a non-negative integer");
    }
    const shape = size === undefined
      ? []
      : asShape(size as number | number[], "choice");
    const count = sizeOf(shape.length ? shape : [1]);
    if (pop === 0 || pop === undefined) {
      if (count === 0 && size !== undefined) {
        return ownArray(new BigInt64Array(0), "int64", shape);
      }
      throw new RangeError(
        "choice(): a cannot be empty unless no samples are taken",
      );
    }
    let p: NDArray | null = null;
    if (options.p !== undefined) {
      p = (options.p instanceof NDArray ? options.p : array(options.p))
        .astype("float64");
      if (p.ndim !== 1) {
        throw new RangeError("choice(): p must be 1-dimensional");
      }
      if (p.size !== pop) {
        throw new RangeError("choice(): a and p must have same size");
      }
      const ps = p.copy()._read("choice") as Float64Array;
      if (ps.some((v) => !Number.isFinite(v))) {
        throw new RangeError("choice(): probabilities contain NaN");
      }
      if (ps.some((v) => v < 0)) {
        throw new RangeError("choice(): probabilities are not non-negative");
      }
      const total = ps.reduce((s, v) => s + v, 0);
      if (Math.abs(total - 1) > Math.sqrt(Number.EPSILON)) {
        throw new RangeError("choice(): probabilities do not sum to 1");
      }
    }
    let idx: NDArray;
    if (options.replace === false) {
      if (count > pop) {
        throw new RangeError(
          "choice(): Cannot take a larger sample than population when replace is False",
        );
      }
      idx = p === null
        ? this.#distinct(pop, count, options.shuffle ?? true)
        : this.#distinctWeighted(p, count);
      idx = idx.reshape(shape.length ? shape : [1]);
    } else if (p !== null) {
      let cdf = cumsumAxis(p);
      cdf = ufunc2("divide", cdf, cdf.get(pop - 1) as number);
      const u = this.random(shape.length ? shape : [1]) as NDArray;
      idx = searchsorted(cdf, u, { side: "right" }) as NDArray;
    } else {
      idx = this.integers(0, pop, shape.length ? shape : [1]) as NDArray;
    }
    const r = typeof a === "number"
      ? idx
      : take(a instanceof NDArray ? a : array(a), idx, { axis: 0 });
    return size === undefined ? r.reshape([]).item() as number | bigint : r;
  }
}

/**
 * `numpy.random.default_rng(seed)`: a PCG64 {@link Generator}.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const rng = rp.defaultRng(42);
 * assert.equal(rng.random(), 0.7739560485559633); // NumPy's default_rng(42).random()
 * ```
 */
export function defaultRng(
  seed?: number | bigint | readonly number[],
): Generator {
  return new Generator(seed);
}
