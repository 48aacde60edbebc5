/**
 * NumPy's `.npy` format: `toNpy` / `fromNpy` on bytes (any runtime,
 * including edge workers), `save` / `load` on files, and `a.tobytes()`.
 * Reads format versions 1.0, 2.0 and 3.0, little and big endian, C and
 * Fortran order, every dtype raptors has; writes version 1.0 (2.0 when the
 * header needs it) in little endian, C order, byte-identical to `np.save`.
 *
 * Reading trusts nothing in the file. The header is at most
 * `maxHeaderBytes` (`src/_limits.ts`) and is parsed by a loop over its
 * characters (no recursion, no eval) into exactly the three keys NumPy
 * writes; every shape entry must be a non-negative safe integer, the
 * product of the entries (times the item size) is computed exactly
 * (BigInt) and must hold the data in `maxArrayBytes` and at most 2^32 - 1
 * elements; all of this is checked before any allocation sized by the
 * header. Malformed or truncated input is a `RangeError` naming the
 * problem, an unsupported dtype a `TypeError`, a size over a cap a
 * `ResourceLimitError`. Bool bytes other than 0 and 1 read as true, as in
 * NumPy, and are stored as 1 (raptors' kernels assume 0/1 bools).
 *
 * @module
 */
import { bufferByteLength, taKind, viewExtent } from "../_intrinsics.ts";
import { NDArray } from "../core/ndarray.ts";
import { array } from "../core/creation.ts";
import {
  type DType,
  itemsize,
  type Storage,
  storageCtor,
} from "../core/dtype.ts";
import { fmtShape, MAX_SIZE } from "../core/_shape.ts";
import { checkBytes, checkHeader } from "../_limits.ts";
import { FileError } from "../errors.ts";
import type { ArrayLikeInput } from "../ufunc/ufunc.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** NumPy's limit on dimensions (`NPY_MAXDIMS`). */
const MAX_NDIM = 64;

const DESCR: Record<DType, string> = {
  bool: "|b1",
  int8: "|i1",
  uint8: "|u1",
  int16: "<i2",
  uint16: "<u2",
  int32: "<i4",
  uint32: "<u4",
  int64: "<i8",
  uint64: "<u8",
  float32: "<f4",
  float64: "<f8",
};
const FROM_CODE: Record<string, DType> = {
  b1: "bool",
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  u2: "uint16",
  i4: "int32",
  u4: "uint32",
  i8: "int64",
  u8: "uint64",
  f4: "float32",
  f8: "float64",
};

/**
 * The C-order bytes of `a` (little endian), as NumPy's `tobytes()`.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rp.tobytes(rp.array([1, 2], { dtype: "int16" })).length, 4);
 * ```
 */
export function tobytes(a: ArrayLikeInput): Uint8Array {
  return (a instanceof NDArray ? a : array(a)).tobytes();
}

/**
 * The bytes of a `.npy` file holding `a` (what `np.save` writes).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const bytes = rp.toNpy(rp.array([1, 2]));
 * assert.deepEqual(rp.fromNpy(bytes).tolist(), [1n, 2n]);
 * ```
 */
export function toNpy(a: ArrayLikeInput): Uint8Array {
  const x = a instanceof NDArray ? a : array(a);
  const shape = x.ndim === 1 ? `(${x.shape[0]},)` : `(${x.shape.join(", ")})`;
  let header = `{'descr': '${
    DESCR[x.dtype]
  }', 'fortran_order': False, 'shape': ${shape}, }`;
  // v1.0: 2-byte header length; pad so data starts at a multiple of 64
  let version = 1;
  let pre = 10;
  let total = Math.ceil((pre + header.length + 1) / 64) * 64;
  if (total - pre > 0xffff) {
    version = 2;
    pre = 12;
    total = Math.ceil((pre + header.length + 1) / 64) * 64;
  }
  header = header + " ".repeat(total - pre - header.length - 1) + "\n";
  const body = tobytes(x);
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(body, total);
  return out;
}

// ---------------------------------------------------------------------------
// Input bytes, read through the engine's own accessors

/**
 * A plain, fixed-length Uint8Array over the bytes of `x` (a Uint8Array,
 * Node Buffer, ArrayBuffer or SharedArrayBuffer), its extent read from the
 * engine's internal slots rather than from properties a caller can
 * redefine; anything else is a `TypeError`.
 */
export function bytesOf(x: unknown, fn: string): Uint8Array {
  const tag = taKind(x);
  if (tag === "Uint8Array") {
    const v = viewExtent(x)!;
    return new Uint8Array(v.buffer, v.offset, v.length);
  }
  const n = bufferByteLength(x);
  if (n !== undefined) return new Uint8Array(x as ArrayBufferLike, 0, n);
  throw new TypeError(
    `${fn}(): expected the file's bytes as a Uint8Array or ArrayBuffer, got ${
      x === null ? "null" : tag ?? typeof x
    }`,
  );
}

// ---------------------------------------------------------------------------
// Header

/** What a `.npy` header says, checked: the data is `nbytes` at `start`. */
export interface NpyHeader {
  dtype: DType;
  /** Big-endian data (`>` in the descr) of a multi-byte dtype. */
  swap: boolean;
  fortran: boolean;
  shape: number[];
  /** Byte offset of the data (prefix + header). */
  start: number;
  /** Bytes of data: elements times item size. */
  nbytes: number;
}

/** Where an error happened: `fn()` and, for an archive member, its name. */
export interface NpyContext {
  fn: string;
  /** Put after `fn(): `, e.g. `member 'x.npy': ` (empty for none). */
  where: string;
}

function failer(ctx: NpyContext): (msg: string) => never {
  return (msg) => {
    throw new RangeError(`${ctx.fn}(): ${ctx.where}${msg}`);
  };
}

/**
 * The byte length of the magic, version, length field and header, read
 * from the first 12 bytes (10 suffice for version 1.0). Checks the magic,
 * the version (1.0, 2.0, 3.0 as NumPy) and the header cap.
 */
export function headerEnd(b: Uint8Array, ctx: NpyContext): number {
  const fail = failer(ctx);
  if (b.length < 10 || MAGIC.some((m, i) => b[i] !== m)) {
    fail("not a .npy file (bad magic)");
  }
  const major = b[6]!, minor = b[7]!;
  if (major < 1 || major > 3 || minor !== 0) {
    fail(`unsupported format version ${major}.${minor} (1.0, 2.0, 3.0 are)`);
  }
  const pre = major === 1 ? 10 : 12;
  if (b.length < pre) fail("truncated header");
  const hlen = major === 1
    ? b[8]! | (b[9]! << 8)
    : (b[8]! | (b[9]! << 8) | (b[10]! << 16) | (b[11]! << 24)) >>> 0;
  checkHeader(ctx.fn, hlen, ctx.where);
  return pre + hlen;
}

/** Latin-1 text of `b` without spreading it onto the call stack. */
function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode.apply(
      null,
      b.subarray(i, i + 4096) as unknown as number[],
    );
  }
  return s;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWordChar(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ||
    c === 95;
}

/**
 * Parses NumPy's header, a Python dict literal, by one left-to-right scan
 * (no eval, no recursion): `{'descr': str, 'fortran_order': True|False,
 * 'shape': (int, ...)}` with optional trailing commas, either quote, and
 * nothing but whitespace after the closing brace. Keys other than these
 * three, a missing key, a non-tuple shape (`(3)`) and integers that are
 * not plain decimal safe integers are errors.
 */
function parseHeader(
  h: string,
  ctx: NpyContext,
): { descr: string; fortran: boolean; shape: number[] } {
  const fail0: (msg: string) => never = failer(ctx);
  const fail = (msg: string): never =>
    fail0(`malformed header: ${msg}: ${JSON.stringify(h.slice(0, 120))}`);
  const n = h.length;
  let i = 0;
  const ws = () => {
    while (i < n && isSpace(h.charCodeAt(i))) i++;
  };
  const expect = (c: string) => {
    ws();
    if (h[i] !== c) fail(`expected '${c}' at ${i}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = h[i];
    if (q !== "'" && q !== '"') fail(`expected a string at ${i}`);
    const end = h.indexOf(q!, i + 1);
    if (end < 0) fail(`unterminated string at ${i}`);
    const s = h.slice(i + 1, end);
    if (s.includes("\\")) fail(`string escapes are not supported (at ${i})`);
    i = end + 1;
    return s;
  };
  const int = (): number => {
    ws();
    const from = i;
    while (i < n && isDigit(h.charCodeAt(i))) i++;
    if (i === from) fail(`expected a non-negative integer at ${from}`);
    if (i < n && isWordChar(h.charCodeAt(i))) {
      fail(`expected a decimal integer at ${from}`);
    }
    let d = from;
    while (d < i - 1 && h[d] === "0") d++; // leading zeros
    const digits = h.slice(d, i);
    const v = digits.length > 16 ? Infinity : Number(digits);
    if (!Number.isSafeInteger(v)) {
      fail0(
        `shape entry ${
          digits.length > 40 ? digits.slice(0, 40) + "..." : digits
        } is not a safe integer (at most 2^53 - 1)`,
      );
    }
    return v;
  };
  const word = (): string => {
    ws();
    const from = i;
    while (i < n && isWordChar(h.charCodeAt(i))) i++;
    return h.slice(from, i);
  };

  // after an element of a tuple or dict: a ',' and another element, or
  // the closing `close`, right away or after a trailing ','
  const MORE = 0, CLOSED = 1, CLOSED_AFTER_COMMA = 2;
  const next = (close: string): number => {
    ws();
    if (h[i] === close) {
      i++;
      return CLOSED;
    }
    if (h[i] !== ",") fail(`expected ',' or '${close}' at ${i}`);
    i++;
    ws();
    if (h[i] !== close) return MORE;
    i++;
    return CLOSED_AFTER_COMMA;
  };

  let descr: string | undefined;
  let fortran: boolean | undefined;
  let shape: number[] | undefined;
  expect("{");
  ws();
  if (h[i] === "}") i++;
  else {
    for (;;) {
      const key = str();
      expect(":");
      ws();
      if (key === "descr") {
        if (h[i] === "[" || h[i] === "(") {
          throw new TypeError(
            `${ctx.fn}(): ${ctx.where}unsupported dtype: structured ` +
              "(record) dtypes are not supported",
          );
        }
        descr = str();
      } else if (key === "fortran_order") {
        const w = word();
        if (w === "True") fortran = true;
        else if (w === "False") fortran = false;
        else {
          fail0(
            `malformed header: fortran_order must be True or False, got ${
              JSON.stringify(w || h.slice(i, i + 20))
            }`,
          );
        }
      } else if (key === "shape") {
        expect("(");
        const dims: number[] = [];
        ws();
        if (h[i] === ")") i++;
        else {
          let end: number;
          do {
            dims.push(int());
            if (dims.length > MAX_NDIM) {
              fail0(`shape has more than ${MAX_NDIM} dimensions`);
            }
          } while ((end = next(")")) === MORE);
          if (dims.length === 1 && end !== CLOSED_AFTER_COMMA) {
            fail(`shape (${dims[0]}) is not a tuple: (${dims[0]},) is`);
          }
        }
        shape = dims;
      } else {
        fail0(
          `unsupported header key '${key}' (NumPy writes descr, ` +
            "fortran_order and shape)",
        );
      }
      if (next("}") !== MORE) break;
    }
  }
  ws();
  if (i < n) fail(`unexpected text after the dict at ${i}`);
  if (descr === undefined || fortran === undefined || shape === undefined) {
    fail0("header lacks descr, fortran_order or shape");
  }
  return { descr, fortran, shape };
}

/**
 * Reads and checks the header in `b` (which holds at least
 * `headerEnd(b)` bytes): dtype, order, shape, and the data's size against
 * the caps. `available` is the number of data bytes the input has after
 * the header, when known: a shorter input is "truncated data" before the
 * caps are consulted (a broken file, not one to raise a cap for).
 */
export function parseNpyHeader(
  b: Uint8Array,
  ctx: NpyContext,
  available?: number,
): NpyHeader {
  const start = headerEnd(b, ctx);
  if (b.length < start) {
    failer(ctx)(
      `truncated header (${start - (b[6] === 1 ? 10 : 12)} bytes announced, ${
        b.length - (b[6] === 1 ? 10 : 12)
      } present)`,
    );
  }
  const raw = b.subarray(b[6] === 1 ? 10 : 12, start);
  let text: string;
  if (b[6] === 3) {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    } catch {
      return failer(ctx)("malformed header: not UTF-8 (format 3.0)");
    }
  } else text = latin1(raw);
  const { descr, fortran, shape } = parseHeader(text, ctx);
  const m = /^([<>|=]?)([a-z]\d+)$/.exec(descr);
  const dtype = m ? FROM_CODE[m[2]!] : undefined;
  if (!m || !dtype) {
    throw new TypeError(
      `${ctx.fn}(): ${ctx.where}unsupported dtype '${descr.slice(0, 40)}'`,
    );
  }
  const isz = itemsize(dtype);
  // exact: NumPy refuses shapes whose non-zero extents overflow its intp
  let extent = BigInt(isz);
  let zero = false;
  for (const d of shape) {
    if (d === 0) zero = true;
    else extent *= BigInt(d);
  }
  if (extent > BigInt(Number.MAX_SAFE_INTEGER)) {
    failer(ctx)(`shape ${fmtShape(shape)} is too large`);
  }
  const size = zero ? 0 : Number(extent) / isz;
  if (size > MAX_SIZE) {
    failer(ctx)(
      `shape ${fmtShape(shape)} is too large: ${size} elements, at most ` +
        `${MAX_SIZE} are supported`,
    );
  }
  const nbytes = size * isz;
  if (available !== undefined && available < nbytes) {
    failer(ctx)(
      `truncated data: ${nbytes} bytes needed, ${
        Math.max(0, available)
      } present`,
    );
  }
  checkBytes(
    ctx.fn,
    nbytes,
    `${ctx.where}the data of shape ${fmtShape(shape)}`,
  );
  return {
    dtype,
    swap: m[1] === ">" && isz > 1,
    fortran,
    shape,
    start,
    nbytes,
  };
}

// ---------------------------------------------------------------------------
// Data

/**
 * The array over `data` (exactly `h.nbytes`, owned by the caller and
 * starting its own ArrayBuffer, so aligned): byte-swapped in place if big
 * endian, bools normalised to 0/1 in place, Fortran order made C order.
 */
export function decodeNpy(h: NpyHeader, data: Uint8Array): NDArray {
  const { dtype, shape } = h;
  if (h.swap) swapBytes(data, itemsize(dtype));
  if (dtype === "bool") {
    // NumPy reads any non-zero byte as True; raptors' kernels count and
    // compare the bytes, so they are stored as 1
    for (let k = 0; k < data.length; k++) if (data[k]! > 1) data[k] = 1;
  }
  const storage = new (storageCtor(dtype) as unknown as new (
    buf: ArrayBufferLike,
    off: number,
    n: number,
  ) => Storage)(
    data.buffer,
    data.byteOffset,
    data.length / itemsize(dtype),
  );
  if (!h.fortran || shape.length < 2) return new NDArray(storage, dtype, shape);
  // Fortran order: the reversed shape in C order, transposed, made C order
  return new NDArray(storage, dtype, shape.slice().reverse()).T.copy();
}

function swapBytes(d: Uint8Array, isz: number): void {
  for (let k = 0; k + isz <= d.length; k += isz) {
    for (let a = k, b = k + isz - 1; a < b; a++, b--) {
      const t = d[a]!;
      d[a] = d[b]!;
      d[b] = t;
    }
  }
}

/**
 * Decodes a `.npy` that arrives in pieces (an inflating `.npz` member):
 * the header is gathered (at most 12 + `maxHeaderBytes` bytes), checked,
 * and only then is the data buffer allocated, at its exact size, and
 * filled from the pieces that follow. Bytes after the data are ignored,
 * as NumPy ignores them. `budget` adds the data to a running total that
 * must stay within `maxArrayBytes` (the members of one archive together).
 */
export class NpyAssembler {
  readonly #ctx: NpyContext;
  readonly #declared: number | undefined;
  readonly #budget: { used: number; what: string } | undefined;
  #head = new Uint8Array(12);
  #headLen = 0;
  #end = -1;
  #header: NpyHeader | undefined;
  #data: Uint8Array | undefined;
  #filled = 0;

  /** `declared`: the whole member's size, when known (checked early). */
  constructor(
    ctx: NpyContext,
    declared?: number,
    budget?: { used: number; what: string },
  ) {
    this.#ctx = ctx;
    this.#declared = declared;
    this.#budget = budget;
  }

  /** Takes the next piece (copied; the caller may reuse it). */
  push(chunk: Uint8Array): void {
    let k = 0;
    while (this.#header === undefined && k < chunk.length) {
      const want = this.#end < 0 ? 12 : this.#end;
      const take = Math.min(want - this.#headLen, chunk.length - k);
      this.#head.set(chunk.subarray(k, k + take), this.#headLen);
      this.#headLen += take;
      k += take;
      if (this.#headLen < want) return;
      if (this.#end < 0) {
        this.#end = headerEnd(this.#head, this.#ctx);
        const grown = new Uint8Array(Math.max(this.#end, 12));
        grown.set(this.#head);
        this.#head = grown;
        if (this.#headLen < this.#end) continue;
      }
      this.#begin();
    }
    const data = this.#data;
    if (data === undefined || k >= chunk.length) return;
    const take = Math.min(data.length - this.#filled, chunk.length - k);
    if (take > 0) {
      data.set(chunk.subarray(k, k + take), this.#filled);
      this.#filled += take;
    }
  }

  #begin(): void {
    const ctx = this.#ctx;
    const head = this.#head.subarray(0, this.#end);
    const h = parseNpyHeader(
      head,
      ctx,
      this.#declared === undefined ? undefined : this.#declared - this.#end,
    );
    if (this.#budget) {
      const total = this.#budget.used + h.nbytes;
      checkBytes(ctx.fn, total, this.#budget.what);
      this.#budget.used = total;
    }
    this.#header = h;
    this.#data = new Uint8Array(h.nbytes);
    // version 1.0 needs only 10 bytes of prefix: the 2 read ahead are data
    if (this.#headLen > this.#end) {
      this.push(this.#head.subarray(this.#end, this.#headLen));
    }
  }

  /** The array, once every data byte has arrived. */
  finish(): NDArray {
    const ctx = this.#ctx;
    if (this.#header === undefined) {
      if (this.#end < 0 && this.#headLen >= 10) {
        // a version 1.0 file of 10 or 11 bytes
        this.#end = headerEnd(this.#head.subarray(0, this.#headLen), ctx);
        if (this.#headLen >= this.#end) this.#begin();
      }
      if (this.#header === undefined) {
        headerEnd(this.#head.subarray(0, this.#headLen), ctx); // bad magic?
        failer(ctx)(
          `truncated header (${this.#end - this.#headLen} bytes missing)`,
        );
      }
    }
    const h = this.#header!;
    if (this.#filled < h.nbytes) {
      failer(ctx)(
        `truncated data: ${h.nbytes} bytes needed, ${this.#filled} present`,
      );
    }
    return decodeNpy(h, this.#data!);
  }
}

/**
 * Reads the bytes of a `.npy` file (versions 1.0-3.0).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const bytes = rp.toNpy(rp.array([1.5, 2]));
 * assert.deepEqual(rp.fromNpy(bytes).tolist(), [1.5, 2]);
 * ```
 */
export function fromNpy(bytes: Uint8Array | ArrayBuffer): NDArray {
  const b = bytesOf(bytes, "fromNpy");
  const asm = new NpyAssembler({ fn: "fromNpy", where: "" }, b.length);
  asm.push(b);
  return asm.finish();
}

// ---------------------------------------------------------------------------
// Files

const REASON: Record<string, string> = {
  ENOENT: "no such file or directory",
  EISDIR: "is a directory",
  ENOTDIR: "a component of the path is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  ENOSPC: "no space left on device",
  EROFS: "read-only file system",
  EMFILE: "too many open files",
  EBUSY: "resource busy",
  ETXTBSY: "text file busy",
  EFBIG: "file too large",
  EIO: "input/output error",
  EINVAL: "invalid argument",
};

/**
 * Checks a path argument: a non-empty string (or a `file:` URL) without
 * NUL bytes; returns it as a string for messages and the file system.
 */
export function asPath(path: unknown, fn: string): string {
  let p: string;
  if (typeof path === "string") p = path;
  else if (path instanceof URL && path.protocol === "file:") {
    p = decodeURIComponent(path.pathname);
  } else {
    throw new TypeError(
      `${fn}(): path must be a string or a file: URL, got ${
        path === null
          ? "null"
          : path instanceof URL
          ? `a ${path.protocol} URL`
          : typeof path
      }`,
    );
  }
  if (p === "") throw new TypeError(`${fn}(): path is empty`);
  if (p.includes("\0")) {
    throw new TypeError(
      `${fn}(): path ${JSON.stringify(p)} contains a NUL byte`,
    );
  }
  return p;
}

/**
 * The `FileError` for an error from the file system, naming `fn`, what was
 * being done and the path; the original is its `cause`. Deno's permission
 * errors (`NotCapable`) are rethrown unchanged: they name the flag to add.
 */
export function fileError(
  fn: string,
  doing: string,
  path: string,
  e: unknown,
): Error {
  const err = e as { name?: unknown; code?: unknown; message?: unknown };
  if (err?.name === "NotCapable" || err?.name === "PermissionDenied") {
    return e as Error;
  }
  const code = typeof err?.code === "string" ? err.code : undefined;
  const why = code
    ? `${REASON[code] ?? String(err.message ?? code)} (${code})`
    : String(err?.message ?? e);
  return new FileError(
    `${fn}(): cannot ${doing} ${JSON.stringify(path)}: ${why}`,
    path,
    code,
    { cause: e },
  );
}

/** Writes `bytes` to `path`, turning file-system errors into `FileError`s. */
export async function writeBytes(
  fn: string,
  path: unknown,
  bytes: () => Uint8Array | Promise<Uint8Array>,
): Promise<void> {
  const p = asPath(path, fn);
  const data = await bytes(); // argument errors before touching the disk
  // loaded on use: importing raptors never needs a file system (edge)
  const { writeFile } = await import("node:fs/promises");
  try {
    await writeFile(p, data);
  } catch (e) {
    throw fileError(fn, "write", p, e);
  }
}

/**
 * Writes `a` to `path` as `.npy` (`np.save`). A path that cannot be
 * written (a missing folder, a directory, no permission) is a
 * {@link FileError} naming it and the cause.
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * import { mkdtemp } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const path = join(await mkdtemp(join(tmpdir(), "rp-")), "a.npy");
 * await rp.save(path, rp.array([1, 2]));
 * assert.deepEqual((await rp.load(path) as rp.NDArray).tolist(), [1n, 2n]);
 * ```
 */
export async function save(path: string, a: ArrayLikeInput): Promise<void> {
  await writeBytes("save", path, () => toNpy(a));
}
