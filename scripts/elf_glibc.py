#!/usr/bin/env python3
"""Prints the highest GLIBC_x.y symbol version an ELF shared object needs
(from its .gnu.version_r section) and exits 1 if it exceeds a limit.

    python3 scripts/elf_glibc.py libraptors.so [--max 2.17]
"""
import struct
import sys


def needed_versions(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"{path}: not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(shnum):
        off = shoff + i * shentsize
        _name, typ, _flags, _addr, offset, size, link, info = struct.unpack_from("<IIQQQQII", data, off)
        sections.append((typ, offset, size, link, info))
    out = set()
    for typ, offset, size, link, info in sections:
        if typ != 0x6FFFFFFE:  # SHT_GNU_verneed
            continue
        strtab = sections[link][1]
        pos = offset
        for _ in range(info):  # info = number of Verneed entries
            _ver, cnt, _file, aux, nxt = struct.unpack_from("<HHIII", data, pos)
            a = pos + aux
            for _ in range(cnt):
                _hash, _flags, _other, name, anext = struct.unpack_from("<IHHII", data, a)
                end = data.index(b"\0", strtab + name)
                out.add(data[strtab + name:end].decode())
                a += anext
            pos += nxt
    return out


def main():
    path = sys.argv[1]
    limit = None
    if "--max" in sys.argv:
        limit = tuple(int(x) for x in sys.argv[sys.argv.index("--max") + 1].split("."))
    glibc = sorted(
        (tuple(int(x) for x in v[6:].split(".")) for v in needed_versions(path) if v.startswith("GLIBC_")),
    )
    top = glibc[-1] if glibc else None
    print(f"{path}: needs GLIBC {'.'.join(map(str, top)) if top else '(none)'}"
          f" ({', '.join('.'.join(map(str, v)) for v in glibc)})")
    if limit and top and top > limit:
        print(f"error: needs a glibc newer than {'.'.join(map(str, limit))}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
