/**
 * Shape arithmetic: sizes, C-order strides, axis normalisation, reshape
 * with -1, broadcasting, and NumPy's slice-string parsing. Pure functions
 * over element strides (raptors keeps strides in elements internally and
 * reports bytes, as NumPy does, in `NDArray.strides`).
 *
 * @module
 */
import { show } from "../_show.ts";
import { AxisError, IndexError } from "../errors.ts";

/** A shape: non-negative integer extents. */
export type Shape = readonly number[];

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** C-order (row-major) element strides of a contiguous array. */
export function cStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= Math.max(shape[i]!, 1);
  }
  return s;
}

/** Formats a shape as NumPy prints it: (2, 3), (4,), (). */
export function fmtShape(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(",")})`;
}

/** Largest number of elements raptors allocates (2^32 - 1: u32 lengths). */
export const MAX_SIZE = 0xffff_ffff;

/** Validates a user shape (an int or a list of ints). */
export function asShape(x: unknown, fn: string): number[] {
  const dims = typeof x === "number" ? [x] : x;
  if (!Array.isArray(dims)) {
    throw new TypeError(
      `${fn}(): shape must be an integer or an array of integers`,
    );
  }
  let size = 1;
  for (const d of dims) {
    if (!Number.isInteger(d)) {
      throw new TypeError(
        `${fn}(): shape entries must be integers; got ${show(d)}`,
      );
    }
    if (d < 0) {
      throw new RangeError(
        `${fn}(): negative dimensions are not allowed: ${fmtShape(dims)}`,
      );
    }
    size *= d;
  }
  if (size > MAX_SIZE) {
    throw new RangeError(
      `${fn}(): array of shape ${
        fmtShape(dims)
      } has ${size} elements; at most ${MAX_SIZE} are supported`,
    );
  }
  return dims.slice();
}

/** Normalises a possibly negative axis, with NumPy's AxisError message. */
export function normAxis(axis: number, ndim: number, fn: string): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new AxisError(
      `${fn}(): axis ${
        show(axis)
      } is out of bounds for array of dimension ${ndim}`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Resolves one -1 in a reshape target against `size`. */
export function resolveReshape(
  size: number,
  target: number[],
  fn = "reshape",
): number[] {
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < target.length; i++) {
    const d = target[i]!;
    if (d === -1) {
      if (unknown >= 0) {
        throw new RangeError(`${fn}(): can only specify one unknown dimension`);
      }
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${fn}(): invalid dimension ${show(d)}`);
    } else known *= d;
  }
  const out = target.slice();
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new RangeError(
        `${fn}(): cannot reshape array of size ${size} into shape ${
          fmtShape(target)
        }`,
      );
    }
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new RangeError(
      `${fn}(): cannot reshape array of size ${size} into shape ${
        fmtShape(target)
      }`,
    );
  }
  return out;
}

/**
 * Strides of a view with `newShape` over memory described by
 * (`shape`, `strides`) in C order, or undefined when no view exists (NumPy
 * then copies). Dimensions of extent 1 are free; runs of dimensions that
 * are contiguous with each other may be merged and split.
 */
export function reshapeStrides(
  shape: Shape,
  strides: readonly number[],
  newShape: Shape,
): number[] | undefined {
  const size = sizeOf(shape);
  if (size === 0) return cStrides(newShape);
  // Drop size-1 dimensions, then group the old dims into contiguous chunks.
  const os: number[] = [], ost: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] !== 1) {
      os.push(shape[i]!);
      ost.push(strides[i]!);
    }
  }
  const out = new Array<number>(newShape.length).fill(0);
  let oi = 0, ni = 0;
  const nShape = newShape;
  while (ni < nShape.length && nShape[ni] === 1) {
    out[ni] = 1;
    ni++;
  }
  while (oi < os.length || ni < nShape.length) {
    if (ni < nShape.length && nShape[ni] === 1) {
      out[ni] = 1;
      ni++;
      continue;
    }
    if (oi >= os.length || ni >= nShape.length) return undefined;
    // take old dims [oi, oj) and new dims [ni, nj) with equal products
    let op = os[oi]!, np = nShape[ni]!;
    let oj = oi + 1, nj = ni + 1;
    while (op !== np) {
      if (op < np) {
        if (oj >= os.length) return undefined;
        op *= os[oj++]!;
      } else {
        if (nj >= nShape.length) return undefined;
        np *= nShape[nj++]!;
      }
    }
    // the old chunk must be contiguous in C order
    for (let k = oi; k < oj - 1; k++) {
      if (ost[k] !== ost[k + 1]! * os[k + 1]!) return undefined;
    }
    let st = ost[oj - 1]!;
    for (let k = nj - 1; k >= ni; k--) {
      out[k] = st;
      st *= nShape[k]!;
    }
    oi = oj;
    ni = nj;
  }
  return out;
}

/** The broadcast shape of several shapes, or NumPy's error. */
export function broadcastShapes(
  shapes: readonly Shape[],
  fn = "broadcast",
): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i;
      const d = s[i]!, o = out[j]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[j] = d;
      else {
        throw new RangeError(
          `${fn}(): operands could not be broadcast together with shapes ${
            shapes.map(fmtShape).join(" ")
          }`,
        );
      }
    }
  }
  return out;
}

/** Element strides of `shape`/`strides` broadcast to `target` (0 where repeated). */
export function broadcastStrides(
  shape: Shape,
  strides: readonly number[],
  target: Shape,
): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[off + i] = shape[i] === 1 && target[off + i] !== 1 ? 0 : strides[i]!;
  }
  return out;
}

/** One parsed index entry of `slice(...)`. */
export type IndexEntry =
  | { kind: "int"; index: number }
  | {
    kind: "slice";
    start: number | undefined;
    stop: number | undefined;
    step: number;
  }
  | { kind: "newaxis" }
  | { kind: "ellipsis" };

/**
 * Parses NumPy index syntax: a number, `null` (new axis), `"..."`, or a
 * slice string `"start:stop:step"` with any part empty (`":"`, `"::-1"`,
 * `"1:"`), or a numeric string (`"-1"`).
 */
export function parseIndex(x: unknown, fn = "slice"): IndexEntry {
  if (x === null) return { kind: "newaxis" };
  if (typeof x === "number") {
    if (!Number.isInteger(x)) {
      throw new TypeError(`${fn}(): index ${x} is not an integer`);
    }
    return { kind: "int", index: x };
  }
  if (typeof x !== "string") {
    throw new TypeError(
      `${fn}(): indices must be integers, slice strings like "1:3", null or "..."; got ${typeof x}`,
    );
  }
  const t = x.trim();
  if (t === "...") return { kind: "ellipsis" };
  const parts = t.split(":");
  if (parts.length === 1) {
    const v = Number(t);
    if (t === "" || !Number.isInteger(v)) {
      throw new TypeError(`${fn}(): invalid index "${x}"`);
    }
    return { kind: "int", index: v };
  }
  if (parts.length > 3) throw new TypeError(`${fn}(): invalid slice "${x}"`);
  const num = (p: string | undefined): number | undefined => {
    if (p === undefined || p.trim() === "") return undefined;
    const v = Number(p);
    if (!Number.isInteger(v)) {
      throw new TypeError(`${fn}(): invalid slice "${x}"`);
    }
    return v;
  };
  const step = num(parts[2]) ?? 1;
  if (step === 0) throw new RangeError(`${fn}(): slice step cannot be zero`);
  return { kind: "slice", start: num(parts[0]), stop: num(parts[1]), step };
}

/** Python's slice.indices(): [start, count, step] for a dimension of `len`. */
export function sliceIndices(
  start: number | undefined,
  stop: number | undefined,
  step: number,
  len: number,
): [number, number] {
  let s: number, e: number;
  if (step > 0) {
    s = start === undefined
      ? 0
      : start < 0
      ? Math.max(start + len, 0)
      : Math.min(start, len);
    e = stop === undefined
      ? len
      : stop < 0
      ? Math.max(stop + len, 0)
      : Math.min(stop, len);
    return [s, e > s ? Math.ceil((e - s) / step) : 0];
  }
  s = start === undefined
    ? len - 1
    : start < 0
    ? Math.max(start + len, -1)
    : Math.min(start, len - 1);
  e = stop === undefined
    ? -1
    : stop < 0
    ? Math.max(stop + len, -1)
    : Math.min(stop, len - 1);
  return [s, e < s ? Math.ceil((s - e) / -step) : 0];
}

/**
 * Contiguous element strides for `shape` laid out in the memory order of
 * `like` (axes by decreasing |stride|, ties by axis): NumPy's order "K".
 */
export function kStrides(shape: Shape, like: readonly number[]): number[] {
  const nd = shape.length;
  const perm = [...Array(nd).keys()].sort((i, j) =>
    Math.abs(like[j]!) - Math.abs(like[i]!) || i - j
  );
  const st = new Array<number>(nd);
  let acc = 1;
  for (let k = nd - 1; k >= 0; k--) {
    st[perm[k]!] = acc;
    acc *= Math.max(shape[perm[k]!]!, 1);
  }
  return st;
}

/**
 * The layout of `NDArray.slice(...index)` of an array with this layout:
 * NumPy's basic indexing (integers, `"start:stop:step"` strings, `null`
 * for a new axis, one `"..."`), checked with NumPy's errors.
 */
export function sliceLayout(
  aShape: readonly number[],
  aStrides: readonly number[],
  aOffset: number,
  index: Array<number | string | null>,
): { shape: number[]; strides: number[]; offset: number } {
  const ndim = aShape.length;
  const entries = index.map((x) => parseIndex(x, "slice"));
  const ell = entries.filter((e) => e.kind === "ellipsis").length;
  if (ell > 1) {
    throw new RangeError(
      'slice(): an index can only have a single ellipsis ("...")',
    );
  }
  const used =
    entries.filter((e) => e.kind === "int" || e.kind === "slice").length;
  if (used > ndim) {
    throw new RangeError(
      `slice(): too many indices for array: array is ${ndim}-dimensional, but ${used} were indexed`,
    );
  }
  const shape: number[] = [], strides: number[] = [];
  let offset = aOffset, dim = 0;
  for (const e of entries) {
    if (e.kind === "ellipsis") {
      for (let k = 0; k < ndim - used; k++, dim++) {
        shape.push(aShape[dim]!);
        strides.push(aStrides[dim]!);
      }
    } else if (e.kind === "newaxis") {
      shape.push(1);
      strides.push(0);
    } else if (e.kind === "int") {
      const len = aShape[dim]!;
      if (e.index < -len || e.index >= len) {
        throw new IndexError(
          `slice(): index ${e.index} is out of bounds for axis ${dim} with size ${len}`,
        );
      }
      offset += (e.index < 0 ? e.index + len : e.index) * aStrides[dim]!;
      dim++;
    } else {
      const [start, count] = sliceIndices(
        e.start,
        e.stop,
        e.step,
        aShape[dim]!,
      );
      if (count > 0) offset += start * aStrides[dim]!;
      shape.push(count);
      strides.push(aStrides[dim]! * e.step);
      dim++;
    }
  }
  for (; dim < ndim; dim++) {
    shape.push(aShape[dim]!);
    strides.push(aStrides[dim]!);
  }
  return { shape, strides, offset };
}

/**
 * The axes `squeeze` keeps: all but the length-1 ones, or all but `axis`
 * (which must have length 1).
 */
export function squeezeKeep(shape: readonly number[], axis?: number): number[] {
  const nd = shape.length, keep: number[] = [];
  if (axis !== undefined) {
    const ax = normAxis(axis, nd, "squeeze");
    if (shape[ax] !== 1) {
      throw new RangeError(
        "squeeze(): cannot select an axis to squeeze out which has size not equal to one",
      );
    }
    for (let i = 0; i < nd; i++) if (i !== ax) keep.push(i);
  } else {
    for (let i = 0; i < nd; i++) if (shape[i] !== 1) keep.push(i);
  }
  return keep;
}
