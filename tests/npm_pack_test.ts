/**
 * The npm packages (scripts/npm_pack.ts, `npm pack --dry-run`): the main
 * package holds the compiled modules (.js, .d.ts, maps), the wasm backend, the edge entry and
 * the manifest (no tests, builds, benchmarks or caches); each platform
 * package holds only its library and is restricted by os/cpu/libc; and the
 * loader finds an installed platform package before any download.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  libraryFileName,
  loadLibrary,
  platformPackageSource,
} from "../ffi/load.ts";
import { platformKey } from "../ffi/fetch.ts";
import { runtime, test } from "./_shim.ts";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const localLib = join(root, "rust", "target", "release", libraryFileName());

test("npm pack: the main and platform packages contain the right files", async () => {
  const tmp = await mkdtemp(join(tmpdir(), "raptors-npm-"));
  try {
    const dist = join(tmp, "dist");
    await mkdir(dist);
    await copyFile(localLib, join(dist, "libraptors-linux-x64-gnu.so"));
    const deno = runtime === "deno"
      ? (globalThis as unknown as { Deno: { execPath(): string } }).Deno
        .execPath()
      : join(root, "node_modules", ".bin", "deno");
    const r = spawnSync(deno, [
      "run",
      "-A",
      join(root, "scripts", "npm_pack.ts"),
    ], {
      env: {
        ...process.env,
        RAPTORS_DIST: dist,
        RAPTORS_NPM_OUT: join(tmp, "npm"),
      },
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const files = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<
      string,
      string[]
    >;
    const main = files["raptors"]!;
    for (
      const f of [
        "mod.js",
        "mod.d.ts",
        "mod.js.map",
        "edge.js",
        "edge.d.ts",
        "edge_init.js",
        "edge_gemm.js",
        "ffi/load.js",
        "ffi/load.d.ts",
        "ffi/fetch.js",
        "ffi/manifest.json",
        "ffi/wasm.js",
        "ffi/wasm_threads.js",
        "src/core/ndarray.js",
        "src/core/ndarray.d.ts",
        "src/flat/ops.js",
        "src/flat/ops.d.ts",
        "wasm/raptors.wasm",
        "wasm/gemm_relaxed.wasm",
        "package.json",
        "README.md",
      ]
    ) {
      assert.ok(main.includes(f), `raptors package lacks ${f}`);
    }
    for (const f of main) {
      assert.doesNotMatch(
        f,
        /^(tests|bench|scripts|rust|docs|examples|dist|node_modules|\.cache|\.ci)\//,
        f,
      );
      // compiled: no TypeScript source (Node and Deno's npm: strip no types)
      assert.match(
        f,
        /(\.js|\.d\.ts|\.js\.map|\.json|\.wasm|\.md)$/,
        `unexpected file ${f}`,
      );
      // (the edge entry files are plain JavaScript, copied as they are)
      if (f.endsWith(".js") && !f.startsWith("edge")) {
        assert.ok(main.includes(`${f}.map`), `${f} has no source map`);
        assert.ok(
          main.includes(f.replace(/\.js$/, ".d.ts")),
          `${f} has no declarations`,
        );
      }
    }
    const edge = await readFile(join(tmp, "npm", "raptors", "edge.js"), "utf8");
    assert.match(edge, /"\.\/mod\.js"/);
    const mod = await readFile(join(tmp, "npm", "raptors", "mod.js"), "utf8");
    assert.doesNotMatch(
      mod,
      /from "\.[^"]*\.ts"/,
      "a .ts import left in mod.js",
    );
    assert.deepEqual(files["@raptors/linux-x64-gnu"], [
      "libraptors.so",
      "package.json",
    ]);
    const pj = JSON.parse(
      await readFile(join(tmp, "npm", "linux-x64-gnu", "package.json"), "utf8"),
    );
    assert.deepEqual([pj.os, pj.cpu, pj.libc], [["linux"], ["x64"], ["glibc"]]);
    const mj = JSON.parse(
      await readFile(join(tmp, "npm", "raptors", "package.json"), "utf8"),
    );
    // exactly the platform packages staged with it (one here), so npm and
    // bun never ask the registry for a package that was not published
    assert.deepEqual(mj.optionalDependencies, {
      "@raptors/linux-x64-gnu": mj.version,
    });
    assert.equal(mj.exports["."].types, "./mod.d.ts");
    assert.equal(mj.exports["."].default, "./mod.js");
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test("the loader finds an installed @raptors/<platform> package", async () => {
  const tmp = await mkdtemp(join(tmpdir(), "raptors-pp-"));
  try {
    // not installed: no path (another tree: Bun's resolver caches misses
    // of every directory it walked through)
    const other = await mkdtemp(join(tmpdir(), "raptors-none-"));
    const none = pathToFileURL(join(other, "app.js")).href;
    assert.equal(await platformPackageSource(none).path(), undefined);
    await rm(other, { recursive: true, force: true });
    const from = pathToFileURL(join(tmp, "app.js")).href;
    const pkg = join(tmp, "node_modules", "@raptors", platformKey());
    await mkdir(pkg, { recursive: true });
    await writeFile(
      join(pkg, "package.json"),
      JSON.stringify({ name: `@raptors/${platformKey()}`, version: "0.1.0" }),
    );
    await copyFile(localLib, join(pkg, libraryFileName()));
    const src = platformPackageSource(from);
    assert.equal(await src.path(), join(pkg, libraryFileName()));
    const lib = await loadLibrary([src]);
    assert.equal(lib.source, "npm platform package");
    assert.ok(lib.symbols.rp_abi_version() > 0);
    lib.close();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
