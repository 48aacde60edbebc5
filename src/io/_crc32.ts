/**
 * CRC-32 (IEEE), the checksum zip stores for each member (`./npz.ts`).
 *
 * @module
 */

let crcTable: Uint32Array | undefined;
/**
 * CRC-32 (IEEE), as zip stores it; `crc` continues a running checksum
 * (`crc32(b, crc32(a))` is the CRC of `a` followed by `b`). Slicing by 8:
 * eight 256-entry tables, one per byte of a 64-bit step (~4x the one-table
 * loop; loading big archives is bound by this).
 */
export function crc32(b: Uint8Array, crc = 0): number {
  if (!crcTable) {
    const t = new Uint32Array(8 * 256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    for (let n = 0; n < 256; n++) {
      for (let k = 1; k < 8; k++) {
        const p = t[(k - 1) * 256 + n]!;
        t[k * 256 + n] = (p >>> 8) ^ t[p & 0xff]!;
      }
    }
    crcTable = t;
  }
  const t = crcTable;
  let c = ~crc;
  let i = 0;
  const n8 = b.length - (b.length % 8);
  for (; i < n8; i += 8) {
    c ^= b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    c = t[1792 + (c & 0xff)]! ^ t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^ t[1024 + (c >>> 24)]! ^
      t[768 + b[i + 4]!]! ^ t[512 + b[i + 5]!]! ^ t[256 + b[i + 6]!]! ^
      t[b[i + 7]!]!;
  }
  for (; i < b.length; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
