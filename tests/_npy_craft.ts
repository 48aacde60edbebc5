/**
 * Hand-made hostile `.npy`/`.npz` bytes for `tests/npy_hostile_test.ts`
 * and its child `tests/_npy_bomb_child.ts`: headers written by hand, raw
 * deflate streams built bit by bit (a 1032:1 "zeros" kernel, as real zip
 * bombs use), and zip archives whose every field can be set to a lie.
 *
 * @module
 */

/** A `.npy` v1.0 (v2.0 if `version` says so) with `header` and `data`. */
export function npyBytes(
  header: string,
  data: Uint8Array = new Uint8Array(0),
  version = 1,
): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const pad = (64 - ((pre + header.length + 1) % 64)) % 64;
  const h = header + " ".repeat(pad) + "\n";
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0], 0);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[pre + i] = h.charCodeAt(i) & 0xff;
  out.set(data, pre + h.length);
  return out;
}

/** The header dict NumPy writes, for a descr and a shape text. */
export function dict(descr: string, shape: string, fortran = "False"): string {
  return `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
}

class Bits {
  bytes: Uint8Array;
  pos = 0; // in bits
  constructor(nbits: number) {
    this.bytes = new Uint8Array(Math.ceil(nbits / 8) + 16);
  }
  /** `n` bits of `v`, least significant first (header fields, extras). */
  put(v: number, n: number): void {
    for (let i = 0; i < n; i++) {
      if ((v >>> i) & 1) this.bytes[this.pos >>> 3]! |= 1 << (this.pos & 7);
      this.pos++;
    }
  }
  /** A Huffman code of `len` bits, most significant first. */
  code(c: number, len: number): void {
    for (let i = len - 1; i >= 0; i--) this.put((c >>> i) & 1, 1);
  }
  /** Zero bits (the buffer starts zeroed). */
  skip(n: number): void {
    this.pos += n;
  }
  align(): void {
    this.pos = (this.pos + 7) & ~7;
  }
  done(): Uint8Array {
    return this.bytes.subarray(0, (this.pos + 7) >>> 3);
  }
}

/**
 * A raw deflate stream: the bytes of `prefix` in a stored block, then `n`
 * zero bytes in one dynamic-Huffman block whose codes are 1 bit for
 * "length 258" and 1 bit for "distance 1", so 2 bits make 258 bytes (the
 * 1032:1 ratio of real zip bombs: 3 GiB from ~3.1 MB). `final: false`
 * leaves the last block open (a truncated stream).
 */
export function deflateZeros(
  n: number,
  prefix: Uint8Array = new Uint8Array(0),
  final = true,
): Uint8Array {
  const reps = n > 0 ? Math.floor((n - 1) / 258) : 0;
  const tail = n > 0 ? n - 1 - reps * 258 : 0;
  const w = new Bits(prefix.length * 8 + 200 + reps * 2 + tail * 2 + 64);
  if (prefix.length > 0) {
    // stored block(s), not final
    for (let at = 0; at < prefix.length; at += 65535) {
      const len = Math.min(65535, prefix.length - at);
      w.put(0, 1);
      w.put(0, 2);
      w.align();
      w.put(len, 16);
      w.put(~len & 0xffff, 16);
      for (let i = 0; i < len; i++) w.put(prefix[at + i]!, 8);
    }
  }
  w.put(final ? 1 : 0, 1);
  w.put(2, 2); // dynamic Huffman
  w.put(286 - 257, 5); // HLIT
  w.put(0, 5); // HDIST: one distance code
  w.put(18 - 4, 4); // HCLEN: code-length codes up to symbol 1
  // code-length code lengths in the order 16 17 18 0 8 7 9 6 10 5 11 4 12
  // 3 13 2 14 1: symbol 18 has 1 bit, symbols 1 and 2 have 2
  const clOrder = [
    16,
    17,
    18,
    0,
    8,
    7,
    9,
    6,
    10,
    5,
    11,
    4,
    12,
    3,
    13,
    2,
    14,
    1,
  ];
  const clLen: Record<number, number> = { 18: 1, 1: 2, 2: 2 };
  for (const s of clOrder) w.put(clLen[s] ?? 0, 3);
  // canonical codes: 18 -> 0, 1 -> 10, 2 -> 11
  const cl = (s: number) => {
    if (s === 18) w.code(0, 1);
    else if (s === 1) w.code(2, 2);
    else w.code(3, 2);
  };
  const zeros = (k: number) => {
    while (k > 0) {
      const r = Math.min(138, k);
      cl(18);
      w.put(r - 11, 7);
      k -= r;
    }
  };
  // literal/length lengths: 0 -> 2, 1..255 -> 0, 256 -> 2, 257..284 -> 0,
  // 285 -> 1; the one distance code -> 1
  cl(2);
  zeros(255);
  cl(2);
  zeros(28);
  cl(1);
  cl(1);
  // codes: 285 -> 0, literal 0 -> 10, end of block -> 11; distance 0 -> 0
  if (n > 0) w.code(2, 2);
  w.skip(reps * 2);
  for (let i = 0; i < tail; i++) w.code(2, 2);
  if (final) w.code(3, 2);
  return w.done();
}

/** One member of {@link zip}. */
export interface Member {
  name: string;
  /** The bytes as stored in the archive (compressed if `method` 8). */
  data: Uint8Array;
  method?: 0 | 8;
  /** Declared uncompressed size (default: `data.length`). */
  usize?: number;
  crc?: number;
  /** Name written in the local header (default: `name`). */
  localName?: string;
  flags?: number;
}

/** CRC-32 (IEEE) of `b`, continuing `crc`. */
export function crc32(b: Uint8Array, crc = 0): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < b.length; i++) {
    c ^= b[i]!;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * `crc` continued over `n` zero bytes, in O(log n): appending a zero byte
 * is a linear map of the CRC register over GF(2) (a 32 x 32 bit matrix,
 * kept as 32 columns), raised to the n-th power by squaring.
 */
export function crc32Zeros(crc: number, n: number): number {
  const apply = (m: Uint32Array, v: number) => {
    let r = 0;
    for (let i = 0; v !== 0; i++, v >>>= 1) if (v & 1) r ^= m[i]!;
    return r >>> 0;
  };
  // one zero byte: eight shifts of the reflected polynomial register
  let m = new Uint32Array(32);
  for (let i = 0; i < 32; i++) {
    let c = (1 << i) >>> 0;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? (0xedb88320 ^ (c >>> 1)) >>> 0 : c >>> 1;
    }
    m[i] = c;
  }
  let r = (crc ^ 0xffffffff) >>> 0;
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) r = apply(m, r);
    const sq = new Uint32Array(32);
    for (let i = 0; i < 32; i++) sq[i] = apply(m, m[i]!);
    m = sq;
  }
  return (r ^ 0xffffffff) >>> 0;
}

function localHeader(m: Member): Uint8Array {
  const name = new TextEncoder().encode(m.localName ?? m.name);
  const lh = new Uint8Array(30 + name.length);
  const l = new DataView(lh.buffer);
  l.setUint32(0, 0x04034b50, true);
  l.setUint16(4, 20, true);
  l.setUint16(6, m.flags ?? 0, true);
  l.setUint16(8, m.method ?? 0, true);
  l.setUint32(14, m.crc ?? 0, true);
  l.setUint32(18, m.data.length, true);
  l.setUint32(22, Math.min(m.usize ?? m.data.length, 0xffffffff), true);
  l.setUint16(26, name.length, true);
  lh.set(name, 30);
  return lh;
}

function centralHeader(
  m: Member,
  local: number,
  csize: number,
): Uint8Array {
  const name = new TextEncoder().encode(m.name);
  const ch = new Uint8Array(46 + name.length);
  const c = new DataView(ch.buffer);
  c.setUint32(0, 0x02014b50, true);
  c.setUint16(4, 20, true);
  c.setUint16(6, 20, true);
  c.setUint16(8, m.flags ?? 0, true);
  c.setUint16(10, m.method ?? 0, true);
  c.setUint32(
    16,
    m.crc ?? crc32(m.method === 8 ? new Uint8Array(0) : m.data),
    true,
  );
  c.setUint32(20, csize, true);
  c.setUint32(24, Math.min(m.usize ?? m.data.length, 0xffffffff), true);
  c.setUint16(28, name.length, true);
  c.setUint32(42, local, true);
  ch.set(name, 46);
  return ch;
}

function endRecord(count: number, cdSize: number, cdOff: number): Uint8Array {
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, count, true);
  e.setUint16(10, count, true);
  e.setUint32(12, cdSize, true);
  e.setUint32(16, cdOff, true);
  return end;
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A zip of `members`, each a local header then its data, then the
 * central directory and end record. `central` may rewrite each central
 * entry's fields (a DataView over it) before it is written.
 */
export function zip(
  members: Member[],
  central?: (i: number, dv: DataView) => void,
): Uint8Array {
  const parts: Uint8Array[] = [];
  const cds: Uint8Array[] = [];
  let off = 0;
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const lh = localHeader(m);
    const ch = centralHeader(m, off, m.data.length);
    central?.(i, new DataView(ch.buffer));
    cds.push(ch);
    parts.push(lh, m.data);
    off += lh.length + m.data.length;
  }
  const cd = join(cds);
  return join([...parts, cd, endRecord(members.length, cd.length, off)]);
}

/**
 * The overlapping-entries bomb (after D. Fifield, "A better zip bomb"):
 * `count` members whose data all run to the end of one shared kernel of
 * `n` zeros. Member i's deflate stream opens with a stored block that
 * quotes member i+1's local header, so every member is a valid stream
 * that inflates to (the later headers and) the whole kernel: `count` x
 * `n` bytes from one kernel. CRCs are left 0: a reader that inflates
 * before checking anything has already lost.
 */
export function overlapBomb(count: number, n: number): Uint8Array {
  const members = Array.from({ length: count }, (_, i) => `m${i}.npy`);
  const kernel = deflateZeros(n);
  const headers = members.map((name) =>
    localHeader({ name, data: new Uint8Array(0), method: 8 })
  );
  // layout: LH0 SB0 LH1 SB1 ... LH(n-1) kernel; SBi quotes LH(i+1)
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let off = 0;
  for (let i = 0; i < count; i++) {
    offsets.push(off);
    parts.push(headers[i]!);
    off += headers[i]!.length;
    if (i + 1 < count) {
      const len = headers[i + 1]!.length;
      const sb = new Uint8Array([
        0,
        len & 0xff,
        len >> 8,
        ~len & 0xff,
        (~len >> 8) & 0xff,
      ]);
      parts.push(sb);
      off += sb.length;
    }
  }
  parts.push(kernel);
  const end = off + kernel.length;
  const cds: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const start = offsets[i]! + headers[i]!.length;
    let usize = n;
    for (let j = i + 1; j < count; j++) usize += headers[j]!.length;
    cds.push(
      centralHeader(
        {
          name: members[i]!,
          data: new Uint8Array(0),
          method: 8,
          usize,
          crc: 0,
        },
        offsets[i]!,
        end - start,
      ),
    );
  }
  // the local headers quoted inside stored blocks are the same bytes
  const cd = join(cds);
  return join([...parts, cd, endRecord(count, cd.length, end)]);
}
