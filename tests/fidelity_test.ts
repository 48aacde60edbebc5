/**
 * NumPy fidelity, replayed from `scripts/gen_fixtures_fidelity.py`:
 * hand-written programs for NumPy keywords and edge cases (each failed
 * once), and a seeded differential run of random programs over the API.
 * A program passes when raptors gives NumPy's values (floats within
 * 1e-12 / 2e-6 relative), dtype and shape (a JS scalar where NumPy gives a
 * scalar), or, where NumPy raises, throws a typed error whose message
 * starts with the function's name ("sum(): ...", not an engine TypeError
 * from deep inside).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import process from "node:process";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";
import { checkNd, decodeNd, type EncodedNd } from "./_fixtures.ts";

type Val =
  | null
  | boolean
  | number
  | string
  | { nd: EncodedNd }
  | { big: string }
  | { num: string }
  | { list: Val[] };
type Expect =
  | { nd: EncodedNd }
  | { tuple: Expect[] }
  | { obj: Record<string, Expect> }
  | { error: string };
interface Program {
  fn: string;
  args: Val[];
  kw: Record<string, Val>;
  expect: Expect;
}
// FIDELITY_FIXTURE: another draw of the generator (see its docstring)
const file = process.env.FIDELITY_FIXTURE ??
  new URL("./fixtures/fidelity.json", import.meta.url);
const fx = JSON.parse(await readFile(file, "utf8")) as {
  numpy: string;
  seed: number;
  cases: Program[];
  random: Program[];
};

function val(x: Val): unknown {
  if (x === null || typeof x !== "object") return x;
  if ("nd" in x) return decodeNd(x.nd);
  if ("big" in x) return BigInt(x.big);
  if ("num" in x) return Number(x.num === "nan" ? NaN : x.num);
  return x.list.map(val);
}

// deno-lint-ignore no-explicit-any
type Fn = (...a: any[]) => unknown;
function call(p: Program): unknown {
  const args = p.args.map(val);
  const kw = Object.fromEntries(
    Object.entries(p.kw).map(([k, v]) => [k, val(v)]),
  );
  const opts = Object.keys(kw).length > 0 ? [kw] : [];
  if (p.fn === "rng.integers") {
    const [seed, ...rest] = args;
    return rp.defaultRng(seed as number).integers(
      rest[0] as number,
      rest[1] as number,
      rest[2] as number,
      kw,
    );
  }
  if (p.fn === "einsum") return rp.einsum(...(args as [string]));
  if (p.fn === "histogram") {
    const r = rp.histogram(args[0] as rp.NDArray, kw);
    return [r.hist, r.binEdges];
  }
  const f = p.fn.startsWith("linalg.")
    ? (rp.linalg as unknown as Record<string, Fn>)[p.fn.slice(7)]
    : (rp as unknown as Record<string, Fn>)[p.fn];
  assert.ok(f, `no function ${p.fn}`);
  // the positional arguments NumPy takes before its keywords
  return f(...args, ...opts);
}

function check(got: unknown, e: Expect, what: string): void {
  if ("tuple" in e) {
    assert.ok(Array.isArray(got), `${what}: expected a tuple`);
    assert.equal(got.length, e.tuple.length, `${what}: tuple length`);
    e.tuple.forEach((x, i) => check(got[i], x, `${what}[${i}]`));
  } else if ("obj" in e) {
    const o = got as Record<string, unknown>;
    for (const [k, x] of Object.entries(e.obj)) check(o[k], x, `${what}.${k}`);
  } else if ("nd" in e) {
    checkNd(got, decodeNd(e.nd), what);
  }
}

function show(p: Program): string {
  const s = JSON.stringify({ fn: p.fn, args: p.args, kw: p.kw });
  return s.length > 300 ? s.slice(0, 300) + "..." : s;
}

/** Runs the programs; returns the failures (with what went wrong). */
function replay(programs: Program[]): string[] {
  const fails: string[] = [];
  for (const p of programs) {
    const what = show(p);
    let got: unknown, err: unknown;
    try {
      got = call(p);
    } catch (e) {
      err = e;
    }
    if ("error" in p.expect) {
      const ok = err instanceof Error &&
        /^[A-Za-z0-9.]+\(\): /.test(err.message);
      if (!ok) {
        fails.push(
          `${what}: NumPy raises ${p.expect.error}, raptors ` +
            (err === undefined ? "returned a value" : `threw ${String(err)}`),
        );
      }
      continue;
    }
    if (err !== undefined) {
      fails.push(`${what}: raptors threw ${String(err)}`);
      continue;
    }
    try {
      if (p.fn === "partition" && "nd" in p.expect) {
        // only the kth element's place is defined: compare the kth slice
        // and the sorted lanes
        const e = decodeNd(p.expect.nd), g = got as rp.NDArray;
        const kth = p.args[1] as number;
        checkNd(rp.sort(g), rp.sort(e), p.fn);
        if (e.size > 0) {
          checkNd(g.slice("...", kth), e.slice("...", kth), p.fn);
        }
        continue;
      }
      check(got, p.expect, p.fn);
    } catch (e) {
      fails.push(`${what}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return fails;
}

test(`fidelity: hand-written NumPy ${fx.numpy} programs (keywords, empty inputs, dtypes, exactness, errors)`, () => {
  assert.ok(fx.cases.length > 100);
  assert.deepEqual(replay(fx.cases), []);
});

test(`fidelity: ${fx.random.length} random programs agree with NumPy ${fx.numpy} (seed ${fx.seed})`, () => {
  assert.ok(fx.random.length >= 3000);
  assert.deepEqual(replay(fx.random), []);
});
