/**
 * Loads the release build named by RAPTORS_LIB_PATH (scripts/release.sh:
 * the glibc 2.17 Linux binary) and checks that it is the library that
 * runs and computes correctly. Runs under Deno and Bun.
 *
 *     RAPTORS_LIB_PATH=dist/v0.1.0/libraptors-linux-x64-gnu.so deno run -A scripts/check_release.ts
 */
import * as rp from "../mod.ts";

const want = (globalThis as { process?: { env: Record<string, string> } })
  .process?.env.RAPTORS_LIB_PATH;
if (!want || !rp.backend.path.endsWith(want.replace(/^\.\//, ""))) {
  throw new Error(`expected ${want} to be loaded, got ${rp.backend.path}`);
}
const s = rp.sum(Float64Array.from({ length: 100001 }, (_, i) => i));
const sv = rp.linalg.svdvals([[3, 0], [4, 5]]).tolist() as number[];
if (s !== 5000050000 || Math.abs(sv[0]! - Math.sqrt(45)) > 1e-12) {
  throw new Error(`wrong results from ${rp.backend.path}: ${s} ${sv}`);
}
console.log(`release build ok: ${rp.backend.path} (${rp.backend.source})`);
