/**
 * THE symbol table of the native library: one source of truth for both
 * runtimes. `ffi/deno.ts` and `ffi/bun.ts` derive each runtime's form from
 * it; `scripts/check_symbols.ts` (and `tests/symbols_test.ts`) fail when the
 * built library's exports and this table disagree.
 *
 * Conventions (see `rust/src/ffi/mod.rs`): functions return an i32 status (0 =
 * ok); arrays are (pointer, u32 length); `dt` is a {@link DTYPE} code; a
 * *slot* is 8 bytes holding one scalar (i64/u64 bits for int64/uint64, an
 * f64 for every other dtype).
 *
 * @module
 */

/** Abstract parameter/result types, mapped per runtime by the adapters. */
/**
 * Parameter types: `ptr` a buffer the kernel may write, `cptr` one it only
 * reads (`*const` in Rust; the wasm backend then skips copying it back),
 * `fn` a callback.
 */
export type NativeType = "u32" | "i32" | "f64" | "ptr" | "cptr" | "fn";

/** One native function: its parameters and result. */
export interface SymbolSpec {
  readonly parameters: readonly NativeType[];
  readonly result: Exclude<NativeType, "ptr" | "cptr" | "fn">;
}

/** Version of the C ABI this table describes (`rp_abi_version`). */
export const ABI_VERSION = 2;

/** dtype codes (`rust/src/dtype.rs`, `DType`). */
export const DTYPE = {
  bool: 0,
  int8: 1,
  uint8: 2,
  int16: 3,
  uint16: 4,
  int32: 5,
  uint32: 6,
  int64: 7,
  uint64: 8,
  float32: 9,
  float64: 10,
} as const;

/** Status codes (`rust/src/error.rs`). */
export const STATUS = {
  OK: 0,
  INVALID_ARGUMENT: 1,
  UNSUPPORTED_DTYPE: 2,
  EMPTY: 3,
  OUT_OF_MEMORY: 4,
  PANIC: 5,
  OVERFLOW: 6,
  INDEX: 7,
  CANCELLED: 8,
  QUEUE_FULL: 9,
  CLOSED: 10,
  LINALG: 11,
} as const;

/**
 * The kernels an engine job step may call, by index
 * (`rust/src/engine/mod.rs`, `STEP_SYMBOLS`).
 */
export const STEP_SYMBOLS = [
  "rp_copy_cast",
  "rp_ufunc1",
  "rp_ufunc2",
  "rp_reduce_axis",
  "rp_where",
  "rp_arg_axis",
  "rp_matmul",
  "rp_take",
  "rp_scan_axis",
  "rp_sort",
  "rp_argsort",
  "rp_searchsorted",
  "rp_sort_axis",
  "rp_linalg",
  "rp_decomp",
  "rp_test_gate",
  "rp_topk",
] as const;

/** Marks a step argument that names a copied input (`rust/src/engine/mod.rs`). */
export const COPY_TAG = 1n << 63n;

export { BINARY_OP, UFUNC1, UFUNC2, UNARY_OP } from "./op_codes.ts";

/**
 * Axis-reduction op codes for `rp_reduce_axis` (`reduce_op` in the
 * generated `rust/src/ffi/op_table.rs`).
 */
export const REDUCE = {
  sum: 0,
  prod: 1,
  max: 2,
  min: 3,
  all: 4,
  any: 5,
  fmax: 6,
  fmin: 7,
} as const;

/**
 * `rp_linalg` op codes (`linalg_op` in the generated
 * `rust/src/ffi/op_table.rs`): solve (X into `b`), slogdet (sign and
 * log|det| into `out`), Cholesky (L in place).
 */
export const LINALG = {
  solve: 0,
  slogdet: 1,
  inv: 2,
  cholesky: 3,
} as const;

/**
 * `rp_decomp` op codes (`decomp_op` in the generated
 * `rust/src/ffi/op_table.rs`).
 */
export const DECOMP = {
  qr: 0,
  eigh: 1,
  svd: 2,
} as const;

/** Every export of the native library, with its Rust signature. */
export const symbols = {
  // fn rp_abi_version() -> u32
  rp_abi_version: { parameters: [], result: "u32" },
  // fn rp_noop() -> i32
  rp_noop: { parameters: [], result: "i32" },
  // fn rp_last_error_len() -> u32
  rp_last_error_len: { parameters: [], result: "u32" },
  // unsafe fn rp_last_error_copy(buf: *mut u8, cap: u32) -> u32
  rp_last_error_copy: { parameters: ["ptr", "u32"], result: "u32" },
  // fn rp_simd_level() -> u32
  rp_simd_level: { parameters: [], result: "u32" },
  // fn rp_num_threads() -> u32
  rp_num_threads: { parameters: [], result: "u32" },
  // fn rp_set_num_threads(n: u32) -> i32
  rp_set_num_threads: { parameters: ["u32"], result: "i32" },
  // unsafe fn rp_advise_hugepages(a: *mut u8, n: f64) -> i32
  rp_advise_hugepages: { parameters: ["ptr", "f64"], result: "i32" },
  // fn rp_dtype_size(dt: u32) -> u32
  rp_dtype_size: { parameters: ["u32"], result: "u32" },
  // fn rp_debug_panic() -> i32
  rp_debug_panic: { parameters: [], result: "i32" },
  // unsafe fn rp_sum(dt: u32, a: *const u8, n: u32, out: *mut u8) -> i32
  rp_sum: { parameters: ["u32", "cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_mean(dt: u32, a: *const u8, n: u32, out: *mut u8) -> i32
  rp_mean: { parameters: ["u32", "cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_min(dt: u32, a: *const u8, n: u32, out: *mut u8) -> i32
  rp_min: { parameters: ["u32", "cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_max(dt: u32, a: *const u8, n: u32, out: *mut u8) -> i32
  rp_max: { parameters: ["u32", "cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_argmin(dt: u32, a: *const u8, n: u32, out: *mut u8) -> i32
  rp_argmin: { parameters: ["u32", "cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_argmax(dt: u32, a: *const u8, n: u32, out: *mut u8) -> i32
  rp_argmax: { parameters: ["u32", "cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_dot(dt: u32, a: *const u8, b: *const u8, n: u32, out: *mut u8) -> i32
  rp_dot: { parameters: ["u32", "cptr", "cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_norm(dt: u32, a: *const u8, n: u32, out: *mut u8) -> i32
  rp_norm: { parameters: ["u32", "cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_binary(op: u32, dt: u32, a: *const u8, b: *const u8, out: *mut u8, n: u32) -> i32
  rp_binary: {
    parameters: ["u32", "u32", "cptr", "cptr", "ptr", "u32"],
    result: "i32",
  },
  // unsafe fn rp_binary_scalar(op: u32, dt: u32, a: *const u8, s: *const u8, out: *mut u8, n: u32) -> i32
  rp_binary_scalar: {
    parameters: ["u32", "u32", "cptr", "cptr", "ptr", "u32"],
    result: "i32",
  },
  // unsafe fn rp_unary(op: u32, dt: u32, a: *const u8, out: *mut u8, n: u32) -> i32
  rp_unary: { parameters: ["u32", "u32", "cptr", "ptr", "u32"], result: "i32" },
  // unsafe fn rp_clip(dt: u32, a: *const u8, out: *mut u8, n: u32, bounds: *const u8) -> i32
  rp_clip: { parameters: ["u32", "cptr", "ptr", "u32", "cptr"], result: "i32" },
  // unsafe fn rp_cumsum(dt: u32, a: *const u8, out: *mut u8, n: u32) -> i32
  rp_cumsum: { parameters: ["u32", "cptr", "ptr", "u32"], result: "i32" },
  // unsafe fn rp_sort(dt: u32, a: *mut u8, n: u32) -> i32
  rp_sort: { parameters: ["u32", "ptr", "u32"], result: "i32" },
  // unsafe fn rp_argsort(dt: u32, a: *const u8, n: u32, idx: *mut u8) -> i32
  rp_argsort: { parameters: ["u32", "cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_fill(dt: u32, a: *mut u8, n: u32, value: *const u8) -> i32
  rp_fill: { parameters: ["u32", "ptr", "u32", "cptr"], result: "i32" },
  // unsafe fn rp_copy(dt: u32, src: *const u8, dst: *mut u8, n: u32) -> i32
  rp_copy: { parameters: ["u32", "cptr", "ptr", "u32"], result: "i32" },
  // unsafe fn rp_copy_cast(src_dt: u32, src: *const u8, src_len: u32, dst_dt: u32, dst: *mut u8, dst_len: u32, ndim: u32, meta: *const u8) -> i32
  rp_copy_cast: {
    parameters: ["u32", "cptr", "u32", "u32", "ptr", "u32", "u32", "cptr"],
    result: "i32",
  },
  // unsafe fn rp_ufunc2(op: u32, dt: u32, a: *const u8, a_len: u32, b: *const u8, b_len: u32, out: *mut u8, out_len: u32, ndim: u32, meta: *const u8) -> i32
  rp_ufunc2: {
    parameters: [
      "u32",
      "u32",
      "cptr",
      "u32",
      "cptr",
      "u32",
      "ptr",
      "u32",
      "u32",
      "cptr",
    ],
    result: "i32",
  },
  // unsafe fn rp_ufunc1(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, ndim: u32, meta: *const u8) -> i32
  rp_ufunc1: {
    parameters: ["u32", "u32", "cptr", "u32", "ptr", "u32", "u32", "cptr"],
    result: "i32",
  },
  // unsafe fn rp_reduce_axis(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, nk: u32, nr: u32, meta: *const u8) -> i32
  rp_reduce_axis: {
    parameters: [
      "u32",
      "u32",
      "cptr",
      "u32",
      "ptr",
      "u32",
      "u32",
      "u32",
      "cptr",
    ],
    result: "i32",
  },
  // unsafe fn rp_where(dt: u32, c: *const u8, c_len: u32, x: *const u8, x_len: u32, y: *const u8, y_len: u32, out: *mut u8, out_len: u32, ndim: u32, meta: *const u8) -> i32
  rp_where: {
    parameters: [
      "u32",
      "cptr",
      "u32",
      "cptr",
      "u32",
      "cptr",
      "u32",
      "ptr",
      "u32",
      "u32",
      "cptr",
    ],
    result: "i32",
  },
  // unsafe fn rp_arg_axis(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, nk: u32, meta: *const u8) -> i32
  rp_arg_axis: {
    parameters: ["u32", "u32", "cptr", "u32", "ptr", "u32", "u32", "cptr"],
    result: "i32",
  },
  // unsafe fn rp_matmul(dt: u32, a: *const u8, a_len: u32, b: *const u8, b_len: u32, out: *mut u8, out_len: u32, meta: *const u8, meta_len: u32) -> i32
  rp_matmul: {
    parameters: [
      "u32",
      "cptr",
      "u32",
      "cptr",
      "u32",
      "ptr",
      "u32",
      "cptr",
      "u32",
    ],
    result: "i32",
  },
  // unsafe fn rp_take(dt: u32, a: *const u8, a_len: u32, meta: *const u8, meta_len: u32, idx: *const u8, idx_len: u32, out: *mut u8, out_len: u32) -> i32
  rp_take: {
    parameters: [
      "u32",
      "cptr",
      "u32",
      "cptr",
      "u32",
      "cptr",
      "u32",
      "ptr",
      "u32",
    ],
    result: "i32",
  },
  // unsafe fn rp_nonzero(dt: u32, a: *const u8, a_len: u32, shape: *const u8, ndim: u32, out: *mut u8, out_len: u32) -> i32
  rp_nonzero: {
    parameters: ["u32", "cptr", "u32", "cptr", "u32", "ptr", "u32"],
    result: "i32",
  },
  // unsafe fn rp_scan_axis(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, meta: *const u8, meta_len: u32) -> i32
  rp_scan_axis: {
    parameters: ["u32", "u32", "cptr", "u32", "ptr", "u32", "cptr", "u32"],
    result: "i32",
  },
  // unsafe fn rp_unique(dt: u32, a: *const u8, n: u32, out: *mut u8, count: *mut u8) -> i32
  rp_unique: {
    parameters: ["u32", "cptr", "u32", "ptr", "ptr"],
    result: "i32",
  },
  // unsafe fn rp_engine_new(threads: u32, max_queue: u32, intra_op: u32, nice: u32, id: *mut u8) -> i32
  rp_engine_new: {
    parameters: ["u32", "u32", "u32", "u32", "ptr"],
    result: "i32",
  },
  // unsafe fn rp_engine_set_callback(id: u32, f: *const u8) -> i32
  rp_engine_set_callback: { parameters: ["u32", "fn"], result: "i32" },
  // unsafe fn rp_engine_submit(id: u32, prog: *const u8, len: u32, priority: u32, hold: u32, job: *mut u8) -> i32
  rp_engine_submit: {
    parameters: ["u32", "cptr", "u32", "u32", "u32", "ptr"],
    result: "i32",
  },
  // unsafe fn rp_engine_wake(id: u32) -> i32
  rp_engine_wake: { parameters: ["u32"], result: "i32" },
  // unsafe fn rp_test_gate(gate: u32) -> i32
  rp_test_gate: { parameters: ["u32"], result: "i32" },
  // unsafe fn rp_test_gate_ctl(gate: u32, op: u32, entered: *mut u8) -> i32
  rp_test_gate_ctl: { parameters: ["u32", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_engine_cancel(id: u32, job: f64, state: *mut u8) -> i32
  rp_engine_cancel: { parameters: ["u32", "f64", "ptr"], result: "i32" },
  // unsafe fn rp_engine_poll(id: u32, out: *mut u8, cap: u32, msg: *mut u8, msg_cap: u32, count: *mut u8) -> i32
  rp_engine_poll: {
    parameters: ["u32", "ptr", "u32", "ptr", "u32", "ptr"],
    result: "i32",
  },
  // unsafe fn rp_engine_stats(id: u32, out: *mut u8) -> i32
  rp_engine_stats: { parameters: ["u32", "ptr"], result: "i32" },
  // unsafe fn rp_engine_close(id: u32, drain: u32) -> i32
  rp_engine_close: { parameters: ["u32", "u32"], result: "i32" },
  // unsafe fn rp_sort_axis(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, meta: *const u8, meta_len: u32, kth: u32) -> i32
  rp_sort_axis: {
    parameters: [
      "u32",
      "u32",
      "cptr",
      "u32",
      "ptr",
      "u32",
      "cptr",
      "u32",
      "u32",
    ],
    result: "i32",
  },
  // unsafe fn rp_searchsorted(dt: u32, a: *const u8, n: u32, v: *const u8, m: u32, out: *mut u8, right: u32) -> i32
  rp_searchsorted: {
    parameters: ["u32", "cptr", "u32", "cptr", "u32", "ptr", "u32"],
    result: "i32",
  },
  // unsafe fn rp_var_lanes(dt: u32, a: *const u8, a_len: u32, lanes: u32, n: u32, div: f64, sqrt: u32, out: *mut u8) -> i32
  rp_var_lanes: {
    parameters: ["u32", "cptr", "u32", "u32", "u32", "f64", "u32", "ptr"],
    result: "i32",
  },
  // unsafe fn rp_topk(dt: u32, a: *const u8, a_len: u32, lanes: u32, n: u32, k: u32, largest: u32, vals: *mut u8, idx: *mut u8) -> i32
  rp_topk: {
    parameters: [
      "u32",
      "cptr",
      "u32",
      "u32",
      "u32",
      "u32",
      "u32",
      "ptr",
      "ptr",
    ],
    result: "i32",
  },
  // unsafe fn rp_rng_seed(entropy: *const u8, n: u32, state: *mut u8) -> i32
  rp_rng_seed: { parameters: ["cptr", "u32", "ptr"], result: "i32" },
  // unsafe fn rp_rng_fill(kind: u32, state: *mut u8, out: *mut u8, n: u32, params: *const u8) -> i32
  rp_rng_fill: {
    parameters: ["u32", "ptr", "ptr", "u32", "cptr"],
    result: "i32",
  },
  // unsafe fn rp_linalg(op: u32, dt: u32, a: *mut u8, n: u32, batch: u32, b: *mut u8, nrhs: u32, out: *mut u8) -> i32
  rp_linalg: {
    parameters: ["u32", "u32", "ptr", "u32", "u32", "ptr", "u32", "ptr"],
    result: "i32",
  },
  // unsafe fn rp_decomp(op: u32, dt: u32, a: *mut u8, m: u32, n: u32, batch: u32, o1: *mut u8, o2: *mut u8, o3: *mut u8, flags: u32) -> i32
  rp_decomp: {
    parameters: [
      "u32",
      "u32",
      "ptr",
      "u32",
      "u32",
      "u32",
      "ptr",
      "ptr",
      "ptr",
      "u32",
    ],
    result: "i32",
  },
} as const satisfies Record<string, SymbolSpec>;

/** A JS function native threads can call (see the engine). */
export interface NotifyCallback {
  /** What to pass for an `"fn"` parameter. */
  readonly pointer: unknown;
  /** Keep the process alive while jobs are in flight. */
  ref(): void;
  /** Let the process exit (no job in flight). */
  unref(): void;
}

/** Per-runtime helpers the async engine needs beyond plain calls. */
export interface RuntimeHooks {
  /**
   * The address of a view's first byte (0 for an empty view), below 2^53
   * (user-space addresses, or the wasm backend's handles).
   */
  addressOf(view: ArrayBufferView): number;
  /** A callback raptors' notifier thread may call at any time. */
  notifyCallback(fn: () => void): NotifyCallback;
}

/** Names of every native export. */
export type SymbolName = keyof typeof symbols;

/** A pointer argument: any TypedArray/DataView (zero-copy) or null. */
export type PtrArg = ArrayBufferView | null;

type JsArg<T extends NativeType> = T extends "ptr" | "cptr" ? PtrArg
  : T extends "fn" ? unknown
  : number;
type JsArgs<P extends readonly NativeType[]> = {
  [K in keyof P]: P[K] extends NativeType ? JsArg<P[K]> : never;
};

/** The callable form of the table, identical in Deno and Bun. */
export type NativeSymbols = {
  [K in SymbolName]: (
    ...args: JsArgs<(typeof symbols)[K]["parameters"]>
  ) => number;
};
