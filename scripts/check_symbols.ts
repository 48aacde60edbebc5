/**
 * Fails when the built native library's exports and `ffi/symbols.ts`
 * disagree (a symbol missing on either side).
 *
 *     deno run --allow-read --allow-env scripts/check_symbols.ts [lib]
 *     bun scripts/check_symbols.ts [lib]
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { symbols } from "../ffi/symbols.ts";
import { libraryFileName } from "../ffi/load.ts";
import { compareExports, elfExports } from "./_elf.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as { process?: { argv: string[] } }).process?.argv.slice(2) ??
  [];
const path = args[0] ??
  decodeURIComponent(
    new URL(`../rust/target/release/${libraryFileName()}`, import.meta.url)
      .pathname,
  );
const exported = elfExports(new Uint8Array(await readFile(path)));
const diff = compareExports(exported, Object.keys(symbols));
const problems = [
  ...diff.missingInLibrary.map((n) =>
    `in ffi/symbols.ts but not exported by ${path}: ${n}`
  ),
  ...diff.missingInTable.map((n) =>
    `exported by ${path} but not in ffi/symbols.ts: ${n}`
  ),
];
if (problems.length) {
  console.error(
    `Symbol table and library disagree:\n  ${problems.join("\n  ")}`,
  );
  (globalThis as { process?: { exit(c: number): never } }).process?.exit(1);
  throw new Error("symbol check failed");
}
console.log(
  `symbols ok: ${
    Object.keys(symbols).length
  } entries in ffi/symbols.ts match ${path}`,
);
