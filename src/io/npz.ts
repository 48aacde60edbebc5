/**
 * NumPy's `.npz` archives: zip files of `.npy` members, stored
 * (`savez`) or deflated (`savezCompressed`), read and written with the
 * runtime's own `CompressionStream` / `DecompressionStream`
 * ("deflate-raw"). Reading understands zip64 size fields and records
 * (NumPy writes them).
 *
 * Reading trusts nothing in the archive, and decides everything it can
 * before inflating a byte:
 * - the central directory lies inside the file, before its end record;
 *   every member's local header matches its directory entry (name,
 *   method) and members do not overlap one another or the directory (an
 *   "overlapping" zip bomb reuses one compressed kernel for many members);
 * - member names are checked: no absolute paths, `..` or `.` segments,
 *   backslashes, control characters, directory entries or `__proto__`;
 *   two members with the same name (after dropping `.npy`) are an error
 *   naming it. The result is an object with a null prototype, so a member
 *   called `constructor` or `toString` is just a key;
 * - declared sizes are checked against `maxArrayBytes` (`src/_limits.ts`),
 *   one member and the whole archive together, and each member's `.npy`
 *   header is checked again before its data is allocated;
 * - a deflated member is inflated piece by piece (16 KiB of input at a
 *   time, so one step yields at most ~16.5 MiB): more output than declared
 *   stops the inflation and is an error, less is an error, and the CRC
 *   must match. The pieces go straight into the array's buffer, allocated
 *   once its `.npy` header has been checked, and each is freed as soon as
 *   it is copied, so the peak is the data plus one piece.
 * `load` reads a file the same way through a file handle, reading only the
 * parts it needs, so a huge or endless file costs no more than its arrays.
 *
 * @module
 */
import { NDArray } from "../core/ndarray.ts";
import {
  asPath,
  bytesOf,
  decodeNpy,
  fileError,
  headerEnd,
  NpyAssembler,
  type NpyContext,
  parseNpyHeader,
  toNpy,
  writeBytes,
} from "./npy.ts";
import { checkBytes, getLimits } from "../_limits.ts";
import { checkOptions, optionKeys } from "../_typed.ts";
import { FileError } from "../errors.ts";
import type { ArrayLikeInput } from "../ufunc/ufunc.ts";
import { crc32 } from "./_crc32.ts";

async function compress(data: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const out: Uint8Array[] = [];
  let n = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    n += value.length;
    out.push(value);
  }
  return concat(out, n);
}

function concat(parts: readonly Uint8Array[], n: number): Uint8Array {
  const r = new Uint8Array(n);
  let at = 0;
  for (const c of parts) {
    r.set(c, at);
    at += c.length;
  }
  return r;
}

// ---------------------------------------------------------------------------
// Member names

/**
 * Why `name` (a zip entry name) may not be read or written, or undefined.
 * NumPy itself takes any name; raptors refuses those that would escape a
 * folder if a caller wrote members out by name, and `__proto__`.
 */
function badName(name: string): string | undefined {
  const path = (why: string) =>
    `has ${why} (a member name must be a relative path of plain segments)`;
  if (name.length === 0) return "is empty";
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return path("a control character");
  if (name.includes("\\")) return path("a backslash");
  if (name.startsWith("/")) return path("an absolute path");
  if (/^[A-Za-z]:/.test(name)) return path("a drive letter");
  if (name.endsWith("/")) return "is a directory entry, not an array";
  for (const seg of name.split("/")) {
    if (seg === "..") return path("a '..' segment");
    if (seg === ".") return path("a '.' segment");
    if (seg === "") return path("an empty segment");
  }
  const key = name.endsWith(".npy") ? name.slice(0, -4) : name;
  if (key === "__proto__") {
    return "is refused: '__proto__' as a key would replace the prototype " +
      "of objects the arrays are copied into";
  }
  return undefined;
}

function checkName(
  fn: string,
  member: string,
  what: string,
  shown = member,
): void {
  const why = badName(member);
  if (why !== undefined) {
    throw new RangeError(`${fn}(): ${what} ${JSON.stringify(shown)} ${why}`);
  }
}

// ---------------------------------------------------------------------------
// Writing

/**
 * The arrays an `.npz` archive is written from ({@link toNpz}, `savez`,
 * `savezCompressed`): by name (an object or a Map), or a list (named
 * `arr_0`, `arr_1`, ...).
 */
export type NpzArrays =
  | Record<string, ArrayLikeInput>
  | readonly ArrayLikeInput[]
  | ReadonlyMap<string, ArrayLikeInput>;

/** Options of {@link toNpz}. */
export interface ToNpzOptions {
  /** Deflate the members (NumPy's `savez_compressed`); default stored. */
  compress?: boolean;
}
const NPZ_KEYS = optionKeys<ToNpzOptions>({ compress: 1 });

/**
 * The bytes of an `.npz` archive of `arrays` (names become `name.npy`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const bytes = await rp.toNpz({ w: rp.array([1.5, 2]) });
 * const { w } = await rp.fromNpz(bytes);
 * assert.deepEqual(w!.tolist(), [1.5, 2]);
 * ```
 */
export async function toNpz(
  arrays: NpzArrays,
  options: ToNpzOptions = {},
): Promise<Uint8Array> {
  checkOptions(options, "toNpz", NPZ_KEYS);
  const entries = entriesOf(arrays, "toNpz");
  if (entries.length > 0xffff) {
    throw new RangeError(
      `toNpz(): ${entries.length} arrays; at most 65535 are written (zip64 ` +
        "archives are not written yet)",
    );
  }
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, a] of entries) {
    const member = `${name}.npy`;
    checkName("toNpz", member, "array name", name);
    const raw = toNpy(a);
    const crc = crc32(raw);
    const data = options.compress ? await compress(raw) : raw;
    const fname = enc.encode(member);
    const method = options.compress ? 8 : 0;
    // as Python's zipfile: the UTF-8 flag only for names that need it
    const flags = fname.length === member.length ? 0 : 0x800;
    if (fname.length > 0xffff) {
      throw new RangeError(`toNpz(): array name of ${fname.length} bytes`);
    }
    const lh = new Uint8Array(30 + fname.length);
    const l = new DataView(lh.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
    l.setUint16(6, flags, true);
    l.setUint16(8, method, true);
    l.setUint16(12, 0x21, true); // 1980-01-01
    l.setUint32(14, crc, true);
    l.setUint32(18, data.length, true);
    l.setUint32(22, raw.length, true);
    l.setUint16(26, fname.length, true);
    lh.set(fname, 30);
    const ch = new Uint8Array(46 + fname.length);
    const c = new DataView(ch.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true);
    c.setUint16(6, 20, true);
    c.setUint16(8, flags, true);
    c.setUint16(10, method, true);
    c.setUint16(14, 0x21, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, data.length, true);
    c.setUint32(24, raw.length, true);
    c.setUint16(28, fname.length, true);
    c.setUint32(42, offset, true);
    ch.set(fname, 46);
    locals.push(lh, data);
    central.push(ch);
    offset += lh.length + data.length;
    if (offset > 0xffffffff) {
      throw new RangeError(
        "toNpz(): archives over 4 GiB need zip64 (not written yet)",
      );
    }
  }
  const cdSize = central.reduce((n, x) => n + x.length, 0);
  if (offset + cdSize > 0xffffffff) {
    throw new RangeError(
      "toNpz(): archives over 4 GiB need zip64 (not written yet)",
    );
  }
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, entries.length, true);
  e.setUint16(10, entries.length, true);
  e.setUint32(12, cdSize, true);
  e.setUint32(16, offset, true);
  const parts = [...locals, ...central, end];
  return concat(parts, parts.reduce((n, x) => n + x.length, 0));
}

function entriesOf(
  arrays: unknown,
  fn: string,
): Array<readonly [string, ArrayLikeInput]> {
  if (Array.isArray(arrays)) {
    return (arrays as ArrayLikeInput[]).map((a, i) => [`arr_${i}`, a]);
  }
  if (arrays instanceof Map) {
    const out: Array<readonly [string, ArrayLikeInput]> = [];
    for (const [k, v] of arrays) {
      if (typeof k !== "string") {
        throw new TypeError(`${fn}(): array names must be strings`);
      }
      out.push([k, v as ArrayLikeInput]);
    }
    return out;
  }
  if (
    typeof arrays !== "object" || arrays === null || arrays instanceof NDArray
  ) {
    throw new TypeError(
      `${fn}(): expected arrays by name ({ x, y }), a Map or a list, got ${
        arrays === null
          ? "null"
          : arrays instanceof NDArray
          ? "one NDArray (wrap it: [a] or { a })"
          : typeof arrays
      }`,
    );
  }
  return Object.entries(arrays as Record<string, ArrayLikeInput>);
}

// ---------------------------------------------------------------------------
// Reading: a random-access source (bytes in memory, or a file handle)

interface Source {
  readonly size: number;
  /** `n` bytes at `at` (the caller keeps `at + n <= size`). */
  read(at: number, n: number): Promise<Uint8Array>;
}

function memorySource(b: Uint8Array): Source {
  return {
    size: b.length,
    read: (at, n) => Promise.resolve(b.subarray(at, at + n)),
  };
}

interface Handle {
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
}

/** Fills `into` from `position`; a short file is a `RangeError`. */
async function readFully(
  h: Handle,
  into: Uint8Array,
  position: number,
  fn: string,
  path: string,
): Promise<void> {
  let got = 0;
  while (got < into.length) {
    let r: { bytesRead: number };
    try {
      r = await h.read(into, got, into.length - got, position + got);
    } catch (e) {
      throw fileError(fn, "read", path, e);
    }
    if (r.bytesRead === 0) {
      throw new RangeError(
        `${fn}(): ${JSON.stringify(path)} ended at byte ${
          position + got
        } while reading (did it shrink?)`,
      );
    }
    got += r.bytesRead;
  }
}

function fileSource(h: Handle, size: number, fn: string, path: string): Source {
  return {
    size,
    async read(at, n) {
      const b = new Uint8Array(n);
      await readFully(h, b, at, fn, path);
      return b;
    },
  };
}

// ---------------------------------------------------------------------------
// Reading: the zip structure

interface Entry {
  name: string;
  key: string;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  local: number;
  /** First byte of the member's data, after its local header. */
  start: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;

/** Input bytes fed to the inflater per step (<= 16.5 MiB of output). */
const INFLATE_STEP = 16384;

function u64(dv: DataView, at: number, fail: (m: string) => never): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail("corrupt zip64 field");
  return Number(v);
}

async function readZip(
  src: Source,
  fn: string,
  where: string,
): Promise<Record<string, NDArray>> {
  const fail = (msg: string): never => {
    throw new RangeError(`${fn}(): ${where}${msg}`);
  };
  const size = src.size;
  if (size < 22) fail("not a zip archive (no end of central directory)");
  // end of central directory: the last signature within 64 KiB + 22
  const tailAt = Math.max(0, size - 65557);
  const tail = (await src.read(tailAt, size - tailAt)).slice();
  const tv = new DataView(tail.buffer);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (
      tv.getUint32(i, true) === SIG_END &&
      i + 22 + tv.getUint16(i + 20, true) <= tail.length
    ) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail("not a zip archive (no end of central directory)");
  if (
    tv.getUint16(eocd + 4, true) !== 0 || tv.getUint16(eocd + 6, true) !== 0
  ) {
    fail("multi-disk archives are not supported");
  }
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOff = tv.getUint32(eocd + 16, true);
  let cdLimit = tailAt + eocd; // the directory ends before this
  // zip64: a locator just before the end record points at the zip64 record
  if (eocd >= 20 && tv.getUint32(eocd - 20, true) === SIG_LOC64) {
    const at = u64(tv, eocd - 12, fail);
    if (at + 56 > tailAt + eocd - 20) fail("corrupt zip64 end record");
    const rec = (await src.read(at, 56)).slice();
    const rv = new DataView(rec.buffer);
    if (rv.getUint32(0, true) !== SIG_END64) fail("corrupt zip64 end record");
    count = u64(rv, 32, fail);
    cdSize = u64(rv, 40, fail);
    cdOff = u64(rv, 48, fail);
    cdLimit = at;
  }
  if (cdOff + cdSize > cdLimit) {
    fail(
      `the central directory (${cdSize} bytes at ${cdOff}) runs past its ` +
        "end record",
    );
  }
  if (count * 46 > cdSize) {
    fail(`${count} members announced in a ${cdSize}-byte central directory`);
  }
  checkBytes(fn, cdSize, `${where}the central directory`);
  const cd = (await src.read(cdOff, cdSize)).slice();
  const dv = new DataView(cd.buffer);
  const dec = new TextDecoder("utf-8", { fatal: true });
  const entries: Entry[] = [];
  const keys = new Map<string, string>();
  const limits = getLimits();
  const room = 12 + limits.maxHeaderBytes; // a member's .npy header
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cdSize || dv.getUint32(p, true) !== SIG_CENTRAL) {
      fail(`corrupt central directory (entry ${k})`);
    }
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let csize = dv.getUint32(p + 20, true);
    let usize = dv.getUint32(p + 24, true);
    const nlen = dv.getUint16(p + 28, true);
    const xlen = dv.getUint16(p + 30, true);
    const clen = dv.getUint16(p + 32, true);
    let local = dv.getUint32(p + 42, true);
    const next = p + 46 + nlen + xlen + clen;
    if (next > cdSize) fail(`corrupt central directory (entry ${k})`);
    let name: string;
    try {
      name = dec.decode(cd.subarray(p + 46, p + 46 + nlen));
    } catch {
      fail(`member ${k} has a name that is not UTF-8`);
    }
    const label = `member ${JSON.stringify(name!)}`;
    // zip64 extra field: the 32-bit fields at 0xFFFFFFFF are in it, in order
    let x = p + 46 + nlen;
    const xend = x + xlen;
    while (x + 4 <= xend) {
      const id = dv.getUint16(x, true), len = dv.getUint16(x + 2, true);
      if (x + 4 + len > xend) fail(`corrupt extra field of ${label}`);
      if (id === 0x0001) {
        let q = x + 4;
        const field = () => {
          if (q + 8 > x + 4 + len) fail(`corrupt zip64 field of ${label}`);
          const v = u64(dv, q, fail);
          q += 8;
          return v;
        };
        if (usize === 0xffffffff) usize = field();
        if (csize === 0xffffffff) csize = field();
        if (local === 0xffffffff) local = field();
      }
      x += 4 + len;
    }
    p = next;
    checkName(fn, name!, where + "member");
    if (flags & 0x1) fail(`${label} is encrypted`);
    if (method !== 0 && method !== 8) {
      fail(
        `${label} uses compression method ${method} (only stored and deflate)`,
      );
    }
    if (method === 0 && csize !== usize) {
      fail(`${label} is stored with ${csize} bytes but declares ${usize}`);
    }
    // deflate turns 2 bits into at most 258 bytes
    if (method === 8 && usize > csize * 1032 + 1024) {
      fail(
        `${label} declares ${usize} bytes from ${csize} compressed (more ` +
          "than deflate can expand)",
      );
    }
    const key = name!.endsWith(".npy") ? name!.slice(0, -4) : name!;
    const prev = keys.get(key);
    if (prev !== undefined) {
      fail(
        `two members named ${JSON.stringify(key)} (${
          JSON.stringify(prev)
        } and ${JSON.stringify(name!)})`,
      );
    }
    keys.set(key, name!);
    entries.push({
      name: name!,
      key,
      method,
      crc,
      csize,
      usize,
      local,
      start: 0,
    });
  }

  // local headers: inside the file, matching their entries, not overlapping
  const enc = new TextEncoder();
  for (const e of entries) {
    const label = `member ${JSON.stringify(e.name)}`;
    if (e.local + 30 > cdOff) fail(`${label}: local header out of range`);
    const lh = (await src.read(e.local, 30)).slice();
    const lv = new DataView(lh.buffer);
    if (lv.getUint32(0, true) !== SIG_LOCAL) {
      fail(`corrupt local header of ${label}`);
    }
    const nlen = lv.getUint16(26, true), xlen = lv.getUint16(28, true);
    if (lv.getUint16(8, true) !== e.method) {
      fail(`${label}: its local header names another compression method`);
    }
    const want = enc.encode(e.name);
    if (nlen !== want.length || e.local + 30 + nlen > cdOff) {
      fail(`${label}: its local header names another member`);
    }
    const got = await src.read(e.local + 30, nlen);
    for (let i = 0; i < nlen; i++) {
      if (got[i] !== want[i]) {
        fail(`${label}: its local header names another member`);
      }
    }
    e.start = e.local + 30 + nlen + xlen;
    if (e.start + e.csize > cdOff) {
      fail(`${label} is truncated or runs into the central directory`);
    }
  }
  const order = entries.slice().sort((a, b) => a.local - b.local);
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1]!, b = order[i]!;
    if (a.start + a.csize > b.local) {
      fail(
        `members ${JSON.stringify(a.name)} and ${
          JSON.stringify(b.name)
        } overlap (bytes ${b.local}..${a.start + a.csize})`,
      );
    }
  }

  // sizes: each member's data, and all of them together, within the cap
  // (a member also holds its .npy header, up to `room` bytes)
  let declared = 0;
  for (let k = 0; k < entries.length; k++) {
    const e = entries[k]!;
    if (e.usize - room > limits.maxArrayBytes) {
      checkBytes(
        fn,
        e.usize,
        `${where}the declared size of member ${JSON.stringify(e.name)}`,
      );
    }
    declared += e.usize;
    if (declared - room * (k + 1) > limits.maxArrayBytes) {
      checkBytes(fn, declared, `${where}the members' declared sizes together`);
    }
  }

  const out = Object.create(null) as Record<string, NDArray>;
  const budget = {
    used: 0,
    what: `${where}the arrays of the archive together`,
  };
  for (const e of entries) {
    const ctx: NpyContext = {
      fn,
      where: `${where}member ${JSON.stringify(e.name)}: `,
    };
    out[e.key] = await readMember(src, e, ctx, budget);
  }
  return out;
}

/** Reads, inflates, checks and decodes one member. */
async function readMember(
  src: Source,
  e: Entry,
  ctx: NpyContext,
  budget: { used: number; what: string },
): Promise<NDArray> {
  const fail = (msg: string): never => {
    throw new RangeError(`${ctx.fn}(): ${ctx.where}${msg}`);
  };
  const asm = new NpyAssembler(ctx, e.usize, budget);
  let crc = 0;
  let n = 0;
  const take = (c: Uint8Array) => {
    crc = crc32(c, crc);
    n += c.length;
    asm.push(c);
  };
  if (e.method === 0) {
    for (let at = 0; at < e.csize; at += 1 << 20) {
      take(await src.read(e.start + at, Math.min(1 << 20, e.csize - at)));
    }
  } else {
    await inflate(src, e, ctx, take);
  }
  if (n !== e.usize) fail(`inflates to ${n} bytes, ${e.usize} declared`);
  if (crc !== e.crc) fail("fails its CRC check");
  return asm.finish();
}

/**
 * Inflates member `e`, handing each piece of output to `take`, and stops
 * (an error) as soon as the output passes the declared size. Input goes
 * in 16 KiB steps with backpressure, so at most one step's output is in
 * flight whatever the ratio.
 */
async function inflate(
  src: Source,
  e: Entry,
  ctx: NpyContext,
  take: (c: Uint8Array) => void,
): Promise<void> {
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let stop = false;
  let readErr: unknown;
  const block = INFLATE_STEP * 16;
  const pump = (async () => {
    for (let at = 0; at < e.csize && !stop; at += block) {
      let b: Uint8Array;
      try {
        b = await src.read(e.start + at, Math.min(block, e.csize - at));
      } catch (err) {
        readErr = err;
        throw err;
      }
      for (let i = 0; i < b.length && !stop; i += INFLATE_STEP) {
        await writer.write(
          b.subarray(i, i + INFLATE_STEP) as Uint8Array<ArrayBuffer>,
        );
      }
    }
    if (!stop) await writer.close();
  })().catch((err) => {
    // a failed file read must end the reader's wait; stream errors reach
    // the reader by themselves
    if (err === readErr) writer.abort(err).catch(() => {});
  });
  let n = 0;
  let takeErr: unknown;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (n + value.length > e.usize) {
        stop = true;
        throw new RangeError(
          `${ctx.fn}(): ${ctx.where}inflates past its declared size of ` +
            `${e.usize} bytes`,
        );
      }
      n += value.length;
      try {
        take(value);
      } catch (err) {
        takeErr = err; // the .npy inside is bad: its own error
        throw err;
      }
      release(value);
    }
  } catch (err) {
    stop = true;
    reader.cancel().catch(() => {}); // the pump's pending write fails
    if (readErr !== undefined) throw readErr;
    if (err === takeErr || err instanceof RangeError) throw err;
    throw new RangeError(
      `${ctx.fn}(): ${ctx.where}does not inflate: ${
        (err as Error)?.message ?? String(err)
      }`,
    );
  }
  await pump;
  if (readErr !== undefined) throw readErr;
}

/**
 * Frees the memory of an inflater's output piece now that it is copied,
 * rather than when the collector gets to it: inflating 1 GiB leaves 1 GiB
 * of such pieces behind, and neither engine collects them in time to keep
 * the peak near the data's size. Only a piece that is the whole of its
 * buffer (nothing else can view it) is detached, by `transfer(0)`.
 */
function release(piece: Uint8Array): void {
  const buf = piece.buffer as ArrayBuffer & {
    transfer?: (n: number) => unknown;
  };
  if (
    typeof buf.transfer === "function" && piece.byteOffset === 0 &&
    piece.byteLength === buf.byteLength &&
    (typeof SharedArrayBuffer !== "function" ||
      !(buf instanceof SharedArrayBuffer))
  ) {
    try {
      buf.transfer(0);
    } catch {
      // not transferable (a wasm memory, a non-detachable buffer): leave it
    }
  }
}

/**
 * Reads an `.npz` archive: its arrays by name (without `.npy`).
 *
 * @example
 * ```ts
 * import * as rp from "@raptors/raptors";
 * import assert from "node:assert/strict";
 *
 * const bytes = await rp.toNpz([rp.array([1, 2])]);
 * assert.deepEqual((await rp.fromNpz(bytes)).arr_0!.tolist(), [1n, 2n]); // NumPy's names
 * ```
 */
export async function fromNpz(
  bytes: Uint8Array | ArrayBuffer,
): Promise<Record<string, NDArray>> {
  return await readZip(memorySource(bytesOf(bytes, "fromNpz")), "fromNpz", "");
}

/**
 * Writes `arrays` to `path` as an uncompressed `.npz` (`np.savez`); file
 * errors are {@link FileError}s.
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
 * const path = join(await mkdtemp(join(tmpdir(), "rp-")), "w.npz");
 * await rp.savez(path, { w: rp.array([1.5]) });
 * const { w } = await rp.load(path) as Record<string, rp.NDArray>;
 * assert.deepEqual(w!.tolist(), [1.5]);
 * ```
 */
export async function savez(
  path: string,
  arrays: NpzArrays,
): Promise<void> {
  await writeBytes("savez", path, () => toNpz(arrays));
}

/**
 * Writes `arrays` as a deflated `.npz` (`np.savez_compressed`).
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
 * const path = join(await mkdtemp(join(tmpdir(), "rp-")), "z.npz");
 * await rp.savezCompressed(path, { z: rp.zeros([1000]) });
 * const { z } = await rp.load(path) as Record<string, rp.NDArray>;
 * assert.equal(z!.size, 1000);
 * ```
 */
export async function savezCompressed(
  path: string,
  arrays: NpzArrays,
): Promise<void> {
  await writeBytes(
    "savezCompressed",
    path,
    () => toNpz(arrays, { compress: true }),
  );
}

/**
 * Reads a `.npy` file (an array) or an `.npz` archive (its arrays by
 * name, in an object with a null prototype), as `np.load`. Only the parts
 * of the file that are needed are read; the path must name a regular
 * file. A file that cannot be opened or read is a {@link FileError}
 * naming the path and the cause (`code` is `"ENOENT"`, `"EISDIR"`, ...).
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
 * await rp.save(path, rp.arange(3));
 * const a = await rp.load(path) as rp.NDArray;
 * assert.deepEqual(a.tolist(), [0n, 1n, 2n]);
 * ```
 */
export async function load(
  path: string,
): Promise<NDArray | Record<string, NDArray>> {
  const p = asPath(path, "load");
  const fs = await import("node:fs");
  const { open } = await import("node:fs/promises");
  let h: Awaited<ReturnType<typeof open>>;
  try {
    // non-blocking: opening a FIFO must not wait for a writer
    h = await open(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw fileError("load", "open", p, e);
  }
  try {
    let st: { isFile(): boolean; isDirectory(): boolean; size: number };
    try {
      st = await h.stat();
    } catch (e) {
      throw fileError("load", "read", p, e);
    }
    if (!st.isFile()) {
      const code = st.isDirectory() ? "EISDIR" : undefined;
      throw new FileError(
        `load(): cannot read ${JSON.stringify(p)}: ${
          st.isDirectory() ? "is a directory (EISDIR)" : "not a regular file"
        }`,
        p,
        code,
      );
    }
    const src = fileSource(h as unknown as Handle, st.size, "load", p);
    const where = `${JSON.stringify(p)}: `;
    const head = await src.read(0, Math.min(12, st.size));
    if (
      head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b &&
      head[2] === 3 && head[3] === 4
    ) {
      return await readZip(src, "load", where);
    }
    return await loadNpy(src, head, { fn: "load", where });
  } finally {
    await h.close().catch(() => {});
  }
}

/** A `.npy` file: its header, then exactly its data, read into place. */
async function loadNpy(
  src: Source,
  head: Uint8Array,
  ctx: NpyContext,
): Promise<NDArray> {
  if (head.length < 12) return fromNpyIn(head, ctx);
  const end = headerEnd(head, ctx); // magic, version, the header cap
  if (end > src.size) return fromNpyIn(await src.read(0, src.size), ctx);
  const b = await src.read(0, end);
  const h = parseNpyHeader(b, ctx, src.size - end);
  const data = await src.read(h.start, h.nbytes);
  return decodeNpy(h, data);
}

function fromNpyIn(b: Uint8Array, ctx: NpyContext): NDArray {
  const asm = new NpyAssembler(ctx, b.length);
  asm.push(b);
  return asm.finish();
}
