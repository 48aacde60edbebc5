/**
 * The edge build: examples/edge_worker.ts, bundled by esbuild behind
 * edge_init.js (the WebAssembly module compiled at build time, as edge
 * platforms require), served by workerd (Cloudflare's runtime, from npm)
 * on loopback, answering real HTTP requests. Its answers must equal what
 * this process computes (native or wasm backend) for the same inputs.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const bin = (name: string) => join(root, "node_modules", ".bin", name);

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args);
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on(
      "close",
      (code) =>
        code === 0
          ? resolve(out)
          : reject(new Error(`${cmd} exited ${code}: ${out}`)),
    );
  });
}

const freePort = () =>
  new Promise<number>((r) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => r(p));
    });
  });

/**
 * Bundles the example worker (with the relaxed-SIMD side module registered
 * through edge_gemm.js when `gemm`), serves it in workerd and checks its
 * answers.
 */
async function edgeWorker(gemm: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "raptors-edge-"));
  try {
    const entry = join(dir, "entry.js");
    await writeFile(
      entry,
      (gemm ? `import ${JSON.stringify(join(root, "edge_gemm.js"))};\n` : "") +
        `import ${JSON.stringify(join(root, "edge_init.js"))};\n` +
        `export { default } from ${
          JSON.stringify(join(root, "examples", "edge_worker.ts"))
        };\n`,
    );
    await run(bin("esbuild"), [
      entry,
      "--bundle",
      "--format=esm",
      "--platform=neutral",
      "--external:raptors.wasm",
      "--external:gemm_relaxed.wasm",
      "--external:node:*",
      `--outfile=${join(dir, "worker.js")}`,
      "--log-level=warning",
    ]);
    const bundle = await readFile(join(dir, "worker.js"), "utf8");
    // no static import of node: or bun: modules: loading the bundle never
    // touches the file system or FFI (those paths are behind runtime checks)
    assert.doesNotMatch(bundle, /^import[^;]*from\s*["'](node|bun):/m);
    assert.match(bundle, /from\s*["']raptors\.wasm["']/);
    for (const f of ["raptors.wasm", "gemm_relaxed.wasm"]) {
      await copyFile(join(root, "wasm", f), join(dir, f));
    }
    const port = await freePort();
    await writeFile(
      join(dir, "config.capnp"),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "raptors.wasm", wasm = embed "raptors.wasm"),${
        gemm
          ? `\n    (name = "gemm_relaxed.wasm", wasm = embed "gemm_relaxed.wasm"),`
          : ""
      }
  ],
  compatibilityDate = "2024-09-23",
);
`,
    );
    const wd = spawn(bin("workerd"), ["serve", join(dir, "config.capnp")]);
    let log = "";
    wd.stdout.on("data", (d) => (log += d));
    wd.stderr.on("data", (d) => (log += d));
    try {
      const base = `http://127.0.0.1:${port}`;
      let res: Response | undefined;
      for (let i = 0; i < 200 && !res; i++) {
        try {
          res = await fetch(`${base}/backend`);
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      assert.ok(res, `workerd did not start: ${log}`);
      assert.deepEqual(await res.json(), {
        name: "wasm",
        source: "wasm",
        simd: gemm ? "relaxed-simd" : "simd128",
        threads: 1, // no worker threads on edge
      });

      const st = await (await fetch(`${base}/stats?n=5000&seed=7`)).json();
      const x = rp.defaultRng(7).standardNormal(5000) as rp.NDArray;
      const close = (a: number, b: number, what: string) =>
        assert.ok(
          Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)),
          `${what}: ${a} vs ${b}`,
        );
      close(st.sum, Number(x.sum()), "sum");
      close(st.mean, Number(x.mean()), "mean");
      close(st.std, Number(x.std()), "std");
      close(st.median, Number(rp.median(x)), "median");
      close(st.p90, Number(rp.percentile(x, 90)), "p90");

      const a = [[1.5, 2, 3], [4, 5, -6]], b = [[7, 8], [9, 10.25], [11, 12]];
      const mm = await fetch(`${base}/matmul`, {
        method: "POST",
        body: JSON.stringify({ a, b }),
      });
      assert.deepEqual(await mm.json(), rp.matmul(a, b).tolist());
      assert.equal(mm.status, 200);
      // a product spanning several micro-tiles, within rounding
      const g = rp.defaultRng(5);
      const big = [
        g.standardNormal([12, 40]) as rp.NDArray,
        g.standardNormal([40, 9]) as rp.NDArray,
      ];
      const got = await (await fetch(`${base}/matmul`, {
        method: "POST",
        body: JSON.stringify({ a: big[0]!.tolist(), b: big[1]!.tolist() }),
      })).json() as number[][];
      const want = rp.matmul(big[0]!, big[1]!).tolist() as number[][];
      want.forEach((row, i) =>
        row.forEach((v, j) => close(got[i]![j]!, v, `matmul[${i}][${j}]`))
      );

      const so = await (await fetch(`${base}/sort?n=1000`)).json();
      const s = rp.sort(rp.defaultRng(1).random(1000) as rp.NDArray);
      assert.deepEqual(so.first, s.slice(":3").tolist());
      assert.equal(so.last, s.get(-1));
      assert.equal((await fetch(`${base}/nope`)).status, 404);
    } finally {
      wd.kill("SIGTERM");
      await new Promise((r) => wd.on("close", r));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("edge: the esbuild bundle answers correctly in workerd (wasm backend, SIMD128 GEMM)", () =>
  edgeWorker(false));

test("edge: with edge_gemm.js the bundle runs the relaxed-SIMD GEMM kernels in workerd", () =>
  edgeWorker(true));
