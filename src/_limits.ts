/**
 * Resource caps: every allocation whose size is computed from input
 * (shapes, `bins`, `n`, repeat counts, `.npy`/`.npz` headers, inflated
 * member sizes) is checked against them *before* allocating, and an input
 * that would exceed one is refused with a {@link ResourceLimitError} that
 * names the cap and how to raise it. Without them, one hostile request
 * (`zeros([2**31])`, `histogram(x, { bins: 1e9 })`, an `.npz` member that
 * inflates 3 MB into 3 GiB) kills the process or stalls it for minutes.
 *
 * Defaults (per process; `setLimits` changes them at run time):
 * - `maxArrayBytes`: 1 GiB (`RAPTORS_MAX_ARRAY_MB`, default 1024) for one
 *   array raptors allocates from input-derived sizes, for one decoded
 *   `.npy` array or `.npz` member, and for all the arrays one `.npz`
 *   archive holds, together (`fromNpz` and `load` decode every member).
 * - `maxElements`: the elements one operation may walk over without
 *   allocating them (a broadcast view reduced, an `arange` counted),
 *   2^32 (`RAPTORS_MAX_ELEMENTS`).
 * - `maxHeaderBytes`: 64 KiB for a `.npy` header (NumPy itself refuses
 *   headers over 10,000 bytes unless told otherwise).
 *
 * @module
 */
import { readEnv } from "../ffi/load.ts";
import { ResourceLimitError } from "./errors.ts";

/** The caps in force. */
export interface Limits {
  /** Bytes of one array allocated from an input-derived size. */
  maxArrayBytes: number;
  /** Elements one operation may visit (broadcast reductions, counts). */
  maxElements: number;
  /** Bytes of one `.npy` header. */
  maxHeaderBytes: number;
}

function envCap(name: string, scale: number, fallback: number): number {
  const v = readEnv(name); // without --allow-env: unset, the default applies
  if (v === undefined || v.trim() === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    throw new RangeError(`${name}=${v}: expected a positive number`);
  }
  return Math.floor(n * scale);
}

const current: Limits = {
  maxArrayBytes: envCap("RAPTORS_MAX_ARRAY_MB", 2 ** 20, 2 ** 30),
  maxElements: envCap("RAPTORS_MAX_ELEMENTS", 1, 2 ** 32),
  maxHeaderBytes: 65536,
};

const KEYS = ["maxArrayBytes", "maxElements", "maxHeaderBytes"] as const;

/** The `maxArrayBytes` cap in force (hot path: no copy). */
export function maxArrayBytes(): number {
  return current.maxArrayBytes;
}

/**
 * The caps in force (a copy).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.ok(rp.getLimits().maxArrayBytes > 0);
 * ```
 */
export function getLimits(): Limits {
  return { ...current };
}

/**
 * Changes caps for this process and returns the previous ones. Each value
 * must be a positive integer; unknown keys are a `TypeError`.
 *
 * @example
 * ```ts
 * import { setLimits, zeros } from "@raptors/raptors";
 * const before = setLimits({ maxArrayBytes: 4 * 2 ** 30 }); // allow 4 GiB arrays
 * setLimits(before);
 * ```
 */
export function setLimits(limits: Partial<Limits>): Limits {
  if (typeof limits !== "object" || limits === null) {
    throw new TypeError(
      "setLimits(): expected an object such as { maxArrayBytes: 2 ** 31 }",
    );
  }
  const next = { ...current };
  for (const k of Object.keys(limits)) {
    if (!(KEYS as readonly string[]).includes(k)) {
      throw new TypeError(
        `setLimits(): unknown limit '${k}' (known: ${KEYS.join(", ")})`,
      );
    }
    const v = (limits as Record<string, unknown>)[k];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) {
      throw new RangeError(
        `setLimits(): '${k}' must be a positive integer, got ${String(v)}`,
      );
    }
    next[k as keyof Limits] = v;
  }
  const prev = { ...current };
  Object.assign(current, next);
  return prev;
}

const HOW: Record<keyof Limits, string> = {
  maxArrayBytes:
    "raise it with RAPTORS_MAX_ARRAY_MB or rp.setLimits({ maxArrayBytes })",
  maxElements:
    "raise it with RAPTORS_MAX_ELEMENTS or rp.setLimits({ maxElements })",
  maxHeaderBytes: "raise it with rp.setLimits({ maxHeaderBytes })",
};

const UNIT: Record<keyof Limits, string> = {
  maxArrayBytes: "bytes",
  maxElements: "elements",
  maxHeaderBytes: "bytes",
};

function refuse(
  fn: string | undefined,
  what: string,
  value: number,
  cap: keyof Limits,
): never {
  const unit = UNIT[cap];
  throw new ResourceLimitError(
    `${fn === undefined ? "" : `${fn}(): `}${what} ${fmt(value, unit)}, ` +
      `over the ${cap} limit of ${fmt(current[cap], unit)}: ${HOW[cap]}`,
    cap,
  );
}

function fmt(n: number, unit: string): string {
  if (unit === "bytes" && Number.isFinite(n) && n >= 2 ** 20) {
    return `${+(n / 2 ** 20).toPrecision(6)} MiB`;
  }
  return `${n} ${unit}`;
}

/**
 * Checks that `count` elements of `itemsize` bytes may be allocated
 * (`count` may be fractional or huge: it is the product of a shape).
 */
export function checkAlloc(
  fn: string | undefined,
  count: number,
  itemsize: number,
  what = "the result",
): void {
  const bytes = count * itemsize;
  if (!(bytes <= current.maxArrayBytes)) {
    refuse(fn, `${what} would take`, bytes, "maxArrayBytes");
  }
}

/** Checks a byte count read from a file header or computed from one. */
export function checkBytes(fn: string, bytes: number, what: string): void {
  if (!(bytes <= current.maxArrayBytes)) {
    refuse(fn, `${what} is`, bytes, "maxArrayBytes");
  }
}

/** Checks an element count an operation would visit without allocating. */
export function checkElements(fn: string, count: number, what: string): void {
  if (!(count <= current.maxElements)) {
    refuse(fn, `${what} has`, count, "maxElements");
  }
}

/**
 * Checks the byte length of a `.npy` header; `where` (such as
 * `member "x.npy": `) goes before "the .npy header" in the message.
 */
export function checkHeader(fn: string, bytes: number, where = ""): void {
  if (!(bytes <= current.maxHeaderBytes)) {
    refuse(fn, `${where}the .npy header is`, bytes, "maxHeaderBytes");
  }
}
