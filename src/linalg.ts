/**
 * Matrix products: `matmul` (NumPy's semantics: 1-d operands promoted and
 * the added axis removed, leading batch dimensions broadcast), computed by
 * the packed, blocked, multi-threaded GEMM in `rust/src/kernels/gemm.rs`.
 *
 * @module
 */
import { native, statusError } from "./_native.ts";
import { dtypeCode, resultType, storageCtor } from "./dtype.ts";
import { NDArray } from "./ndarray.ts";
import { array } from "./creation.ts";
import { broadcastShapes, broadcastStrides, sizeOf } from "./_shape.ts";
import type { ArrayLikeInput } from "./ufunc.ts";

/**
 * Matrix product of two arrays (NumPy's `matmul` / `@`). Batched over
 * leading dimensions with broadcasting; a 1-d `a` is a row vector and a 1-d
 * `b` a column vector, their added axis removed from the result.
 */
export function matmul(x: ArrayLikeInput, y: ArrayLikeInput): NDArray {
  let a = x instanceof NDArray ? x : array(x);
  let b = y instanceof NDArray ? y : array(y);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(
      "matmul(): Input operand does not have enough dimensions",
    );
  }
  const aVec = a.ndim === 1, bVec = b.ndim === 1;
  if (aVec) a = a.reshape(1, -1);
  if (bVec) b = b.reshape(-1, 1);
  const m = a.shape[a.ndim - 2]!, k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim - 2]!, n = b.shape[b.ndim - 1]!;
  if (k !== k2) {
    throw new RangeError(
      `matmul(): Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${k2} is different from ${k})`,
    );
  }
  const dtype = resultType(a.dtype, b.dtype);
  if (a.dtype !== dtype) a = a.astype(dtype);
  if (b.dtype !== dtype) b = b.astype(dtype);
  const aBatch = a.shape.slice(0, -2), bBatch = b.shape.slice(0, -2);
  const batchShape = broadcastShapes([aBatch, bBatch], "matmul");
  const batch = sizeOf(batchShape);
  const aBs = broadcastStrides(aBatch, a._strides.slice(0, -2), batchShape);
  const bBs = broadcastStrides(bBatch, b._strides.slice(0, -2), batchShape);
  const meta = new Float64Array(8 + 2 * batch);
  meta.set([
    m,
    k,
    n,
    batch,
    a._strides.at(-2)!,
    a._strides.at(-1)!,
    b._strides.at(-2)!,
    b._strides.at(-1)!,
  ]);
  const idx = new Array<number>(batchShape.length).fill(0);
  for (let t = 0; t < batch; t++) {
    let ao = a._offset, bo = b._offset;
    for (let d = 0; d < idx.length; d++) {
      ao += idx[d]! * aBs[d]!;
      bo += idx[d]! * bBs[d]!;
    }
    meta[8 + 2 * t] = ao;
    meta[9 + 2 * t] = bo;
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < batchShape[d]!) break;
      idx[d] = 0;
    }
  }
  const out = new NDArray(new (storageCtor(dtype))(batch * m * n), dtype, [
    ...batchShape,
    m,
    n,
  ]);
  if (out.size > 0) {
    const status = native.rp_matmul(
      dtypeCode(dtype),
      a._storage,
      a._storage.length,
      b._storage,
      b._storage.length,
      out._storage,
      out._storage.length,
      meta,
      meta.length,
    );
    if (status !== 0) throw statusError(status, "matmul");
  }
  let shape = out.shape.slice();
  if (aVec) shape.splice(shape.length - 2, 1);
  if (bVec) shape = shape.slice(0, -1);
  return shape.length === out.ndim ? out : out.reshape(shape);
}
