/**
 * One test API for both runtimes: `deno test` and `bun test` run the same
 * files. Assertions come from `node:assert/strict`, which both provide.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

type TestFn = () => void | Promise<void>;

const g = globalThis as { Bun?: unknown };

/** "deno" or "bun". */
export const runtime: "deno" | "bun" = g.Bun !== undefined ? "bun" : "deno";

let register: (name: string, fn: TestFn) => void;
if (runtime === "bun") {
  const specifier = "bun:test";
  const bunTest = (await import(specifier)) as {
    test: (name: string, fn: TestFn, timeout?: number) => void;
  };
  register = (name, fn) => bunTest.test(name, fn, 120_000);
} else {
  register = (name, fn) => Deno.test(name, fn);
}

/** Registers a test in whichever runtime runs this file. */
export function test(name: string, fn: TestFn): void {
  register(name, fn);
}

/** Forces a full garbage collection where the runtime allows it. */
export function gc(): void {
  const b = globalThis as { Bun?: { gc(sync: boolean): void } };
  if (b.Bun) b.Bun.gc(true);
  const v = globalThis as { gc?: () => void };
  v.gc?.();
}

/**
 * Runs the script `file` in a child process of this runtime (Deno gets
 * `--allow-env --allow-read` and `denoFlags`), with `env` added to this
 * process's environment, and returns its last output line parsed as JSON
 * (`{}` if it printed nothing). A child that exits non-zero throws, with
 * its stderr in the message, unless `failing` is set: then what it printed
 * is parsed all the same (for children expected to fail, after reporting).
 * `args` are passed to the script.
 */
export function childJson(
  file: URL,
  env: Record<string, string>,
  opts: { denoFlags?: string[]; failing?: boolean; args?: string[] } = {},
  // deno-lint-ignore no-explicit-any
): any { // what JSON.parse gives
  const proc = (globalThis as unknown as {
    process: { execPath: string; env: Record<string, string> };
  }).process;
  const script = fileURLToPath(file);
  const args = runtime === "deno"
    ? [
      "run",
      // (--allow-all, e.g. to read /proc/self, replaces the two)
      ...(opts.denoFlags?.includes("--allow-all")
        ? []
        : ["--allow-env", "--allow-read"]),
      ...(opts.denoFlags ?? []),
      script,
      ...(opts.args ?? []),
    ]
    : [script, ...(opts.args ?? [])];
  let out: string;
  try {
    out = execFileSync(proc.execPath, args, {
      timeout: 60_000,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...proc.env, ...env },
    });
  } catch (e) {
    if (!opts.failing) throw e;
    out = (e as { stdout?: string }).stdout ?? "";
  }
  return JSON.parse(out.trim().split("\n").at(-1) || "{}");
}
