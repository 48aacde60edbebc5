/**
 * `rp.linalg`: `solve`, `inv`, `det`, `slogdet`, `cholesky` (batched over
 * leading axes, float32 and float64; other dtypes compute in float64, as
 * NumPy) and `norm`. Singular or indefinite input raises
 * {@link LinAlgError}, as NumPy does. Blocked LU with partial pivoting
 * whose trailing updates run on the GEMM kernel (`kernels/linalg.rs`).
 *
 * @module
 */
import { statusError } from "../_native.ts";
import { DECOMP, LINALG } from "../../ffi/symbols.ts";
import { kernel, notRecordable, recording } from "../engine/_record.ts";
import {
  NDArray,
  numberResult,
  ownArray,
  SCALAR_RESULT,
  storageOf,
} from "../core/ndarray.ts";
import { empty, zeros } from "../core/creation.ts";
import { amax, sumAxis } from "../reduce/reduce.ts";
import { matmul } from "./products.ts";
import { checkedNd, ufunc2, where } from "../ufunc/ufunc.ts";
import { type DType, dtypeCode, resultType } from "../core/dtype.ts";
import { broadcastShapes, sizeOf } from "../core/_shape.ts";
import { LinAlgError } from "../errors.ts";
export { LinAlgError };
import { type ArrayLikeInput, asNd as nd } from "../ufunc/ufunc.ts";
import { normNd } from "./products.ts";
import { maxArgs, optionKeys } from "../_typed.ts";
import { show } from "../_show.ts";

function floatOf(d: DType): DType {
  return d === "float32" ? "float32" : "float64";
}

function square(a: NDArray, fn: string): number {
  if (a.ndim < 2) {
    throw new LinAlgError(
      `${fn}(): ${a.ndim}-dimensional array given. Array must be at least two-dimensional`,
    );
  }
  const n = a.shape.at(-1)!;
  if (a.shape.at(-2) !== n) {
    throw new LinAlgError(
      `${fn}(): Last 2 dimensions of the array must be square`,
    );
  }
  return n;
}

function call(
  op: typeof LINALG[keyof typeof LINALG],
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
  if (op === LINALG.slogdet) {
    notRecordable(fn, "its result is read on the calling thread");
  }
  const st = kernel(
    "rp_linalg",
    op,
    dtypeCode(dt),
    storageOf(a),
    n,
    batch,
    b ? storageOf(b) : null,
    nrhs,
    out,
  );
  if (st !== 0) throw statusError(st, fn);
}

/**
 * `astype`'s option for the operands the kernels overwrite: the one copy
 * made is `copy()`'s (C order, what the kernels read); `astype` then copies
 * only to cast. With the overwritten copy disposed after the call, this
 * took a 512 x 512 float64 `solve` from 4.8-5.0 to 2.9-3.0 ms (A/B): each
 * call had two fresh 2 MB buffers to fill and leave to the GC.
 */
const KEEP = { copy: false } as const;

/** Solves `a @ x = b` (NumPy 2: `b` is a vector only when 1-d). */
export function solve(a: ArrayLikeInput, b: ArrayLikeInput): NDArray {
  maxArgs("solve", arguments, 2);
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
  const Ac = A.astype(dt, KEEP).broadcastTo([...batchShape, n, n]).copy();
  const Bc = Bm.astype(dt, KEEP).broadcastTo([...batchShape, n, nrhs])
    .copy();
  if (batch > 0 && n > 0) {
    call(LINALG.solve, dt, Ac, n, batch, Bc, nrhs, null, "solve");
  }
  // the LU factors: scratch, back to the pool (unless a job reads them)
  if (recording() === null) Ac.dispose();
  return vec ? Bc.reshape([...batchShape, n]) : Bc;
}

/** The inverse of each square matrix. */
export function inv(a: ArrayLikeInput): NDArray {
  maxArgs("inv", arguments, 1);
  const A = nd(a);
  const n = square(A, "inv");
  const dt = floatOf(A.dtype);
  const shape = A.shape.slice();
  const batch = sizeOf(shape.slice(0, -2));
  const Ac = A.astype(dt, KEEP).copy();
  const X = empty(shape, { dtype: dt });
  // LU, then L⁻¹, U⁻¹ L⁻¹ and the column permutation (LAPACK's getri
  // flop count: a quarter less than solving against the identity, with
  // the same bits)
  if (batch > 0 && n > 0) call(LINALG.inv, dt, Ac, n, batch, X, n, null, "inv");
  if (recording() === null) Ac.dispose();
  return X;
}

/** `(sign, logabsdet)` of each matrix (NumPy's `slogdet`). */
export function slogdet(
  a: ArrayLikeInput,
): { sign: NDArray | number; logabsdet: NDArray | number } {
  maxArgs("slogdet", arguments, 1);
  const A = nd(a);
  const n = square(A, "slogdet");
  const dt = floatOf(A.dtype);
  const batchShape = A.shape.slice(0, -2);
  const batch = sizeOf(batchShape);
  const Ac = A.astype(dt, KEEP).copy();
  const out = new Float64Array(2 * batch);
  if (n === 0) { for (let t = 0; t < batch; t++) out[2 * t] = 1; }
  else if (batch > 0) {
    call(LINALG.slogdet, dt, Ac, n, batch, null, 0, out, "slogdet");
  }
  Ac.dispose(); // the LU factors (slogdet is never recorded)
  const sign = new Float64Array(batch), log = new Float64Array(batch);
  for (let t = 0; t < batch; t++) {
    sign[t] = out[2 * t]!;
    log[t] = out[2 * t + 1]!;
  }
  const wrap = (v: Float64Array) => {
    const r = ownArray(v, "float64", batchShape).astype(dt);
    return r.ndim === 0 ? (r.item() as number) : r;
  };
  return { sign: wrap(sign), logabsdet: wrap(log) };
}

/** The determinant of each matrix (0 for a singular one). */
export function det(a: ArrayLikeInput): NDArray | number {
  maxArgs("det", arguments, 1);
  const A = nd(a);
  const { sign, logabsdet } = slogdet(A);
  if (typeof sign === "number") {
    const d = sign * Math.exp(logabsdet as number);
    return A.dtype === "float32" ? Math.fround(d) : d;
  }
  const s = (sign as NDArray).astype("float64").copy()._read(
    "det",
  ) as Float64Array;
  const l = (logabsdet as NDArray).astype("float64").copy()
    ._read("det") as Float64Array;
  const d = s.map((v, i) => v * Math.exp(l[i]!));
  return ownArray(d, "float64", (sign as NDArray).shape.slice()).astype(
    floatOf(A.dtype),
  );
}

/** The lower Cholesky factor of each Hermitian positive-definite matrix. */
export function cholesky(a: ArrayLikeInput): NDArray {
  maxArgs("cholesky", arguments, 1);
  const A = nd(a);
  const n = square(A, "cholesky");
  const dt = floatOf(A.dtype);
  const Ac = A.astype(dt, KEEP).copy();
  const batch = sizeOf(A.shape.slice(0, -2));
  if (batch > 0 && n > 0) {
    call(LINALG.cholesky, dt, Ac, n, batch, null, 0, null, "cholesky");
  }
  return Ac;
}

/** The last two axes of `a` as (m, n), or LinAlgError below 2 dimensions. */
function matrixDims(a: NDArray, fn: string): [number, number] {
  if (a.ndim < 2) {
    throw new LinAlgError(
      `${fn}(): ${a.ndim}-dimensional array given. Array must be at least two-dimensional`,
    );
  }
  return [a.shape.at(-2)!, a.shape.at(-1)!];
}

/**
 * Runs `rp_decomp` over every matrix of `A` (cast to its float dtype and
 * copied: the kernel overwrites it) into arrays of the given trailing
 * shapes (null: not computed).
 */
function decomp(
  op: typeof DECOMP[keyof typeof DECOMP],
  A: NDArray,
  m: number,
  n: number,
  flags: number,
  outs: Array<number[] | null>,
  fn: string,
): Array<NDArray | null> {
  const dt = floatOf(A.dtype);
  const batchShape = A.shape.slice(0, -2);
  const batch = sizeOf(batchShape);
  const Ac = A.astype(dt, KEEP).copy();
  const res = outs.map((t) =>
    t === null ? null : empty([...batchShape, ...t], { dtype: dt })
  );
  if (batch > 0) {
    const st = kernel(
      "rp_decomp",
      op,
      dtypeCode(dt),
      storageOf(Ac),
      m,
      n,
      batch,
      res[0] ? storageOf(res[0]!) : null,
      res[1] ? storageOf(res[1]!) : null,
      res[2] ? storageOf(res[2]!) : null,
      flags,
    );
    if (st !== 0) throw statusError(st, fn);
  }
  if (recording() === null) Ac.dispose(); // overwritten scratch
  return res;
}

/** `qr` modes (NumPy's; `"raw"` is not supported). */
export type QrMode = "reduced" | "complete" | "r";

/**
 * Householder QR of each matrix: `{ Q, R }` with `Q` orthonormal columns
 * and `R` upper triangular (`mode: "r"` returns `R` alone). Signs follow
 * LAPACK's, so the factors equal NumPy's up to rounding.
 */
export function qr(a: ArrayLikeInput, mode: "r"): NDArray;
export function qr(
  a: ArrayLikeInput,
  mode?: "reduced" | "complete",
): { Q: NDArray; R: NDArray };
export function qr(
  a: ArrayLikeInput,
  mode: QrMode = "reduced",
): NDArray | { Q: NDArray; R: NDArray } {
  maxArgs("qr", arguments, 2);
  const A = nd(a);
  const [m, n] = matrixDims(A, "qr");
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw new TypeError(
      `qr(): Unrecognized mode ${show(mode)} (reduced, complete, r)`,
    );
  }
  const qc = mode === "complete" ? m : Math.min(m, n);
  const wantQ = mode !== "r";
  const [Q, R] = decomp(
    DECOMP.qr,
    A,
    m,
    n,
    (mode === "complete" ? 1 : 0) | (wantQ ? 2 : 0),
    [wantQ ? [m, qc] : null, [qc, n]],
    "qr",
  );
  return wantQ ? { Q: Q!, R: R! } : R!;
}

function uplo(u: string, fn: string): number {
  if (u !== "L" && u !== "U") {
    throw new TypeError(`${fn}(): UPLO argument must be 'L' or 'U'`);
  }
  return u === "U" ? 1 : 0;
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (the columns of
 * `eigenvectors`) of each symmetric matrix, read from its lower (`"L"`,
 * NumPy's default) or upper triangle. Householder tridiagonalization and
 * implicit QR with Wilkinson shifts, in float64.
 */
export function eigh(
  a: ArrayLikeInput,
  UPLO: "L" | "U" = "L",
): { eigenvalues: NDArray; eigenvectors: NDArray } {
  maxArgs("eigh", arguments, 2);
  const A = nd(a);
  const n = square(A, "eigh");
  const [w, v] = decomp(
    DECOMP.eigh,
    A,
    n,
    n,
    uplo(UPLO, "eigh") | 2,
    [[n], [n, n]],
    "eigh",
  );
  return { eigenvalues: w!, eigenvectors: v! };
}

/** The eigenvalues (ascending) of each symmetric matrix. */
export function eigvalsh(a: ArrayLikeInput, UPLO: "L" | "U" = "L"): NDArray {
  maxArgs("eigvalsh", arguments, 2);
  const A = nd(a);
  const n = square(A, "eigvalsh");
  return decomp(
    DECOMP.eigh,
    A,
    n,
    n,
    uplo(UPLO, "eigvalsh"),
    [[n]],
    "eigvalsh",
  )[0]!;
}

/** Options of {@link svd}. */
export interface SvdOptions {
  /** `U` is (m, m) and `Vh` (n, n) (default true), else (m, k) and (k, n). */
  fullMatrices?: boolean;
  /** Return `{ U, S, Vh }` (default true) or the singular values alone. */
  computeUv?: boolean;
}
/** The keys of {@link SvdOptions}. */
export const SVD_KEYS = optionKeys<SvdOptions>({
  fullMatrices: 1,
  computeUv: 1,
});

/**
 * Singular value decomposition of each matrix: `a = U @ diag(S) @ Vh`,
 * `S` descending. Householder bidiagonalization and the Golub-Kahan
 * implicit QR, in float64; non-finite input raises LinAlgError.
 */
export function svd(
  a: ArrayLikeInput,
  options: SvdOptions & { computeUv: false },
): NDArray;
export function svd(
  a: ArrayLikeInput,
  options?: SvdOptions,
): { U: NDArray; S: NDArray; Vh: NDArray };
export function svd(
  a: ArrayLikeInput,
  options: SvdOptions = {},
): NDArray | { U: NDArray; S: NDArray; Vh: NDArray } {
  const A = checkedNd(options, "svd", SVD_KEYS, a);
  const [m, n] = matrixDims(A, "svd");
  const k = Math.min(m, n);
  const full = options.fullMatrices ?? true;
  if (options.computeUv === false) return svdvals(A);
  const [uc, vr] = full ? [m, n] : [k, k];
  const [S, U, Vh] = decomp(
    DECOMP.svd,
    A,
    m,
    n,
    (full ? 1 : 0) | 2,
    [[k], [m, uc], [vr, n]],
    "svd",
  );
  return { U: U!, S: S!, Vh: Vh! };
}

/** The singular values of each matrix, descending (NumPy 2's `svdvals`). */
export function svdvals(a: ArrayLikeInput): NDArray {
  maxArgs("svdvals", arguments, 1);
  const A = nd(a);
  const [m, n] = matrixDims(A, "svdvals");
  return decomp(DECOMP.svd, A, m, n, 0, [[Math.min(m, n)]], "svdvals")[0]!;
}

/** Cutoff `rtol * max(s)` per matrix; entries of `s` above it count. */
function largeMask(s: NDArray, rtol: number | NDArray): NDArray {
  // initial 0 (as NumPy): singular values are >= 0, and an empty matrix
  // has none (its rank is 0, its pseudo-inverse empty)
  const top = amax(s, { axis: -1, keepdims: true, initial: 0 }) as NDArray;
  return ufunc2("greater", s, ufunc2("multiply", top, rtol));
}

/** Options of {@link pinv}. */
export interface PinvOptions {
  /** Relative cutoff for small singular values (default 1e-15, NumPy's). */
  rcond?: number;
  /** As NumPy's `rtol`; `null` means `max(m, n) * eps`. */
  rtol?: number | null;
}
/** The keys of {@link PinvOptions}. */
export const PINV_KEYS = optionKeys<PinvOptions>({ rcond: 1, rtol: 1 });

/** The Moore-Penrose pseudo-inverse of each matrix (through the SVD). */
export function pinv(a: ArrayLikeInput, options: PinvOptions = {}): NDArray {
  const A = checkedNd(options, "pinv", PINV_KEYS, a);
  const [m, n] = matrixDims(A, "pinv");
  const dt = floatOf(A.dtype);
  if (options.rcond !== undefined && options.rtol !== undefined) {
    throw new TypeError("pinv(): `rtol` and `rcond` can't be both set.");
  }
  const rcond = options.rcond ??
    (options.rtol === null
      ? Math.max(m, n) * epsOf(dt)
      : options.rtol ?? 1e-15);
  if (m * n === 0) return empty([...A.shape.slice(0, -2), n, m], { dtype: dt });
  const { U, S, Vh } = svd(A, { fullMatrices: false });
  const inv = where(largeMask(S, rcond), ufunc2("divide", 1, S), 0).astype(dt);
  // Vᵀ diag(1/s) Uᵀ
  return matmul(
    Vh.swapaxes(-1, -2),
    ufunc2("multiply", inv.expandDims(-1), U.swapaxes(-1, -2)),
  );
}

function epsOf(dt: DType): number {
  return dt === "float32" ? 2 ** -23 : 2 ** -52;
}

/** Options of {@link matrixRank}. */
export interface MatrixRankOptions {
  /** Absolute threshold: singular values above it count. */
  tol?: number;
  /** Relative threshold (times the largest singular value). */
  rtol?: number;
}
const RANK_KEYS = optionKeys<MatrixRankOptions>({ tol: 1, rtol: 1 });

/**
 * The rank of each matrix: singular values above `tol` (default
 * `max(s) * max(m, n) * eps`, NumPy's). A 0-d or 1-d input is rank 0 or 1
 * as in NumPy.
 */
export function matrixRank(
  A: ArrayLikeInput,
  options: MatrixRankOptions = {},
): NDArray | number {
  const a = checkedNd(options, "matrixRank", RANK_KEYS, A);
  if (a.ndim < 2) {
    notRecordable("matrixRank", "the rank of a vector is read from its values");
    const any = a.size > 0 &&
      (ufunc2("notEqual", a, 0).astype("int64").sum() as bigint) > 0n;
    return any ? 1 : 0;
  }
  if (options.tol !== undefined && options.rtol !== undefined) {
    throw new TypeError("matrixRank(): `tol` and `rtol` can't be both set.");
  }
  const [m, n] = matrixDims(a, "matrixRank");
  const S = svdvals(a);
  let big: NDArray;
  if (options.tol !== undefined) big = ufunc2("greater", S, options.tol);
  else {
    const rtol = options.rtol ?? Math.max(m, n) * epsOf(floatOf(a.dtype));
    big = largeMask(S, rtol);
  }
  const r = sumAxis(big.astype("int64"), { axis: -1 });
  return r instanceof NDArray && !SCALAR_RESULT.has(r) ? r : numberResult(r);
}

/**
 * Least-squares solution of `a @ x = b` (NumPy's `lstsq`, through the
 * SVD): `{ x, residuals, rank, s }`. `residuals` holds the squared
 * residual norms per column only when `rank == n` and `m > n`, else is
 * empty, as NumPy. `rcond` defaults to `max(m, n) * eps`.
 */
export function lstsq(
  a: ArrayLikeInput,
  b: ArrayLikeInput,
  rcond: number | null = null,
): { x: NDArray; residuals: NDArray; rank: number; s: NDArray } {
  maxArgs("lstsq", arguments, 3);
  const A = nd(a), B = nd(b);
  if (A.ndim !== 2) {
    throw new LinAlgError(
      `lstsq(): ${A.ndim}-dimensional array given. Array must be two-dimensional`,
    );
  }
  const [m, n] = [A.shape[0]!, A.shape[1]!];
  const vec = B.ndim === 1;
  if (B.ndim !== 1 && B.ndim !== 2) {
    throw new LinAlgError(
      `lstsq(): ${B.ndim}-dimensional array given. Array must be one or two-dimensional`,
    );
  }
  if (B.shape[0] !== m) {
    throw new LinAlgError("lstsq(): Incompatible dimensions");
  }
  const dt = floatOf(resultType(A.dtype, B.dtype));
  const Bm = (vec ? B.reshape(-1, 1) : B).astype(dt);
  const nrhs = Bm.shape[1]!;
  const rc = rcond ?? Math.max(m, n) * epsOf(dt);
  const k = Math.min(m, n);
  if (k === 0) {
    const x = zeros(vec ? [n] : [n, nrhs], { dtype: dt });
    const res = m > 0 && n === 0
      ? sumAxis(ufunc2("multiply", Bm, Bm), { axis: 0 }) as NDArray
      : empty([0], { dtype: dt });
    return { x, residuals: res, rank: 0, s: empty([0], { dtype: dt }) };
  }
  const { U, S, Vh } = svd(A.astype(dt), { fullMatrices: false });
  const big = largeMask(S, rc);
  const rank = Number(sumAxis(big.astype("int64")));
  const inv = where(big, ufunc2("divide", 1, S), 0).astype(dt);
  // x = V diag(1/s) Uᵀ b
  const uTb = ufunc2("multiply", inv.expandDims(-1), matmul(U.T, Bm));
  const X = matmul(Vh.T, uTb);
  let residuals: NDArray;
  if (rank === n && m > n) {
    const r = ufunc2("subtract", matmul(A.astype(dt), X), Bm);
    residuals = sumAxis(ufunc2("multiply", r, r), { axis: 0 }) as NDArray;
  } else residuals = empty([0], { dtype: dt });
  return { x: vec ? X.reshape(n) : X, residuals, rank, s: S };
}

/**
 * NumPy's `numpy.linalg` namespace (the parts that exist; see COMPATIBILITY.md).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rp.linalg.solve([[2, 0], [0, 4]], [2, 4]).tolist(), [1, 1]);
 * assert.equal(Math.round(rp.linalg.det([[1, 2], [3, 4]]) as number), -2);
 * ```
 */
export const linalg = {
  solve,
  inv,
  det,
  slogdet,
  cholesky,
  qr,
  eigh,
  eigvalsh,
  svd,
  svdvals,
  lstsq,
  pinv,
  matrixRank,
  norm: normNd,
  LinAlgError,
} as const;
