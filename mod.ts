/**
 * raptors: a NumPy-style array compute engine for Deno and Bun (native
 * Rust kernels through FFI) and Node or edge workers (the same kernels as
 * WebAssembly).
 *
 * This is the one public entry. It exports:
 * - the flat API over plain TypedArrays (`sum`, `add`, `sort`, ...; also
 *   the `./ops` subpath), working on the caller's memory;
 * - the `NDArray` class with NumPy's semantics: creation (`array`,
 *   `zeros`, `arange`, ...), views and slicing, dtypes and promotion,
 *   ufuncs with broadcasting and `out`, reductions along axes, sorting and
 *   selection (`topk`, `argpartition`), `matmul` and `einsum`,
 *   `linalg` (solve, inv, qr, eigh, svd, ...), random generators
 *   (`defaultRng`), `.npy`/`.npz` I/O;
 * - the async engine (`Engine`, `*Async` methods): jobs on worker
 *   threads with a bounded queue, cancellation, timeouts and metrics.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * const x = new Float64Array([3, 1, 2]);
 * rp.sum(x); // 6
 * rp.sort(x); // Float64Array [1, 2, 3]
 *
 * const m = rp.array([[1, 2], [3, 4]], { dtype: "float64" });
 * rp.matmul(m, m).tolist(); // [[7, 10], [15, 22]]
 * (rp.sum(m, { axis: 0 }) as rp.NDArray).tolist(); // [4, 6]
 * ```
 *
 * @module
 */
export * from "./src/ops.ts";
export { NDArray } from "./src/ndarray.ts";
export type { Flags, NestedList, Scalar } from "./src/ndarray.ts";
export * from "./src/creation.ts";
export {
  diagonal,
  type DiagonalOptions,
  inner,
  matmul,
  type MatmulOptions,
  type NormOptions,
  outer,
  tensordot,
  trace,
  vdot,
} from "./src/linalg.ts";
export {
  argwhere,
  compress,
  copyto,
  type CopytoOptions,
  extract,
  flatnonzero,
  nonzero,
  take,
  type TakeOptions,
  unique,
  type UniqueOptions,
  type UniqueResult,
} from "./src/indexing.ts";
export {
  allclose,
  arrayEqual,
  type ArrayEqualOptions,
  atleast1d,
  atleast2d,
  atleast3d,
  type AxisOptions,
  broadcastArrays,
  broadcastTo,
  type CloseOptions,
  concatenate,
  expandDims,
  flip,
  type FlipOptions,
  hstack,
  isclose,
  moveaxis,
  ndim,
  type OrderOptions,
  ravel,
  repeat,
  reshape,
  roll,
  shape,
  size,
  split,
  squeeze,
  stack,
  swapaxes,
  tile,
  transpose,
  vstack,
} from "./src/manipulation.ts";
export {
  all,
  any,
  type ArgOptions,
  average,
  type AverageOptions,
  countNonzero,
  cumprod,
  nanmax,
  nanmean,
  nanmin,
  nansum,
  prod,
  ptp,
  type ReduceOptions,
  type ScanOptions,
  std,
  variance,
  variance as var,
  type VarOptions,
} from "./src/reduce.ts";
export {
  arccos,
  arcsin,
  arctan,
  arctan2,
  type ArrayLikeInput,
  bitwiseAnd,
  bitwiseOr,
  bitwiseXor,
  ceil,
  cosh,
  equal,
  expm1,
  floor,
  floorDivide,
  fmax,
  fmin,
  greater,
  greaterEqual,
  isfinite,
  isinf,
  isnan,
  less,
  lessEqual,
  log10,
  log1p,
  log2,
  logicalAnd,
  logicalNot,
  logicalOr,
  logicalXor,
  maximum,
  minimum,
  mod,
  notEqual,
  power,
  round,
  sign,
  sinh,
  square,
  tan,
  type UfuncOptions,
  where,
} from "./src/ufunc.ts";
export {
  canCastSafely,
  type DType,
  DTYPES,
  resultTypeOf as resultType,
  resultTypeWithScalarOf as resultTypeWithScalar,
} from "./src/dtype.ts";
export {
  type AsyncOptions,
  type CloseEngineOptions,
  defaultEngine,
  Engine,
  EngineClosedError,
  type EngineMetrics,
  type EngineOptions,
  type JobEvent,
  type JobOptions,
  type Quantiles,
  QueueFullError,
  setDefaultEngine,
} from "./src/engine.ts";
export * from "./src/async.ts";
export { backend } from "./src/_native.ts";
export { defaultRng, Generator, type Size } from "./src/random.ts";
export { einsum } from "./src/einsum.ts";
export { linalg, LinAlgError } from "./src/linalg_dense.ts";
export { fromNpy, save, tobytes, toNpy } from "./src/npy.ts";
export { fromNpz, load, savez, savezCompressed, toNpz } from "./src/npz.ts";
export { FileError } from "./src/errors.ts";
export {
  bincount,
  convolve,
  corrcoef,
  cov,
  type CovOptions,
  diff,
  type DiffOptions,
  histogram,
  type HistogramOptions,
  interp,
  median,
  nanmedian,
  nanpercentile,
  nanquantile,
  percentile,
  quantile,
  type QuantileMethod,
  type QuantileOptions,
} from "./src/stats.ts";
export {
  argpartition,
  digitize,
  lexsort,
  partition,
  searchsorted,
  type SortOptions,
  takeAlongAxis,
  topk,
  type TopkOptions,
} from "./src/sorting.ts";
export {
  AxisError,
  IndexError,
  LibraryLoadError,
  NativeError,
  RaptorsError,
  ResourceLimitError,
} from "./src/errors.ts";
export { getLimits, type Limits, setLimits } from "./src/_limits.ts";
export type { AstypeOptions, TolistOptions } from "./src/ndarray.ts";
export type {
  AxisKeepOptions,
  CountOptions,
  ExtremumOptions,
  LogicalOptions,
  MeanOptions,
  PtpOptions,
  SumOptions,
  WhereOption,
} from "./src/reduce.ts";
export type { JsScalar, RoundOptions } from "./src/ufunc.ts";
export type { TraceOptions } from "./src/linalg.ts";
export type {
  BincountOptions,
  CorrcoefOptions,
  InterpOptions,
  MedianOptions,
} from "./src/stats.ts";
export type {
  DigitizeOptions,
  PartitionOptions,
  SearchsortedOptions,
} from "./src/sorting.ts";
export type {
  ChoiceOptions,
  FloatDrawOptions,
  IntegersOptions,
} from "./src/random.ts";
export type { ToNpzOptions } from "./src/npz.ts";
