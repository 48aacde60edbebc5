/**
 * Child of `tests/npy_hostile_test.ts`: builds the memory bomb named by
 * `RAPTORS_BOMB`, reads it (from bytes, or from a file with `load` when
 * `RAPTORS_BOMB_FILE` names a writable temporary path) and prints one JSON
 * line: the error's name, message and `limit`, or what was read, and the
 * process's peak RSS in KiB. Run in its own process because a reader
 * without caps would be killed by the kernel's OOM killer.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import * as rp from "../mod.ts";
import {
  crc32,
  crc32Zeros,
  deflateZeros,
  dict,
  npyBytes,
  overlapBomb,
  zip,
} from "./_npy_craft.ts";

const proc = (globalThis as unknown as {
  process: {
    env: Record<string, string | undefined>;
    resourceUsage(): { maxRSS: number };
  };
}).process;

const GiB = 2 ** 30, MiB = 2 ** 20;

/** An .npz with one deflated member: an .npy of `n` zero bytes (uint8). */
function zerosMember(n: number, declared: number | "honest"): Uint8Array {
  const header = npyBytes(dict("|u1", `(${n},)`));
  const data = deflateZeros(n, header);
  return zip([{
    name: "x.npy",
    data,
    method: 8,
    usize: declared === "honest" ? header.length + n : declared,
  }]);
}

const cases: Record<string, () => Uint8Array> = {
  // accepted: 512 MiB from 0.5 MB, with a right CRC (the peak is the data
  // plus the runtime, not twice the data)
  "deflate-512mib-accepted": () => {
    const n = 512 * MiB;
    const header = npyBytes(dict("|u1", `(${n},)`));
    return zip([{
      name: "x.npy",
      data: deflateZeros(n, header),
      method: 8,
      usize: header.length + n,
      crc: crc32Zeros(crc32(header), n),
    }]);
  },
  // a 3.1 MB member that inflates to 3 GiB, declared honestly
  "deflate-3gib-declared": () => zerosMember(3 * GiB, "honest"),
  // the same stream declaring 1 MiB: inflation must stop near 1 MiB
  "deflate-3gib-lying": () => zerosMember(3 * GiB, MiB),
  // declares 900 MiB (under the cap) but its .npy header says 3 GiB
  "deflate-header-bigger-than-member": () => {
    const header = npyBytes(dict("|u1", `(${3 * GiB},)`));
    return zip([{
      name: "x.npy",
      data: deflateZeros(900 * MiB, header),
      method: 8,
      usize: header.length + 900 * MiB,
    }]);
  },
  // 40 members overlapping one 256 MiB kernel (263 KB -> 10 GiB)
  "overlap-40x256mib": () => overlapBomb(40, 256 * MiB),
  // 40 separate honest 256 MiB members: 10 GiB from 10 MB
  "many-members-40x256mib": () => {
    const header = npyBytes(dict("|u1", `(${256 * MiB},)`));
    const data = deflateZeros(256 * MiB, header);
    return zip(
      Array.from({ length: 40 }, (_, i) => ({
        name: `m${i}.npy`,
        data,
        method: 8 as const,
        usize: header.length + 256 * MiB,
      })),
    );
  },
  // a stored .npy whose header claims (0, 99999999999999999999) and more
  "npy-huge-shape": () =>
    npyBytes(dict("<f8", "(100000, 100000, 100000)"), new Uint8Array(64)),
  // a 1 MiB header (version 2.0): over maxHeaderBytes
  "npy-1mib-header": () =>
    npyBytes("{" + "(".repeat(MiB) + "}", new Uint8Array(0), 2),
};

/**
 * Peak resident set of this process in KiB, and where it came from:
 * `VmHWM` in /proc/self/status (Linux; the peak of this address space),
 * else `resourceUsage().maxRSS` (Linux keeps that across `execve`, so in a
 * child it starts at the parent's peak: only an upper bound).
 */
function peak(): [number, string] {
  try {
    const s = readFileSync("/proc/self/status", "utf8");
    const m = /^VmHWM:\s+(\d+) kB/m.exec(s);
    if (m) return [Number(m[1]), "VmHWM"];
  } catch {
    // not Linux, or no permission
  }
  return [proc.resourceUsage().maxRSS, "rusage"];
}

const name = proc.env.RAPTORS_BOMB ?? "";
const make = cases[name];
if (!make) throw new Error(`unknown bomb ${name}`);
const bytes = make();
const before = peak()[0];
const file = proc.env.RAPTORS_BOMB_FILE;
let result: Record<string, unknown>;
try {
  let got: unknown;
  if (file) {
    const { writeFile, rm } = await import("node:fs/promises");
    await writeFile(file, bytes);
    try {
      got = await rp.load(file);
    } finally {
      await rm(file, { force: true });
    }
  } else if (bytes[0] === 0x50) got = await rp.fromNpz(bytes);
  else got = rp.fromNpy(bytes);
  const arrays = got instanceof rp.NDArray
    ? [got]
    : Object.values(got as Record<string, rp.NDArray>);
  result = {
    ok: true,
    keys: got instanceof rp.NDArray ? null : Object.keys(got as object),
    nbytes: arrays.reduce((n, a) => n + a.nbytes, 0),
  };
} catch (e) {
  const err = e as Error & { limit?: string };
  result = {
    ok: false,
    error: err?.constructor?.name,
    isRange: e instanceof RangeError,
    isType: e instanceof TypeError,
    isRaptors: e instanceof rp.RaptorsError,
    message: String(err?.message),
    limit: err?.limit,
  };
}
console.log(
  JSON.stringify({
    ...result,
    inputBytes: bytes.length,
    rssBeforeKiB: before,
    maxRssKiB: peak()[0],
    rssSource: peak()[1],
  }),
);
