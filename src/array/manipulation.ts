/**
 * Array manipulation, as NumPy: `concatenate`, `stack`, `vstack`, `hstack`,
 * `split`, `flip`, `roll`, `tile`, `repeat`, and the comparisons `isclose`,
 * `allclose`, `arrayEqual`, and `clip` on NDArrays. Everything is built
 * from views (shape metadata in TS) and the native strided copy or ufuncs:
 * no element loop runs in JS.
 *
 * @module
 */
import { allocStorage } from "../core/_pool.ts";
import { notRecordable } from "../engine/_record.ts";
import { show } from "../_show.ts";
import { resultType } from "../core/dtype.ts";
import { copyInto, type NDArray, ownArray } from "../core/ndarray.ts";
import { broadcastShapes, normAxis, sizeOf } from "../core/_shape.ts";
import {
  type ArrayLikeInput,
  asNd as nd,
  checkedNd,
  ufunc1,
  ufunc2,
  UFUNC_KEYS,
  type UfuncOptions,
} from "../ufunc/ufunc.ts";
import { all } from "../reduce/reduce.ts";
import {
  checkOptions,
  intArg,
  listArg,
  maxArgs,
  type OptionKeys,
  optionKeys,
} from "../_typed.ts";

/** Options naming an axis. */
export interface AxisOptions {
  /** The axis to join along (default 0). */
  axis?: number;
}
const AXIS_KEYS = optionKeys<AxisOptions>({ axis: 1 });

/** Options of {@link flip}. */
export interface FlipOptions {
  /** The axis or axes to reverse (default: all). */
  axis?: number | number[];
}
const FLIP_KEYS = optionKeys<FlipOptions>({ axis: 1 });

/** Options of {@link arrayEqual}. */
export interface ArrayEqualOptions {
  /** NaNs in the same places count as equal. */
  equalNan?: boolean;
}
const CLOSE_KEYS = optionKeys<CloseOptions>({ rtol: 1, atol: 1, equalNan: 1 });
const EQUAL_KEYS = optionKeys<ArrayEqualOptions>({ equalNan: 1 });

/**
 * The first steps of {@link concatenate} and {@link stack}: their options
 * checked, then the arrays (a list of at least one) as NDArrays.
 */
function arrayList(
  arrays: readonly ArrayLikeInput[],
  options: AxisOptions,
  fn: "concatenate" | "stack",
): NDArray[] {
  checkOptions(options, fn, AXIS_KEYS);
  listArg(arrays, fn, "the arrays");
  if (arrays.length === 0) {
    throw new RangeError(`${fn}(): need at least one array to ${fn}`);
  }
  return arrays.map(nd);
}

/**
 * Joins arrays along an existing axis (default 0); dtypes promote.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const c = rp.concatenate([rp.array([1, 2]), rp.array([3])]);
 * assert.deepEqual(c.tolist(), [1n, 2n, 3n]);
 * ```
 */
export function concatenate(
  arrays: readonly ArrayLikeInput[],
  options: AxisOptions = {},
): NDArray {
  const xs = arrayList(arrays, options, "concatenate");
  const first = xs[0]!;
  if (first.ndim === 0) {
    throw new RangeError(
      "concatenate(): zero-dimensional arrays cannot be concatenated",
    );
  }
  const axis = normAxis(options.axis ?? 0, first.ndim, "concatenate");
  for (const [k, x] of xs.entries()) {
    if (x.ndim !== first.ndim) {
      throw new RangeError(
        `concatenate(): all the input array dimensions except for the concatenation axis must match exactly, but along dimension 0, the array at index 0 has ${first.ndim} dimension(s) and the array at index ${k} has ${x.ndim} dimension(s)`,
      );
    }
    for (let i = 0; i < x.ndim; i++) {
      if (i !== axis && x.shape[i] !== first.shape[i]) {
        throw new RangeError(
          `concatenate(): all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${i}, the array at index 0 has size ${
            first.shape[i]
          } and the array at index ${k} has size ${x.shape[i]}`,
        );
      }
    }
  }
  const dtype = xs.map((x) => x.dtype).reduce((a, b) => resultType(a, b));
  const shape = first.shape.slice();
  shape[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
  const out = ownArray(
    allocStorage(dtype, sizeOf(shape)),
    dtype,
    shape,
  );
  let at = 0;
  for (const x of xs) {
    const len = x.shape[axis]!;
    if (len === 0) continue;
    const idx: Array<string> = shape.map(() => ":");
    idx[axis] = `${at}:${at + len}`;
    copyInto(x.dtype === dtype ? x : x.astype(dtype), out.slice(...idx));
    at += len;
  }
  return out;
}

/**
 * Joins arrays of one shape along a new axis (default 0).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.stack([[1, 2], [3, 4]], { axis: 1 }).tolist(), [[1n, 3n], [2n, 4n]]);
 * ```
 */
export function stack(
  arrays: readonly ArrayLikeInput[],
  options: AxisOptions = {},
): NDArray {
  const xs = arrayList(arrays, options, "stack");
  const s0 = xs[0]!.shape;
  if (
    xs.some((x) => x.ndim !== s0.length || x.shape.some((d, i) => d !== s0[i]))
  ) {
    throw new RangeError("stack(): all input arrays must have the same shape");
  }
  const axis = normAxis(options.axis ?? 0, s0.length + 1, "stack");
  return concatenate(xs.map((x) => x.expandDims(axis)), { axis });
}

/**
 * Stacks along the first axis (1-d arrays become rows).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.vstack([[1, 2], [3, 4]]).shape, [2, 2]);
 * ```
 */
export function vstack(arrays: readonly ArrayLikeInput[]): NDArray {
  maxArgs("vstack", arguments, 1);
  return concatenate(
    listArg<ArrayLikeInput>(arrays, "vstack", "the arrays").map(nd).map((
      x,
    ) => (x.ndim === 0
      ? x.reshape(1, 1)
      : x.ndim === 1
      ? x.reshape(1, -1)
      : x)
    ),
    {
      axis: 0,
    },
  );
}

/**
 * Stacks along the second axis (along the first for 1-d arrays).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.hstack([[1, 2], [3]]).tolist(), [1n, 2n, 3n]);
 * ```
 */
export function hstack(arrays: readonly ArrayLikeInput[]): NDArray {
  maxArgs("hstack", arguments, 1);
  const xs = listArg<ArrayLikeInput>(arrays, "hstack", "the arrays").map(nd)
    .map((x) => (x.ndim === 0 ? x.reshape(1) : x));
  return concatenate(xs, {
    axis: xs[0] !== undefined && xs[0].ndim === 1 ? 0 : 1,
  });
}

/**
 * Splits into `sections` equal parts, or at the given indices, along
 * `axis`; the parts are views.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const [p, q] = rp.split(rp.arange(4), 2);
 * assert.deepEqual(p!.tolist(), [0n, 1n]);
 * assert.deepEqual(q!.tolist(), [2n, 3n]);
 * ```
 */
export function split(
  a: ArrayLikeInput,
  sections: number | readonly number[],
  options: AxisOptions = {},
): NDArray[] {
  const x = checkedNd(options, "split", AXIS_KEYS, a);
  const axis = normAxis(options.axis ?? 0, x.ndim, "split");
  const len = x.shape[axis]!;
  let cuts: number[];
  if (typeof sections === "number") {
    if (!Number.isInteger(sections) || sections <= 0 || len % sections !== 0) {
      throw new RangeError(
        "split(): array split does not result in an equal division",
      );
    }
    cuts = Array.from(
      { length: sections - 1 },
      (_, i) => ((i + 1) * len) / sections,
    );
  } else {
    cuts = listArg<number>(sections, "split", "sections").map((c) =>
      intArg(c, "split", "each split index")
    );
  }
  const bounds = [0, ...cuts, len];
  const parts: NDArray[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const idx = x.shape.map(() => ":");
    idx[axis] = `${bounds[i]}:${bounds[i + 1]}`;
    parts.push(x.slice(...idx));
  }
  return parts;
}

/**
 * Reverses the order of elements along the axis (all axes by default); a view.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.flip([1, 2, 3]).tolist(), [3n, 2n, 1n]);
 * ```
 */
export function flip(
  a: ArrayLikeInput,
  options: FlipOptions = {},
): NDArray {
  const x = checkedNd(options, "flip", FLIP_KEYS, a);
  const axes = options.axis === undefined
    ? [...Array(x.ndim).keys()]
    : (Array.isArray(options.axis) ? options.axis : [options.axis]).map((ax) =>
      normAxis(ax, x.ndim, "flip")
    );
  return x.slice(...x.shape.map((_, i) => (axes.includes(i) ? "::-1" : ":")));
}

/**
 * Rolls elements along an axis (flattened when no axis), as NumPy's `roll`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.roll([1, 2, 3], 1).tolist(), [3n, 1n, 2n]);
 * ```
 */
export function roll(
  a: ArrayLikeInput,
  shift: number,
  options: AxisOptions = {},
): NDArray {
  const x = checkedNd(options, "roll", AXIS_KEYS, a);
  if (options.axis === undefined) {
    return roll(x.ravel(), shift, { axis: 0 }).reshape(x.shape.slice());
  }
  const axis = normAxis(options.axis, x.ndim, "roll");
  const len = x.shape[axis]!;
  if (len === 0) return x.copy();
  const k = ((shift % len) + len) % len;
  if (k === 0) return x.copy();
  const [head, tail] = split(x, [len - k], { axis });
  return concatenate([tail!, head!], { axis });
}

/** `v` as a list of numbers: a number alone, or the list `v` itself. */
function numberList(v: unknown, fn: string, what: string): readonly number[] {
  return typeof v === "number" ? [v] : listArg<number>(v, fn, what);
}

/**
 * Repeats the whole array `reps` times along each axis (NumPy's `tile`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.tile([1, 2], 2).tolist(), [1n, 2n, 1n, 2n]);
 * ```
 */
export function tile(
  a: ArrayLikeInput,
  reps: number | readonly number[],
): NDArray {
  maxArgs("tile", arguments, 2);
  const x = nd(a);
  const r = numberList(reps, "tile", "reps").slice();
  r.forEach((v) => {
    if (intArg(v, "tile", "each of reps") < 0) {
      throw new RangeError(`tile(): reps may not be negative; got ${v}`);
    }
  });
  const ndim = Math.max(x.ndim, r.length);
  const shape = [...Array(ndim - x.ndim).fill(1), ...x.shape];
  const rr = [...Array(ndim - r.length).fill(1), ...r];
  // view x as (1, s0, 1, s1, ...) broadcast to (r0, s0, r1, s1, ...), then merge
  const inter: number[] = [];
  const target: number[] = [];
  for (let i = 0; i < ndim; i++) {
    inter.push(1, shape[i]!);
    target.push(rr[i]!, shape[i]!);
  }
  const out = x.reshape(inter).broadcastTo(target).copy();
  return out.reshape(shape.map((d, i) => d * rr[i]!));
}

/**
 * Repeats each element `repeats` times along an axis (flattened by default).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.repeat([1, 2], 2).tolist(), [1n, 1n, 2n, 2n]);
 * ```
 */
export function repeat(
  a: ArrayLikeInput,
  repeats: number,
  options: AxisOptions = {},
): NDArray {
  const x = checkedNd(options, "repeat", AXIS_KEYS, a);
  if (!Number.isInteger(repeats) || repeats < 0) {
    throw new RangeError("repeat(): repeats may not contain negative values");
  }
  if (
    options.axis === undefined || options.axis === null ||
    // NumPy repeats a 0-d array along axis 0 or -1 as if flattened
    (x.ndim === 0 && (options.axis === 0 || options.axis === -1))
  ) {
    return repeat(x.ravel(), repeats, { axis: 0 });
  }
  const axis = normAxis(options.axis, x.ndim, "repeat");
  const expanded = x.expandDims(axis + 1);
  const target = expanded.shape.slice();
  target[axis + 1] = repeats;
  const shape = x.shape.slice();
  shape[axis] = shape[axis]! * repeats;
  return expanded.broadcastTo(target).copy().reshape(shape);
}

/**
 * NumPy's `clip` on NDArrays: `minimum(maximum(a, aMin), aMax)`, so NaN
 * propagates and `aMax` wins when `aMin > aMax`.
 */
export function clipNd(
  a: ArrayLikeInput,
  aMin: ArrayLikeInput,
  aMax: ArrayLikeInput,
  options: UfuncOptions = {},
): NDArray {
  checkOptions(options, "clip", UFUNC_KEYS);
  return ufunc2("minimum", ufunc2("maximum", a, aMin), aMax, options);
}

/** Options of {@link isclose} and {@link allclose}. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Count NaNs in the same place as equal (default false). */
  equalNan?: boolean;
}

/**
 * `abs(a - b) <= atol + rtol * abs(b)` elementwise (NumPy's `isclose`);
 * infinities must be equal; NaNs are equal only with `equalNan`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.isclose([1, 2], [1, 2.1]).tolist(), [true, false]);
 * ```
 */
export function isclose(
  a: ArrayLikeInput,
  b: ArrayLikeInput,
  options: CloseOptions = {},
): NDArray {
  const x = checkedNd(options, "isclose", CLOSE_KEYS, a), y = nd(b);
  const rtol = options.rtol ?? 1e-5, atol = options.atol ?? 1e-8;
  const fx = x.dtype.startsWith("float") ? x : x.astype("float64");
  const fy = y.dtype.startsWith("float") ? y : y.astype("float64");
  const finite = ufunc2(
    "logicalAnd",
    ufunc1("isfinite", fx),
    ufunc1("isfinite", fy),
  );
  const diff = ufunc1("abs", ufunc2("subtract", fx, fy));
  const tol = ufunc2("add", atol, ufunc2("multiply", rtol, ufunc1("abs", fy)));
  let r = ufunc2(
    "logicalOr",
    ufunc2("logicalAnd", finite, ufunc2("lessEqual", diff, tol)),
    ufunc2("logicalAnd", ufunc1("logicalNot", finite), ufunc2("equal", fx, fy)),
  );
  if (options.equalNan) {
    r = ufunc2(
      "logicalOr",
      r,
      ufunc2("logicalAnd", ufunc1("isnan", fx), ufunc1("isnan", fy)),
    );
  }
  return r;
}

/**
 * Whether every element pair is close (see {@link isclose}).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.allclose([1, 2], [1, 2 + 1e-9]), true);
 * ```
 */
export function allclose(
  a: ArrayLikeInput,
  b: ArrayLikeInput,
  options: CloseOptions = {},
): boolean {
  checkBoolResult(options, "allclose", CLOSE_KEYS);
  return all(isclose(a, b, options)) as boolean;
}

/**
 * The first steps of a function whose result is a JS boolean: its options
 * checked, then refused inside an engine job (the result needs the values).
 */
function checkBoolResult(
  options: unknown,
  fn: string,
  keys: OptionKeys,
): void {
  checkOptions(options, fn, keys);
  notRecordable(fn, "its result is a JS boolean, which needs the values");
}

/**
 * True when both arrays have the same shape and equal elements.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.arrayEqual([1, 2], [1, 2]), true);
 * ```
 */
export function arrayEqual(
  a: ArrayLikeInput,
  b: ArrayLikeInput,
  options: ArrayEqualOptions = {},
): boolean {
  checkBoolResult(options, "arrayEqual", EQUAL_KEYS);
  const x = nd(a), y = nd(b);
  if (x.ndim !== y.ndim || x.shape.some((d, i) => d !== y.shape[i])) {
    return false;
  }
  let eq = ufunc2("equal", x, y);
  if (options.equalNan) {
    eq = ufunc2(
      "logicalOr",
      eq,
      ufunc2("logicalAnd", ufunc1("isnan", x), ufunc1("isnan", y)),
    );
  }
  return all(eq) as boolean;
}

// ---- function forms of the shape methods (NumPy's names) -------------------

/** Options of {@link reshape} and {@link ravel}. */
export interface OrderOptions {
  /** Element order: only "C" (row-major), NumPy's default, is supported. */
  order?: "C";
}
const ORDER_KEYS = optionKeys<OrderOptions>({ order: 1 });

function shapeArg(shape: unknown, fn: string): number[] {
  return [...numberList(shape, fn, "shape")];
}

function cOrder(options: OrderOptions | undefined, fn: string): void {
  checkOptions(options, fn, ORDER_KEYS);
  const o = options?.order;
  if (o !== undefined && o !== "C") {
    throw new RangeError(
      `${fn}(): order ${show(o)} is not supported (only "C")`,
    );
  }
}

/**
 * `a` with a new shape (NumPy's `reshape`): a view when the layout allows,
 * else a copy; one dimension may be -1.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.reshape(rp.arange(6), [2, 3]).shape, [2, 3]);
 * ```
 */
export function reshape(
  a: ArrayLikeInput,
  shape: number | readonly number[],
  options?: OrderOptions,
): NDArray {
  cOrder(options, "reshape");
  return nd(a).reshape(shapeArg(shape, "reshape"));
}

/**
 * The flattened array (NumPy's `ravel`): a view when contiguous.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.ravel([[1, 2], [3, 4]]).tolist(), [1n, 2n, 3n, 4n]);
 * ```
 */
export function ravel(a: ArrayLikeInput, options?: OrderOptions): NDArray {
  cOrder(options, "ravel");
  return nd(a).ravel();
}

/**
 * Permuted axes (NumPy's `transpose`; reversed when `axes` is omitted).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.transpose(rp.array([[1, 2, 3]])).shape, [3, 1]);
 * ```
 */
export function transpose(
  a: ArrayLikeInput,
  axes?: readonly number[] | null,
): NDArray {
  maxArgs("transpose", arguments, 2);
  const x = nd(a);
  return axes === undefined || axes === null
    ? x.transpose()
    : x.transpose([...listArg<number>(axes, "transpose", "axes")]);
}

/**
 * `a` with axes `axis1` and `axis2` swapped (NumPy's `swapaxes`); a view.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.swapaxes(rp.zeros([2, 3]), 0, 1).shape, [3, 2]);
 * ```
 */
export function swapaxes(
  a: ArrayLikeInput,
  axis1: number,
  axis2: number,
): NDArray {
  maxArgs("swapaxes", arguments, 3);
  return nd(a).swapaxes(axis1, axis2);
}

function axesArg(
  axis: number | readonly number[],
  ndim: number,
  fn: string,
): number[] {
  const out = numberList(axis, fn, "axis").map((ax) => normAxis(ax, ndim, fn));
  if (new Set(out).size !== out.length) {
    throw new RangeError(`${fn}(): repeated axis`);
  }
  return out;
}

/**
 * `a` with length-1 axes inserted at the given positions of the result
 * (NumPy's `expand_dims`); a view.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.expandDims(rp.array([1, 2]), 0).shape, [1, 2]);
 * ```
 */
export function expandDims(
  a: ArrayLikeInput,
  axis: number | readonly number[],
): NDArray {
  maxArgs("expandDims", arguments, 2);
  const x = nd(a);
  const n = numberList(axis, "expandDims", "axis").length;
  const at = new Set(axesArg(axis, x.ndim + n, "expandDims"));
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < x.ndim + n; i++) {
    shape.push(at.has(i) ? 1 : x.shape[k++]!);
  }
  return x.reshape(shape);
}

/**
 * `a` without length-1 axes: all of them, or the given ones, which must
 * have length 1 (NumPy's `squeeze`); a view.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.squeeze(rp.zeros([1, 3, 1])).shape, [3]);
 * ```
 */
export function squeeze(
  a: ArrayLikeInput,
  axis?: number | readonly number[] | null,
): NDArray {
  maxArgs("squeeze", arguments, 2);
  const x = nd(a);
  if (axis === undefined || axis === null) return x.squeeze();
  const drop = new Set(axesArg(axis, x.ndim, "squeeze"));
  for (const i of drop) {
    if (x.shape[i] !== 1) {
      throw new RangeError(
        "squeeze(): cannot select an axis to squeeze out which has size not equal to one",
      );
    }
  }
  return x.reshape(x.shape.filter((_, i) => !drop.has(i)));
}

/**
 * `a` with the axes `source` moved to the positions `destination`, the
 * others in their order (NumPy's `moveaxis`); a view.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.moveaxis(rp.zeros([2, 3, 4]), 0, -1).shape, [3, 4, 2]);
 * ```
 */
export function moveaxis(
  a: ArrayLikeInput,
  source: number | readonly number[],
  destination: number | readonly number[],
): NDArray {
  maxArgs("moveaxis", arguments, 3);
  const x = nd(a);
  const src = axesArg(source, x.ndim, "moveaxis");
  const dst = axesArg(destination, x.ndim, "moveaxis");
  if (src.length !== dst.length) {
    throw new RangeError(
      "moveaxis(): `source` and `destination` arguments must have the same number of elements",
    );
  }
  const order = [...Array(x.ndim).keys()].filter((i) => !src.includes(i));
  const pairs = dst.map((d, i) => [d, src[i]!] as const).sort((p, q) =>
    p[0] - q[0]
  );
  for (const [d, s] of pairs) order.splice(d, 0, s);
  return x.transpose(order);
}

/**
 * A read-only view of `a` repeated to `shape` (NumPy's `broadcast_to`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const b = rp.broadcastTo(rp.array([1, 2]), [3, 2]);
 * assert.deepEqual(b.shape, [3, 2]);
 * ```
 */
export function broadcastTo(
  a: ArrayLikeInput,
  shape: number | readonly number[],
): NDArray {
  maxArgs("broadcastTo", arguments, 2);
  return nd(a).broadcastTo(shapeArg(shape, "broadcastTo"));
}

/**
 * The arrays broadcast against each other (NumPy's `broadcast_arrays`):
 * read-only views of the common shape.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const [x, y] = rp.broadcastArrays([1, 2], [[1], [2]]);
 * assert.deepEqual(x!.shape, [2, 2]);
 * assert.deepEqual(y!.shape, [2, 2]);
 * ```
 */
export function broadcastArrays(...arrays: ArrayLikeInput[]): NDArray[] {
  const xs = arrays.map(nd);
  const shape = broadcastShapes(xs.map((x) => x.shape), "broadcastArrays");
  return xs.map((x) => x.broadcastTo(shape));
}

/**
 * `a` as at least 1-d (NumPy's `atleast_1d`); a view.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.atleast1d(5).shape, [1]);
 * ```
 */
export function atleast1d(a: ArrayLikeInput): NDArray {
  maxArgs("atleast1d", arguments, 1);
  const x = nd(a);
  return x.ndim >= 1 ? x : x.reshape([1]);
}
/**
 * `a` as at least 2-d, 1-d as one row (NumPy's `atleast_2d`); a view.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.atleast2d([1, 2]).shape, [1, 2]);
 * ```
 */
export function atleast2d(a: ArrayLikeInput): NDArray {
  maxArgs("atleast2d", arguments, 1);
  const x = nd(a);
  return x.ndim >= 2 ? x : x.reshape([1, x.size]);
}
/**
 * `a` as at least 3-d (NumPy's `atleast_3d`: 1-d `(n)` becomes `(1, n,
 * 1)`, 2-d `(m, n)` becomes `(m, n, 1)`); a view.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.atleast3d([1, 2]).shape, [1, 2, 1]);
 * ```
 */
export function atleast3d(a: ArrayLikeInput): NDArray {
  maxArgs("atleast3d", arguments, 1);
  const x = nd(a);
  if (x.ndim >= 3) return x;
  if (x.ndim === 2) return x.reshape([...x.shape, 1]);
  return x.reshape([1, x.size, 1]);
}

/**
 * The number of dimensions (NumPy's `ndim`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.ndim([[1, 2]]), 2);
 * ```
 */
export function ndim(a: ArrayLikeInput): number {
  maxArgs("ndim", arguments, 1);
  return nd(a).ndim;
}
/**
 * The shape, as a new array (NumPy's `shape`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.shape([[1, 2, 3]]), [1, 3]);
 * ```
 */
export function shape(a: ArrayLikeInput): number[] {
  maxArgs("shape", arguments, 1);
  return nd(a).shape.slice();
}
/**
 * The number of elements, or the length of `axis` (NumPy's `size`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.size([[1, 2, 3]]), 3);
 * ```
 */
export function size(a: ArrayLikeInput, axis?: number | null): number {
  maxArgs("size", arguments, 2);
  const x = nd(a);
  if (axis === undefined || axis === null) return x.size;
  return x.shape[normAxis(axis, x.ndim, "size")]!;
}
