/**
 * Runs the commands of README.md's shell blocks (the untagged `sh` ones;
 * `tests/readme_test.ts` runs every other block, the workerd `sh` block
 * among them). One step of `scripts/test.sh`:
 *
 *     node_modules/.bin/deno run -A scripts/readme_sh.ts
 *
 * Each command line is either
 * - `bash scripts/test.sh`, the README's test command: `.ci/run` runs it,
 *   and this script is one of its steps (checked: `.ci/run` calls it);
 * - a command `scripts/test.sh` runs verbatim (the suites, `cargo test`,
 *   the symbol check: checked against test.sh's text, after its `$DENO`,
 *   `$BUN` and `"${TEST_FLAGS[@]}"` are expanded), not run twice;
 * - anything else, run here from the repository root as written, with its
 *   outputs sent to a scratch directory: `BENCH_RESULTS_DIR` (a copy of
 *   `bench/results/`), `BENCH_DOC` (a copy of `docs/BENCHMARKS.md`),
 *   `FIXTURES_OUT`, and `BENCH_SIZES=10` so that a benchmark takes seconds.
 *   It must exit 0 and leave `git status` as it was; a regenerated fixture
 *   file must equal the committed one byte for byte (NumPy pinned to the
 *   version that wrote it, installed into `.cache/numpy-venv` if needed).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { Buffer } from "node:buffer";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

const NUMPY = "2.4.6";
const root = new URL("..", import.meta.url).pathname;
const readme = await readFile(join(root, "README.md"), "utf8");
const testSh = await readFile(join(root, "scripts", "test.sh"), "utf8");
const ciRun = await readFile(join(root, ".ci", "run"), "utf8");

/** The command lines of the untagged sh blocks, with their README line. */
function commands(): Array<{ line: number; cmd: string }> {
  const out: Array<{ line: number; cmd: string }> = [];
  const lines = readme.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```sh") continue;
    let pending = "", at = 0;
    for (i++; i < lines.length && lines[i] !== "```"; i++) {
      const text = lines[i]!.replace(/\s#.*$/, "").replace(/^#.*$/, "");
      if (pending === "") at = i + 1;
      pending += text.trimEnd();
      if (pending.endsWith("\\")) {
        pending = pending.slice(0, -1) + " ";
        continue;
      }
      if (pending.trim() !== "") out.push({ line: at, cmd: pending.trim() });
      pending = "";
    }
  }
  return out;
}

const flags = /TEST_FLAGS=\(([^)]*)\)/.exec(testSh)![1]!.trim();
/** test.sh's command lines with its variables expanded. */
const testShRuns = testSh.split("\n").map((l) =>
  l.replaceAll("$DENO", "node_modules/.bin/deno")
    .replaceAll("$BUN", "node_modules/.bin/bun")
    .replaceAll('"${TEST_FLAGS[@]}"', flags)
);
const runByTestSh = (cmd: string) =>
  /^(node_modules\/\.bin\/(deno|bun) |cargo )/.test(cmd) &&
  testShRuns.some((l) => l.includes(cmd));

function sh(cmd: string, env: Record<string, string> = {}) {
  return spawnSync("bash", ["-c", cmd], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
}

/** A python3 with NumPy NUMPY on PATH: the system's, else a venv. */
function numpyPath(): string {
  const probe =
    `python3 -c "import numpy, sys; sys.exit(numpy.__version__ != '${NUMPY}')"`;
  if (sh(probe).status === 0) return process.env.PATH ?? "";
  const venv = join(root, ".cache", "numpy-venv");
  const path = `${venv}/bin:${process.env.PATH}`;
  if (sh(probe, { PATH: path }).status === 0) return path;
  let r = sh(`python3 -m venv ${venv}`);
  if (r.status !== 0 && process.getuid?.() === 0) {
    // Debian's python3 needs python3-venv for that
    sh("apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null");
    r = sh(`rm -rf ${venv} && python3 -m venv ${venv}`);
  }
  if (r.status === 0) {
    r = sh(`${venv}/bin/pip install -q numpy==${NUMPY}`);
  }
  if (r.status !== 0) {
    throw new Error(`cannot install NumPy ${NUMPY}: ${r.stderr}`);
  }
  return path;
}

/**
 * Where a freshly generated fixture file and the committed one disagree,
 * or null. Everything must match exactly (cases, inputs, dtypes, error
 * names, integer results) except float results, which NumPy computes
 * with different SIMD code on different CPUs (AVX-512 or not): there the
 * values may differ by a few units in the last place of float32 (relative
 * 1e-6), and -0 equals +0 (NumPy's sorts order the two zeros differently
 * per CPU). Bytes of the committed file then stay those of the machine
 * that generated it.
 */
function fixtureDiff(a: unknown, b: unknown, path: string): string | null {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b)) {
    return `${path}: type`;
  }
  if (a === null || b === null || typeof a !== "object") {
    return a === b ? null : `${path}: ${a} vs ${b}`;
  }
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return `${path}: keys`;
  const dtype = x.dtype;
  if (
    (dtype === "float64" || dtype === "float32") && y.dtype === dtype &&
    typeof x.data === "string" && typeof y.data === "string"
  ) {
    const decode = (d: string) => {
      const bytes = Buffer.from(d, "base64");
      const buf = bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength,
      );
      return dtype === "float64"
        ? new Float64Array(buf)
        : new Float32Array(buf);
    };
    const u = decode(x.data), v = decode(y.data);
    if (u.length !== v.length) return `${path}: length`;
    for (let i = 0; i < u.length; i++) {
      const p = u[i]!, q = v[i]!;
      if (p === q || (p !== p && q !== q)) continue;
      if (Math.abs(p - q) <= 1e-6 * Math.max(Math.abs(p), Math.abs(q))) {
        continue;
      }
      return `${path}[${i}]: ${p} vs ${q}`;
    }
    return null;
  }
  for (const k of keys) {
    if (!(k in y)) return `${path}/${k}: missing`;
    const d = fixtureDiff(x[k], y[k], `${path}/${k}`);
    if (d !== null) return d;
  }
  return null;
}

const scratch = await mkdtemp(join(tmpdir(), "raptors-readme-"));
let failed = 0;
try {
  await cp(join(root, "bench", "results"), join(scratch, "results"), {
    recursive: true,
  });
  await cp(join(root, "docs", "BENCHMARKS.md"), join(scratch, "BENCHMARKS.md"));
  const env = {
    BENCH_RESULTS_DIR: join(scratch, "results"),
    BENCH_DOC: join(scratch, "BENCHMARKS.md"),
    FIXTURES_OUT: join(scratch, "ops.json"),
    BENCH_SIZES: "10",
    PATH: numpyPath(),
  };
  const status = () => sh("git status --porcelain").stdout;
  const before = status();
  for (const { line, cmd } of commands()) {
    const where = `README.md:${line}: ${cmd}`;
    if (cmd === "bash scripts/test.sh") {
      const ok = /^bash scripts\/test\.sh$/m.test(ciRun);
      console.log(`${ok ? "ok" : "FAIL"}   ${where} (.ci/run runs it)`);
      if (!ok) failed++;
      continue;
    }
    if (runByTestSh(cmd)) {
      console.log(`ok   ${where} (scripts/test.sh runs it verbatim)`);
      continue;
    }
    const t0 = performance.now();
    const r = sh(cmd, env);
    const s = ((performance.now() - t0) / 1e3).toFixed(1);
    const after = status();
    let why = r.status !== 0
      ? `exit ${r.status}\n${(r.stdout + r.stderr).slice(-3000)}`
      : after !== before
      ? `changed the checkout:\n${after}`
      : "";
    if (!why && /gen_fixtures\.py/.test(cmd)) {
      const fresh = await readFile(env.FIXTURES_OUT);
      const kept = await readFile(join(root, "tests/fixtures/ops.json"));
      const diff = fresh.equals(kept) ? null : fixtureDiff(
        JSON.parse(fresh.toString()),
        JSON.parse(kept.toString()),
        "",
      );
      if (diff !== null) {
        why = `tests/fixtures/ops.json differs from a fresh run: ${diff}`;
      }
    }
    console.log(`${why ? "FAIL" : "ok"}   ${where} (ran, ${s} s)`);
    if (why) {
      console.log(why);
      failed++;
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
if (failed) {
  console.log(`${failed} README command(s) failed`);
  process.exit(1);
}
