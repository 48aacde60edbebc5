/**
 * NumPy's `.npz` archives: zip files of `.npy` members, stored
 * (`savez`) or deflated (`savezCompressed`), read and written with the
 * runtime's own `CompressionStream` / `DecompressionStream`
 * ("deflate-raw"). Reading understands zip64 size fields (NumPy writes
 * them). Member sizes are checked against the archive before anything is
 * allocated or inflated past the announced size.
 *
 * @module
 */
import type { NDArray } from "./ndarray.ts";
import { fromNpy, toNpy } from "./npy.ts";
import { checkOptions } from "./_typed.ts";

let crcTable: Uint32Array | undefined;
/** CRC-32 (IEEE), as zip stores it. */
export function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) {
    c = crcTable[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

async function pipe(
  data: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit = Infinity,
): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  let n = 0;
  const writer = stream.writable.getWriter();
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > limit) {
      await reader.cancel();
      throw new RangeError(
        "fromNpz(): a member inflates past its announced size",
      );
    }
    out.push(value);
  }
  const r = new Uint8Array(n);
  let at = 0;
  for (const c of out) {
    r.set(c, at);
    at += c.length;
  }
  return r;
}

/** The bytes of an `.npz` archive of `arrays` (names become `name.npy`). */
export async function toNpz(
  arrays: Record<string, NDArray> | readonly NDArray[],
  options: { compress?: boolean } = {},
): Promise<Uint8Array> {
  checkOptions(options, "toNpz");
  const entries = Array.isArray(arrays)
    ? (arrays as NDArray[]).map((a, i) => [`arr_${i}`, a] as const)
    : Object.entries(arrays as Record<string, NDArray>);
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, a] of entries) {
    const raw = toNpy(a);
    const crc = crc32(raw);
    const data = options.compress
      ? await pipe(raw, new CompressionStream("deflate-raw"))
      : raw;
    const fname = enc.encode(`${name}.npy`);
    const method = options.compress ? 8 : 0;
    const lh = new Uint8Array(30 + fname.length);
    const l = new DataView(lh.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true);
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
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, entries.length, true);
  e.setUint16(10, entries.length, true);
  e.setUint32(12, cdSize, true);
  e.setUint32(16, offset, true);
  const parts = [...locals, ...central, end];
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function bad(msg: string): never {
  throw new RangeError(`fromNpz(): ${msg}`);
}

/** Reads an `.npz` archive: its arrays by name (without `.npy`). */
export async function fromNpz(
  bytes: Uint8Array | ArrayBuffer,
): Promise<Record<string, NDArray>> {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // end of central directory: the last signature within 64 KiB + 22
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65557); i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad("not a zip archive (no end of central directory)");
  const count = dv.getUint16(eocd + 10, true);
  let p = dv.getUint32(eocd + 16, true);
  const out: Record<string, NDArray> = {};
  const dec = new TextDecoder();
  for (let k = 0; k < count; k++) {
    if (p + 46 > b.length || dv.getUint32(p, true) !== 0x02014b50) {
      bad("corrupt central directory");
    }
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let csize = dv.getUint32(p + 20, true);
    let usize = dv.getUint32(p + 24, true);
    const nlen = dv.getUint16(p + 28, true);
    const xlen = dv.getUint16(p + 30, true);
    const clen = dv.getUint16(p + 32, true);
    let local = dv.getUint32(p + 42, true);
    if (p + 46 + nlen + xlen > b.length) bad("corrupt central directory");
    const name = dec.decode(b.subarray(p + 46, p + 46 + nlen));
    // zip64 extra field: the 32-bit fields at 0xFFFFFFFF are in it, in order
    let x = p + 46 + nlen;
    const xend = x + xlen;
    while (x + 4 <= xend) {
      const id = dv.getUint16(x, true), len = dv.getUint16(x + 2, true);
      if (id === 0x0001) {
        let q = x + 4;
        const next = () => {
          if (q + 8 > x + 4 + len) bad("corrupt zip64 field");
          const v = Number(dv.getBigUint64(q, true));
          q += 8;
          return v;
        };
        if (usize === 0xffffffff) usize = next();
        if (csize === 0xffffffff) csize = next();
        if (local === 0xffffffff) local = next();
      }
      x += 4 + len;
    }
    p = xend + clen;
    if (local + 30 > b.length || dv.getUint32(local, true) !== 0x04034b50) {
      bad(`corrupt local header of ${name}`);
    }
    const start = local + 30 + dv.getUint16(local + 26, true) +
      dv.getUint16(local + 28, true);
    if (start + csize > b.length) bad(`member ${name} is truncated`);
    const data = b.subarray(start, start + csize);
    let raw: Uint8Array;
    if (method === 0) raw = data;
    else if (method === 8) {
      raw = await pipe(data, new DecompressionStream("deflate-raw"), usize)
        .catch((e) => {
          throw e instanceof RangeError ? e : new RangeError(
            `fromNpz(): member ${name} does not inflate: ${e}`,
          );
        });
    } else {bad(
        `member ${name} uses compression method ${method} (only stored and deflate)`,
      );}
    if (raw.length !== usize) {
      bad(`member ${name} has ${raw.length} bytes, ${usize} announced`);
    }
    if (crc32(raw) !== crc) bad(`member ${name} fails its CRC check`);
    out[name.endsWith(".npy") ? name.slice(0, -4) : name] = fromNpy(raw);
  }
  return out;
}

/** Writes `arrays` to `path` as an uncompressed `.npz` (`np.savez`). */
export async function savez(
  path: string,
  arrays: Record<string, NDArray> | readonly NDArray[],
): Promise<void> {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(path, await toNpz(arrays));
}

/** Writes `arrays` as a deflated `.npz` (`np.savez_compressed`). */
export async function savezCompressed(
  path: string,
  arrays: Record<string, NDArray> | readonly NDArray[],
): Promise<void> {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(path, await toNpz(arrays, { compress: true }));
}

/**
 * Reads a `.npy` file (an array) or an `.npz` archive (its arrays by
 * name), as `np.load`.
 */
export async function load(
  path: string,
): Promise<NDArray | Record<string, NDArray>> {
  const { readFile } = await import("node:fs/promises");
  const b = await readFile(path);
  if (
    b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4
  ) {
    return await fromNpz(b);
  }
  return fromNpy(b);
}
