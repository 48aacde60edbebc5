/**
 * Error classes. Bad arguments throw the built-in `TypeError` (wrong type,
 * wrong dtype, detached buffer) or `RangeError` (lengths, bounds, empty
 * reductions, results no JS number holds exactly); the classes here are
 * for what callers are expected to catch by name.
 *
 * @module
 */

/**
 * Base class of raptors' own errors.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new rp.EngineClosedError() instanceof rp.RaptorsError);
 * ```
 */
export class RaptorsError extends Error {
  /** An error with raptors' message (and a `cause`, if given). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RaptorsError";
  }
}

/**
 * The native library could not be found, opened or trusted.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new rp.LibraryLoadError("no library") instanceof rp.RaptorsError);
 * ```
 */
export class LibraryLoadError extends RaptorsError {
  /** What was tried, in order, and why each attempt failed. */
  readonly attempts: readonly string[];
  /** The library could not be loaded; `attempts` lists each source tried and why it failed. */
  constructor(
    message: string,
    attempts: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "LibraryLoadError";
    this.attempts = attempts;
  }
}

/**
 * A native call failed in a way argument checks should have prevented.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new rp.NativeError(1, "bad argument") instanceof rp.RaptorsError);
 * ```
 */
export class NativeError extends RaptorsError {
  /** The native status code (see `STATUS` in `ffi/symbols.ts`). */
  readonly code: number;
  /** A native status code and the kernel's message. */
  constructor(code: number, message: string) {
    super(message);
    this.name = "NativeError";
    this.code = code;
  }
}

/**
 * An axis argument is outside `-ndim..ndim-1` (NumPy's `AxisError`). A
 * `RangeError`, so `instanceof RangeError` checks keep working.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => rp.sum(rp.zeros([2]), { axis: 1 }), rp.AxisError);
 * ```
 */
export class AxisError extends RangeError {
  /** An error with NumPy's message for this case. */
  constructor(message: string) {
    super(message);
    this.name = "AxisError";
  }
}

/**
 * An index is outside its axis (NumPy's `IndexError`). A `RangeError`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => rp.array([1, 2]).get(5), rp.IndexError);
 * ```
 */
export class IndexError extends RangeError {
  /** An error with NumPy's message for this case. */
  constructor(message: string) {
    super(message);
    this.name = "IndexError";
  }
}

/**
 * A matrix is singular or not positive definite (NumPy's `LinAlgError`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => rp.linalg.inv([[1, 2], [2, 4]]), rp.LinAlgError);
 * ```
 */
export class LinAlgError extends RaptorsError {
  /** An error with NumPy's message for this case. */
  constructor(message: string) {
    super(message);
    this.name = "LinAlgError";
  }
}

/**
 * An input asks for more memory or work than a configured cap allows
 * (`rp.getLimits()`, `rp.setLimits()`): a shape, a bin count, a file
 * header or an inflated `.npz` member too large. A `RangeError`; `limit`
 * names the cap.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const previous = rp.setLimits({ maxArrayBytes: 1024 });
 * try {
 *   assert.throws(() => rp.zeros([1000]), rp.ResourceLimitError);
 * } finally {
 *   rp.setLimits(previous);
 * }
 * ```
 */
export class ResourceLimitError extends RangeError {
  /** The cap that was exceeded (a key of `rp.getLimits()`). */
  readonly limit: string;
  /** `limit`: the name of the cap that was exceeded. */
  constructor(message: string, limit: string) {
    super(message);
    this.name = "ResourceLimitError";
    this.limit = limit;
  }
}

/**
 * Reading or writing a file failed (`rp.load`, `rp.save`, `rp.savez`):
 * the message names the function, the path and the cause; `code` is the
 * system's error code when there is one (`"ENOENT"`, `"EISDIR"`,
 * `"EACCES"`, ...) and `cause` the runtime's original error. A file that
 * is read but is not a valid `.npy`/`.npz` throws a `RangeError` or
 * `TypeError` instead, as `fromNpy`/`fromNpz` do.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(rp.load("/nonexistent/a.npy"), rp.FileError);
 * ```
 */
export class FileError extends RaptorsError {
  /** The path as given. */
  readonly path: string;
  /** The system error code, or `undefined`. */
  readonly code: string | undefined;
  /** An error naming the file and the problem. */
  constructor(
    message: string,
    path: string,
    code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "FileError";
    this.path = path;
    this.code = code;
  }
}
