/**
 * Sorting of NDArrays (1-d for now; along any axis is the next step):
 * `sort` returns a sorted copy (NumPy's `np.sort`, NaN last) and
 * `argsort` the stable sorting permutation as int64. Both run through the
 * kernel recorder, so they also work inside engine jobs.
 *
 * @module
 */
import { NDArray } from "./ndarray.ts";
import { array } from "./creation.ts";
import type { ArrayLikeInput } from "./ufunc.ts";
import { dtypeCode } from "./dtype.ts";
import { kernel } from "./_record.ts";
import { allocStorage } from "./_pool.ts";
import { statusError } from "./_native.ts";

function oneD(x: NDArray, fn: string): void {
  if (x.ndim !== 1) {
    throw new RangeError(
      `${fn}(): only 1-d NDArrays for now (got ${x.ndim}-d); sort along an axis is not implemented yet`,
    );
  }
  if (x.dtype === "bool") {
    throw new TypeError(`${fn}(): bool arrays are not supported yet`);
  }
}

/** A sorted copy of a 1-d array (NaN last). */
export function sortNd(a: ArrayLikeInput): NDArray {
  const x = a instanceof NDArray ? a : array(a);
  oneD(x, "sort");
  const out = x.copy();
  if (out.size > 0) {
    const st = kernel("rp_sort", dtypeCode(out.dtype), out._storage, out.size);
    if (st !== 0) throw statusError(st, "sort");
  }
  return out;
}

/** The stable sorting permutation of a 1-d array (int64, NaN last). */
export function argsortNd(a: ArrayLikeInput): NDArray {
  const x = a instanceof NDArray ? a : array(a);
  oneD(x, "argsort");
  const c = x.flags.cContiguous && x._offset === 0 ? x : x.copy();
  const idx = new NDArray(allocStorage("uint32", c.size), "uint32", [c.size]);
  if (c.size > 0) {
    const st = kernel(
      "rp_argsort",
      dtypeCode(c.dtype),
      c._storage,
      c.size,
      idx._storage,
    );
    if (st !== 0) throw statusError(st, "argsort");
  }
  return idx.astype("int64");
}
