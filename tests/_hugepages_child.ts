// Huge-page advice of raptors' own buffers (tests/pool_test.ts), in a
// process of its own when run as a script, so that RAPTORS_HUGEPAGES is read
// afresh: prints one JSON line { small, large } (whether a fresh 1 MiB and
// a fresh 8 MiB array's memory is advised), or { error } when importing
// raptors throws.
import { execFileSync } from "node:child_process";
import process from "node:process";

/**
 * Whether the memory mapping that holds `addr` in this process carries the
 * huge-page advice (`hg` in its VmFlags, Linux): read from /proc by a shell
 * (Deno lets a test read /proc/<pid> only with every permission).
 */
export function hugeAdvised(addr: number): boolean {
  const out = execFileSync("sh", ["-c", `cat /proc/${process.pid}/smaps`], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  let inside = false;
  for (const line of out.split("\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (m) {
      inside = parseInt(m[1]!, 16) <= addr && addr < parseInt(m[2]!, 16);
    } else if (inside && line.startsWith("VmFlags:")) {
      return line.split(/\s+/).includes("hg");
    }
  }
  throw new Error(`no mapping holds 0x${addr.toString(16)}`);
}

/**
 * The first 2 MiB boundary at or after `addr`: where the advice of a
 * buffer starting at `addr` starts (its head before it is a mapping of its
 * own, not advised).
 */
export function firstHugeBoundary(addr: number): number {
  const H = 2 ** 21;
  return Math.ceil(addr / H) * H;
}

if (import.meta.main) {
  try {
    const rp = await import("../mod.ts");
    const { library } = await import("../src/_native.ts");
    const { storageOf } = await import("../src/core/ndarray.ts");
    const at = (a: InstanceType<typeof rp.NDArray>) =>
      library.addressOf(storageOf(a));
    const small = rp.zeros([2 ** 17]); // 1 MiB
    const large = rp.zeros([2 ** 20]); // 8 MiB
    console.log(JSON.stringify({
      small: hugeAdvised(at(small)),
      large: hugeAdvised(firstHugeBoundary(at(large))),
    }));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e) }));
  }
}
