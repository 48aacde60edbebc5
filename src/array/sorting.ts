/**
 * Sorting and searching of NDArrays, as NumPy: `sort` (a sorted copy),
 * `argsort` (stable), `partition` / `argpartition` (O(n) selection),
 * `searchsorted`, `takeAlongAxis`, and `topk`. Along any axis (default
 * the last; `axis: null` sorts the flattened array); NaN orders last and
 * -0.0 equals 0.0. All of them go through the kernel recorder, so they
 * also work inside engine jobs (`searchsorted` and `topk` included).
 *
 * @module
 */
import { taLength } from "../_intrinsics.ts";
import {
  fresh,
  isCContiguous,
  NDArray,
  ownArray,
  storageOf,
} from "../core/ndarray.ts";
import { array } from "../core/creation.ts";
import { dtypeCode, resultType } from "../core/dtype.ts";
import { kernel, pendingCount, recording } from "../engine/_record.ts";
import { allocStorage } from "../core/_pool.ts";
import { native, statusError } from "../_native.ts";
import { normAxis } from "../core/_shape.ts";
import { laneKernel } from "../reduce/reduce.ts";
import {
  type ArrayLikeInput,
  asNd as nd,
  checkedNd,
  ufunc2,
} from "../ufunc/ufunc.ts";
import { take } from "./indexing.ts";
import { checkOptions, listArg, maxArgs, optionKeys } from "../_typed.ts";
import { show } from "../_show.ts";

/** Options of {@link sortNd} and {@link argsortNd}. */
export interface SortOptions {
  /** The axis to sort along (default -1); `null` sorts the flattened array. */
  axis?: number | null;
  /**
   * NumPy's `kind`: every kind gives the same result here ("stable" is
   * always honoured: `argsort` is stable, equal values are equal in `sort`).
   */
  kind?: "quicksort" | "mergesort" | "heapsort" | "stable";
  /** Accepted for NumPy compatibility (argsort is always stable). */
  stable?: boolean;
}
export const SORT_KEYS = optionKeys<SortOptions>({
  axis: 1,
  kind: 1,
  stable: 1,
});

/** Options of {@link partition} and {@link argpartition}. */
export interface PartitionOptions {
  /** The axis to partition along (default -1); `null`: the flattened array. */
  axis?: number | null;
}
const PARTITION_KEYS = optionKeys<PartitionOptions>({ axis: 1 });

/** Options of {@link searchsorted}. */
export interface SearchsortedOptions {
  /** "left": the first suitable index (default); "right": the last. */
  side?: "left" | "right";
  /**
   * Indices that sort `a` (as `argsort(a)` gives): `a` itself need not be
   * sorted, and the result indexes `a` in that order.
   */
  sorter?: ArrayLikeInput;
}
const SEARCHSORTED_KEYS = optionKeys<SearchsortedOptions>({
  side: 1,
  sorter: 1,
});

/** Options of {@link digitize}. */
export interface DigitizeOptions {
  /** Whether a value equal to an edge goes to the bin on its left. */
  right?: boolean;
}
const DIGITIZE_KEYS = optionKeys<DigitizeOptions>({ right: 1 });

const KINDS: ReadonlySet<unknown> = new Set([
  undefined,
  null,
  "quicksort",
  "mergesort",
  "heapsort",
  "stable",
]);

/**
 * Checks the values of sort options: `kind` one of NumPy's kinds,
 * `stable` a boolean, and (for a 1-d TypedArray sorted by the flat API,
 * `ndim` 1) `axis` within the array.
 */
export function checkSortOptions(
  options: SortOptions,
  ndim: number | undefined,
  fn: string,
): void {
  if (!KINDS.has(options.kind)) {
    throw new RangeError(
      `${fn}(): kind must be "quicksort", "mergesort", "heapsort" or ` +
        `"stable", got ${show(options.kind)}`,
    );
  }
  const st = options.stable;
  if (st !== undefined && st !== null && typeof st !== "boolean") {
    throw new TypeError(`${fn}(): stable must be a boolean`);
  }
  if (
    ndim !== undefined && options.axis !== undefined && options.axis !== null
  ) {
    normAxis(options.axis, ndim, fn);
  }
}

const OP = { sort: 0, argsort: 1, partition: 2, argpartition: 3 } as const;

function laneOp(
  op: keyof typeof OP,
  a: ArrayLikeInput,
  axisOpt: number | null | undefined,
  kth = 0,
): NDArray {
  let x = nd(a);
  let axis: number;
  if (axisOpt === null) {
    x = x.ravel();
    axis = 0;
  } else axis = normAxis(axisOpt ?? -1, x.ndim, op); // 0-d: AxisError, as NumPy
  if (x.dtype === "bool") x = x.astype("uint8");
  const indices = op === "argsort" || op === "argpartition";
  const dtype = indices ? "int64" : x.dtype;
  const out = ownArray(allocStorage(dtype, x.size), dtype, x.shape.slice());
  if (op === "partition" || op === "argpartition") {
    const n = x.shape[axis]!;
    if (!Number.isInteger(kth)) {
      throw new TypeError(`${op}(): kth must be an integer, got ${show(kth)}`);
    }
    // NumPy checks kth per lane: an empty array has none to check
    if (x.size > 0 && (kth < -n || kth >= n)) {
      throw new RangeError(`${op}(): kth(=${kth}) out of bounds (${n})`);
    }
    kth = kth < 0 ? kth + n : kth;
  }
  if (x.size > 0) laneKernel("rp_sort_axis", OP[op], x, out, axis, op, kth);
  const orig = nd(a);
  if (!indices && orig.dtype === "bool") return out.astype("bool");
  return out;
}

/** A sorted copy along `axis` (NumPy's `np.sort`; NaN last). */
export function sortNd(a: ArrayLikeInput, options: SortOptions = {}): NDArray {
  checkOptions(options, "sort", SORT_KEYS);
  checkSortOptions(options, undefined, "sort");
  return laneOp("sort", a, options.axis);
}

/** The stable sorting permutation along `axis` (int64; NaN last). */
export function argsortNd(
  a: ArrayLikeInput,
  options: SortOptions = {},
): NDArray {
  checkOptions(options, "argsort", SORT_KEYS);
  checkSortOptions(options, undefined, "argsort");
  const x = nd(a);
  if (
    x.ndim === 0 &&
    (options.axis === undefined || options.axis === -1 || options.axis === 0)
  ) {
    // NumPy's argsort of a 0-d array: [0] (its sort is an AxisError)
    return array([0n], { dtype: "int64" });
  }
  return laneOp("argsort", x, options.axis);
}

/**
 * A copy with the `kth` element (along `axis`) where sorting would put it,
 * no larger one before it and no smaller one after (NumPy's `partition`;
 * O(n) per lane). `kth` may be negative.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const p = rp.partition([5, 1, 4, 2], 1);
 * assert.equal(p.get(1), 2n); // the 2nd smallest, in place
 * ```
 */
export function partition(
  a: ArrayLikeInput,
  kth: number,
  options: PartitionOptions = {},
): NDArray {
  return partitionOp("partition", a, kth, options);
}

/**
 * The indices that would partition `a` (NumPy's `argpartition`; int64).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const i = rp.argpartition([5, 1, 4, 2], 0);
 * assert.equal(i.get(0), 1n); // the index of the smallest
 * ```
 */
export function argpartition(
  a: ArrayLikeInput,
  kth: number,
  options: PartitionOptions = {},
): NDArray {
  return partitionOp("argpartition", a, kth, options);
}

/** {@link partition} and {@link argpartition}: their options, then the lanes. */
function partitionOp(
  op: "partition" | "argpartition",
  a: ArrayLikeInput,
  kth: number,
  options: PartitionOptions,
): NDArray {
  checkOptions(options, op, PARTITION_KEYS);
  return laneOp(op, a, options.axis, kth);
}

/**
 * Where to insert `v` into the sorted 1-d `a` to keep it sorted (NumPy's
 * `searchsorted`; `side` "left": first suitable index, "right": last). A
 * scalar `v` gives a number, an array an int64 array of its shape.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.searchsorted([1, 2, 3], 2.5), 2);
 * ```
 */
export function searchsorted(
  a: ArrayLikeInput,
  v: ArrayLikeInput,
  options: SearchsortedOptions = {},
): NDArray | number {
  let x = checkedNd(options, "searchsorted", SEARCHSORTED_KEYS, a);
  if (x.ndim !== 1) throw new RangeError("searchsorted(): a must be 1-d");
  if (options.sorter !== undefined) {
    const s = nd(options.sorter);
    const k = s.dtype[0];
    if (k !== "i" && k !== "u") {
      throw new TypeError(
        `searchsorted(): sorter must only contain integers, got ${s.dtype}`,
      );
    }
    if (s.ndim !== 1 || s.size !== x.size) {
      throw new RangeError("searchsorted(): sorter.size must equal a.size");
    }
    const n = x.size;
    for (const i of s.astype("float64").tolist() as number[]) {
      if (!(i >= 0 && i < n)) {
        throw new RangeError("searchsorted(): Sorter index out of range.");
      }
    }
    x = take(x, s);
  }
  const side = options.side ?? "left";
  if (side !== "left" && side !== "right") {
    throw new TypeError(
      `searchsorted(): side must be "left" or "right", got ${side}`,
    );
  }
  const scalar = typeof v === "number" || typeof v === "bigint" ||
    typeof v === "boolean";
  let y = nd(v);
  const dt = resultType(x.dtype, y.dtype) === "bool"
    ? "uint8"
    : resultType(x.dtype, y.dtype);
  const xs = x.astype(dt).copy(), ys = y.astype(dt).copy();
  y = ys;
  const out = ownArray(
    allocStorage("int64", y.size),
    "int64",
    y.shape.slice(),
  );
  if (y.size > 0) {
    const st = kernel(
      "rp_searchsorted",
      dtypeCode(dt),
      storageOf(xs),
      xs.size,
      storageOf(ys),
      ys.size,
      storageOf(out),
      side === "right" ? 1 : 0,
    );
    if (st !== 0) throw statusError(st, "searchsorted");
  }
  return scalar ? Number(out.item()) : out;
}

/**
 * Picks values along `axis` at `indices` (same number of dimensions as
 * `a`, other axes broadcast): NumPy's `take_along_axis`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const a = rp.array([[10, 30, 20]]);
 * const i = rp.argsort(a, { axis: 1 });
 * assert.deepEqual(rp.takeAlongAxis(a, i, 1).tolist(), [[10n, 20n, 30n]]);
 * ```
 */
export function takeAlongAxis(
  a: ArrayLikeInput,
  indices: ArrayLikeInput,
  axis: number,
): NDArray {
  maxArgs("takeAlongAxis", arguments, 3);
  const x = nd(a);
  const idx = nd(indices);
  if (idx.ndim !== x.ndim) {
    throw new RangeError(
      "takeAlongAxis(): `indices` and `arr` must have the same number of dimensions",
    );
  }
  const ax = normAxis(axis, x.ndim, "takeAlongAxis");
  // move the axis last, make both C-contiguous lanes, gather by flat index
  const perm = [...Array(x.ndim).keys()].filter((i) => i !== ax).concat(ax);
  const inv = perm.map((_, i) => perm.indexOf(i));
  const xl = x.transpose(perm).copy();
  const len = x.shape[ax]!;
  const shape = idx.shape.map((d, i) => (i === ax ? d : x.shape[i]!));
  const il = idx.broadcastTo(shape).transpose(perm).copy().astype("int64");
  const lanes = il.size / Math.max(1, il.shape.at(-1)!);
  const k = il.shape.at(-1)!;
  // negative indices count from the end of the lane
  const wrapped = ufunc2(
    "add",
    il,
    ufunc2("multiply", ufunc2("less", il, 0n).astype("int64"), BigInt(len)),
  );
  const base = ufunc2(
    "multiply",
    array(Array.from({ length: lanes }, (_, i) => BigInt(i)), {
      dtype: "int64",
    })
      .reshape(lanes, 1),
    BigInt(len),
  );
  const flat = ufunc2("add", wrapped.reshape(lanes, k), base);
  const r = take(xl.ravel(), flat.ravel()).reshape(il.shape.slice());
  return r.transpose(inv).copy();
}

/** Options of {@link topk}. */
export interface TopkOptions {
  /** The axis to select along (default -1). */
  axis?: number;
  /** The largest (default) or the smallest k. */
  largest?: boolean;
}
const TOPK_KEYS = optionKeys<TopkOptions>({ axis: 1, largest: 1 });

/**
 * The `k` largest (or smallest) values along `axis` and their indices,
 * sorted (largest first, or smallest first); equal values keep index
 * order. O(n) selection plus a sort of the k.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const { values, indices } = rp.topk(rp.array([1, 9, 3, 7]), 2);
 * assert.deepEqual(values.tolist(), [9n, 7n]);
 * assert.deepEqual(indices.tolist(), [1n, 3n]);
 * ```
 */
export function topk(
  a: ArrayLikeInput,
  k: number,
  options: TopkOptions = {},
): { values: NDArray; indices: NDArray } {
  const x = checkedNd(options, "topk", TOPK_KEYS, a);
  const ax = normAxis(options.axis ?? -1, x.ndim, "topk");
  const n = x.shape[ax]!;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`topk(): k must be an integer in 0..${n}, got ${k}`);
  }
  const largest = options.largest ?? true;
  if (k > 0 && (k * 8 <= n || n <= 4096)) return topkKernel(x, k, ax, largest);
  const sel = (lo: number, hi: number) =>
    x.shape.map((_, i) => (i === ax ? `${lo}:${hi}` : ":"));
  let cand: NDArray;
  if (k === n) cand = argsortNd(x, { axis: ax });
  else if (k === 0) cand = argsortNd(x, { axis: ax }).slice(...sel(0, 0));
  else if (largest) {
    // selection orders equal values by index, so select on the reversed
    // lanes to keep the smallest indices among equal largest values
    const rev = x.slice(...x.shape.map((_, i) => (i === ax ? "::-1" : ":")));
    const part = argpartition(rev, n - k, { axis: ax }).slice(...sel(n - k, n));
    cand = ufunc2("subtract", BigInt(n - 1), part);
  } else {
    cand = argpartition(x, k - 1, { axis: ax }).slice(...sel(0, k));
  }
  // order the candidates: by value, ties by index (stable on index order)
  const candSorted = sortNd(cand, { axis: ax });
  const vals = takeAlongAxis(x, candSorted, ax);
  let order = argsortNd(vals, { axis: ax });
  if (largest) {
    // descending by value, ties by ascending index: stable argsort of the
    // reversed lane, then map back and reverse
    const rev = vals.slice(...x.shape.map((_, i) => (i === ax ? "::-1" : ":")));
    const o = argsortNd(rev, { axis: ax });
    const m = ufunc2("subtract", BigInt(k - 1), o);
    order = m.slice(...x.shape.map((_, i) => (i === ax ? "::-1" : ":"))).copy();
  }
  const indices = takeAlongAxis(candSorted, order, ax);
  return { values: takeAlongAxis(x, indices, ax), indices };
}

/**
 * topk by the selection kernel (`rp_topk`: one pass with a threshold and
 * a heap of k per lane, no partition of the lane): the lanes are made the
 * last, contiguous axis first (a copy unless they already are).
 */
function topkKernel(
  x: NDArray,
  k: number,
  ax: number,
  largest: boolean,
): { values: NDArray; indices: NDArray } {
  const last = x.ndim - 1;
  let lanesArr = x;
  if (ax !== last) lanesArr = lanesArr.swapaxes(ax, last);
  if (
    !isCContiguous(lanesArr) || lanesArr._offset !== 0 ||
    taLength(storageOf(lanesArr)) < lanesArr.size
  ) lanesArr = lanesArr.copy();
  const n = x.shape[ax]!;
  const lanes = lanesArr.size / n;
  const shape = lanesArr.shape.slice();
  shape[last] = k;
  const vals = fresh(x.dtype, shape), idx = fresh("int64", shape);
  if (lanes > 0) {
    const dt = dtypeCode(x.dtype),
      xs = storageOf(lanesArr),
      size = lanesArr.size;
    const big = largest ? 1 : 0, vs = storageOf(vals), is = storageOf(idx);
    // directly when `kernel` would make this very call: a fast FFI call in
    // V8 (see callMatmul in linalg/products.ts)
    const st = recording() === null && pendingCount === 0
      ? native.rp_topk(dt, xs, size, lanes, n, k, big, vs, is)
      : kernel("rp_topk", dt, xs, size, lanes, n, k, big, vs, is);
    if (st !== 0) throw statusError(st, "topk");
  }
  if (ax === last) return { values: vals, indices: idx };
  return {
    values: vals.swapaxes(ax, last).copy(),
    indices: idx.swapaxes(ax, last).copy(),
  };
}

/**
 * Indirect stable sort on several keys, the last key primary (NumPy's
 * `lexsort`): `keys` is a list of 1-d arrays of one length (or a 2-d
 * array, one key per row). Returns int64 indices.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * // sort by the last key, then by the first
 * assert.deepEqual(rp.lexsort([[1, 0, 1], [0, 0, 1]]).tolist(), [1n, 0n, 2n]);
 * ```
 */
export function lexsort(keys: readonly ArrayLikeInput[] | NDArray): NDArray {
  maxArgs("lexsort", arguments, 1);
  const ks = keys instanceof NDArray
    ? Array.from({ length: keys.shape[0] ?? 0 }, (_, i) => keys.slice(i))
    : listArg<ArrayLikeInput>(keys, "lexsort", "the keys").map(nd);
  if (ks.length === 0) {
    throw new TypeError("lexsort(): need sequence of keys with len > 0");
  }
  const n = ks[0]!.size;
  for (const k of ks) {
    if (k.ndim !== 1 || k.size !== n) {
      throw new RangeError(
        "lexsort(): all keys need to be the same shape (1-d)",
      );
    }
  }
  // stable sorts from the least significant key (the first) to the primary
  let idx = argsortNd(ks[0]!);
  for (let j = 1; j < ks.length; j++) {
    const order = argsortNd(take(ks[j]!, idx));
    idx = take(idx, order);
  }
  return idx;
}

/**
 * The index of the bin each value of `x` falls in (NumPy's `digitize`):
 * `bins` increasing or decreasing; `right` puts values equal to an edge
 * in the bin to its left.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const d = rp.digitize([0.5, 1.5, 2.5], [1, 2]) as rp.NDArray;
 * assert.deepEqual(d.tolist(), [0n, 1n, 2n]);
 * ```
 */
export function digitize(
  x: ArrayLikeInput,
  bins: ArrayLikeInput,
  options: DigitizeOptions = {},
): NDArray | number {
  const b = checkedNd(options, "digitize", DIGITIZE_KEYS, bins);
  if (b.ndim !== 1) {
    throw new RangeError("digitize(): bins must be 1-dimensional");
  }
  const v = b.astype("float64").copy()._read("digitize") as Float64Array;
  let inc = true, dec = true;
  for (let i = 1; i < v.length; i++) {
    if (v[i]! < v[i - 1]!) inc = false;
    if (v[i]! > v[i - 1]!) dec = false;
  }
  if (!inc && !dec) {
    throw new RangeError(
      "digitize(): bins must be monotonically increasing or decreasing",
    );
  }
  const right = options.right ?? false;
  if (inc) return searchsorted(b, x, { side: right ? "left" : "right" });
  const r = searchsorted(b.slice("::-1"), x, {
    side: right ? "left" : "right",
  });
  if (typeof r === "number") return b.size - r;
  return ufunc2("subtract", BigInt(b.size), r);
}
