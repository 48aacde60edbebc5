/**
 * `rp.linalg`: `solve`, `inv`, `det`, `slogdet`, `cholesky` (batched over
 * leading axes, float32 and float64; other dtypes compute in float64, as
 * NumPy) and `norm`. Singular or indefinite input raises
 * {@link LinAlgError}, as NumPy does. Blocked LU with partial pivoting
 * whose trailing updates run on the GEMM kernel (`kernels/linalg.rs`).
 *
 * @module
 */
import { statusError } from "./_native.ts";
import { kernel, notRecordable } from "./_record.ts";
import { NDArray } from "./ndarray.ts";
import { eye } from "./creation.ts";
import { type DType, dtypeCode, resultType } from "./dtype.ts";
import { broadcastShapes, sizeOf } from "./_shape.ts";
import { LinAlgError } from "./errors.ts";
export { LinAlgError };
import { type ArrayLikeInput, asNd as nd } from "./ufunc.ts";
import { normNd } from "./linalg.ts";

function floatOf(d: DType): DType {
  return d === "float32" ? "float32" : "float64";
}

function square(a: NDArray, fn: string): number {
  if (a.ndim < 2) {
    throw new LinAlgError(
      `${a.ndim}-dimensional array given. Array must be at least two-dimensional`,
    );
  }
  const n = a.shape.at(-1)!;
  if (a.shape.at(-2) !== n) {
    throw new LinAlgError(
      `Last 2 dimensions of the array must be square (${fn})`,
    );
  }
  return n;
}

function call(
  op: number,
  dt: DType,
  a: NDArray,
  n: number,
  batch: number,
  b: NDArray | null,
  nrhs: number,
  out: Float64Array | null,
  fn: string,
): void {
  // solve and cholesky can be engine-job steps; determinants read their
  // output here, so they cannot
  if (op === 1 || op === 2) {
    notRecordable(fn, "its result is read on the calling thread");
  }
  const st = kernel(
    "rp_linalg",
    op,
    dtypeCode(dt),
    a._storage,
    n,
    batch,
    b ? b._storage : null,
    nrhs,
    out,
  );
  if (st !== 0) throw statusError(st, fn);
}

/** Solves `a @ x = b` (NumPy 2: `b` is a vector only when 1-d). */
export function solve(a: ArrayLikeInput, b: ArrayLikeInput): NDArray {
  const A = nd(a), B = nd(b);
  const n = square(A, "solve");
  const dt = floatOf(resultType(A.dtype, B.dtype));
  const vec = B.ndim === 1;
  const Bm = vec ? B.reshape(-1, 1) : B;
  if (Bm.shape.at(-2) !== n) {
    throw new RangeError(
      `solve(): Input operand 1 has a mismatch in its core dimension 0 (size ${
        Bm.shape.at(-2)
      } is different from ${n})`,
    );
  }
  const nrhs = Bm.shape.at(-1)!;
  const batchShape = broadcastShapes([
    A.shape.slice(0, -2),
    Bm.shape.slice(0, -2),
  ], "solve");
  const batch = sizeOf(batchShape);
  const Ac = A.astype(dt).broadcastTo([...batchShape, n, n]).copy();
  const Bc = Bm.astype(dt).broadcastTo([...batchShape, n, nrhs]).copy();
  if (batch > 0 && n > 0) call(0, dt, Ac, n, batch, Bc, nrhs, null, "solve");
  return vec ? Bc.reshape([...batchShape, n]) : Bc;
}

/** The inverse of each square matrix. */
export function inv(a: ArrayLikeInput): NDArray {
  const A = nd(a);
  const n = square(A, "inv");
  const dt = floatOf(A.dtype);
  const I = eye(n, undefined, { dtype: dt }).broadcastTo(
    A.shape.slice(),
  );
  return solve(A.astype(dt), I);
}

/** `(sign, logabsdet)` of each matrix (NumPy's `slogdet`). */
export function slogdet(
  a: ArrayLikeInput,
): { sign: NDArray | number; logabsdet: NDArray | number } {
  const A = nd(a);
  const n = square(A, "slogdet");
  const dt = floatOf(A.dtype);
  const batchShape = A.shape.slice(0, -2);
  const batch = sizeOf(batchShape);
  const Ac = A.astype(dt).copy();
  const out = new Float64Array(2 * batch);
  if (n === 0) { for (let t = 0; t < batch; t++) out[2 * t] = 1; }
  else if (batch > 0) call(1, dt, Ac, n, batch, null, 0, out, "slogdet");
  const sign = new Float64Array(batch), log = new Float64Array(batch);
  for (let t = 0; t < batch; t++) {
    sign[t] = out[2 * t]!;
    log[t] = out[2 * t + 1]!;
  }
  const wrap = (v: Float64Array) => {
    const r = new NDArray(v, "float64", batchShape).astype(dt);
    return r.ndim === 0 ? (r.item() as number) : r;
  };
  return { sign: wrap(sign), logabsdet: wrap(log) };
}

/** The determinant of each matrix (0 for a singular one). */
export function det(a: ArrayLikeInput): NDArray | number {
  const A = nd(a);
  const { sign, logabsdet } = slogdet(A);
  if (typeof sign === "number") {
    const d = sign * Math.exp(logabsdet as number);
    return A.dtype === "float32" ? Math.fround(d) : d;
  }
  const s = (sign as NDArray).astype("float64").copy()._storage as Float64Array;
  const l = (logabsdet as NDArray).astype("float64").copy()
    ._storage as Float64Array;
  const d = s.map((v, i) => v * Math.exp(l[i]!));
  return new NDArray(d, "float64", (sign as NDArray).shape.slice()).astype(
    floatOf(A.dtype),
  );
}

/** The lower Cholesky factor of each Hermitian positive-definite matrix. */
export function cholesky(a: ArrayLikeInput): NDArray {
  const A = nd(a);
  const n = square(A, "cholesky");
  const dt = floatOf(A.dtype);
  const Ac = A.astype(dt).copy();
  const batch = sizeOf(A.shape.slice(0, -2));
  if (batch > 0 && n > 0) call(3, dt, Ac, n, batch, null, 0, null, "cholesky");
  return Ac;
}

/** NumPy's `numpy.linalg` namespace (the parts that exist; see COMPATIBILITY.md). */
export const linalg = {
  solve,
  inv,
  det,
  slogdet,
  cholesky,
  norm: normNd,
  LinAlgError,
} as const;
