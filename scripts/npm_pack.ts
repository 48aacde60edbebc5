/**
 * Stages the npm packages in dist/npm/ and prints what `npm pack` would put
 * in each (JSON): `raptors` (the TypeScript sources Bun runs directly, the
 * WebAssembly backend, the edge entry and the shipped SHA-256 manifest;
 * `optionalDependencies` on one package per platform) and
 * `@raptors/<platform>` for each prebuilt binary in dist/v<version>/ (with
 * `os`/`cpu`/`libc`, so npm and bun install only the matching one). The
 * loader looks for that package first and downloads only without it.
 *
 *     deno run -A scripts/npm_pack.ts [--pack]   # --pack writes the .tgz files
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const deno = JSON.parse(await readFile(join(root, "deno.json"), "utf8"));
const version: string = deno.version;
const out = Deno.env.get("RAPTORS_NPM_OUT") ?? join(root, "dist", "npm");
await rm(out, { recursive: true, force: true });

/** key -> [os, cpu, libc?, library file] as the release matrix names them. */
const PLATFORMS: Record<string, [string, string, string | null, string]> = {
  "linux-x64-gnu": ["linux", "x64", "glibc", "libraptors.so"],
  "linux-arm64-gnu": ["linux", "arm64", "glibc", "libraptors.so"],
  "linux-x64-musl": ["linux", "x64", "musl", "libraptors.so"],
  "linux-arm64-musl": ["linux", "arm64", "musl", "libraptors.so"],
  "darwin-x64": ["darwin", "x64", null, "libraptors.dylib"],
  "darwin-arm64": ["darwin", "arm64", null, "libraptors.dylib"],
  "windows-x64": ["win32", "x64", null, "raptors.dll"],
};

const main = join(out, "raptors");
await mkdir(main, { recursive: true });
for (
  const f of ["mod.ts", "edge.js", "edge_init.js", "edge_gemm.js", "README.md"]
) {
  await cp(join(root, f), join(main, f));
}
for (const d of ["src", "ffi"]) {
  await cp(join(root, d), join(main, d), { recursive: true });
}
await mkdir(join(main, "wasm"));
for (const f of ["raptors.wasm", "gemm_relaxed.wasm"]) {
  await cp(join(root, "wasm", f), join(main, "wasm", f));
}
await writeFile(
  join(main, "package.json"),
  JSON.stringify(
    {
      name: "raptors",
      version,
      description:
        "NumPy-style array compute engine for Bun and Deno with a Rust core",
      license: deno.license,
      type: "module",
      exports: {
        ".": "./mod.ts",
        "./ops": "./src/ops.ts",
        "./edge": "./edge.js",
      },
      files: [
        "mod.ts",
        "edge.js",
        "edge_init.js",
        "edge_gemm.js",
        "src/",
        "ffi/",
        "wasm/",
      ],
      optionalDependencies: Object.fromEntries(
        Object.keys(PLATFORMS).map((k) => [`@raptors/${k}`, version]),
      ),
    },
    null,
    2,
  ) + "\n",
);

// the release directory (scripts/release.sh), or RAPTORS_DIST for tests
const dist = Deno.env.get("RAPTORS_DIST") ?? join(root, "dist", `v${version}`);
const built = new Set(await readdir(dist).catch(() => [] as string[]));
const staged = [main];
for (const [key, [os, cpu, libc, lib]] of Object.entries(PLATFORMS)) {
  const asset = `${lib.startsWith("lib") ? "libraptors" : "raptors"}-${key}${
    lib.slice(lib.indexOf("."))
  }`;
  if (!built.has(asset)) continue; // built by its own release runner
  const dir = join(out, key);
  await mkdir(dir, { recursive: true });
  await cp(join(dist, asset), join(dir, lib));
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify(
      {
        name: `@raptors/${key}`,
        version,
        description: `raptors' native library for ${key}`,
        license: deno.license,
        os: [os],
        cpu: [cpu],
        ...(libc ? { libc: [libc] } : {}),
        files: [lib],
      },
      null,
      2,
    ) + "\n",
  );
  staged.push(dir);
}

const pack = Deno.args.includes("--pack");
const report: Record<string, string[]> = {};
for (const dir of staged) {
  const r = spawnSync(
    "npm",
    [
      "pack",
      "--json",
      ...(pack ? [] : ["--dry-run"]),
      "--pack-destination",
      out,
    ],
    { cwd: dir, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`npm pack in ${dir}: ${r.stderr}`);
  const info = JSON.parse(r.stdout)[0];
  report[info.name] = info.files.map((f: { path: string }) => f.path).sort();
}
console.log(JSON.stringify(report));
