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

/**
 * The longest any one test may run: far beyond what a test takes on a
 * loaded machine; it only turns a hang into a failure that names the test.
 */
export const TEST_TIMEOUT_MS = 180_000;

/**
 * Polls `ready()` (a state: a gate's count, a metric) until it holds,
 * yielding to the event loop between polls. Never a deadline on the work
 * itself: after `limitMs` it throws naming `what`, so a state that is never
 * reached fails the test instead of hanging it.
 */
export async function waitFor(
  ready: () => boolean,
  what: string,
  limitMs = 120_000,
): Promise<void> {
  const start = performance.now();
  while (!ready()) {
    if (performance.now() - start > limitMs) {
      throw new Error(`waited ${limitMs} ms for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

let register: (name: string, fn: TestFn) => void;
if (runtime === "bun") {
  const specifier = "bun:test";
  const bunTest = (await import(specifier)) as {
    test: (name: string, fn: TestFn, timeout?: number) => void;
  };
  register = (name, fn) => bunTest.test(name, fn, TEST_TIMEOUT_MS);
} else {
  // Deno's runner has no per-test timeout: a test stuck on a promise
  // would hang the whole run (and CI with it). Race it against one.
  register = (name, fn) =>
    Deno.test(name, async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`test timed out after ${TEST_TIMEOUT_MS} ms`)),
          TEST_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([fn(), limit]);
      } finally {
        clearTimeout(timer);
      }
    });
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
