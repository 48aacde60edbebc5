/**
 * Lists the function symbols a Linux shared library exports, by reading its
 * ELF `.dynsym` table directly (no binutils needed).
 *
 * @module
 */

/** Names of the defined, global or weak FUNC symbols in `.dynsym`. */
export function elfExports(bytes: Uint8Array): string[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0) !== 0x7f454c46) throw new Error("Not an ELF file");
  if (v.getUint8(4) !== 2) throw new Error("Only 64-bit ELF is supported");
  if (v.getUint8(5) !== 1) {
    throw new Error("Only little-endian ELF is supported");
  }
  const shoff = Number(v.getBigUint64(0x28, true));
  const shentsize = v.getUint16(0x3a, true);
  const shnum = v.getUint16(0x3c, true);
  const section = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      type: v.getUint32(o + 4, true),
      offset: Number(v.getBigUint64(o + 0x18, true)),
      size: Number(v.getBigUint64(o + 0x20, true)),
      link: v.getUint32(o + 0x28, true),
      entsize: Number(v.getBigUint64(o + 0x38, true)),
    };
  };
  const SHT_DYNSYM = 11;
  const names: string[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== SHT_DYNSYM) continue;
    const strtab = section(s.link);
    for (let o = s.offset; o + s.entsize <= s.offset + s.size; o += s.entsize) {
      const nameOff = v.getUint32(o, true);
      const info = v.getUint8(o + 4);
      const shndx = v.getUint16(o + 6, true);
      const bind = info >> 4, type = info & 0xf;
      const FUNC = 2, GLOBAL = 1, WEAK = 2;
      if (type !== FUNC || shndx === 0 || (bind !== GLOBAL && bind !== WEAK)) {
        continue;
      }
      let end = strtab.offset + nameOff;
      while (bytes[end] !== 0) end++;
      names.push(
        new TextDecoder().decode(bytes.subarray(strtab.offset + nameOff, end)),
      );
    }
  }
  return names;
}

/**
 * Compares the library's `rp_*` exports with the symbol table.
 * @returns The names missing on each side (both empty when they agree).
 */
export function compareExports(
  exported: readonly string[],
  table: readonly string[],
): { missingInLibrary: string[]; missingInTable: string[] } {
  const lib = new Set(exported.filter((n) => n.startsWith("rp_")));
  const tab = new Set(table);
  return {
    missingInLibrary: [...tab].filter((n) => !lib.has(n)).sort(),
    missingInTable: [...lib].filter((n) => !tab.has(n)).sort(),
  };
}
