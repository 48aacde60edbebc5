/**
 * `einsum`, as NumPy: explicit (`"ij,jk->ik"`) and implicit (`"ij,jk"`)
 * output, ellipsis broadcasting (`"...ij,...jk->...ik"`), repeated labels
 * (`"ii->i"` diagonal, `"ii"` trace), transposes, sums, outer products and
 * contractions of several operands (left to right, two at a time). Every
 * pairwise contraction is arranged as one batched `matmul`, so the packed
 * GEMM does the work.
 *
 * @module
 */
import { show } from "../_show.ts";
import {
  type NDArray,
  ownArray,
  scalarResult,
  storageOf,
} from "../core/ndarray.ts";
import { resultType } from "../core/dtype.ts";
import { type ArrayLikeInput, asNd as nd } from "../ufunc/ufunc.ts";
import { any as anyAxis, sumAxis } from "../reduce/reduce.ts";
import { matmul } from "./products.ts";
import { broadcastShapes, sizeOf } from "../core/_shape.ts";

/** An operand with one label per axis (after diagonals are taken). */
interface Term {
  x: NDArray;
  labels: string[];
}

function fail(msg: string): never {
  throw new RangeError(`einsum(): ${msg}`);
}

/** Combines the axes that share a label into one (a strided diagonal view). */
function diagonals(x: NDArray, labels: string[]): Term {
  const out: string[] = [];
  const shape: number[] = [];
  const strides: number[] = [];
  labels.forEach((l, i) => {
    const j = out.indexOf(l);
    if (j < 0) {
      out.push(l);
      shape.push(x.shape[i]!);
      strides.push(x._strides[i]!);
    } else {
      if (shape[j] !== x.shape[i]) {
        fail(
          `dimensions in operand for collapsing index '${l}' don't match (${
            shape[j]
          } != ${x.shape[i]})`,
        );
      }
      strides[j] = strides[j]! + x._strides[i]!;
    }
  });
  return {
    x: ownArray(storageOf(x), x.dtype, shape, strides, x._offset),
    labels: out,
  };
}

/** Sums out the labels `keep` does not contain. */
function sumOut(t: Term, keep: Set<string>): Term {
  const axes = t.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) =>
    i >= 0
  );
  if (axes.length === 0) return t;
  // keepdims, then drop the axes: never reads a value (works in jobs)
  // in the operands' dtype, as NumPy's einsum (int32 stays int32); a bool
  // sum is NumPy's logical or
  const o = { axis: axes, keepdims: true, dtype: t.x.dtype };
  const s =
    (t.x.dtype === "bool"
      ? anyAxis(t.x, { axis: axes, keepdims: true })
      : sumAxis(t.x, o)) as NDArray;
  const labels = t.labels.filter((l) => keep.has(l));
  return {
    x: s.reshape(s.shape.filter((_, i) => !axes.includes(i))),
    labels,
  };
}

function transposeTo(t: Term, order: string[]): NDArray {
  return t.x.transpose(order.map((l) => t.labels.indexOf(l)));
}

/** Contracts two terms over the labels not in `keep`. */
function contract(
  a: Term,
  b: Term,
  keep: Set<string>,
  sizes: Map<string, number>,
): Term {
  const inB = new Set(b.labels), inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const freeA = a.labels.filter((l) => !inB.has(l));
  const freeB = b.labels.filter((l) => !inA.has(l));
  const dims = (ls: string[]) => ls.map((l) => sizes.get(l)!);
  // (batch, freeA, summed) @ (batch, summed, freeB), batch dims broadcast
  const at = transposeTo(a, [...batch, ...freeA, ...summed]);
  const bt = transposeTo(b, [...batch, ...summed, ...freeB]);
  const bs = dims(batch);
  const m = sizeOf(dims(freeA)),
    k = sizeOf(dims(summed)),
    n = sizeOf(dims(freeB));
  const ab = at.broadcastTo([...bs, ...dims(freeA), ...dims(summed)]).reshape([
    ...bs,
    m,
    k,
  ]);
  const bb = bt.broadcastTo([...bs, ...dims(summed), ...dims(freeB)]).reshape([
    ...bs,
    k,
    n,
  ]);
  const r = matmul(ab, bb).reshape([...bs, ...dims(freeA), ...dims(freeB)]);
  return { x: r, labels: [...batch, ...freeA, ...freeB] };
}

/**
 * Evaluates the Einstein summation `subscripts` over `operands` (NumPy's
 * `einsum`). Results have the operands' promoted dtype; a 0-d result is a
 * JS scalar.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const y = rp.einsum("ij,j->i", [[1, 2], [3, 4]], [1, 1]) as rp.NDArray;
 * assert.deepEqual(y.tolist(), [3n, 7n]);
 * ```
 */
export function einsum(
  subscripts: string,
  ...operands: ArrayLikeInput[]
): NDArray | number | bigint | boolean {
  const r = einsumKeep(subscripts, ...operands);
  return r.ndim === 0 ? scalarResult(r) : r;
}

/** @internal {@link einsum} that keeps a 0-d result as an array. */
export function einsumKeep(
  subscripts: string,
  ...operands: ArrayLikeInput[]
): NDArray {
  if (typeof subscripts !== "string") {
    throw new TypeError(
      `einsum(): the subscripts must be a string such as "ij,jk->ik"; got ${
        show(subscripts)
      }`,
    );
  }
  const xs = operands.map(nd);
  const spec = subscripts.replace(/\s+/g, "");
  const [lhs, rhs] = spec.includes("->") ? spec.split("->") : [spec, undefined];
  const terms = lhs!.split(",");
  if (terms.length !== xs.length) {
    fail(`${terms.length} operands in the subscripts, ${xs.length} given`);
  }
  // ellipsis: as many fresh labels as the broadcast dims it stands for
  const ellLen = Math.max(
    0,
    ...terms.map((t, i) =>
      t.includes("...") ? xs[i]!.ndim - (t.replace("...", "").length) : 0
    ),
  );
  const ellLabels = Array.from(
    { length: ellLen },
    (_, i) => String.fromCharCode(0x100 + i),
  );
  const labelled: Term[] = terms.map((t, i) => {
    const x = xs[i]!;
    let ls: string[];
    if (t.includes("...")) {
      const [pre, post] = t.split("...");
      const n = x.ndim - pre!.length - post!.length;
      if (n < 0) fail(`operand ${i} has fewer dimensions than subscripts`);
      ls = [...pre!, ...ellLabels.slice(ellLen - n), ...post!];
    } else ls = [...t];
    for (const l of ls) {
      if (l.length === 1 && l.charCodeAt(0) < 0x100 && !/[a-zA-Z]/.test(l)) {
        fail(`invalid subscript '${l}' in einstein sum subscripts string`);
      }
    }
    if (ls.length !== x.ndim) {
      fail(
        `operand ${i} has ${x.ndim} dimensions but subscripts '${t}' name ${ls.length}`,
      );
    }
    return diagonals(x, ls);
  });
  // label sizes (1 broadcasts, as NumPy)
  const sizes = new Map<string, number>();
  for (const t of labelled) {
    t.labels.forEach((l, i) => {
      const d = t.x.shape[i]!;
      const prev = sizes.get(l);
      if (prev === undefined || prev === 1) sizes.set(l, d);
      else if (d !== 1 && d !== prev) {
        if (ellLabels.includes(l)) broadcastShapes([[prev], [d]], "einsum");
        fail(
          `operands could not be broadcast together: label '${l}' has sizes ${prev} and ${d}`,
        );
      }
    });
  }
  let out: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const t of terms) {
      for (const l of new Set(t.replace("...", ""))) {
        counts.set(
          l,
          (counts.get(l) ?? 0) + [...t].filter((c) => c === l).length,
        );
      }
    }
    out = [
      ...ellLabels,
      ...[...counts].filter(([, c]) => c === 1).map(([l]) => l).sort(),
    ];
  } else {
    const [pre, post] = rhs.includes("...") ? rhs.split("...") : [rhs, ""];
    out = rhs.includes("...") ? [...pre!, ...ellLabels, ...post!] : [...rhs];
    for (const l of out) {
      if (!sizes.has(l)) {
        fail(`output subscript '${l}' does not appear in the input`);
      }
    }
    if (new Set(out).size !== out.length) {
      fail("output subscripts repeat a label");
    }
  }
  const dtype = xs.map((x) => x.dtype).reduce((a, b) => resultType(a, b));
  let acc = labelled.map((t) => ({
    ...t,
    x: t.x.dtype === dtype ? t.x : t.x.astype(dtype),
  }));
  // contract left to right, keeping labels needed later or in the output
  let cur = acc[0]!;
  const later = (k: number) =>
    new Set([...out, ...acc.slice(k).flatMap((t) => t.labels)]);
  cur = sumOut(cur, new Set([...later(1)]));
  for (let k = 1; k < acc.length; k++) {
    const next = sumOut(acc[k]!, new Set([...later(k + 1), ...cur.labels]));
    cur = contract(cur, next, later(k + 1), sizes);
  }
  acc = [];
  cur = sumOut(cur, new Set(out));
  return out.length === 0 ? cur.x : transposeTo(cur, out).copy();
}
