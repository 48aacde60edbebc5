/**
 * Index-driven selection, as NumPy: `take`, boolean masks (`compress`,
 * `extract`, {@link NDArray.mask}), `nonzero`, `flatnonzero`, `argwhere`,
 * `unique`, and assignment (`copyto`, {@link NDArray.assign}). Gathers,
 * coordinate scans and sorting run natively; `unique` finds its run
 * boundaries with the native `notEqual` ufunc and `nonzero`.
 *
 * @module
 */
import { show } from "../_show.ts";
import { taLength } from "../_intrinsics.ts";
import { kernel, notRecordable } from "../engine/_record.ts";
import { allocStorage } from "../core/_pool.ts";
import { native, statusError } from "../_native.ts";
import { dtypeCode } from "../core/dtype.ts";
import { IndexError } from "../errors.ts";
import {
  copyInto,
  isCContiguous,
  NDArray,
  ownArray,
  storageOf,
} from "../core/ndarray.ts";
import { array } from "../core/creation.ts";
import { fmtShape, normAxis, sizeOf } from "../core/_shape.ts";
import {
  type ArrayLikeInput,
  asNd as nd,
  checkedNd,
  ufunc1,
  ufunc2,
  where,
} from "../ufunc/ufunc.ts";
import { any as anyAxis, axisLayout, cumsumAxis } from "../reduce/reduce.ts";
import { countNonzero } from "../reduce/derived.ts";
import { lexsort } from "./sorting.ts";
import { argsort } from "../flat/ops.ts";
import { concatenate } from "./manipulation.ts";
import { checkOptions, maxArgs, optionKeys } from "../_typed.ts";

function asIndices(x: ArrayLikeInput | readonly number[], fn: string): NDArray {
  const i = nd(x as ArrayLikeInput);
  if (i.dtype === "int64") return i;
  if (i.size > 0 && (i.dtype.startsWith("float") || i.dtype === "bool")) {
    throw new TypeError(
      `${fn}(): arrays used as indices must be of integer type, not ${i.dtype}`,
    );
  }
  return i.astype("int64");
}

/** Options of {@link take}. */
export interface TakeOptions {
  /** The axis to take along (default: the flattened array). */
  axis?: number | null;
}
const TAKE_KEYS = optionKeys<TakeOptions>({ axis: 1 });

/**
 * Elements at the given indices along an axis (NumPy's `take`, mode
 * "raise": an index outside the axis throws `IndexError`; negative
 * indices count from the end). The result has shape `a.shape[:axis] +
 * indices.shape + a.shape[axis+1:]`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.take([10, 20, 30], [2, 0]).tolist(), [30n, 10n]);
 * ```
 */
export function take(
  a: ArrayLikeInput,
  indices: ArrayLikeInput | readonly number[],
  options: TakeOptions = {},
): NDArray {
  let x = checkedNd(options, "take", TAKE_KEYS, a);
  let axis: number;
  if (options.axis === undefined || options.axis === null) {
    x = x.ravel();
    axis = 0;
  } else axis = normAxis(options.axis, x.ndim, "take");
  const idx = asIndices(indices, "take");
  const flat = isCContiguous(idx) && idx._offset === 0 &&
      taLength(storageOf(idx)) === idx.size
    ? idx
    : idx.copy();
  const shape = [
    ...x.shape.slice(0, axis),
    ...idx.shape,
    ...x.shape.slice(axis + 1),
  ];
  const out = ownArray(
    allocStorage(x.dtype, sizeOf(shape)),
    x.dtype,
    shape,
  );
  if (idx.size > 0 && x.shape[axis] === 0) {
    throw new IndexError(
      "take(): cannot do a non-empty take from an empty axes.",
    );
  }
  const meta = new Float64Array(axisLayout(x, axis));
  const status = kernel(
    "rp_take",
    dtypeCode(x.dtype),
    storageOf(x),
    taLength(storageOf(x)),
    meta,
    taLength(meta),
    storageOf(flat),
    flat.size,
    storageOf(out),
    taLength(storageOf(out)),
  );
  if (status !== 0) throw statusError(status, "take");
  return out;
}

/**
 * Coordinates of the non-zero elements, one row each (count x ndim).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.argwhere([[0, 1], [2, 0]]).tolist(), [[0n, 1n], [1n, 0n]]);
 * ```
 */
export function argwhere(a: ArrayLikeInput): NDArray {
  maxArgs("argwhere", arguments, 1);
  notRecordable("argwhere");
  let x = nd(a);
  if (x.ndim === 0) x = x.reshape(1);
  const c = isCContiguous(x) && x._offset === 0 &&
      taLength(storageOf(x)) === x.size
    ? x
    : x.copy();
  const count = countNonzero(c) as number;
  const nd_ = c.ndim;
  const out = ownArray(
    new BigInt64Array(count * nd_),
    "int64",
    [count, nd_],
  );
  const shape = new Float64Array(c.shape);
  c._read("argwhere");
  const status = native.rp_nonzero(
    dtypeCode(c.dtype),
    storageOf(c),
    c.size,
    shape,
    nd_,
    storageOf(out),
    taLength(storageOf(out)),
  );
  if (status !== 0) throw statusError(status, "argwhere");
  return a instanceof NDArray && a.ndim === 0 ? out.slice(":", "0:0") : out;
}

/**
 * Indices of the non-zero elements, one int64 array per axis (NumPy's
 * `nonzero`; the arrays are views of one coordinate buffer).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const [rows, cols] = rp.nonzero([[0, 1], [2, 0]]);
 * assert.deepEqual(rows!.tolist(), [0n, 1n]);
 * assert.deepEqual(cols!.tolist(), [1n, 0n]);
 * ```
 */
export function nonzero(a: ArrayLikeInput): NDArray[] {
  maxArgs("nonzero", arguments, 1);
  const x = nd(a);
  if (x.ndim === 0) {
    throw new RangeError(
      "nonzero(): Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead.",
    );
  }
  const coords = argwhere(x);
  return x.shape.map((_, i) => coords.slice(":", i));
}

/**
 * Flat (C-order) indices of the non-zero elements.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.flatnonzero([0, 3, 0, 5]).tolist(), [1n, 3n]);
 * ```
 */
export function flatnonzero(a: ArrayLikeInput): NDArray {
  maxArgs("flatnonzero", arguments, 1);
  return argwhere(nd(a).ravel()).reshape(-1);
}

function boolMask(m: ArrayLikeInput, fn: string): NDArray {
  const x = nd(m);
  if (x.dtype !== "bool") {
    throw new TypeError(
      `${fn}(): the mask must be a bool array, not ${x.dtype}`,
    );
  }
  return x;
}

/**
 * Selects slices along `axis` where `condition` is true (NumPy's
 * `compress`; flattened when no axis). A condition shorter than the axis
 * selects among its first elements.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.compress([true, false, true], [1, 2, 3]).tolist(), [1n, 3n]);
 * ```
 */
export function compress(
  condition: ArrayLikeInput,
  a: ArrayLikeInput,
  options: TakeOptions = {},
): NDArray {
  const c = checkedNd(options, "compress", TAKE_KEYS, condition)
    .astype("bool").ravel();
  const x = nd(a);
  const len = options.axis === undefined || options.axis === null
    ? x.size
    : x.shape[normAxis(options.axis, x.ndim, "compress")]!;
  if (c.size > len) {
    throw new RangeError(
      `compress(): index ${len} is out of bounds for axis with size ${len}`,
    );
  }
  return take(x, flatnonzero(c), options);
}

/**
 * The elements where `mask` is true, in C order (NumPy's `a[mask]` for a
 * mask of `a`'s shape, and `extract(mask, a)`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.extract([true, false, true], [1, 2, 3]).tolist(), [1n, 3n]);
 * ```
 */
export function extract(mask: ArrayLikeInput, a: ArrayLikeInput): NDArray {
  maxArgs("extract", arguments, 2);
  const m = boolMask(mask, "extract"), x = nd(a);
  if (m.ndim !== x.ndim || m.shape.some((d, i) => d !== x.shape[i])) {
    throw new RangeError(
      `extract(): boolean index did not match indexed array: mask shape ${
        fmtShape(m.shape)
      }, array shape ${fmtShape(x.shape)}`,
    );
  }
  return take(x.ravel(), flatnonzero(m));
}

/** Options of {@link unique}. */
export interface UniqueOptions {
  /** Also return the first index of each unique value in the flattened input. */
  returnIndex?: boolean;
  /** Also return, per input element, the index of its unique value. */
  returnInverse?: boolean;
  /** Also return how often each unique value occurs. */
  returnCounts?: boolean;
  /**
   * The unique sub-arrays along this axis (rows for 0), sorted
   * lexicographically; default: the unique elements of the flattened array.
   */
  axis?: number | null;
}
const UNIQUE_KEYS = optionKeys<UniqueOptions>({
  returnIndex: 1,
  returnInverse: 1,
  returnCounts: 1,
  axis: 1,
});

/** What {@link unique} returns when any `return*` option is set. */
export interface UniqueResult {
  /** The sorted unique values. */
  values: NDArray;
  /** With `returnIndex`: the index of each value's first occurrence. */
  indices?: NDArray;
  /** With `returnInverse`: for each input element, the index of its value in `values`. */
  inverse?: NDArray;
  /** With `returnCounts`: how often each value occurs. */
  counts?: NDArray;
}

/**
 * The sorted unique elements of the flattened array (NumPy's `unique`; NaNs
 * sort last and collapse into one, as NumPy 2's `equal_nan=True`). With a
 * `return*` option, an object with the requested arrays; `inverse` has the
 * input's shape, as in NumPy 2.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.unique([3, 1, 3, 2]).tolist(), [1n, 2n, 3n]);
 * ```
 */
export function unique(a: ArrayLikeInput): NDArray;
/** With any of `returnIndex`, `returnInverse`, `returnCounts`: the values and the arrays asked for. */
export function unique(
  a: ArrayLikeInput,
  options: UniqueOptions,
): NDArray | UniqueResult;
export function unique(
  a: ArrayLikeInput,
  options: UniqueOptions = {},
): NDArray | UniqueResult {
  const x0 = checkedNd(options, "unique", UNIQUE_KEYS, a);
  if (options.axis !== undefined && options.axis !== null) {
    return uniqueAxis(x0, normAxis(options.axis, x0.ndim, "unique"), options);
  }
  const r0 = x0.ravel();
  // the kernels read a flat, contiguous run from index 0
  const x = r0._offset === 0 && (r0.size < 2 || r0._strides[0] === 1)
    ? r0
    : r0.copy();
  const extra = options.returnIndex || options.returnInverse ||
    options.returnCounts;
  const n = x.size;
  let perm: NDArray | undefined;
  let sorted: NDArray;
  const bool = x.dtype === "bool";
  const keys = bool ? x.astype("uint8") : x;
  if (extra) {
    perm = ownArray(
      new Uint32Array(argsort(keys._read("unique") as Float64Array)),
      "uint32",
      [n],
    ).astype("int64");
    sorted = take(keys, perm);
  } else {
    return uniqueValues(keys, bool);
  }
  // run starts: position 0 and every i where sorted[i] != sorted[i - 1]
  // (NaN != NaN, so NaN runs are merged afterwards)
  let starts: NDArray;
  if (n === 0) starts = ownArray(new BigInt64Array(0), "int64", [0]);
  else {
    let diff = ufunc2("notEqual", sorted.slice("1:"), sorted.slice(":-1"));
    if (sorted.dtype.startsWith("float")) {
      const bothNan = ufunc2(
        "logicalAnd",
        ufunc1("isnan", sorted.slice("1:")),
        ufunc1("isnan", sorted.slice(":-1")),
      );
      diff = ufunc2("logicalAnd", diff, ufunc1("logicalNot", bothNan));
    }
    starts = concatenate([
      array([0n], { dtype: "int64" }),
      ufunc2("add", flatnonzero(diff), 1n),
    ]);
  }
  let values = take(sorted, starts);
  if (bool) values = values.astype("bool");
  if (!extra) return values;
  const result: UniqueResult = { values };
  if (options.returnIndex) result.indices = take(perm!, starts);
  if (options.returnCounts) {
    const ends = concatenate([
      starts.slice("1:"),
      array([BigInt(n)], { dtype: "int64" }),
    ]);
    result.counts = ufunc2("subtract", ends, starts);
  }
  if (options.returnInverse) {
    // rank of each sorted element's run, scattered back through perm
    const flag = new Uint8Array(n);
    const st = starts._read("unique") as BigInt64Array;
    for (let i = 1; i < st.length; i++) flag[Number(st[i]!)] = 1;
    const rank = cumsumAxis(ownArray(flag, "uint8", [n]));
    const inv = new BigInt64Array(n);
    const p = perm!._read("unique") as BigInt64Array;
    const r = rank._read("unique") as BigUint64Array;
    for (let i = 0; i < n; i++) inv[Number(p[i]!)] = BigInt.asIntN(64, r[i]!);
    result.inverse = ownArray(inv, "int64", [n]).reshape(x0.shape.slice());
  }
  return result;
}

/**
 * `unique` along an axis (NumPy's): the sub-arrays along `axis`, as rows
 * of a (n, rest) matrix, sorted lexicographically (NaN after numbers in
 * each position) and kept where a row differs from the one before. As in
 * NumPy, NaN != NaN here, so rows holding a NaN are never merged.
 */
function uniqueAxis(
  x0: NDArray,
  axis: number,
  options: UniqueOptions,
): NDArray | UniqueResult {
  const perm = [axis, ...x0.shape.keys()].filter((d, i) =>
    i === 0 || d !== axis
  );
  const moved = x0.transpose(perm);
  const n = moved.shape[0]!;
  const rest = moved.shape.slice(1);
  const m = sizeOf(rest);
  const bool = x0.dtype === "bool";
  const rows = (bool ? moved.astype("uint8") : moved).reshape([n, m]).copy();
  // lexsort's last key is the primary one: column 0 sorts first
  const cols: NDArray[] = [];
  for (let j = m - 1; j >= 0; j--) cols.push(rows.slice(":", j));
  const order = n === 0 || m === 0
    ? array([...Array(n).keys()].map(BigInt), { dtype: "int64" })
    : lexsort(cols);
  const sorted = take(rows, order, { axis: 0 });
  let starts: NDArray;
  if (n === 0) starts = array([], { dtype: "int64" });
  else if (m === 0) starts = array([0n], { dtype: "int64" });
  else {
    const ne = ufunc2("notEqual", sorted.slice("1:"), sorted.slice(":-1"));
    starts = concatenate([
      array([0n], { dtype: "int64" }),
      ufunc2("add", flatnonzero(anyAxis(ne, { axis: 1 }) as NDArray), 1n),
    ]);
  }
  let vals = take(sorted, starts, { axis: 0 });
  if (bool) vals = vals.astype("bool");
  const k = vals.shape[0]!;
  const back = [...perm.keys()].map((i) => perm.indexOf(i));
  const values = vals.reshape([k, ...rest]).transpose(back);
  if (!(options.returnIndex || options.returnInverse || options.returnCounts)) {
    return values;
  }
  const result: UniqueResult = { values };
  if (options.returnIndex) result.indices = take(order, starts);
  const ends = concatenate([
    starts.slice("1:"),
    array([BigInt(n)], { dtype: "int64" }),
  ]);
  if (options.returnCounts) result.counts = ufunc2("subtract", ends, starts);
  if (options.returnInverse) {
    const inv = new BigInt64Array(n);
    const st = starts.tolist() as bigint[], en = ends.tolist() as bigint[];
    const ord = order.tolist() as bigint[];
    for (let r = 0; r < st.length; r++) {
      for (let i = Number(st[r]); i < Number(en[r]); i++) {
        inv[Number(ord[i])] = BigInt(r);
      }
    }
    result.inverse = ownArray(inv, "int64", [n]);
  }
  return result;
}

const countSlot = new Float64Array(1);

/** Distinct sorted values by the native kernel (hash or sort, see `rp_unique`). */
function uniqueValues(x: NDArray, bool: boolean): NDArray {
  notRecordable("unique");
  x._read("unique");
  const out = ownArray(allocStorage(x.dtype, x.size), x.dtype, [
    x.size,
  ]);
  const status = native.rp_unique(
    dtypeCode(x.dtype),
    storageOf(x),
    x.size,
    storageOf(out),
    countSlot,
  );
  if (status !== 0) throw statusError(status, "unique");
  const k = countSlot[0]!;
  let r = out.slice(`0:${k}`);
  if (k < x.size / 2) r = r.copy(); // do not keep the whole input's size alive
  return bool ? r.astype("bool") : r;
}

/** Options of {@link copyto}. */
export interface CopytoOptions {
  /** Copy only where this (broadcast) bool mask is true. */
  where?: ArrayLikeInput;
}
/** The keys of {@link CopytoOptions}. */
export const COPYTO_KEYS = optionKeys<CopytoOptions>({ where: 1 });

/**
 * Copies `src` into `dst`, broadcasting `src` to `dst`'s shape and casting
 * to its dtype (NumPy's `copyto` with `casting="unsafe"`, what `dst[...] =
 * src` does). Overlapping memory is handled. Integer scalars that do not fit
 * `dst`'s dtype throw, as NumPy 2 does.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const dst = rp.zeros([2]);
 * rp.copyto(dst, [1, 2]);
 * assert.deepEqual(dst.tolist(), [1, 2]);
 * ```
 */
export function copyto(
  dst: NDArray,
  src: ArrayLikeInput,
  options: CopytoOptions = {},
): void {
  checkOptions(options, "copyto", COPYTO_KEYS);
  if (!(dst instanceof NDArray)) {
    throw new TypeError(
      `copyto(): the destination must be an NDArray; got ${show(dst)}`,
    );
  }
  let s: NDArray;
  if (
    typeof src === "number" || typeof src === "bigint" ||
    typeof src === "boolean"
  ) {
    s = array(src, { dtype: dst.dtype });
  } else s = nd(src);
  if (options.where !== undefined) {
    const m = nd(options.where);
    s = where(m.dtype === "bool" ? m : m.astype("bool"), s, dst);
  }
  copyInto(s.broadcastTo(dst.shape.slice()), dst, "copyto");
}
