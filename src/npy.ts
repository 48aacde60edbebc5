/**
 * NumPy's `.npy` format: `toNpy` / `fromNpy` on bytes (any runtime,
 * including edge workers), `save` / `load` on files, and `a.tobytes()`.
 * Reads format versions 1.0, 2.0 and 3.0, little and big endian, C and
 * Fortran order, every dtype raptors has; writes version 1.0 (2.0 when the
 * header needs it) in little endian, C order, byte-identical to `np.save`.
 * Malformed or truncated input throws a `RangeError` naming the problem
 * before any large allocation.
 *
 * @module
 */
import { NDArray } from "./ndarray.ts";
import { array } from "./creation.ts";
import { type DType, itemsize, storageCtor } from "./dtype.ts";
import { MAX_SIZE } from "./_shape.ts";
import type { ArrayLikeInput } from "./ufunc.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

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

/** The C-order bytes of `a` (little endian), as NumPy's `tobytes()`. */
export function tobytes(a: ArrayLikeInput): Uint8Array {
  return (a instanceof NDArray ? a : array(a)).tobytes();
}

/** The bytes of a `.npy` file holding `a` (what `np.save` writes). */
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

function bad(msg: string): never {
  throw new RangeError(`fromNpy(): ${msg}`);
}

/** Parses NumPy's header dict literal (no eval). */
function parseHeader(
  h: string,
): { descr: string; fortran: boolean; shape: number[] } {
  let i = 0;
  const ws = () => {
    while (i < h.length && /\s/.test(h[i]!)) i++;
  };
  const expect = (c: string) => {
    ws();
    if (h[i] !== c) {
      bad(
        `malformed header: expected '${c}' at ${i}: ${
          JSON.stringify(h.slice(0, 120))
        }`,
      );
    }
    i++;
  };
  const str = (): string => {
    ws();
    const q = h[i];
    if (q !== "'" && q !== '"') {
      bad(`malformed header: expected a string at ${i}`);
    }
    const end = h.indexOf(q!, i + 1);
    if (end < 0) bad("malformed header: unterminated string");
    const s = h.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const out: { descr?: string; fortran?: boolean; shape?: number[] } = {};
  expect("{");
  for (;;) {
    ws();
    if (h[i] === "}") {
      i++;
      break;
    }
    const key = str();
    expect(":");
    ws();
    if (key === "descr") out.descr = str();
    else if (key === "fortran_order") {
      if (h.startsWith("True", i)) {
        out.fortran = true;
        i += 4;
      } else if (h.startsWith("False", i)) {
        out.fortran = false;
        i += 5;
      } else bad("malformed header: fortran_order must be True or False");
    } else if (key === "shape") {
      expect("(");
      const dims: number[] = [];
      for (;;) {
        ws();
        if (h[i] === ")") {
          i++;
          break;
        }
        const m = /^\d+/.exec(h.slice(i, i + 20));
        if (!m) bad(`malformed header: bad shape entry at ${i}`);
        dims.push(Number(m[0]));
        i += m[0].length;
        ws();
        if (h[i] === ",") i++;
      }
      out.shape = dims;
    } else bad(`unsupported header key '${key}'`);
    ws();
    if (h[i] === ",") i++;
  }
  if (
    out.descr === undefined || out.fortran === undefined ||
    out.shape === undefined
  ) {
    bad("header lacks descr, fortran_order or shape");
  }
  return out as { descr: string; fortran: boolean; shape: number[] };
}

/** Reads the bytes of a `.npy` file (versions 1.0-3.0). */
export function fromNpy(bytes: Uint8Array | ArrayBuffer): NDArray {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (b.length < 10 || MAGIC.some((m, i) => b[i] !== m)) {
    bad("not a .npy file (bad magic)");
  }
  const major = b[6]!;
  if (major < 1 || major > 3) {
    bad(`unsupported format version ${major}.${b[7]}`);
  }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const pre = major === 1 ? 10 : 12;
  if (b.length < pre) bad("truncated header");
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (pre + hlen > b.length) {
    bad(
      `truncated header (${hlen} bytes announced, ${b.length - pre} present)`,
    );
  }
  const raw = b.subarray(pre, pre + hlen);
  const header = major === 3
    ? new TextDecoder("utf-8", { fatal: true }).decode(raw)
    : String.fromCharCode(...raw);
  const { descr, fortran, shape } = parseHeader(header);
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const dtype = m ? FROM_CODE[m[2]!] : undefined;
  if (!m || !dtype) {
    throw new TypeError(`fromNpy(): unsupported dtype '${descr}'`);
  }
  let size = 1;
  for (const d of shape) {
    size *= d;
    if (size > MAX_SIZE) bad(`shape (${shape}) is too large`);
  }
  const isz = itemsize(dtype);
  const start = pre + hlen;
  if (b.length - start < size * isz) {
    bad(
      `truncated data: ${size * isz} bytes needed, ${b.length - start} present`,
    );
  }
  // an aligned copy (a Node Buffer's slice() would be a view of its pool)
  const data = new Uint8Array(b.subarray(start, start + size * isz));
  if (m[1] === ">" && isz > 1) {
    for (let k = 0; k < data.length; k += isz) {
      data.subarray(k, k + isz).reverse();
    }
  }
  const storage = new (storageCtor(dtype) as unknown as new (
    buf: ArrayBuffer,
  ) => NDArray["_storage"])(data.buffer);
  if (!fortran || shape.length < 2) return new NDArray(storage, dtype, shape);
  // Fortran order: the reversed shape in C order, transposed, made C order
  return new NDArray(storage, dtype, shape.slice().reverse()).T.copy();
}

/** Writes `a` to `path` as `.npy` (`np.save`). */
export async function save(path: string, a: ArrayLikeInput): Promise<void> {
  // loaded on use: importing raptors never needs a file system (edge)
  const { writeFile } = await import("node:fs/promises");
  await writeFile(path, toNpy(a));
}
