/**
 * One test API for both runtimes: `deno test` and `bun test` run the same
 * files. Assertions come from `node:assert/strict`, which both provide.
 *
 * @module
 */
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
