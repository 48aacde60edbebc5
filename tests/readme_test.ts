/**
 * Every code block of README.md runs:
 *
 * - `ts` / `ts deno` blocks: type-checked and run by Deno (`deno run
 *   --check`), with the package names (`jsr:@raptors/raptors`,
 *   `npm:raptors`, `raptors`) mapped to this checkout's `mod.ts`;
 * - `ts bun`: run by Bun; `js node`: bundled by esbuild and run by Node
 *   (wasm backend);
 * - `ts serve`: started by Deno on a free port, asked one request, stopped;
 * - the `workerd` blocks: the worker bundled by the block's own esbuild
 *   command, served by workerd with the block's config, asked one request;
 * - other `sh` blocks: every file they name exists, and the `deno test`
 *   command is the one `scripts/test.sh` runs (here, quickly); they run in
 *   `scripts/readme_sh.ts`, a step of `scripts/test.sh` (benchmarks, the
 *   demo, the fixture generator: minutes, and the suite itself: recursion).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "./_shim.ts";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const readme = await readFile(join(root, "README.md"), "utf8");

interface Block {
  lang: string;
  tag: string;
  line: number;
  code: string;
}
const blocks: Block[] = [];
{
  const lines = readme.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(\S+)(?:\s+(\S+))?\s*$/.exec(lines[i]!);
    if (!m) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
    blocks.push({
      lang: m[1]!,
      tag: m[2] ?? "",
      line: start + 1,
      code: body.join("\n") + "\n",
    });
  }
}

/** The block's source with the package names mapped to this checkout. */
function local(code: string): string {
  const mod = JSON.stringify(join(root, "mod.ts"));
  return code
    .replace(/"raptors\/edge"/g, JSON.stringify(join(root, "edge.js")))
    .replace(/"(jsr:@raptors\/raptors|npm:raptors|raptors)"/g, mod);
}

const env = () => ({ ...process.env, NO_COLOR: "1", RAPTORS_QUIET: "1" });

function runOk(cmd: string, args: string[], what: string, cwd?: string) {
  const r = spawnSync(cmd, args, { env: env(), encoding: "utf8", cwd });
  assert.equal(r.status, 0, `${what}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const freePort = () =>
  new Promise<number>((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });

/** Stops a server process and waits until it is gone (at once if it is). */
async function stop(p: ReturnType<typeof spawn>): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const closed = new Promise((r) => p.on("close", r));
  p.kill("SIGTERM");
  await closed;
}

/**
 * Waits (with a deadline) until `url` answers; returns the response. Gives
 * up at once when `alive()` says the server process exited, and a request
 * that hangs fails after 20 s.
 */
async function poll(
  url: string,
  alive: () => boolean,
  init?: RequestInit,
): Promise<Response> {
  let last: unknown;
  for (let i = 0; i < 300; i++) {
    if (!alive()) throw new Error(`the server exited before ${url} answered`);
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(20000) });
    } catch (e) {
      if (e instanceof Error && e.name === "TimeoutError") throw e;
      last = e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} never answered: ${last}`);
}

test("README: the code blocks are the ones this test knows how to run", () => {
  const kinds = new Set(blocks.map((b) => `${b.lang} ${b.tag}`.trim()));
  for (const k of kinds) {
    assert.ok(
      [
        "sh",
        "ts",
        "ts deno",
        "ts bun",
        "js node",
        "ts serve",
        "ts workerd",
        "sh workerd",
        "capnp workerd",
      ].includes(k),
      `README has a block kind this test does not run: ${k}`,
    );
  }
  assert.ok(blocks.length >= 14, `only ${blocks.length} blocks found`);
});

test("README: ts blocks type-check and run in Deno, bun blocks in Bun, node blocks in Node", async () => {
  const dir = await mkdtemp(join(tmpdir(), "raptors-readme-"));
  try {
    for (const b of blocks) {
      const where = `README.md:${b.line} (${b.lang} ${b.tag})`;
      if (b.lang === "ts" && (b.tag === "" || b.tag === "deno")) {
        const f = join(dir, `block_${b.line}.ts`);
        await writeFile(f, local(b.code));
        runOk(bin("deno"), ["run", "--check", "-A", f], where);
      } else if (b.tag === "bun") {
        const f = join(dir, `block_${b.line}.ts`);
        await writeFile(f, local(b.code));
        runOk(bin("bun"), [f], where);
      } else if (b.tag === "node") {
        const f = join(dir, `block_${b.line}.js`);
        await writeFile(f, local(b.code));
        const out = join(dir, `block_${b.line}.mjs`);
        runOk(bin("esbuild"), [
          f,
          "--bundle",
          "--platform=node",
          "--format=esm",
          `--outfile=${out}`,
          "--log-level=warning",
        ], `${where} (esbuild)`);
        const r = spawnSync("node", [out], {
          env: {
            ...env(),
            // Node has no FFI: the wasm backend, whatever this suite runs on
            RAPTORS_BACKEND: "wasm",
            RAPTORS_WASM_PATH: join(root, "wasm", "raptors.wasm"),
          },
          encoding: "utf8",
        });
        assert.equal(r.status, 0, `${where}:\n${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /wasm/, where);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("README: the service block serves a request", async () => {
  const b = blocks.find((x) => x.tag === "serve");
  assert.ok(b, "no service block");
  const dir = await mkdtemp(join(tmpdir(), "raptors-readme-serve-"));
  const f = join(dir, "serve.ts");
  await writeFile(f, local(b.code));
  runOk(bin("deno"), ["check", f], `README.md:${b.line} (deno check)`);
  const port = await freePort();
  const p = spawn(bin("deno"), ["run", "-A", f], {
    env: { ...env(), PORT: String(port) },
  });
  let log = "";
  p.stdout.on("data", (d) => (log += d));
  p.stderr.on("data", (d) => (log += d));
  try {
    const rows = [Array.from({ length: 64 }, (_, i) => i / 64)];
    const res = await poll(
      `http://127.0.0.1:${port}/`,
      () => p.exitCode === null,
      {
        method: "POST",
        body: JSON.stringify(rows),
      },
    );
    assert.equal(res.status, 200, log);
    const out = await res.json() as number[][];
    assert.equal(out.length, 1);
    assert.equal(out[0]!.length, 8);
    for (const v of out[0]!) assert.ok(v > 0 && v < 1, `sigmoid ${v}`);
  } finally {
    await stop(p);
    await rm(dir, { recursive: true, force: true });
  }
});

test("README: the Workers blocks bundle with their esbuild command and serve in workerd", async () => {
  const worker = blocks.find((x) => x.tag === "workerd" && x.lang === "ts");
  const sh = blocks.find((x) => x.tag === "workerd" && x.lang === "sh");
  const capnp = blocks.find((x) => x.tag === "workerd" && x.lang === "capnp");
  assert.ok(worker && sh && capnp, "the Workers blocks are missing");
  const dir = await mkdtemp(join(tmpdir(), "raptors-readme-edge-"));
  try {
    // a project with raptors installed (this checkout as the package)
    await mkdir(join(dir, "node_modules"));
    await symlink(root, join(dir, "node_modules", "raptors"));
    await writeFile(join(dir, "worker.ts"), worker.code);
    const port = await freePort();
    await writeFile(
      join(dir, "config.capnp"),
      capnp.code.replace("127.0.0.1:8787", `127.0.0.1:${port}`),
    );
    // the block's commands, except the last (workerd serve), run as written
    const cmds = sh.code.replace(/\\\n\s*/g, "").trim().split("\n");
    const serve = cmds.pop()!;
    assert.equal(serve, "workerd serve config.capnp");
    for (const c of cmds) {
      const r = spawnSync("bash", ["-c", c], {
        cwd: dir,
        env: {
          ...env(),
          PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
        },
        encoding: "utf8",
      });
      assert.equal(r.status, 0, `README.md:${sh.line}: ${c}\n${r.stderr}`);
    }
    const wd = spawn(bin("workerd"), ["serve", "config.capnp"], { cwd: dir });
    let log = "";
    wd.stdout.on("data", (d) => (log += d));
    wd.stderr.on("data", (d) => (log += d));
    try {
      const res = await poll(
        `http://127.0.0.1:${port}/?n=1000`,
        () => wd.exitCode === null,
      );
      assert.equal(res.status, 200, log);
      const got = await res.json() as { mean: number; backend: string };
      assert.equal(got.backend, "wasm");
      const rp = await import("../mod.ts");
      const want =
        (rp.defaultRng(0).standardNormal(1000) as import("../mod.ts").NDArray)
          .mean() as number;
      assert.ok(Math.abs(got.mean - want) <= 1e-12, `${got.mean} vs ${want}`);
    } finally {
      await stop(wd);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("README: shell commands name files that exist; the test command is scripts/test.sh's", async () => {
  const testSh = await readFile(join(root, "scripts", "test.sh"), "utf8");
  const flags = /TEST_FLAGS=\(([^)]*)\)/.exec(testSh)![1]!.trim().split(/\s+/);
  let denoTest = 0;
  for (const b of blocks.filter((x) => x.lang === "sh" && x.tag === "")) {
    for (const raw of b.code.split("\n")) {
      const cmd = raw.replace(/#.*$/, "").trim();
      if (cmd === "") continue;
      for (const tok of cmd.split(/\s+/)) {
        if (/^(scripts|bench|tests|rust|examples|docs)\/\S*$/.test(tok)) {
          await stat(join(root, tok)); // throws ENOENT for a stale path
        }
      }
      if (/deno test /.test(cmd)) {
        denoTest++;
        for (const f of flags) {
          assert.ok(cmd.includes(f), `README.md:${b.line}: ${cmd} lacks ${f}`);
        }
      }
    }
  }
  assert.ok(denoTest >= 1, "README shows no deno test command");
  assert.match(readme, /bash scripts\/test\.sh/);
});
